"""Rendering in a separate process, so a crash there (an exception, running out of
memory, being killed) becomes an :class:`AudioError` for the caller instead of
taking the caller down.

The worker is started with 'spawn' (a fresh interpreter: no inherited threads or
locks), imports every module that registered a speech backend here, renders, and
sends progress and the result back through a pipe that the caller polls. (A pipe,
not a Queue: a send is in the pipe when it returns, so nothing is lost if the
worker is killed a moment later, and the worker's death shows as end-of-file.)
"""

from __future__ import annotations

import multiprocessing
import signal
from typing import Any

from workflows.audio import speech
from workflows.errors import AudioError, PapercastError

_POLL_SECONDS = 0.2
_DRAIN_SECONDS = 2.0


class AudioWorkerFailed(AudioError):
    """The audio worker process raised an unexpected error or died."""

    kind = "audio_worker"
    retryable = True


def run_in_worker(render: dict[str, Any], progress=None):
    """Run ``render_episode(**render)`` in a spawned process; see :func:`workflows.audio.render.render_in_worker`."""
    from workflows.audio.render import RenderResult

    context = multiprocessing.get_context("spawn")
    reader, writer = context.Pipe(duplex=False)
    job = {"plugins": speech.plugin_modules([h.speech for h in render["show"].hosts]), "render": render}
    process = context.Process(target=_work, args=(job, writer), name="papercast-audio", daemon=True)
    process.start()
    writer.close()  # only the worker writes; when it exits, the reader sees end-of-file
    try:
        while True:
            message = _next(reader, process)
            if message[0] == "progress":
                if progress:
                    progress(message[1], message[2])
            elif message[0] == "result":
                return RenderResult.model_validate_json(message[1])
            elif message[0] == "error":
                raise _rebuild(*message[1:])
            else:  # "crash"
                raise AudioWorkerFailed(
                    f"The audio worker failed unexpectedly: {message[1]}",
                    "This is a bug in papercast or in a speech backend; render again, and report it if it repeats.",
                )
    finally:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join()
        reader.close()


def _next(reader, process) -> tuple[Any, ...]:
    """The worker's next message; raises :class:`AudioWorkerFailed` if it died without sending one."""
    while True:
        if reader.poll(_POLL_SECONDS):
            try:
                return reader.recv()
            except EOFError:
                break
        if not process.is_alive() and not reader.poll(0):
            break
    process.join(timeout=_DRAIN_SECONDS)
    raise AudioWorkerFailed(
        f"The audio worker process stopped without finishing the render ({_describe_exit(process.exitcode)}).",
        "This is most often the machine running out of memory, or the process being killed; "
        "check free memory and render again.",
    )


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "no exit code"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _rebuild(cls: type, state: dict[str, Any], message: str) -> PapercastError:
    """The worker's typed error, as the same class here (message, hint and any other fields)."""
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


def _work(job: dict[str, Any], messages) -> None:  # messages: the writing end of the pipe
    """The worker process: render and report; never let an exception escape unreported."""
    try:
        speech.import_plugins(job["plugins"])
        from workflows.audio.render import render_episode

        result = render_episode(**job["render"], progress=lambda done, total: messages.send(("progress", done, total)))
        messages.send(("result", result.model_dump_json()))
    except PapercastError as e:
        messages.send(("error", type(e), dict(vars(e)), e.message))
    except BaseException as e:  # noqa: BLE001 - reported to the caller, who raises AudioWorkerFailed
        messages.send(("crash", f"{type(e).__name__}: {e}"))
