"""The shipping owner's messages: the approval DM, one DM per reminder, one thread reminder updated in place.

Each reminder reaches the owner once, as a direct message (keyed ``<key>:dm``). The thread holds
a single reminder message (key ``owner-reminder``) that every ping rewrites with the latest
diagnosis and count, and that mentions nobody, so it notifies no one a second time. An
escalation adds one call-out to the reviewers in the channel. Every reminder posted is listed
on the episode (fact ``reminders``); when the wait is over (shipped, failed, published again…)
:meth:`OwnerReminders.close_if_over` replaces each one's buttons by the outcome, once per state.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.blocks import approval_dm, owner_reminder, reminder_outcome
from bot.slack_facts import ReminderPost, remember, slack_facts
from bot.slack_thread import effect_metadata
from workflows.states import State
from workflows.store.records import Episode

if TYPE_CHECKING:
    from bot.slack_people import SlackPeople

log = logging.getLogger(__name__)

THREAD_KEY = "owner-reminder"
#: While the episode is in one of these, its reminders stay open.
WAITING = (State.PUBLISHED, State.MANUAL_PUBLISH)


class OwnerReminders:
    def __init__(self, people: "SlackPeople") -> None:
        self.people = people

    def ping(self, episode_id: str, diagnosis: str, escalate: bool = False, *, key: str | None = None) -> None:
        """One reminder: the thread message rewritten, a DM to the owner, and (``escalate``) a call-out.
        With a ``key``, a repeat does nothing (each part is also keyed, for a repeat after a crash)."""
        with self.people.lock_for(f"ping:{episode_id}"):
            self._ping(episode_id, diagnosis, escalate, key)

    def _ping(self, episode_id: str, diagnosis: str, escalate: bool, key: str | None) -> None:
        people, store = self.people, self.people.store
        if key and store.effect(episode_id, f"slack:{key}")[0]:
            return
        episode = store.get(episode_id)
        count = self._count(episode, key)
        snooze = people.show.followup.snooze_minutes
        checked = episode.facts.last_check.at if episode.facts.last_check else None
        text, blocks = owner_reminder(episode, diagnosis, snooze_minutes=snooze, where="thread", count=count,
                                      checked_at=checked)
        self._rewrite_thread_reminder(episode, text, blocks)
        if episode.owner:
            try:
                dm = people.client.conversations_open(users=episode.owner)["channel"]["id"]
                text, blocks = owner_reminder(episode, diagnosis, snooze_minutes=snooze, checked_at=checked)
                self._remember(episode_id, people.post(episode, "ping_owner:dm", key and f"{key}:dm", channel=dm,
                                                        text=text, blocks=blocks))
            except people.failures as e:
                people.failed(episode_id, "ping_owner:dm", e)
        if escalate:
            text, blocks = owner_reminder(episode, diagnosis, snooze_minutes=snooze, escalate=True, count=count,
                                          reviewers=people.reviewers.mentions())
            self._remember(episode_id, people.post(episode, "ping_owner:escalate", key and f"{key}:escalate",
                                                    channel=episode.channel, text=text, blocks=blocks))
        if key:
            store.record_effect(episode_id, f"slack:{key}", {"count": count})

    def approved(self, episode_id: str, by: str, *, reassigned: bool = False) -> None:
        """Tell the new owner, by DM and once per owner, that they own shipping and what happens until it is live."""
        people = self.people
        episode = people.store.get(episode_id)
        if not episode.owner:
            return
        text, blocks = approval_dm(episode, by, people.show.followup, people.thread_link(episode), reassigned=reassigned)
        try:
            dm = people.client.conversations_open(users=episode.owner)["channel"]["id"]
        except people.failures as e:
            people.failed(episode_id, "owner_dm", e)
            return
        people.post(episode, "owner_dm", f"owner:{episode.owner}", channel=dm, text=text, blocks=blocks)

    def close_if_over(self, episode: Episode) -> None:
        """Replace the buttons of every reminder posted by the outcome, once the episode stopped waiting."""
        recorded = slack_facts(episode)
        reminders = recorded.reminders
        if episode.state in WAITING or not reminders or recorded.reminders_closed == episode.version:
            return
        text, blocks = reminder_outcome(episode)
        people = self.people
        for where in reminders:
            try:
                people.client.chat_update(channel=where.channel, ts=where.ts, text=text, blocks=blocks,
                                          metadata=effect_metadata(episode.id, where.key))
            except people.failures as e:
                people.failed(episode.id, "close_reminder", e)
        remember(people.store, episode.id, reminders_closed=episode.version)

    # --- helpers ---------------------------------------------------------------------------------

    def _rewrite_thread_reminder(self, episode: Episode, text: str, blocks: list) -> None:
        people = self.people
        done, where = people.store.effect(episode.id, f"slack:{THREAD_KEY}")
        if not done:
            self._remember(episode.id, people.post(episode, "ping_owner:thread", THREAD_KEY, channel=episode.channel,
                                                   thread_ts=episode.thread_ts, text=text, blocks=blocks))
            return
        try:
            people.client.chat_update(channel=where["channel"], ts=where["ts"], text=text, blocks=blocks,
                                      metadata=effect_metadata(episode.id, THREAD_KEY))
        except people.failures as e:
            people.failed(episode.id, "ping_owner:thread", e)

    def _count(self, episode: Episode, key: str | None) -> int:
        """Which reminder this is (1, 2, …); a repeated key keeps its number."""
        keys = list(slack_facts(episode).reminder_keys)
        if key is None or key not in keys:
            keys.append(key or f"unkeyed:{len(keys)}")
            remember(self.people.store, episode.id, reminder_keys=keys)
        return keys.index(key) + 1 if key in keys else len(keys)

    def _remember(self, episode_id: str, posted: tuple[str, str, str | None] | None) -> None:
        if posted is None:
            return
        channel, ts, key = posted
        with self.people.lock_for(f"reminders:{episode_id}"):
            reminders = list(slack_facts(self.people.store.get(episode_id)).reminders)
            if not any(r.ts == ts and r.channel == channel for r in reminders):
                reminders.append(ReminderPost(channel=channel, ts=ts, key=key))
                remember(self.people.store, episode_id, reminders=reminders)
