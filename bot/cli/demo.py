"""papercast demo --auto: one episode from PDF to live site through the whole stack, no browser.

A scripted reviewer (Rita) approves in the local workspace and names the owner
(Omar); the bot renders, publishes and verifies exactly as it would for people.
Prints one JSON line; exits 0 only if the episode shipped and the live site
serves the committed bytes.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

import click
import httpx

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


@click.command("demo")
@click.option("--auto", is_flag=True, required=True, help="Run unattended: a scripted reviewer approves.")
@click.option("--pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="The paper (default: the sample paper).")
@click.option("--minutes", type=float, default=2.0, show_default=True, help="Target episode length.")
@click.option("--timeout", type=float, default=600.0, show_default=True, help="Seconds to wait for the episode to ship.")
def command(auto: bool, pdf: Path | None, minutes: float, timeout: float) -> None:
    """Run one episode end to end on the local stack and print the result as one JSON line."""
    from bot.local import OWNER, REVIEWER
    from bot.stack import start_stack

    base = load_settings()
    data_dir = Path(tempfile.mkdtemp(prefix="papercast-demo-"))
    env = base.env.model_copy(update={"slack_bot_token": None, "slack_app_token": None, "database_url": None,
                                      "papercast_data_dir": data_dir})
    show = base.show.model_copy(update={
        "writer": base.show.writer.model_copy(update={"target_minutes": minutes}),
        "publish": base.show.publish.model_copy(update={"repo": "", "base_url": "", "local_deploy_delay": 1.0}),
        "followup": base.show.followup.model_copy(update={"check_minutes": [0.02, 0.05, 0.1, 0.2], "grace_minutes": 5,
                                                           "confirm_seconds": 2}),
    })
    settings = base.model_copy(update={"env": env, "show": show})
    if pdf is None:
        from workflows.intake.sample import write_sample_paper

        pdf = write_sample_paper(data_dir / "sample-paper.pdf")

    stack = start_stack(settings)
    try:
        ws, store = stack.workspace, stack.services.store
        dropped = ws.drop_pdf(OWNER, pdf)
        thread = dropped["message"]["ts"]
        episode = _wait(ws, lambda: next((e for e in store.all() if e.thread_ts == thread), None), 30, "the episode to start")
        episode = _wait(ws, lambda: (e := store.get(episode.id)).state in _WAITING and e, timeout, "the script")
        if episode.state != State.IN_REVIEW:
            click.echo(f"papercast: {episode.error or episode.state.value}", err=True)
            sys.exit(2)
        ts, value = _wait(ws, lambda: _button(ws.messages(thread_ts=thread), "review_approve"), 30, "the review message")
        ws.click(REVIEWER, ts, "review_approve", value=value)
        view = _wait(ws, lambda: next(iter(ws.open_views(REVIEWER)), None), 30, "the approve dialog")
        ws.submit_view(REVIEWER, view["id"], {"owner": OWNER})
        episode = _wait(ws, lambda: (e := store.get(episode.id)).state in {State.SHIPPED, State.FAILED, State.REJECTED} and e,
                        timeout, "the episode to ship")
        audio = store.artifacts(episode.id).get("audio")
        live_url = episode.facts.get("live_url")
        served = None
        if live_url:
            served = hashlib.sha256(httpx.get(live_url, params={"demo": time.time()}, timeout=10).content).hexdigest()
        result = {
            "episode": episode.id, "state": episode.state.value, "live_url": live_url,
            "audio_sha256": audio.sha256 if audio else None, "live_sha256": served,
            "commit": episode.facts.get("commit"), "seconds": _stage_seconds(episode.created_at, store.audit(episode.id)),
            "error": episode.error,
        }
        click.echo(json.dumps(result))
        ok = episode.state == State.SHIPPED and audio is not None and served == audio.sha256
        sys.exit(0 if ok else 1)
    finally:
        stack.stop()
