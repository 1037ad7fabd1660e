"""Intake: download a dropped PDF, check it, and extract it into a :class:`Paper`.

Public API::

    download_slack_file(url, token, dest, *, allowed_hosts, max_bytes, client=None, timeout=30) -> Path
    check_download(path) -> None
    size_limit(intake) -> int
    extract_paper(pdf, intake, *, show_language=None) -> Paper
    extract_in_worker(pdf, intake, *, show_language=None) -> Paper   (the same, in a worker process: what the bot uses)
    detect_language(text) -> str                  (workflows.intake.language)
    coverage(paper, used_section_titles, *, quotes=()) -> Coverage   (workflows.intake.coverage)
    write_sample_paper(path) -> Path

Every refusal is a subclass of :class:`workflows.errors.IntakeError`, listed in
:mod:`workflows.intake.errors`.
"""
