"""The errors papercast raises: few, typed, and written for the person who has to act.

Every error carries a ``message`` (what is wrong) and a ``hint`` (what to do about
it). One edge per surface turns them into text: the CLI prints them, the Slack
layer posts them in the episode thread. Nothing else catches them.
"""

from __future__ import annotations


class PapercastError(Exception):
    """Base class: something a person can understand and act on."""

    #: Short machine-readable kind, used in JSON output and tests.
    kind: str = "error"
    #: Whether running the same step again may succeed without a human fixing anything.
    retryable: bool = False

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def for_people(self) -> str:
        """The full text shown to a person: what is wrong, then what to do."""
        return f"{self.message} {self.hint}".strip()


class ConfigError(PapercastError):
    """The configuration is invalid or lacks a value the chosen mode needs."""

    kind = "config"


class NeedsKey(ConfigError):
    """A secret that the configured backend needs is not set."""

    kind = "needs_key"

    def __init__(self, variable: str, why: str) -> None:
        super().__init__(
            f"{variable} is not set, and {why} needs it.",
            f"Set it in the environment (export {variable}=...) or choose another backend in papercast.toml.",
        )
        self.variable = variable


# --- the episode state machine -------------------------------------------------


class TransitionNotAllowed(PapercastError):
    """The episode is not in a state from which this transition may start."""

    kind = "transition_not_allowed"


class ConcurrentTransition(PapercastError):
    """Someone else changed the episode first: this transition lost the race."""

    kind = "concurrent_transition"

    def __init__(self, message: str, current_state: str, current_version: int, last_move=None) -> None:
        super().__init__(message, "Reload the episode to see what changed.")
        self.current_state = current_state
        self.current_version = current_version
        #: The audit row (``workflows.store.records.AuditRow``) of the move that won, if any.
        self.last_move = last_move

    @property
    def winner(self) -> str | None:
        """``"approve by U1 at 2026-…"``: the winning move in one line."""
        m = self.last_move
        return f"{m.transition} by {m.actor} at {m.at.isoformat()}" if m else None


class EpisodeNotFound(PapercastError):
    kind = "episode_not_found"


class NotAllowed(PapercastError):
    """The person asking is not allowed to do this (not a reviewer, not the owner)."""

    kind = "not_allowed"


# --- stages -----------------------------------------------------------------------


class IntakeError(PapercastError):
    """The dropped file cannot become an episode. Subclasses name the reason."""

    kind = "intake"


class ScriptError(PapercastError):
    """The script writer failed or returned something unusable."""

    kind = "script"


class AudioError(PapercastError):
    """Speech synthesis or audio assembly failed."""

    kind = "audio"


class PublishError(PapercastError):
    """Copying, committing or pushing to the website repository failed."""

    kind = "publish"


class StepFailed(PapercastError):
    """A step raised something that is not a PapercastError: a bug or an outage."""

    kind = "step_failed"
    retryable = True
