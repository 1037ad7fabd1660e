"""What the Slack layer remembers about an episode's messages: one typed model, kept in ``facts.people``.

The store keeps these whole and never reads them (``EpisodeFacts.people``); this module
declares their shape. Read them with :func:`slack_facts` (attribute access, never by
string), write them with :func:`remember`, which checks names and types before
anything is written. Each field says which module writes it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter

from workflows.store.episodes import EpisodeStore
from workflows.store.records import Episode


class _Slack(BaseModel):
    # Reading is lenient (a field a newer release wrote is dropped); writing goes through remember().
    model_config = ConfigDict(extra="ignore", frozen=True)


class SlackFailure(_Slack):
    """The last Slack call that failed: which call (``status``, ``ask_review``…), Slack's error code, and when."""

    call: str
    error: str
    at: datetime | None = None


class UploadRecord(_Slack):
    """Files uploaded into the thread under one key (``audio``, ``script:v2``): their Slack file ids."""

    files: list[str] = []


class ReminderPost(_Slack):
    """One reminder message posted (DM, thread or call-out): where it is, and its effect key."""

    channel: str
    ts: str
    key: str | None = None


class SlackFacts(_Slack):
    """Every record the Slack layer keeps about an episode, by the module that writes it."""

    # bot/slack_people.py: the review message of each script version (version → ts), the versions whose full
    # script is attached, whether the audio was shared, the thread's permalink, and the last Slack failure.
    review_messages: dict[str, str] = {}
    script_files: list[str] = []
    audio_shared: bool = False
    thread_link: str | None = None
    slack_failure: SlackFailure | None = None
    # bot/slack_uploads.py: the files uploaded under each key (so a repeat after a crash does not upload twice).
    slack_uploads: dict[str, UploadRecord] = {}
    # bot/slack_reminders.py: every reminder posted, the keys of the pings (their count), and the episode version
    # at which the reminders were closed.
    reminders: list[ReminderPost] = []
    reminder_keys: list[str] = []
    reminders_closed: int | None = None
    # bot/slack_reactions.py: the reaction shown on the dropped file's message.
    reaction: str | None = None
    # bot/listeners/events/_intake.py: the message that carried the dropped file.
    dropped_ts: str | None = None


_FIELDS: dict[str, TypeAdapter[Any]] = {
    name: TypeAdapter(field.annotation) for name, field in SlackFacts.model_fields.items()
}


def slack_facts(episode: Episode) -> SlackFacts:
    """The Slack layer's records of ``episode`` (defaults for what it has not recorded yet)."""
    return SlackFacts.model_validate(episode.facts.people)


def remember(store: EpisodeStore, episode_id: str, **fields: Any) -> Episode:
    """Record Slack facts on the episode (None removes one); a name or type :class:`SlackFacts` lacks raises first."""
    unknown = set(fields) - set(_FIELDS)
    if unknown:
        raise TypeError(f"not Slack facts: {', '.join(sorted(unknown))} (declare them in bot/slack_facts.py)")
    values = {name: None if value is None else _FIELDS[name].dump_python(_FIELDS[name].validate_python(value),
                                                                          mode="json")
              for name, value in fields.items()}
    return store.update_people_facts(episode_id, **values)
