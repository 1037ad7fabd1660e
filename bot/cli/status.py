"""papercast status: the ship ledger, unshipped episodes first."""

from __future__ import annotations

from datetime import datetime

import click

from workflows.database import migrate
from workflows.store.db import make_engine
from workflows.store.episodes import EpisodeStore, utcnow
from workflows.settings import load_settings


def age(since: datetime, now: datetime) -> str:
    minutes = int((now - since).total_seconds() // 60)
    if minutes < 60:
        return f"{minutes}m"
    if minutes < 48 * 60:
        return f"{minutes // 60}h{minutes % 60:02d}m"
    return f"{minutes // 1440}d"


@click.command("status")
def command() -> None:
    """Print every episode with its state, owner and age; the ones not shipped yet come first."""
    settings = load_settings()
    engine = make_engine(settings.database_url)
    migrate(engine)
    ledger = EpisodeStore(engine).ledger()
    if not ledger:
        click.echo("No episodes yet.")
        return
    now = utcnow()
    click.echo(f"{'EPISODE':<14} {'STATE':<16} {'OWNER':<12} {'AGE':>7}  TITLE / LAST CHECK")
    for e in ledger:
        last = e.facts.last_check.kind if e.facts.last_check else ""
        note = f"  [{last}]" if last and e.is_unshipped else ""
        state = f"{e.state.value:<16}"
        state = state if e.is_unshipped else click.style(state, fg="green")
        click.echo(f"{e.id:<14} {state} {e.owner or '-':<12} {age(e.created_at, now):>7}  {(e.title or e.slug)[:50]}{note}")
    from bot.blocks import Ledger

    sorted_ = Ledger.of(ledger)  # refused drops and set-aside episodes are not "not shipped"
    extra = [f"{len(sorted_.refused)} refused drops"] if sorted_.refused else []
    extra += [f"{sorted_.set_aside} duplicate or dismissed"] if sorted_.set_aside else []
    click.echo(", ".join([f"{len(sorted_.unshipped)} not shipped", f"{len(sorted_.done)} done", *extra]))
