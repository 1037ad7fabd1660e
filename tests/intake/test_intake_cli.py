"""papercast extract, run as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests import pdfs

_PAPERCAST = Path(sys.executable).parent / "papercast"


def _run(pdf: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PAPERCAST_", "ANTHROPIC_"))}
    return subprocess.run([str(_PAPERCAST), "extract", str(pdf)], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_extract_prints_the_paper_as_json(tmp_path, sample_pdf):
    """On a good PDF it prints the Paper as indented JSON on stdout and exits 0."""
    done = _run(sample_pdf, tmp_path)

    assert done.returncode == 0, done.stderr
    paper = json.loads(done.stdout)
    assert paper["title"].startswith("Does It Still Run?")
    assert paper["page_count"] >= 5 and len(paper["sha256"]) == 64
    assert done.stdout.startswith('{\n  "title"')


def test_extract_refuses_a_bad_pdf_on_stderr_with_exit_2(tmp_path):
    """On a refused file it prints what is wrong and what to do on stderr, nothing on stdout, and exits 2."""
    pdf = pdfs.encrypted_pdf(tmp_path / "locked.pdf")
    done = _run(pdf, tmp_path)

    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("papercast: The PDF is protected by a password")
    assert "unprotected copy" in done.stderr
    assert "Traceback" not in done.stderr


def test_extract_uses_the_show_file_limits(tmp_path, sample_pdf):
    """intake limits come from papercast.toml: a tiny max_pages refuses the sample."""
    (tmp_path / "papercast.toml").write_text("[show.intake]\nmax_pages = 2\n", encoding="utf-8")
    done = _run(sample_pdf, tmp_path)

    assert done.returncode == 2
    assert "papercast takes papers of up to 2 pages" in done.stderr


def test_extract_prints_authors_abstract_sections_and_what_was_kept_apart(tmp_path):
    """The JSON has each author with affiliations, the abstract, sections with pages, captions, tables, footnotes."""
    from tests.intake import _layouts

    layout = _layouts.acl_paper(tmp_path / "acl.pdf")
    done = _run(layout.path, tmp_path)

    assert done.returncode == 0, done.stderr
    paper = json.loads(done.stdout)
    assert paper["authors"] == layout.authors
    assert paper["author_details"][3] == {"name": "Daniel S. Weld", "affiliations": ["Allen Institute for AI", "University of Washington"]}
    assert paper["abstract"] == layout.abstract and paper["language"] == "en"
    assert paper["sections"][2]["heading"] == "3 The LONGEVAL guidelines for faithful human evaluation"
    assert {"first_page", "last_page"} <= set(paper["sections"][0])
    assert paper["captions"][0]["text"] == _layouts.FIG and paper["tables"][0]["caption"] == _layouts.TAB
    assert any(_layouts.URL1 in f["text"] for f in paper["footnotes"])
    assert any("Proceedings of the 61st" in f["text"] for f in paper["front_matter"])


def test_extract_refuses_a_paper_in_another_language_than_the_show(tmp_path):
    """With the show in English (the default), a German paper is refused on stderr with how to change the language."""
    from tests.intake import _layouts

    done = _run(_layouts.german_paper(tmp_path / "de.pdf").path, tmp_path)

    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("papercast: This paper is written in German (de), but the show is in English (en)")
    assert 'language = "de"' in done.stderr
