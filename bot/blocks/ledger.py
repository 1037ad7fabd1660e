"""The ship ledger: every episode, its state, owner and age, unshipped first (App Home and /papercast)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.blocks._kit import Block, age, context, divider, header, section, user
from bot.blocks.progress import STAGE_NAMES, progress_bar
from bot.blocks.status_card import episode_title, latest_problem
from workflows.store.records import Episode

#: App Home views hold 100 blocks; keep room for the header and footers.
HOME_LIMIT = 80


def ledger_line(e: Episode, now: datetime) -> str:
    stage = STAGE_NAMES.get(e.state, e.state.value)
    line = (f"*{episode_title(e)}* · {stage} `{progress_bar(e.state, e.failed_from)}`\n"
            f"owner {user(e.owner)} · age {age(e.created_at, now)} · `{e.id}`")
    problem = latest_problem(e)
    if problem:
        line += f"\n:warning: {problem}"
    return line


def ledger_blocks(episodes: list[Episode], now: datetime, *, limit: int = HOME_LIMIT) -> list[Block]:
    unshipped = [e for e in episodes if e.is_unshipped]
    done = [e for e in episodes if not e.is_unshipped]
    blocks: list[Block] = [header("Ship ledger"),
                           context(f"{len(unshipped)} not shipped yet · {len(done)} finished")]
    if not episodes:
        return blocks + [section("No episodes yet. Drop a PDF in the podcast channel to start one.")]
    shown = 0
    for group, title in ((unshipped, "Not shipped yet"), (done, "Finished")):
        if not group:
            continue
        blocks += [divider(), section(f"*{title}*")]
        for e in group:
            if shown >= limit:
                blocks.append(context(f"… and {len(episodes) - shown} more; `/papercast status` lists them."))
                return blocks
            blocks.append(section(ledger_line(e, now), block_id=f"ep:{e.id}"))
            shown += 1
    return blocks


def home_view(episodes: list[Episode], now: datetime) -> dict[str, Any]:
    return {"type": "home", "blocks": ledger_blocks(episodes, now, limit=HOME_LIMIT // 2)}


def ledger_text(episodes: list[Episode], now: datetime) -> str:
    """The ledger as plain mrkdwn text (for the slash command's reply)."""
    if not episodes:
        return "No episodes yet. Drop a PDF in the podcast channel to start one."
    return "\n".join(f"• {ledger_line(e, now)}".replace("\n", "\n   ") for e in episodes)


HELP = """*papercast* turns a research paper into a podcast episode and makes sure it reaches the website.
• Drop a PDF in the podcast channel: the bot answers in a thread with a status card.
• Reviewers approve, request changes, edit or reject the script from the thread.
• `/papercast status`: the ship ledger, unshipped episodes first.
• `/papercast check <episode>`: check the live site for an episode now.
• `/papercast help`: this message."""
