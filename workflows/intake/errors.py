"""Why a dropped file cannot become an episode: one error class per reason.

Each class has a stable ``kind`` (for tests, JSON and the Slack reply) and builds its
own message (what is wrong) and hint (what the person should do). None of them
ever includes a token: callers pass only hosts, sizes and counts.
"""

from __future__ import annotations

from workflows.errors import IntakeError


def _mb(n_bytes: int | float) -> str:
    return f"{n_bytes / 1_048_576:.1f} MB"


# --- downloading ------------------------------------------------------------------


class HostNotAllowed(IntakeError):
    """The file URL points somewhere papercast does not fetch from."""

    kind = "host_not_allowed"

    def __init__(self, host: str, scheme: str, allowed: set[str]) -> None:
        super().__init__(
            f"papercast does not download files from {scheme}://{host or '(no host)'}; it only fetches over https from {', '.join(sorted(allowed)) or 'no host at all'}.",
            "Upload the PDF to the channel itself instead of linking it, or add the host to the Slack base URL setting if it really is your Slack.",
        )
        self.host = host


class DownloadFailed(IntakeError):
    """Slack answered the download with a status that is not 2xx."""

    kind = "download_failed"

    def __init__(self, status: int, host: str) -> None:
        if status in (401, 403):
            hint = "Check that the bot token is valid and the app has the files:read scope, then drop the file again."
        elif status == 404:
            hint = "The file may have been deleted; upload it again."
        else:
            hint = "This is usually temporary: try again in a minute."
        super().__init__(f"Downloading the file from {host} failed with HTTP {status}.", hint)
        self.status = status
        self.retryable = status == 429 or status >= 500


class DownloadUnreachable(IntakeError):
    """The network failed before the whole file arrived."""

    kind = "download_unreachable"
    retryable = True

    def __init__(self, host: str, detail: str) -> None:
        super().__init__(
            f"Could not download the file from {host}: {detail}.",
            "Check the network connection to Slack and try again.",
        )


class DownloadTimedOut(DownloadUnreachable):
    kind = "download_timeout"

    def __init__(self, host: str, seconds: float) -> None:
        IntakeError.__init__(
            self,
            f"Downloading the file from {host} took longer than {seconds:g} seconds.",
            "Slack or the network is slow right now: try again in a minute.",
        )


class LoginPageNotFile(IntakeError):
    """Slack sends its HTML sign-in page (with HTTP 200) when the token is missing or wrong."""

    kind = "login_page"

    def __init__(self) -> None:
        super().__init__(
            "Instead of the PDF, Slack sent back a web page (its sign-in page), so the bot could not read the file.",
            "Check that SLACK_BOT_TOKEN is the bot token of this app and that the app has the files:read scope, then drop the file again.",
        )


class NotAPdf(IntakeError):
    kind = "not_pdf"

    def __init__(self, what: str = "") -> None:
        super().__init__(
            f"This file is not a PDF{f' ({what})' if what else ''}: it does not start with the %PDF- marker that every PDF has.",
            "Export or download the paper as a PDF (on arXiv, use the 'View PDF' link) and drop that file.",
        )


class EmptyFile(IntakeError):
    kind = "empty_file"

    def __init__(self) -> None:
        super().__init__("The file is empty (0 bytes).", "Upload the PDF again; the upload may have been interrupted.")


class FileTooLarge(IntakeError):
    kind = "too_large"

    def __init__(self, max_bytes: int, size: int | None = None) -> None:
        size_text = f"is {_mb(size)}" if size is not None else "is bigger than that"
        super().__init__(
            f"The file {size_text}; papercast accepts PDFs up to {_mb(max_bytes)}.",
            "Drop a smaller PDF (without supplementary material), or raise intake.max_megabytes in the show file.",
        )
        self.max_bytes = max_bytes


# --- reading the PDF ----------------------------------------------------------------


class DamagedPdf(IntakeError):
    kind = "damaged_pdf"

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"The PDF is damaged and cannot be read: {detail}.",
            "Download the paper again from its source (the file may have been cut off) and drop the new copy.",
        )


class ReaderFailed(IntakeError):
    """The PDF reader crashed, died or ran out of time on this file (in its worker process)."""

    kind = "reader_failed"

    def __init__(self, what: str) -> None:
        super().__init__(
            f"papercast could not read this PDF: the PDF reader {what}.",
            "The file may be damaged or unusually built: open it, print or export it to a new PDF and drop that copy. "
            "If it is simply very large, drop it without its appendices or raise intake.read_timeout_seconds in the show file.",
        )


class PasswordProtected(IntakeError):
    kind = "password_protected"

    def __init__(self) -> None:
        super().__init__(
            "The PDF is protected by a password, so papercast cannot read it.",
            "Remove the password (e.g. print it to a new PDF) or drop an unprotected copy of the paper.",
        )


class NoExtractableText(IntakeError):
    kind = "no_text"

    def __init__(self, page_count: int) -> None:
        super().__init__(
            f"The PDF has {page_count} page{'s' if page_count != 1 else ''} but no text that can be read: it looks like scanned images.",
            "Drop a PDF with real text (the publisher's or arXiv's version), or run it through OCR first.",
        )


class TooManyPages(IntakeError):
    kind = "too_many_pages"

    def __init__(self, page_count: int, max_pages: int) -> None:
        super().__init__(
            f"The PDF has {page_count} pages; papercast takes papers of up to {max_pages} pages.",
            "Drop the paper without its appendices or supplementary material, or raise intake.max_pages in the show file.",
        )


class TooLittleText(IntakeError):
    kind = "too_little_text"

    def __init__(self, words: int, min_words: int) -> None:
        super().__init__(
            f"The PDF has only {words} words of body text; an episode needs at least {min_words}.",
            "Drop the full paper rather than an abstract, poster or slide deck.",
        )


class WrongLanguage(IntakeError):
    """The paper is written in another language than the show's."""

    kind = "wrong_language"

    def __init__(self, detected: str, show_language: str) -> None:
        from workflows.intake.language import language_name

        super().__init__(
            f"This paper is written in {language_name(detected)} ({detected}), but the show is in "
            f"{language_name(show_language)} ({show_language}), so papercast did not start an episode.",
            f'Drop a paper in {language_name(show_language)}, or set `language = "{detected}"` in the show file '
            f"(papercast.toml) for a {language_name(detected)} show; to take papers in any language, set "
            "`allow_other_languages = true` under [intake].",
        )
        self.detected = detected
        self.show_language = show_language
