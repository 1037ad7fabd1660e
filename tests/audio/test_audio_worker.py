"""Rendering in a worker process: progress comes back, and any crash there is an AudioError here."""

from __future__ import annotations

import os

import pytest

from tests.audio import speech_fakes  # noqa: F401 - registers the fake backends the worker imports by name
from tests.audio.samples import make_script, make_show
from workflows.artifacts import ArtifactStore
from workflows.audio.render import render_in_worker
from workflows.audio.worker import AudioWorkerFailed
from workflows.errors import AudioError

pytestmark = pytest.mark.slow


def test_worker_renders_and_forwards_progress(tmp_path, env, script):
    """The worker renders the episode and the caller's callback sees every line done, ending at total/total."""
    seen: list[tuple[int, int]] = []
    result = render_in_worker(
        script, make_show("tone"), env, out_dir=tmp_path / "out", cache_dir=tmp_path / "cache", progress=lambda d, t: seen.append((d, t))
    )
    total = len(script.lines)
    assert seen[0] == (0, total) and seen[-1] == (total, total)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert ArtifactStore(env.papercast_data_dir / "artifacts").path(result.audio).is_file()
    assert (tmp_path / "out" / "episode.mp3").is_file()
    assert len(result.segments) == total


def test_an_exception_in_the_worker_becomes_an_audio_error(tmp_path, env):
    """A backend bug in the worker reaches the caller as an AudioError naming the line, and the caller carries on."""
    script = make_script(lines=[("a", "This line is fine."), ("b", "This one will explode, sadly.")], chapters=[])
    with pytest.raises(AudioError) as caught:
        render_in_worker(script, make_show("exploding"), env, out_dir=tmp_path / "out", cache_dir=tmp_path / "cache")
    assert "line 2" in caught.value.message and "the synthesizer exploded" in caught.value.message
    assert os.getpid() > 0  # still here


def test_a_killed_worker_becomes_an_audio_error(tmp_path, env):
    """A worker killed mid-render (SIGKILL, as by the OOM killer) is an AudioWorkerFailed; progress sent before it arrived."""
    lines = [("a", "First line."), ("b", "Second line."), ("a", "Now we die here."), ("b", "Never spoken.")]
    script = make_script(lines=lines, chapters=[])
    seen: list[tuple[int, int]] = []
    with pytest.raises(AudioWorkerFailed) as caught:
        render_in_worker(
            script, make_show("dying"), env, out_dir=tmp_path / "out", cache_dir=tmp_path / "cache", progress=lambda d, t: seen.append((d, t))
        )
    assert "killed by SIGKILL" in caught.value.message
    assert caught.value.hint
    # Progress is sent as lines finish; the kill on line 3 may beat the report for lines 1-2, never the opening one.
    assert seen[0] == (0, 4) and all(done <= 2 for done, _ in seen)
    # The caller can render again right away.
    again = render_in_worker(make_script(), make_show("tone"), env, out_dir=tmp_path / "again", cache_dir=tmp_path / "cache")
    assert ArtifactStore(env.papercast_data_dir / "artifacts").path(again.audio).is_file()


def test_typed_errors_keep_their_type_across_the_process_boundary(tmp_path, env, script):
    """A papercast error raised in the worker (an unknown voice) arrives as the same class with message and hint."""
    from workflows.audio.speech import UnknownVoice

    with pytest.raises(UnknownVoice) as caught:
        render_in_worker(script, make_show("offline", voices=("heart", "no-such-voice")), env, out_dir=tmp_path / "o", cache_dir=tmp_path / "c")
    assert "no-such-voice" in caught.value.message and caught.value.hint
