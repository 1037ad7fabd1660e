"""Lines are synthesised once: re-rendering after an edit synthesises only what changed."""

from __future__ import annotations

from tests.audio.samples import make_script, make_show
from tests.audio.speech_fakes import CountingSpeech
from workflows.audio.render import render_episode


def test_one_line_edit_resynthesises_exactly_one_line(tmp_path, env):
    """After editing one line, the second render calls the backend once, for that line, and reuses the rest."""
    script = make_script()
    show = make_show("counting")
    cache = tmp_path / "cache"
    CountingSpeech.calls.clear()
    first = render_episode(script, show, env, out_dir=tmp_path / "one", cache_dir=cache)
    assert len(CountingSpeech.calls) == len(script.lines) == first.synthesized_lines

    edited = script.model_copy(deep=True)
    edited.lines[3].text = "That is close to models twenty times their size."
    CountingSpeech.calls.clear()
    second = render_episode(edited, show, env, out_dir=tmp_path / "two", cache_dir=cache)
    assert CountingSpeech.calls == [("heart-low", "That is close to models twenty times their size.")]
    assert second.synthesized_lines == 1
    # Unchanged lines keep their exact timing; the MP3 differs because one line did.
    assert [s.end - s.start for s in second.segments[:3]] == [s.end - s.start for s in first.segments[:3]]
    assert second.audio.sha256 != first.audio.sha256


def test_same_text_in_another_voice_is_synthesised_again(tmp_path, env):
    """The cache key includes the voice: swapping the hosts' voices re-synthesises every line."""
    script = make_script()
    cache = tmp_path / "cache"
    render_episode(script, make_show("counting"), env, out_dir=tmp_path / "one", cache_dir=cache)
    CountingSpeech.calls.clear()
    render_episode(script, make_show("counting", voices=("heart-low", "heart")), env, out_dir=tmp_path / "two", cache_dir=cache)
    assert len(CountingSpeech.calls) == len(script.lines)


def test_rendering_twice_gives_the_same_files(tmp_path, env):
    """An unchanged script renders to byte-identical MP3, transcript and notes (same sha256), all from the cache."""
    script = make_script()
    show = make_show("counting")
    cache = tmp_path / "cache"
    first = render_episode(script, show, env, out_dir=tmp_path / "one", cache_dir=cache)
    CountingSpeech.calls.clear()
    second = render_episode(script, show, env, out_dir=tmp_path / "two", cache_dir=cache)
    assert CountingSpeech.calls == []
    assert (first.audio.sha256, first.transcript.sha256, first.notes.sha256) == (
        second.audio.sha256, second.transcript.sha256, second.notes.sha256
    )
