"""The ship ledger: every real episode, its state, owner and age, unshipped first (App Home and /papercast).

Drops that never became a paper (failed while being read) are listed apart and not counted as
unshipped; duplicates and dismissed episodes are only counted. Titles link to the episode's
thread (``links``: episode id → permalink); a published episode also links its public page.
Reviewers get a Dismiss button on failed episodes and refused files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.blocks._kit import Block, age, context, divider, header, link, section, user
from bot.blocks.progress import STAGE_NAMES, progress_bar
from bot.blocks.status_card import dismiss_button, episode_title, failed_upload, latest_problem, stage_name
from workflows.states import State
from workflows.store.records import Episode

#: App Home views hold 100 blocks; keep room for the header and footers.
HOME_LIMIT = 80
_SET_ASIDE = (State.DUPLICATE, State.DISMISSED)


@dataclass
class Ledger:
    """The ledger's episodes, sorted into what it shows."""

    unshipped: list[Episode] = field(default_factory=list)
    refused: list[Episode] = field(default_factory=list)
    done: list[Episode] = field(default_factory=list)
    set_aside: int = 0

    @classmethod
    def of(cls, episodes: list[Episode]) -> "Ledger":
        ledger = cls()
        for e in episodes:
            if e.state in _SET_ASIDE:
                ledger.set_aside += 1
            elif failed_upload(e):
                ledger.refused.append(e)
            elif e.is_unshipped:
                ledger.unshipped.append(e)
            else:
                ledger.done.append(e)
        return ledger

    @property
    def shown(self) -> list[Episode]:
        return self.unshipped + self.done + self.refused

    def counts(self) -> str:
        parts = [f"{len(self.unshipped)} not shipped yet", f"{len(self.done)} finished"]
        if self.refused:
            parts.append(f"{len(self.refused)} dropped file{'s' if len(self.refused) != 1 else ''} refused")
        if self.set_aside:
            parts.append(f"{self.set_aside} duplicate or dismissed")
        return " · ".join(parts)


def ledger_line(e: Episode, now: datetime, thread: str | None = None) -> str:
    stage = stage_name(e) if e.state == State.FAILED else STAGE_NAMES.get(e.state, e.state.value)
    page = e.facts.page_url
    line = (f"*{link(thread, episode_title(e))}* · {stage} {progress_bar(e.state, e.failed_from)}"
            + (f" · {link(page, 'episode page')}" if page else "")
            + f"\nowner {user(e.owner)} · age {age(e.created_at, now)} · `{e.id}`")
    problem = latest_problem(e)
    if problem:
        line += f"\n:warning: {problem}"
    return line


def _entry(e: Episode, now: datetime, links: dict[str, str], can_dismiss: bool) -> Block:
    accessory = dismiss_button(e) if can_dismiss and e.state == State.FAILED else None
    return section(ledger_line(e, now, links.get(e.id)), block_id=f"ep:{e.id}", accessory=accessory)


def ledger_blocks(episodes: list[Episode], now: datetime, *, limit: int = HOME_LIMIT,
                  links: dict[str, str] | None = None, can_dismiss: bool = False) -> list[Block]:
    ledger = Ledger.of(episodes)
    links = links or {}
    blocks: list[Block] = [header("Ship ledger"), context(ledger.counts())]
    if not (ledger.unshipped or ledger.done or ledger.refused):
        return blocks + [section("No episodes yet. Drop a PDF in the podcast channel to start one.")]
    shown, total = 0, len(ledger.unshipped) + len(ledger.done) + len(ledger.refused)
    groups = ((ledger.unshipped, "Not shipped yet"), (ledger.done, "Finished"),
              (ledger.refused, "Dropped files that did not become episodes"))
    for group, title in groups:
        if not group:
            continue
        blocks += [divider(), section(f"*{title}*")]
        for e in group:
            if shown >= limit:
                blocks.append(context(f"… and {total - shown} more; `/papercast status` lists them."))
                return blocks
            blocks.append(_entry(e, now, links, can_dismiss))
            shown += 1
    return blocks


def home_view(episodes: list[Episode], now: datetime, *, links: dict[str, str] | None = None,
              can_dismiss: bool = False) -> dict[str, Any]:
    return {"type": "home", "blocks": ledger_blocks(episodes, now, limit=HOME_LIMIT // 2, links=links,
                                                    can_dismiss=can_dismiss)}


def ledger_text(episodes: list[Episode], now: datetime, *, links: dict[str, str] | None = None) -> str:
    """The ledger as plain mrkdwn text (the fallback of the slash command's reply)."""
    ledger = Ledger.of(episodes)
    shown = ledger.unshipped + ledger.done
    if not shown:
        return "No episodes yet. Drop a PDF in the podcast channel to start one."
    lines = [f"• {ledger_line(e, now, (links or {}).get(e.id))}".replace("\n", "\n   ") for e in shown]
    return "\n".join([ledger.counts(), *lines])


HELP = """*papercast* turns a research paper into a podcast episode and makes sure it reaches the website.
• Drop a PDF in the podcast channel: the bot answers in a thread with a status card.
• Reviewers approve, request changes, edit or reject the script from the thread.
• `/papercast status`: the ship ledger, unshipped episodes first.
• `/papercast check <episode>`: check the live site for an episode now.
• `/papercast help`: this message."""
