"""Heavy work in another process, so a crash, a hang or a long burst of CPU there
cannot take down, freeze or slow the process that answers Slack.

Reading a PDF and rendering audio run here. In the bot's own process they would hold
the interpreter lock for hundreds of milliseconds at a time, and every button click
acked meanwhile would wait behind them; a PDF that crashes the reader would take the
whole bot down.

``WorkerPool(name, keep=N).run("module:function", kwargs, failed=...)`` runs one job
in a spawned process (a fresh interpreter: no inherited threads or locks) and keeps
up to ``keep`` processes warm for the next job (``keep=0``: a fresh process per job,
whose memory goes back to the system when it ends).

- A PapercastError raised by the job arrives here as the same class, message and hint.
- Anything else (another exception, the process dying, the job running past
  ``timeout``, after which it is killed) arrives as ``failed(what_happened)``.
- With ``progress``, the function is called with a ``progress(done, total)`` keyword
  and each report reaches the callback here.

As with any spawned process, a program that starts papercast from its own script
must do so under ``if __name__ == "__main__":`` (the spawned worker imports that
script again; the ``papercast`` command, pytest and the benchmarks all do).

Messages travel over a pipe, not a Queue: a send is in the pipe when it returns, so
nothing is lost if the worker is killed a moment later, and its death shows as
end-of-file.
"""

from __future__ import annotations

import importlib
import multiprocessing
import signal
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from workflows.errors import PapercastError

_POLL_SECONDS = 0.2
_DRAIN_SECONDS = 2.0

#: Builds the caller's error from a description of what went wrong ("crashed (killed by SIGKILL)").
Failed = Callable[[str], PapercastError]
Progress = Callable[[int, int], None]


class WorkerPool:
    """Spawned worker processes for one kind of job; thread-safe, one job per process at a time."""

    def __init__(self, name: str, *, keep: int = 1) -> None:
        self.name = name
        self.keep = keep
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()

    def run(
        self,
        target: str,
        kwargs: dict[str, Any],
        *,
        failed: Failed,
        progress: Progress | None = None,
        timeout: float | None = None,
        imports: Iterable[str] = (),
    ) -> Any:
        """``module:function(**kwargs)`` in a worker; ``imports`` are modules to import there first (plugins)."""
        worker = self._take_idle() or _Worker(self.name)
        try:
            return worker.run(("job", target, kwargs, progress is not None, list(imports)), failed, progress, timeout)
        finally:
            if not self._keep_warm(worker):
                worker.close()

    def _keep_warm(self, worker: _Worker) -> bool:
        """Put a healthy worker back among the idle ones if there is room; False if the caller must close it."""
        with self._lock:
            if worker.healthy and len(self._idle) < self.keep:
                self._idle.append(worker)
                return True
        return False

    def _take_idle(self) -> _Worker | None:
        """A warm worker that is still alive (one killed while idle, say by the OOM killer, is dropped)."""
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.process.is_alive():
                    return worker
                worker.close()
        return None

    def pids(self) -> list[int]:
        """The process ids of the warm workers."""
        with self._lock:
            return [w.process.pid for w in self._idle if w.process.pid is not None]  # None only before start()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.close()


class _Worker:
    def __init__(self, name: str) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child,), name=name, daemon=True)
        self.process.start()
        child.close()  # only the worker holds its end now: when it exits, we see end-of-file
        self.healthy = True

    def run(self, job: tuple, failed: Failed, progress: Progress | None, timeout: float | None) -> Any:
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            self.conn.send(job)
        except OSError:  # it died just now; _next reports how
            pass
        while True:
            try:
                message = self._next(deadline)
            except _Died as died:
                raise failed(f"stopped without finishing ({died})") from None
            if message is None:
                self._kill()
                raise failed(f"took longer than {timeout:g} s and was stopped")
            if message[0] == "progress":
                if progress:
                    progress(message[1], message[2])
            elif message[0] == "result":
                return message[1]
            elif message[0] == "error":
                raise _rebuild(*message[1:])
            else:  # "crash": an unexpected exception; the process itself is fine, but start clean next time
                self.healthy = False
                raise failed(f"failed unexpectedly: {message[1]}")

    def _next(self, deadline: float | None) -> tuple[Any, ...] | None:
        """The worker's next message; None past the deadline; :class:`_Died` if it ended without one."""
        while deadline is None or time.monotonic() < deadline:
            wait = _POLL_SECONDS if deadline is None else max(0.0, min(_POLL_SECONDS, deadline - time.monotonic()))
            if self.conn.poll(wait):
                try:
                    return self.conn.recv()
                except EOFError:
                    break
            if not self.process.is_alive() and not self.conn.poll(0):
                break
        else:
            return None
        self.healthy = False
        self.process.join(timeout=_DRAIN_SECONDS)
        raise _Died(_describe_exit(self.process.exitcode))

    def _kill(self) -> None:
        self.healthy = False
        self.process.kill()
        self.process.join(timeout=_DRAIN_SECONDS)

    def close(self) -> None:
        self.conn.close()  # the worker sees end-of-file and exits
        self.process.join(timeout=5)
        if self.process.is_alive():
            self._kill()


class _Died(Exception):
    """The worker process ended without answering; the text says how it ended."""


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "no exit code"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _rebuild(cls: type[PapercastError], state: dict[str, Any], message: str) -> PapercastError:
    """The worker's typed error, as the same class here (message, hint and any other fields)."""
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when its parent dies (a SIGKILLed bot must not leave a render running)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the worker still stops at its next write to the closed pipe
        pass


def _serve(conn) -> None:
    """The worker process: run jobs until the other end closes; never let an exception escape unreported."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which stops us in turn
    _die_with_parent()
    while True:
        try:
            _, target, kwargs, wants_progress, imports = conn.recv()
        except (EOFError, OSError):
            return
        try:
            for module in imports:
                importlib.import_module(module)
            module, _, function = target.partition(":")
            call = getattr(importlib.import_module(module), function)
            if wants_progress:
                kwargs = {**kwargs, "progress": lambda done, total: conn.send(("progress", done, total))}
            conn.send(("result", call(**kwargs)))
        except PapercastError as e:
            conn.send(("error", type(e), dict(vars(e)), e.message))
        except BaseException as e:  # noqa: BLE001 - reported to the caller as its own error
            conn.send(("crash", f"{type(e).__name__}: {e}"))
