"""``workflows.people.People`` for Slack: the status card, review messages, thread lines, reminders.

Every method is safe to repeat, even after a crash at any line (a resumed step
calls it again): the status card and review messages are remembered by their
``ts`` and updated in place; every post carries message metadata naming the
episode and its key, so a post whose ``ts`` was never recorded is found again in
the thread (:mod:`bot.slack_thread`) instead of posted twice; uploads record
their file ids before they are shared (:mod:`bot.slack_uploads`). Slack failures left after the SDK's retries are logged and recorded on the
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

from bot.blocks import decided, numbered_script, review_message, status_card
from bot.blocks.notice import slack_text
from bot.errors import SlackUnavailable
from bot.reviewers import Reviewers
from bot.slack_facts import remember, slack_facts
from bot.slack_reactions import follow_reaction
from bot.slack_reminders import OwnerReminders
from bot.slack_thread import effect_metadata, find_post
from bot.slack_uploads import ThreadUploads, Upload
from workflows import failpoints
from workflows.artifacts import ArtifactStore
from workflows.people import Message
from workflows.script.model import Script
from workflows.settings import Show
from workflows.store.episodes import EpisodeStore
from workflows.store.records import Episode

log = logging.getLogger(__name__)

#: What can go wrong talking to Slack once the retry handlers gave up.
SLACK_FAILURES = (SlackApiError, SlackClientError, OSError)
DECISIONS = ("approve", "reject", "request_changes", "edit")
#: The metadata key of the status card; review messages are ``review:v<N>``, their script files
#: ``script:v<N>``, the episode's audio ``audio``.
STATUS_KEY = "status-card"


def _code(error: Exception) -> str:
    if isinstance(error, SlackApiError) and error.response is not None:
        return str(error.response.get("error") or error.response.status_code)
    return type(error).__name__


class SlackPeople:
    failures = SLACK_FAILURES

    def __init__(self, client: WebClient, store: EpisodeStore, show: Show, reviewers: Reviewers,
                 artifacts: ArtifactStore, clock: Callable[[], datetime] | None = None,
                 uploads: ThreadUploads | None = None) -> None:
        self.client = client
        self.store = store
        self.show = show
        self.reviewers = reviewers
        self.artifacts = artifacts
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.uploads = uploads or ThreadUploads(client, store)
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self.reminders = OwnerReminders(self)

    # --- the status card ---------------------------------------------------------------

    def status(self, episode_id: str) -> None:
        """Post the card in the thread the first time (or find the one posted before a crash), then chat.update it."""
        try:
            with self._lock_for(episode_id):
                episode = self.store.get(episode_id)
                text, blocks = status_card(episode)
                metadata = effect_metadata(episode_id, STATUS_KEY)
                ts = episode.status_ts or self._recover_card(episode)
                if ts:
                    try:
                        self.client.chat_update(channel=episode.channel, ts=ts, text=text, blocks=blocks,
                                                metadata=metadata)
                    except SlackApiError as e:
                        if e.response.get("error") != "message_not_found":
                            raise
                        log.warning("status card of %s was deleted; posting it again", episode_id)
                        ts = None
                if not ts:
                    posted = self.client.chat_postMessage(channel=episode.channel, thread_ts=episode.thread_ts,
                                                          text=text, blocks=blocks, metadata=metadata)
                    failpoints.reach("status_card.posted")
                    self.store.set_status_ts(episode_id, episode.thread_ts or posted["ts"], posted["ts"])
        except SLACK_FAILURES as e:
            self._failed(episode_id, "status", e)
        self._after_status(episode_id)

    def _after_status(self, episode_id: str) -> None:
        """The dropped file's reaction, and the reminders' buttons once the wait is over, follow the card."""
        try:
            with self._lock_for(episode_id):
                episode = self.store.get(episode_id)
                follow_reaction(self.client, self.store, episode)
                self.reminders.close_if_over(episode)
        except SLACK_FAILURES as e:
            self._failed(episode_id, "reaction", e)

    def _recover_card(self, episode: Episode) -> str | None:
        """The ts of a card posted before a crash that left it unrecorded; recorded now."""
        ts = find_post(self.client, episode, STATUS_KEY)
        if ts:
            log.info("found the status card of %s in the thread; not posting another", episode.id)
            self.store.set_status_ts(episode.id, episode.thread_ts or ts, ts)
        return ts

    # --- review -------------------------------------------------------------------------

    def ask_review(self, episode_id: str, script_version: int) -> None:
        """Post (or refresh) the review message for one script version and attach the full script."""
        episode = self.store.get(episode_id)
        version = next(v for v in self.store.script_versions(episode_id) if v.version == script_version)
        text, blocks = review_message(episode, version, self.show, self.store.paper(episode_id))
        posted: dict[str, str] = dict(slack_facts(episode).review_messages)
        key = str(script_version)
        metadata = effect_metadata(episode_id, f"review:v{script_version}")
        try:
            ts = posted.get(key) or find_post(self.client, episode, f"review:v{script_version}")
            if ts:
                self.client.chat_update(channel=episode.channel, ts=ts, text=text, blocks=blocks, metadata=metadata)
            else:
                ts = self.client.chat_postMessage(channel=episode.channel, thread_ts=episode.thread_ts,
                                                  text=text, blocks=blocks, metadata=metadata)["ts"]
                failpoints.reach("review.posted")
            if posted.get(key) != ts:
                posted[key] = ts
                remember(self.store, episode_id, review_messages=posted)
            episode = self.store.get(episode_id)
            attached = list(slack_facts(episode).script_files)
            if key not in attached:
                script = Script.model_validate(version.script)
                self.uploads.share(episode, f"script:v{script_version}", [Upload(
                    filename=f"{episode.slug}-script-v{script_version}.md", title=f"Script v{script_version}: {script.title}",
                    content=numbered_script(script).encode("utf-8"), snippet_type="markdown")])
                remember(self.store, episode_id, script_files=attached + [key])
        except SLACK_FAILURES as e:
            self._failed(episode_id, "ask_review", e)
            if isinstance(e, SlackApiError):
                raise SlackUnavailable.from_api_error("chat.postMessage", e) from None
            raise SlackUnavailable(f"Slack could not be reached ({_code(e)}).", "Press Retry in a minute.") from None

    def mark_decided(self, episode_id: str, script_version: int) -> None:
        """Replace the review message's buttons with who decided what, and when."""
        episode = self.store.get(episode_id)
        ts = slack_facts(episode).review_messages.get(str(script_version))
        decision = self.store.last_decision(episode_id, DECISIONS)
        version = next((v for v in self.store.script_versions(episode_id) if v.version == script_version), None)
        if not ts or decision is None or version is None:
            return
        text, blocks = review_message(episode, version, self.show, self.store.paper(episode_id))
        try:
            self.client.chat_update(channel=episode.channel, ts=ts, text=text, blocks=decided(blocks, decision, episode),
                                    metadata=effect_metadata(episode_id, f"review:v{script_version}"))
        except SLACK_FAILURES as e:
            self._failed(episode_id, "mark_decided", e)

    # --- thread lines and audio --------------------------------------------------------------

    def say(self, episode_id: str, message: Message, *, key: str | None = None) -> None:
        """One line in the thread, rendered for Slack; with a ``key``, at most once per episode and key."""
        episode = self.store.get(episode_id)
        self.post(episode, "say", key, channel=episode.channel, thread_ts=episode.thread_ts, text=slack_text(message))

    def share_audio(self, episode_id: str) -> None:
        """Upload the MP3, transcript and notes into the thread (once)."""
        episode = self.store.get(episode_id)
        if slack_facts(episode).audio_shared:
            return
        stored = self.store.artifacts(episode_id)
        uploads = [Upload(filename=a.filename, title=a.filename, content=self.artifacts.path(a))
                   for kind in ("audio", "transcript", "notes") if (a := stored.get(kind)) is not None]
        if not uploads:
            return
        minutes = (stored["audio"].duration_seconds or 0) / 60 if "audio" in stored else 0
        try:
            self.uploads.share(episode, "audio", uploads,
                               initial_comment=f":headphones: *{episode.title}* is ready ({minutes:.1f} min). "
                                               "Have a listen while it goes to the website.")
            failpoints.reach("audio.shared")
            remember(self.store, episode_id, audio_shared=True)
        except SLACK_FAILURES as e:
            self._failed(episode_id, "share_audio", e)

    # --- reminders ------------------------------------------------------------------------

    def ping_owner(self, episode_id: str, diagnosis: Message, escalate: bool = False, *, key: str | None = None) -> None:
        """One reminder: a DM to the owner, the thread's reminder message rewritten, a call-out when escalating
        (see :mod:`bot.slack_reminders`). With a ``key``, at most once per episode and key."""
        self.reminders.ping(episode_id, slack_text(diagnosis), escalate, key=key)

    def tell_owner_approved(self, episode_id: str, by: str, *, reassigned: bool = False) -> None:
        """DM the shipping owner, once, that they own shipping this episode and what papercast does until it is live
        (``by`` approved it, or handed it to them)."""
        self.reminders.approved(episode_id, by, reassigned=reassigned)

    # --- links ------------------------------------------------------------------------------

    def thread_link(self, episode: Episode) -> str | None:
        """The permalink of the episode's thread (chat.getPermalink, remembered as fact ``thread_link``)."""
        known = slack_facts(episode).thread_link
        if known or not episode.thread_ts:
            return known
        try:
            link = self.client.chat_getPermalink(channel=episode.channel, message_ts=episode.thread_ts)["permalink"]
        except SLACK_FAILURES as e:
            log.info("no permalink for the thread of %s: %s", episode.id, _code(e))
            return None
        remember(self.store, episode.id, thread_link=link)
        return link

    def thread_links(self, episodes: list[Episode]) -> dict[str, str]:
        """Episode id → thread permalink, for the ledger."""
        return {e.id: link for e in episodes if (link := self.thread_link(e))}

    # --- helpers --------------------------------------------------------------------------

    def post(self, episode: Episode, what: str, key: str | None, **kwargs: Any) -> tuple[str, str, str | None] | None:
        """chat.postMessage with the episode's metadata; (channel, ts, key) of the message, None if Slack failed.

        A keyed post is made once: skipped when the store recorded it, or when the conversation has it
        (posted before a crash; recorded now)."""
        try:
            if key is None:
                posted = self.client.chat_postMessage(metadata=effect_metadata(episode.id, None), **kwargs)
                return posted["channel"], posted["ts"], None
            effect = f"slack:{key}"
            with self._lock_for(f"post:{episode.id}"):
                done, where = self.store.effect(episode.id, effect)
                if done:
                    return where["channel"], where["ts"], key
                channel = kwargs["channel"]
                ts = find_post(self.client, episode, key, channel=channel, in_thread=bool(kwargs.get("thread_ts")))
                if ts is None:
                    posted = self.client.chat_postMessage(metadata=effect_metadata(episode.id, key), **kwargs)
                    failpoints.reach("keyed_post.posted")
                    channel, ts = posted["channel"], posted["ts"]
                self.store.record_effect(episode.id, effect, {"channel": channel, "ts": ts})
                return channel, ts, key
        except SLACK_FAILURES as e:
            self._failed(episode.id, what, e)
            return None


    def lock_for(self, name: str) -> threading.Lock:
        """A lock per name (e.g. per episode), shared by everything this instance does for it."""
        return self._lock_for(name)

    def failed(self, episode_id: str, what: str, error: Exception) -> None:
        """Log a Slack failure and record it on the episode (fact ``slack_failure``)."""
        self._failed(episode_id, what, error)

    def _lock_for(self, episode_id: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(episode_id, threading.Lock())

    def _failed(self, episode_id: str, what: str, error: Exception) -> None:
        code = _code(error)
        log.warning("Slack call %s for episode %s failed: %s", what, episode_id, code)
        try:
            remember(self.store, episode_id, slack_failure={"call": what, "error": code, "at": self.clock()})
        except Exception:  # noqa: BLE001 - recording the failure must not fail the caller
            log.exception("could not record the Slack failure of %s", episode_id)
