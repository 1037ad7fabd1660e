"""The errors papercast raises: few, typed, and written for the person who has to act.

Every error carries a ``message`` (what is wrong) and a ``hint`` (what to do about
it). One edge per surface turns them into text: the CLI prints them, the Slack
layer posts them in the episode thread. Nothing else catches them.
"""

from __future__ import annotations

from workflows.people import Message, Notice, as_notice


class PapercastError(Exception):
    """Base class: something a person can understand and act on."""

    #: Short machine-readable kind, used in JSON output and tests.
    kind: str = "error"
    #: Whether running the same step again may succeed without a human fixing anything.
    retryable: bool = False

    def __init__(self, message: Message, hint: str = "") -> None:
        #: The message in structured terms (a person named in it is a Mention), for a surface that renders them.
        self.said = as_notice(message)
        self.message = str(message)
        super().__init__(self.message)
        self.hint = hint

    def for_people(self) -> str:
        """The full text shown to a person: what is wrong, then what to do."""
        return f"{self.message} {self.hint}".strip()

    def notice(self) -> Notice:
        """:meth:`for_people` as a Notice (people as mentions), for the Slack layer's error edge to render."""
        return Notice.of(self.said, " " if self.hint and self.said.parts else "", self.hint)


class ConfigError(PapercastError):
    """The configuration is invalid or lacks a value the chosen mode needs."""

    kind = "config"


class NeedsKey(ConfigError):
    """A secret that the configured backend needs is not set."""

    kind = "needs_key"

    def __init__(self, variable: str, why: str) -> None:
        super().__init__(
            f"{variable} is not set, and {why} needs it.",
            f"Set it in the environment (export {variable}=...) or choose another backend in papercast.toml.",
        )
        self.variable = variable


# --- the episode state machine -------------------------------------------------


class TransitionNotAllowed(PapercastError):
    """The episode is not in a state from which this transition may start."""

    kind = "transition_not_allowed"


class ConcurrentTransition(PapercastError):
    """Someone else changed the episode first: this transition lost the race."""

    kind = "concurrent_transition"

    def __init__(self, message: str, current_state: str, current_version: int, last_move=None) -> None:
        super().__init__(message, "Reload the episode to see what changed.")
        self.current_state = current_state
        self.current_version = current_version
        #: The audit row (``workflows.store.records.AuditRow``) of the move that won, if any.
        self.last_move = last_move

    @property
    def winner(self) -> str | None:
        """``"approve by U1 at 2026-…"``: the winning move in one line."""
        m = self.last_move
        return f"{m.transition} by {m.actor} at {m.at.isoformat()}" if m else None


class EpisodeNotFound(PapercastError):
    kind = "episode_not_found"


class NotAllowed(PapercastError):
    """The person asking is not allowed to do this (not a reviewer, not the owner)."""

    kind = "not_allowed"


# --- stages -----------------------------------------------------------------------


class IntakeError(PapercastError):
    """The dropped file cannot become an episode. Subclasses name the reason."""

    kind = "intake"


class ScriptError(PapercastError):
    """The script writer failed or returned something unusable."""

    kind = "script"


class AudioError(PapercastError):
    """Speech synthesis or audio assembly failed."""

    kind = "audio"


class PublishError(PapercastError):
    """Copying, committing or pushing to the website repository failed."""

    kind = "publish"


class StepFailed(PapercastError):
    """A step raised something that is not a PapercastError: a bug or an outage."""

    kind = "step_failed"
    retryable = True


class StorageUnavailable(PapercastError):
    """The data directory or the database cannot be written: disk full, read-only, no permission, unreachable."""

    kind = "storage_unavailable"
    retryable = True
    #: "disk_full" | "read_only" | "permission" | "unreachable"
    reason: str = "unreachable"


_DISK_FULL = ("database or disk is full", "no space left on device", "disk full", "could not extend file",
              "diskfull")
_READ_ONLY = ("readonly database", "read-only file system", "read only file system", "attempt to write a readonly")
_PERMISSION = ("permission denied", "unable to open database file", "operation not permitted")
_UNREACHABLE = ("connection refused", "could not connect", "server closed the connection", "terminating connection",
                "connection is closed", "the connection is lost", "consuming input failed", "timeout expired")


def storage_error(error: BaseException, where: str | None = None) -> StorageUnavailable | None:
    """The same failure in words for people, when ``error`` says the store or the disk cannot be used; else None.

    Recognises ``OSError`` by errno and database errors (SQLite, PostgreSQL) by their message,
    so every surface (CLI, Slack replies, the scheduler's logs) says the same thing.
    """
    import errno

    text = str(error).lower()
    code = getattr(error, "errno", None)
    filename = getattr(error, "filename", None)
    place = f" ({where})" if where else (f" ({filename})" if filename else "")
    if code == errno.ENOSPC or any(n in text for n in _DISK_FULL):
        reason, message, hint = ("disk_full", f"The disk of papercast's data directory is full{place}.",
                                 "Free some space or move PAPERCAST_DATA_DIR to a bigger disk; a running papercast carries on by itself once it can write again.")
    elif code == errno.EROFS or any(n in text for n in _READ_ONLY):
        reason, message, hint = ("read_only", f"papercast's data directory is read-only{place}.",
                                 "Point PAPERCAST_DATA_DIR at a writable directory, or remount it read-write.")
    elif code in (errno.EACCES, errno.EPERM) or any(n in text for n in _PERMISSION):
        reason, message, hint = ("permission", f"papercast may not write in its data directory{place}.",
                                 "Give the user running papercast write access to PAPERCAST_DATA_DIR, or point it elsewhere.")
    elif any(n in text for n in _UNREACHABLE):
        reason, message, hint = ("unreachable", f"papercast's database cannot be reached{place}.",
                                 "Check DATABASE_URL and that the database server is running; papercast retries by itself.")
    else:
        return None
    out = StorageUnavailable(message, hint)
    out.reason = reason
    return out
