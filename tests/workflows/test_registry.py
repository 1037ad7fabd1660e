"""One registry shape for writers, voices and artifact stores: register, unregister, list, look up with a clear error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from workflows.artifacts import UnknownArtifactBackend, stores
from workflows.audio.speech import UnknownSpeechBackend
from workflows.audio.speech import backends as speech_backends
from workflows.registry import Registry, UnknownBackend
from workflows.script.errors import UnknownWriter
from workflows.script.writers import writers
from workflows.testing.speech import ToneSpeech
from workflows.testing.writers import FakeWriter

ROOT = Path(__file__).resolve().parents[2]

#: (registry, the error an unknown id raises, its kind, the built-in ids)
KINDS = [
    pytest.param(writers, UnknownWriter, "unknown_writer", ["claude", "offline"], id="writer"),
    pytest.param(speech_backends, UnknownSpeechBackend, "unknown_speech_backend", ["elevenlabs", "hosted", "offline"],
                 id="voice"),
    pytest.param(stores, UnknownArtifactBackend, "unknown_artifact_backend", ["local", "s3"], id="artifact-store"),
]


def _text(error: Exception) -> str:
    return f"{error.message} {error.hint}"  # type: ignore[attr-defined]


@pytest.mark.parametrize("registry, error, kind, built_ins", KINDS)
def test_a_registered_double_is_found_and_gone_after_unregister(registry, error, kind, built_ins):
    """A double registered under an id is what get returns; after unregister, get raises the kind's error naming the ids there are."""
    double = object()
    registry.register("double-test", double)
    try:
        assert registry.get("double-test") is double and "double-test" in registry.ids()
    finally:
        registry.unregister("double-test")
    assert "double-test" not in registry.ids()
    with pytest.raises(error) as caught:
        registry.get("double-test")
    assert caught.value.kind == kind and "'double-test'" in caught.value.message
    assert all(i in _text(caught.value) for i in built_ins)


@pytest.mark.parametrize("registry, error, kind, built_ins", KINDS)
def test_the_built_ins_are_listed(registry, error, kind, built_ins):
    """Every built-in id is listed (the doubles only while a test has them registered)."""
    assert set(built_ins) <= set(registry.ids())


def test_a_fresh_process_has_the_built_ins_and_no_test_doubles():
    """Outside tests nothing registers the doubles: no "fake" writer, no "tone" voice, only the built-ins."""
    code = ("import json; from workflows.script.writers import writers; from workflows.audio.speech import backends; "
            "from workflows.artifacts import stores; "
            "print(json.dumps([writers.ids(), backends.ids(), stores.ids()]))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(done.stdout) == [["claude", "offline"], ["elevenlabs", "hosted", "offline"], ["local", "s3"]]


def test_the_doubles_are_found_while_registered(fake_writer, tone_voices):
    """The conftest fixtures register the fake writer (this test's own instance) and the tone voices by id."""
    assert writers.get("fake")(None) is fake_writer and isinstance(fake_writer, FakeWriter)
    assert speech_backends.get("tone") is ToneSpeech and "tone" in speech_backends.ids()


def test_an_unknown_id_names_the_ids_there_are_by_default():
    """Without an error class of its own the error is UnknownBackend, saying which ids exist and which setting to change."""
    registry: Registry[type] = Registry("gizmo", setting="[gizmo] backend")
    registry.register("a", int)

    @registry.register("b")
    class B:
        pass

    assert registry.ids() == ["a", "b"] and registry.get("b") is B and "b" in registry
    with pytest.raises(UnknownBackend) as caught:
        registry.get("c")
    assert "'c'" in caught.value.message and "a, b" in caught.value.message and "[gizmo] backend" in caught.value.hint
    registry.unregister("b")
    registry.unregister("b")  # forgetting one that is not there does nothing
    assert registry.ids() == ["a"]


def test_another_process_registers_the_same_entries_by_reference():
    """references() names where each entry is defined; adopt() in a registry without them registers the same objects."""
    here: Registry[object] = Registry("voice", setting="speech")
    here.register("tone", ToneSpeech)
    here.register("fake", FakeWriter)
    refs = here.references(["tone", "fake", "missing"])
    assert refs == {"tone": "workflows.testing.speech:ToneSpeech", "fake": "workflows.testing.writers:FakeWriter"}
    there: Registry[object] = Registry("voice", setting="speech")
    there.adopt(refs)
    assert there.get("tone") is ToneSpeech and there.get("fake") is FakeWriter
    assert there.modules() == ["workflows.testing.speech", "workflows.testing.writers"]


def test_adopt_replaces_an_entry_that_is_something_else_here():
    """A worker whose id names another entry (a built-in a plugin replaced, a stale one) takes the parent's."""
    here: Registry[object] = Registry("voice", setting="speech")
    here.register("voice", FakeWriter)
    there: Registry[object] = Registry("voice", setting="speech")
    there.register("voice", ToneSpeech)
    there.adopt(here.references(["voice"]))
    assert there.get("voice") is FakeWriter


def test_a_built_in_that_fails_to_import_is_tried_again_not_forgotten(monkeypatch):
    """One broken built-in module does not leave the registry empty for good: the next lookup imports again."""
    import importlib

    reg: Registry[object] = Registry("voice", setting="speech", built_ins=("workflows.testing.speech",))
    calls = []
    real = importlib.import_module

    def flaky(name, *a):
        calls.append(name)
        if len(calls) == 1:
            raise ImportError("a broken install")
        return real(name, *a)

    monkeypatch.setattr(importlib, "import_module", flaky)
    with pytest.raises(ImportError):
        reg.ids()
    assert reg.ids() == [] and calls == ["workflows.testing.speech", "workflows.testing.speech"]


def test_a_bound_classmethod_entry_is_found_under_its_own_class():
    """An artifact store registers ``Cls.from_config``: its reference names that class, not the base class."""
    from workflows.artifacts.s3 import S3ArtifactStore

    assert stores.references(["s3", "local"]) == {
        "s3": "workflows.artifacts.s3:S3ArtifactStore.from_config",
        "local": "workflows.artifacts.local:ArtifactStore.from_config",
    }
    there: Registry[object] = Registry("artifact store", setting="[artifacts] backend")
    there.adopt({"s3": "workflows.artifacts.s3:S3ArtifactStore.from_config"})
    assert there.get("s3") == S3ArtifactStore.from_config


def _settings(tmp_path: Path, **show):
    from workflows.settings import Environment, Settings, Show

    return Settings(env=Environment(papercast_data_dir=tmp_path), show=Show(**show), show_source="test")


def test_doctor_fails_a_writer_or_voice_nobody_registered_and_names_the_ids(tmp_path):
    """`papercast doctor` on writer.backend = "fake" or speech = "gone" (unregistered) fails, offering the registered ids."""
    from workflows.doctor import speech_check, writer_check

    writer = writer_check(_settings(tmp_path, writer={"backend": "fake"}))
    assert not writer.ok and "'fake'" in writer.detail and '"claude", "offline"' in writer.fix
    hosts = [{"key": "a", "name": "Ada", "speech": "gone", "voice": "x"}, {"key": "b", "name": "Ben", "speech": "gone", "voice": "y"}]
    voice = speech_check(_settings(tmp_path, hosts=hosts))
    assert not voice.ok and "'gone'" in voice.detail and '"offline"' in voice.fix


def test_doctor_accepts_a_registered_plugin_writer(tmp_path, fake_writer):
    """A writer registered under an id (a plugin, or a test's fake) passes the writer check under that id."""
    from workflows.doctor import writer_check

    check = writer_check(_settings(tmp_path, writer={"backend": "fake"}))
    assert check.ok and "'fake'" in check.detail
