"""papercast demo --auto: one episode from PDF to live site through the whole stack, no browser.

A scripted reviewer (Rita) approves in the local workspace and names the owner
(Omar); the bot renders, publishes and verifies exactly as it would for people.
Prints one JSON line; exits 0 only if the episode shipped and the live site
serves the committed bytes. The data lives in PAPERCAST_DATA_DIR when it is set,
else in a temporary directory removed at the end; ``--keep-running`` keeps the
workspace page and the website up for a look before stopping.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import click
import httpx

from workflows.intake.errors import EmptyFile, NotAPdf
from workflows.settings import load_settings
from workflows.states import State

_WAITING = {State.IN_REVIEW, State.FAILED, State.DUPLICATE, State.REJECTED, State.SHIPPED}


def _wait(ws, predicate, timeout: float, what: str):
    value = ws.wait_for(predicate, timeout)
    if not value:
        raise click.ClickException(f"gave up after {timeout:.0f} s waiting for {what}")
    return value


def _button(messages: list[dict], action_id: str) -> tuple[str, str] | None:
    for m in reversed(messages):
        for block in m.get("blocks") or []:
            for el in block.get("elements") or []:
                if el.get("action_id") == action_id:
                    return m["ts"], el.get("value")
    return None


def _stage_seconds(started, audit) -> dict[str, float]:
    """Seconds each transition took, counted from the one before it (the first from the drop)."""
    out: dict[str, float] = {}
    for row in audit:
        out[row.transition] = round((row.at - started).total_seconds(), 2)
        started = row.at
    return out


def refuse_what_is_no_pdf(pdf: Path) -> None:
    """The checks a dropped file meets first (empty, not a PDF), made at once instead of after the drop."""
    with open(pdf, "rb") as f:
        head = f.read(1024)
    if not head:
        raise EmptyFile()
    if b"%PDF-" not in head:
        raise NotAPdf(f"{pdf.name} starts with {head[:8]!r}")


def _refused(ws, thread: str) -> str | None:
    """The bot's reply in the thread when the drop started no episode (e.g. not a PDF)."""
    replies = [m for m in ws.messages(thread_ts=thread)[1:] if m.get("bot_id") and not m.get("blocks")]
    return replies[0].get("text") if replies else None


@click.command("demo")
@click.option("--auto", is_flag=True, required=True, help="Run unattended: a scripted reviewer approves.")
@click.option("--pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="The paper (default: the sample paper).")
@click.option("--minutes", type=click.FloatRange(min=0.5, max=120), default=2.0, show_default=True,
              help="Target episode length.")
@click.option("--timeout", type=click.FloatRange(min=1), default=600.0, show_default=True,
              help="Seconds to wait for the episode to ship.")
@click.option("--keep-running", "keep_running", type=click.FloatRange(min=0), default=0.0, metavar="SECONDS",
              help="After the result, keep the workspace page and the website up this long (Ctrl-C stops).")
def command(auto: bool, pdf: Path | None, minutes: float, timeout: float, keep_running: float) -> None:
    """Run one episode end to end on the local stack and print the result as one JSON line."""
    if pdf is not None:
        refuse_what_is_no_pdf(pdf)
    base = load_settings()
    own = "papercast_data_dir" not in base.env.model_fields_set
    data_dir = Path(tempfile.mkdtemp(prefix="papercast-demo-")) if own else base.data_dir
    try:
        sys.exit(_run(base, data_dir, pdf, minutes, timeout, keep_running))
    finally:
        if own:
            shutil.rmtree(data_dir, ignore_errors=True)


def _settings(base, data_dir: Path, minutes: float):
    env = base.env.model_copy(update={"slack_bot_token": None, "slack_app_token": None, "database_url": None,
                                      "papercast_data_dir": data_dir})
    show = base.show.model_copy(update={
        "writer": base.show.writer.model_copy(update={"target_minutes": minutes}),
        "publish": base.show.publish.model_copy(update={"repo": "", "base_url": "", "local_deploy_delay": 1.0}),
        "followup": base.show.followup.model_copy(update={"check_minutes": [0.02, 0.05, 0.1, 0.2], "grace_minutes": 5,
                                                           "confirm_seconds": 2}),
    })
    return base.model_copy(update={"env": env, "show": show})


def _run(base, data_dir: Path, pdf: Path | None, minutes: float, timeout: float, keep_running: float) -> int:
    from bot.local import OWNER, REVIEWER
    from bot.stack import start_stack

    settings = _settings(base, data_dir, minutes)
    if pdf is None:
        from workflows.intake.sample import write_sample_paper

        pdf = write_sample_paper(data_dir / "sample-paper.pdf")
    stack = start_stack(settings)
    try:
        ws, store = stack.workspace, stack.services.store
        dropped = ws.drop_pdf(OWNER, pdf)
        thread = dropped["message"]["ts"]
        found = ws.wait_for(lambda: next((e for e in store.all() if e.thread_ts == thread), None) or
                            (_refused(ws, thread) and "refused"), 30)
        if found == "refused" or not found:
            click.echo(f"papercast: {_refused(ws, thread) or 'the drop started no episode'}", err=True)
            return 2
        episode = _wait(ws, lambda: (e := store.get(found.id)).state in _WAITING and e, timeout, "the script")
        if episode.state != State.IN_REVIEW:
            click.echo(f"papercast: {episode.error or episode.state.value}", err=True)
            return 2
        ts, value = _wait(ws, lambda: _button(ws.messages(thread_ts=thread), "review_approve"), 30, "the review message")
        ws.click(REVIEWER, ts, "review_approve", value=value)
        view = _wait(ws, lambda: next(iter(ws.open_views(REVIEWER)), None), 30, "the approve dialog")
        ws.submit_view(REVIEWER, view["id"], {"owner": OWNER})
        episode = _wait(ws, lambda: (e := store.get(episode.id)).state in {State.SHIPPED, State.FAILED, State.REJECTED} and e,
                        timeout, "the episode to ship")
        audio = store.artifacts(episode.id).get("audio")
        live_url = episode.facts.live_url
        served = None
        if live_url:
            served = hashlib.sha256(httpx.get(live_url, params={"demo": time.time()}, timeout=10).content).hexdigest()
        result = {
            "episode": episode.id, "state": episode.state.value, "live_url": live_url,
            "page_url": episode.facts.page_url, "feed_url": episode.facts.feed_url,
            "site_url": episode.facts.site_url, "workspace_url": ws.url,
            "audio_sha256": audio.sha256 if audio else None, "live_sha256": served,
            "commit": episode.facts.commit, "seconds": _stage_seconds(episode.created_at, store.audit(episode.id)),
            "error": episode.error,
        }
        click.echo(json.dumps(result))
        ok = episode.state == State.SHIPPED and audio is not None and served == audio.sha256
        if keep_running:
            _keep_running(keep_running)
        return 0 if ok else 1
    finally:
        stack.stop()


def _keep_running(seconds: float) -> None:
    """Leave the stack up for a look (the JSON above has the URLs); Ctrl-C ends it early."""
    sys.stdout.flush()
    click.echo(f"keeping the workspace page and the website up for {seconds:g} s (Ctrl-C stops)", err=True)
    try:
        time.sleep(seconds)
    except KeyboardInterrupt:
        pass
