"""The automatic steps, wired to the stages: extract, draft, submit, render, publish.

Each step is small: it gathers its inputs from the store, calls its stage, and
returns the transition to commit. The step runner (``workflows/runner.py``)
decides when they run; the state table (``workflows/states.py``) decides which.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from workflows import failpoints
from workflows.intake.paper import Paper
from workflows.people import Icon, Notice, Strong
from workflows.runner import StepContext, StepResult, StepRunner
from workflows.script.model import Finding, Script
from workflows.services import Services

if TYPE_CHECKING:
    from workflows.script.writers import ScriptWriter

log = logging.getLogger(__name__)


def extract_step(ctx: StepContext) -> StepResult:
    from workflows.intake.download import download_slack_file, size_limit
    from workflows.intake.extract import extract_in_worker

    svc: Services = ctx.services
    ep = ctx.episode
    source = ep.facts.source
    local = svc.data_dir / "incoming" / f"{ep.id}.pdf"
    if not local.exists():  # the download writes the whole file or nothing, so a file here is complete
        download_slack_file(source.url_private_download or "", svc.file_token, local,
                            allowed_hosts=svc.file_hosts, max_bytes=size_limit(svc.show.intake))
    pdf = svc.artifacts.put_file(local, kind="pdf", media_type="application/pdf",
                                 filename=source.name or "paper.pdf")
    original = svc.store.find_by_pdf(pdf.sha256, excluding=ep.id)
    if original is not None:
        ctx.once("duplicate-notice", lambda: svc.people.say(ep.id, Notice.of(
            "This PDF is already episode ", Strong(original.title or original.id), f" ({original.state.value}); "
            "follow it there. Nothing new was started.")))
        return StepResult("mark_duplicate", reason=f"same PDF as {original.id}",
                          updates={"pdf_sha256": pdf.sha256, "duplicate_of": original.id, "title": original.title})
    paper = extract_in_worker(svc.artifacts.path(pdf), svc.show.intake, show_language=svc.show.language)
    for warning in paper.warnings:
        def tell(w: str = warning) -> None:
            svc.people.say(ep.id, Notice.of(w, icon=Icon.INFO))

        ctx.once(f"warning:{warning}", tell)
    return StepResult("extract", reason=f"{paper.page_count} pages, {paper.word_count} words",
                      updates={"title": paper.title, "pdf_sha256": pdf.sha256},
                      paper=paper.model_dump(mode="json"), artifacts=[pdf])


def writer_for(svc: Services) -> ScriptWriter:
    """The writer ``writer.backend`` names (a test registers its fake and names it there)."""
    from workflows.script.writers import choose_writer

    return choose_writer(svc.settings)


def check_version(svc: Services, episode_id: str, script: Script) -> list[Finding]:
    from workflows.script.checks import check_script

    paper = Paper.model_validate(svc.store.paper(episode_id))
    episode = svc.store.get(episode_id)
    return check_script(script, paper, svc.show, episode.target_minutes or svc.show.writer.target_minutes)


def draft_step(ctx: StepContext) -> StepResult:
    from workflows.script.draft import draft_script

    svc: Services = ctx.services
    ep = ctx.episode
    paper = Paper.model_validate(svc.store.paper(ep.id))
    previous = notes = None
    if ep.state.value == "changes_requested":
        latest = svc.store.latest_script(ep.id)
        previous = Script.model_validate(latest.script) if latest else None
        notes = ep.facts.review_notes
    writer = writer_for(svc)
    draft = draft_script(paper, svc.settings, writer=writer, target_minutes=ep.target_minutes,
                         previous=previous, notes=notes)
    return StepResult(
        "draft", reason=f"{writer.id} wrote {draft.script.word_count} words",
        script={"author": "papercast", "writer": draft.script.writer or writer.id,
                "script": draft.script.model_dump(mode="json"),
                "findings": [f.model_dump(mode="json") for f in draft.findings],
                "usage": draft.usage.model_dump(mode="json"), "notes": notes or ""},
    )


def submit_step(ctx: StepContext) -> StepResult:
    version = ctx.store.current_script(ctx.episode.id).version
    ctx.once(f"review-posted:v{version}", lambda: ctx.people.ask_review(ctx.episode.id, version))
    return StepResult("submit", reason=f"script version {version} posted for review")


def render_step(ctx: StepContext) -> StepResult:
    from workflows.audio.render import render_in_worker

    svc: Services = ctx.services
    ep = ctx.episode
    script = Script.model_validate(svc.store.current_script(ep.id).script)
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if 2 * done >= total:
            failpoints.reach("render.mid")
        now = time.monotonic()
        if done == total or now - last[0] > 2.0:  # the card is updated every 2 s at most
            last[0] = now
            svc.store.update_facts(ep.id, render_progress=(done, total))
            svc.people.status(ep.id)

    paper = svc.store.paper(ep.id)
    result = render_in_worker(script, svc.show, svc.settings.env, out_dir=svc.data_dir / "render" / ep.id,
                              cache_dir=svc.data_dir / "speech-cache", progress=progress, store=svc.artifacts,
                              paper=Paper.model_validate(paper) if paper else None)
    return StepResult(
        "render", reason=f"{result.duration_seconds:.0f} s of audio at {result.loudness_lufs:.1f} LUFS",
        artifacts=[result.audio, result.transcript, result.notes],
        facts={"loudness_lufs": round(result.loudness_lufs, 2), "true_peak_dbtp": round(result.true_peak_dbtp, 2),
               "render_progress": None},
    )


def publish_step(ctx: StepContext) -> StepResult:
    from workflows.ship.publish import publish_step as ship_publish

    svc: Services = ctx.services
    ctx.once("audio-shared", lambda: svc.people.share_audio(ctx.episode.id))
    result = ship_publish(ctx)
    followups = svc.followups
    if followups is not None:
        result.then = lambda ep: followups.schedule_after_publish(ep.id)
    return result


def build_steps() -> dict:
    return {"extract": extract_step, "draft": draft_step, "submit": submit_step,
            "render": render_step, "publish": publish_step}


def start(svc: Services, *, workers: int | None = None, sweep: bool = True) -> StepRunner:
    """Create the runner, attach it to the services, and keep sweeping for unfinished episodes.

    ``sweep=False`` (tests that drive the runner themselves) resumes nothing by itself.
    """
    config = svc.show.runner
    svc.runner = StepRunner(svc.store, build_steps(), svc.people, svc, workers=workers or config.workers,
                            lease_seconds=config.lease_seconds, sweep_seconds=config.sweep_seconds, clock=svc.clock)
    if sweep:
        svc.runner.start_sweeping()
    return svc.runner
