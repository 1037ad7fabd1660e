"""Files that cannot become an episode are refused with a typed error and a helpful message."""

from __future__ import annotations

import pytest

from tests import pdfs
from workflows.errors import IntakeError
from workflows.intake import errors
from workflows.intake.extract import extract_in_worker, extract_paper
from workflows.settings import Intake

CASES = [
    (pdfs.image_only_pdf, errors.NoExtractableText, "no_text"),
    (pdfs.encrypted_pdf, errors.PasswordProtected, "password_protected"),
    (pdfs.truncated_pdf, errors.DamagedPdf, "damaged_pdf"),
    (pdfs.zero_byte_pdf, errors.EmptyFile, "empty_file"),
    (pdfs.html_login_page, errors.NotAPdf, "not_pdf"),
]


@pytest.mark.parametrize(("make", "error", "kind"), CASES, ids=[c[2] for c in CASES])
def test_bad_file_is_refused_with_its_own_kind(tmp_path, make, error, kind):
    """Each kind of bad file raises its own IntakeError subclass, with what is wrong and what to do."""
    pdf = make(tmp_path / "bad.pdf")
    with pytest.raises(error) as caught:
        extract_paper(pdf, Intake())
    err = caught.value
    assert isinstance(err, IntakeError)
    assert err.kind == kind
    assert err.message and err.hint
    assert err.for_people().startswith(err.message)


def test_garbage_after_the_pdf_marker_is_damaged(tmp_path):
    """A file that starts like a PDF but is not one inside is reported as damaged."""
    bad = tmp_path / "fake.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + b"this is not a pdf body\n" * 50 + b"%%EOF\n")
    with pytest.raises(errors.DamagedPdf):
        extract_paper(bad, Intake())


def test_a_zip_named_pdf_is_not_a_pdf(tmp_path):
    """The %PDF- magic decides, not the file name."""
    bad = tmp_path / "paper.pdf"
    bad.write_bytes(b"PK\x03\x04" + b"\0" * 200)
    with pytest.raises(errors.NotAPdf, match="ZIP"):
        extract_paper(bad, Intake())


def test_too_many_pages_is_refused(long_pdf):
    """A PDF over intake.max_pages is refused and the message gives both numbers."""
    with pytest.raises(errors.TooManyPages, match="120 pages.*up to 50 pages"):
        extract_paper(long_pdf, Intake(max_pages=50, long_paper_pages=40))


def test_too_little_text_is_refused(tmp_path):
    """A paper with fewer body words than intake.min_words is refused with the count."""
    pdf = pdfs.one_column_paper(tmp_path / "short.pdf", findings=10)
    with pytest.raises(errors.TooLittleText, match=r"only \d+ words.*at least 5000"):
        extract_paper(pdf, Intake(min_words=5000))


def test_file_over_the_size_limit_is_refused(tmp_path):
    """A PDF bigger than intake.max_megabytes is refused before it is opened."""
    pdf = pdfs.two_column_paper(tmp_path / "two.pdf")
    with pytest.raises(errors.FileTooLarge) as caught:
        extract_paper(pdf, Intake(max_megabytes=0.001))
    assert caught.value.kind == "too_large"


def test_the_bot_reads_pdfs_in_a_worker_with_the_same_result_and_refusals(tmp_path, sample_pdf):
    """``extract_in_worker`` (what the bot uses) gives exactly what ``extract_paper`` gives, refusals included."""
    assert extract_in_worker(sample_pdf, Intake()) == extract_paper(sample_pdf, Intake())
    with pytest.raises(errors.PasswordProtected) as caught:
        extract_in_worker(pdfs.encrypted_pdf(tmp_path / "locked.pdf"), Intake())
    assert caught.value.hint.startswith("Remove the password")


def test_a_pdf_that_takes_too_long_to_read_is_refused_and_the_next_one_is_read(long_pdf, sample_pdf):
    """The reader is stopped at intake.read_timeout_seconds; the refusal says what to do; the bot carries on."""
    with pytest.raises(errors.ReaderFailed) as caught:
        extract_in_worker(long_pdf, Intake(read_timeout_seconds=0.01))
    assert caught.value.message == "papercast could not read this PDF: the PDF reader took longer than 0.01 s and was stopped."
    assert "read_timeout_seconds" in caught.value.hint
    assert extract_in_worker(sample_pdf, Intake()).word_count > 0
