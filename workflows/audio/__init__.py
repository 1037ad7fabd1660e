"""The audio stage: a reviewed script becomes two voices, a finished MP3 with chapters,
a timed WebVTT transcript and show notes.

    from workflows.audio import render_episode, render_in_worker, RenderResult

Speech backends live behind one registry (:mod:`workflows.audio.speech`).
"""

from workflows.audio.render import RenderResult, render_episode, render_in_worker

__all__ = ["RenderResult", "render_episode", "render_in_worker"]
