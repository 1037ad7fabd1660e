"""Rendering in a worker process (:mod:`workflows.worker`), a fresh one per episode so
its memory goes back to the system afterwards: a crash there (an exception, running out
of memory, being killed) or a render past its time limit becomes an :class:`AudioError`
for the caller instead of taking the caller down.
"""

from __future__ import annotations

from typing import Any

from workflows.audio import speech
from workflows.errors import AudioError
from workflows.worker import WorkerPool

_RENDERERS = WorkerPool("papercast-audio", keep=0)


class AudioWorkerFailed(AudioError):
    """The audio worker process raised an unexpected error, died, or ran past its time limit."""

    kind = "audio_worker"
    retryable = True


def _failed(what: str) -> AudioWorkerFailed:
    return AudioWorkerFailed(
        f"The audio worker {what}.",
        "Render again. A worker that was killed most often ran out of memory, so check free memory; "
        "if it fails the same way again, report it: it is a bug in papercast or in a speech backend.",
    )


def run_in_worker(render: dict[str, Any], progress=None, timeout: float | None = None):
    """``render_episode(**render)`` in a fresh process; see :func:`workflows.audio.render.render_in_worker`.

    The hosts' speech backends are registered there as they are here (a plugin's, or a test's).
    """
    backends = speech.backends.references({h.speech for h in render["show"].hosts})
    return _RENDERERS.run("workflows.audio.worker:render_with_backends", {**render, "speech_backends": backends},
                          failed=_failed, progress=progress, timeout=timeout)


def render_with_backends(*, speech_backends: dict[str, str], **render: Any):
    """In the worker: register the caller's speech backends, then ``render_episode(**render)``."""
    from workflows.audio.render import render_episode  # here: render_in_worker imports this module

    speech.backends.adopt(speech_backends)
    return render_episode(**render)
