"""Render a script into the episode: MP3 with tags and chapters, WebVTT transcript, show notes.

    result = render_episode(script, show, env, out_dir=Path("out"), cache_dir=Path("var/speech-cache"), store=store)
    store.path(result.audio), result.loudness_lufs, result.segments[0].start

:func:`render_in_worker` does the same in a separate process (see
:mod:`workflows.audio.worker`), so a crash there cannot take the caller down.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable

import numpy as np
from pydantic import BaseModel

from workflows.artifacts import Artifact, ArtifactStore, store_for
from workflows.audio import codec, speech
from workflows.audio.assembly import Segment, Timeline, assemble, resample, trim_silence
from workflows.audio.cache import SpeechCache
from workflows.audio.lexicon import lexicon_for
from workflows.audio.mastering import master_mp3
from workflows.audio.tags import write_tags
from workflows.audio.listing import listing_for
from workflows.audio.transcript import show_notes, webvtt
from workflows.errors import AudioError, PapercastError
from workflows.intake.paper import Paper
from workflows.script.model import Script
from workflows.script.spoken import speakable
from workflows.settings import Environment, Show

Progress = Callable[[int, int], None]

AUDIO_FILE, TRANSCRIPT_FILE, NOTES_FILE = "episode.mp3", "transcript.vtt", "notes.md"
_EMPTY_LINE_SECONDS = 0.2


class RenderResult(BaseModel):
    """What a render produced, with the measurements that prove it is right."""

    audio: Artifact
    transcript: Artifact
    notes: Artifact
    #: Integrated loudness and true peak of the MP3 as decoded (what listeners hear).
    loudness_lufs: float
    true_peak_dbtp: float
    duration_seconds: float
    segments: list[Segment]
    chapter_starts: list[float]
    #: Lines synthesised in this render; the others came from the cache.
    synthesized_lines: int


def render_episode(
    script: Script,
    show: Show,
    env: Environment,
    *,
    out_dir: Path,
    cache_dir: Path,
    progress: Progress | None = None,
    store: ArtifactStore | None = None,
    released: date | None = None,
    paper: Paper | None = None,
) -> RenderResult:
    """Synthesise (or reuse) every line, assemble, normalise, encode, tag and store the episode.

    Files land in ``out_dir`` (episode.mp3, transcript.vtt, notes.md) and in the
    artifact store (default: the one the show's ``[artifacts]`` names), which has
    them, uploaded if it is remote, before this returns. ``progress(done, total)``
    is called with lines ready out of all lines.
    """
    audio = show.audio
    rate = audio.sample_rate
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    store = store or store_for(show.artifacts, env.papercast_data_dir.resolve())
    released = released or datetime.now(timezone.utc).date()

    spoken, synthesized = _speak_all(script, show, env, SpeechCache(cache_dir), progress, paper)
    lines = [_prepare(x, r, rate) for x, r in spoken]
    intro = codec.load_clip(audio.intro_file, rate) if audio.intro_file else None
    outro = codec.load_clip(audio.outro_file, rate) if audio.outro_file else None
    episode, timeline = assemble(lines, script, audio, rate, intro=intro, outro=outro)
    del lines, spoken
    master = master_mp3(episode, rate, audio, out_dir / AUDIO_FILE)
    listing = listing_for(script, show, paper, chapter_starts=timeline.chapter_starts)  # public text only
    write_tags(out_dir / AUDIO_FILE, script, show, chapter_starts=timeline.chapter_starts, duration_seconds=timeline.duration_seconds, released=released, listing=listing)
    (out_dir / TRANSCRIPT_FILE).write_text(webvtt(script, timeline), encoding="utf-8")
    (out_dir / NOTES_FILE).write_text(show_notes(listing, timeline.duration_seconds), encoding="utf-8")

    def put(name: str, kind: str, media_type: str) -> Artifact:
        return store.put_file(out_dir / name, kind=kind, media_type=media_type, duration_seconds=timeline.duration_seconds, filename=name)

    return RenderResult(
        audio=put(AUDIO_FILE, "audio", "audio/mpeg"),
        transcript=put(TRANSCRIPT_FILE, "transcript", "text/vtt"),
        notes=put(NOTES_FILE, "notes", "text/markdown"),
        loudness_lufs=master.loudness_lufs,
        true_peak_dbtp=master.true_peak_dbtp,
        duration_seconds=timeline.duration_seconds,
        segments=timeline.segments,
        chapter_starts=timeline.chapter_starts,
        synthesized_lines=synthesized,
    )


def _speak_all(
    script: Script, show: Show, env: Environment, cache: SpeechCache, progress: Progress | None,
    paper: Paper | None = None,
) -> tuple[list[tuple[np.ndarray, int]], int]:
    """Every line's samples (from the cache or the backend), in script order, reporting progress.

    Each line is made speakable and put through the episode's pronunciation lexicon right
    before synthesis; the cache is keyed by that spoken text, the backend and the voice.
    Hosts on the same backend share one instance (and so its concurrency limit).
    """
    lexicon = lexicon_for(show, paper, script)
    texts = [lexicon.apply(speakable(line.text)) for line in script.lines]
    shared: dict[str, speech.SpeechBackend] = {}
    backends: dict[str, speech.SpeechBackend] = {}
    try:
        for key in script.hosts:
            host = _host(show, key)
            if host.speech not in shared:
                shared[host.speech] = speech.backend_for(host, show, env)
            backends[key] = shared[host.speech]
        total = len(script.lines)
        results: list[tuple[np.ndarray, int] | None] = [None] * total
        todo = []
        for i, line in enumerate(script.lines):
            voice = _host(show, line.speaker).voice
            hit = cache.load(backends[line.speaker], voice, texts[i])
            if hit is None:
                todo.append(i)
            results[i] = hit
        done = total - len(todo)
        if progress:
            progress(done, total)
        workers = max([backends[script.lines[i].speaker].parallelism for i in todo] or [1])
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="speech") as pool:
            futures = {pool.submit(_speak_one, cache, backends, show, script, i, texts[i]): i for i in todo}
            try:
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    done += 1
                    if progress:
                        progress(done, total)
            except BaseException:
                for future in futures:
                    future.cancel()  # do not synthesise the rest of a render that has failed
                raise
        return [r for r in results if r is not None], len(todo)
    finally:
        for backend in shared.values():
            close = getattr(backend, "close", None)
            if close:
                close()


def _speak_one(cache: SpeechCache, backends, show: Show, script: Script, i: int, text: str) -> tuple[np.ndarray, int]:
    host = _host(show, script.lines[i].speaker)
    try:
        return cache.synthesize(backends[script.lines[i].speaker], host.voice, text)
    except PapercastError:
        raise
    except Exception as e:  # noqa: BLE001 - a backend bug becomes an error people can act on
        raise AudioError(
            f"Speech synthesis failed on line {i + 1} ({host.name}, backend {host.speech!r}, voice {host.voice!r}): "
            f"{type(e).__name__}: {e}",
            "Edit the line, or choose another voice or speech backend for this host in papercast.toml.",
        ) from e


def _host(show: Show, key: str):
    try:
        return show.host(key)
    except KeyError:
        raise AudioError(
            f"The script has a host {key!r} that the show does not define (hosts: {', '.join(h.key for h in show.hosts)}).",
            "Rewrite the script with this show's hosts, or fix the hosts in papercast.toml.",
        ) from None


def _prepare(samples: np.ndarray, from_rate: int, rate: int) -> np.ndarray:
    x = trim_silence(resample(samples, from_rate, rate), rate)
    return x if len(x) else np.zeros(int(rate * _EMPTY_LINE_SECONDS), np.float32)


def render_in_worker(
    script: Script,
    show: Show,
    env: Environment,
    *,
    out_dir: Path,
    cache_dir: Path,
    progress: Progress | None = None,
    store: ArtifactStore | None = None,
    released: date | None = None,
    paper: Paper | None = None,
) -> RenderResult:
    """:func:`render_episode` in a separate process; a crash there, or a render running past
    ``audio.render_timeout_seconds``, becomes an :class:`AudioError` here."""
    from workflows.audio.worker import run_in_worker

    render = dict(script=script, show=show, env=env, out_dir=Path(out_dir), cache_dir=Path(cache_dir), store=store, released=released, paper=paper)
    return run_in_worker(render, progress, timeout=show.audio.render_timeout_seconds)


__all__ = ["RenderResult", "Segment", "Timeline", "render_episode", "render_in_worker"]
