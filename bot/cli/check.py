"""papercast check [EPISODE]: verify now that episodes are live, and print every finding."""

from __future__ import annotations

import sys

import click

from workflows.people import RecordingPeople
from workflows.services import build_services
from workflows.settings import load_settings
from workflows.states import State


@click.command("check", short_help="Verify now that published and shipped episodes are live.")
@click.argument("episode_id", required=False)
def command(episode_id: str | None) -> None:
    """Check that EPISODE (or every published and shipped episode) is committed, pushed, served byte for byte and
    in the feed.

    Exits 0 only when every checked episode passes. Nothing is changed: the running bot ships episodes.
    """
    from workflows.ship.confirm import as_checked
    from workflows.ship.verify import ShipChecker

    svc = build_services(load_settings(), RecordingPeople())
    if episode_id:
        episodes = [svc.store.get(episode_id)]
    else:
        episodes = sorted(svc.store.in_states(State.PUBLISHED, State.MANUAL_PUBLISH, State.SHIPPED),
                          key=lambda e: e.created_at)
    if not episodes:
        waiting = sum(e.is_unshipped for e in svc.store.all())
        click.echo("No episode is published yet, so there is nothing on the website to check"
                   + (f" ({waiting} on their way; `papercast status` lists them)." if waiting else "."))
        return
    with ShipChecker(svc) as checker:
        checks = checker.check_all([as_checked(e) for e in episodes])
    for episode, check in zip(episodes, checks):
        verdict = click.style("LIVE", fg="green") if check.shipped else click.style("NOT LIVE", fg="red")
        click.echo(f"{verdict} {episode.id} {episode.title or episode.slug} ({episode.state.value}, owner {episode.owner or '-'})")
        for f in check.findings:
            mark = click.style("ok  ", fg="green") if f.ok else click.style("FAIL", fg="red")
            click.echo(f"  {mark} {f.kind}: {f.message}")
    if not all(c.shipped for c in checks):
        sys.exit(1)  # not click.exceptions.Exit: with standalone_mode=False click returns its code instead of exiting
