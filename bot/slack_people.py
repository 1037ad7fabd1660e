"""``workflows.people.People`` for Slack: the status card, review messages, thread lines, reminders.

Every method is safe to repeat (a resumed step may call it again): the status
card and review messages are remembered by their ``ts`` and updated in place.
Slack failures left after the SDK's retries are logged and recorded on the
episode (fact ``slack_failure``); only :meth:`ask_review` raises (as
:class:`~bot.errors.SlackUnavailable`), so the submit step fails visibly with a
Retry instead of leaving an episode nobody can review.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.blocks import decided, numbered_script, owner_reminder, review_message, status_card
from bot.errors import SlackUnavailable
from bot.reviewers import Reviewers
from workflows.script.model import Script
from workflows.settings import Show
from workflows.store.episodes import EpisodeStore
from workflows.store.records import Episode

log = logging.getLogger(__name__)

#: What can go wrong talking to Slack once the retry handlers gave up.
SLACK_FAILURES = (SlackApiError, SlackClientError, OSError)
DECISIONS = ("approve", "reject", "request_changes", "edit")


def _code(error: Exception) -> str:
    if isinstance(error, SlackApiError) and error.response is not None:
        return str(error.response.get("error") or error.response.status_code)
    return type(error).__name__


class SlackPeople:
    def __init__(self, client: WebClient, store: EpisodeStore, show: Show, reviewers: Reviewers,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.client = client
        self.store = store
        self.show = show
        self.reviewers = reviewers
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    # --- the status card ---------------------------------------------------------------

    def status(self, episode_id: str) -> None:
        """Post the card in the thread the first time, then chat.update it in place."""
        try:
            with self._lock_for(episode_id):
                episode = self.store.get(episode_id)
                text, blocks = status_card(episode)
                if episode.status_ts:
                    try:
                        self.client.chat_update(channel=episode.channel, ts=episode.status_ts, text=text, blocks=blocks)
                        return
                    except SlackApiError as e:
                        if e.response.get("error") != "message_not_found":
                            raise
                        log.warning("status card of %s was deleted; posting it again", episode_id)
                posted = self.client.chat_postMessage(channel=episode.channel, thread_ts=episode.thread_ts,
                                                      text=text, blocks=blocks)
                self.store.set_status_ts(episode_id, episode.thread_ts or posted["ts"], posted["ts"])
        except SLACK_FAILURES as e:
            self._failed(episode_id, "status", e)

    # --- review -------------------------------------------------------------------------

    def ask_review(self, episode_id: str, script_version: int) -> None:
        """Post (or refresh) the review message for one script version and attach the full script."""
        episode = self.store.get(episode_id)
        version = next(v for v in self.store.script_versions(episode_id) if v.version == script_version)
        text, blocks = review_message(episode, version)
        posted: dict[str, str] = dict(episode.facts.get("review_messages") or {})
        key = str(script_version)
        try:
            if key in posted:
                self.client.chat_update(channel=episode.channel, ts=posted[key], text=text, blocks=blocks)
            else:
                ts = self.client.chat_postMessage(channel=episode.channel, thread_ts=episode.thread_ts,
                                                  text=text, blocks=blocks)["ts"]
                posted[key] = ts
                self.store.update_facts(episode_id, review_messages=posted)
            attached = list(self.store.get(episode_id).facts.get("script_files") or [])
            if key not in attached:
                script = Script.model_validate(version.script)
                self.client.files_upload_v2(
                    channel=episode.channel, thread_ts=episode.thread_ts, content=numbered_script(script),
                    filename=f"{episode.slug}-script-v{script_version}.md", title=f"Script v{script_version}: {script.title}",
                    snippet_type="markdown")
                self.store.update_facts(episode_id, script_files=attached + [key])
        except SLACK_FAILURES as e:
            self._failed(episode_id, "ask_review", e)
            if isinstance(e, SlackApiError):
                raise SlackUnavailable.from_api_error("chat.postMessage", e) from None
            raise SlackUnavailable(f"Slack could not be reached ({_code(e)}).", "Press Retry in a minute.") from None

    def mark_decided(self, episode_id: str, script_version: int) -> None:
        """Replace the review message's buttons with who decided what, and when."""
        episode = self.store.get(episode_id)
        ts = (episode.facts.get("review_messages") or {}).get(str(script_version))
        decision = self.store.last_decision(episode_id, DECISIONS)
        version = next((v for v in self.store.script_versions(episode_id) if v.version == script_version), None)
        if not ts or decision is None or version is None:
            return
        text, blocks = review_message(episode, version)
        try:
            self.client.chat_update(channel=episode.channel, ts=ts, text=text, blocks=decided(blocks, decision, episode))
        except SLACK_FAILURES as e:
            self._failed(episode_id, "mark_decided", e)

    # --- thread lines and audio --------------------------------------------------------------

    def say(self, episode_id: str, text: str) -> None:
        episode = self.store.get(episode_id)
        try:
            self.client.chat_postMessage(channel=episode.channel, thread_ts=episode.thread_ts, text=text)
        except SLACK_FAILURES as e:
            self._failed(episode_id, "say", e)

    def share_audio(self, episode_id: str) -> None:
        """Upload the MP3, transcript and notes into the thread (once)."""
        episode = self.store.get(episode_id)
        if episode.facts.get("audio_shared"):
            return
        stored = self.store.artifacts(episode_id)
        uploads = [{"file": str(a.path), "filename": a.filename, "title": a.filename}
                   for kind in ("audio", "transcript", "notes") if (a := stored.get(kind)) is not None]
        if not uploads:
            return
        minutes = (stored["audio"].duration_seconds or 0) / 60 if "audio" in stored else 0
        try:
            self.client.files_upload_v2(file_uploads=uploads, channel=episode.channel, thread_ts=episode.thread_ts,
                                        initial_comment=f":headphones: *{episode.title}* is ready ({minutes:.1f} min). "
                                                        "Have a listen while it goes to the website.")
            self.store.update_facts(episode_id, audio_shared=True)
        except SLACK_FAILURES as e:
            self._failed(episode_id, "share_audio", e)

    # --- reminders ------------------------------------------------------------------------

    def ping_owner(self, episode_id: str, diagnosis: str, escalate: bool = False) -> None:
        """Mention the owner in the thread and DM them; escalating also calls the reviewers in the channel."""
        episode = self.store.get(episode_id)
        snooze = self.show.followup.snooze_minutes
        text, blocks = owner_reminder(episode, diagnosis, snooze_minutes=snooze)
        self._post(episode, "ping_owner:thread", channel=episode.channel, thread_ts=episode.thread_ts,
                   text=text, blocks=blocks)
        if episode.owner:
            try:
                dm = self.client.conversations_open(users=episode.owner)["channel"]["id"]
                self._post(episode, "ping_owner:dm", channel=dm, text=text, blocks=blocks)
            except SLACK_FAILURES as e:
                self._failed(episode_id, "ping_owner:dm", e)
        if escalate:
            text, blocks = owner_reminder(episode, diagnosis, snooze_minutes=snooze, escalate=True,
                                          reviewers=self.reviewers.mentions())
            self._post(episode, "ping_owner:escalate", channel=episode.channel, text=text, blocks=blocks)

    # --- helpers --------------------------------------------------------------------------

    def _post(self, episode: Episode, what: str, **kwargs: Any) -> None:
        try:
            self.client.chat_postMessage(**kwargs)
        except SLACK_FAILURES as e:
            self._failed(episode.id, what, e)

    def _lock_for(self, episode_id: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(episode_id, threading.Lock())

    def _failed(self, episode_id: str, what: str, error: Exception) -> None:
        code = _code(error)
        log.warning("Slack call %s for episode %s failed: %s", what, episode_id, code)
        try:
            self.store.update_facts(episode_id, slack_failure={"call": what, "error": code,
                                                                "at": self.clock().isoformat()})
        except Exception:  # noqa: BLE001 - recording the failure must not fail the caller
            log.exception("could not record the Slack failure of %s", episode_id)
