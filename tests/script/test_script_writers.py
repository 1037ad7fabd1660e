"""The writer registry: configuration picks the writer, and a test's fake registers like the real ones."""

from __future__ import annotations

import pytest

from tests.script._papers import make_paper, make_script
from tests.script._settings import TEST_KEY, make_settings
from workflows.script.claude import ClaudeWriter
from workflows.script.errors import MalformedScript, UnknownWriter
from workflows.script.offline import OfflineWriter
from workflows.script.writers import ScriptWriter, WriteResult, choose_writer, get_writer, writers
from workflows.settings import Show, Writer
from workflows.testing.writers import FakeWriter


def _show(backend: str) -> Show:
    return Show(writer=Writer(backend=backend))


@pytest.mark.parametrize(
    "backend, key, expected",
    [
        ("auto", None, OfflineWriter),
        ("auto", TEST_KEY, ClaudeWriter),
        ("offline", TEST_KEY, OfflineWriter),
        ("claude", TEST_KEY, ClaudeWriter),
        ("fake", None, FakeWriter),
    ],
)
def test_configuration_chooses_the_writer(backend, key, expected, fake_writer):
    """auto means Claude with ANTHROPIC_API_KEY and offline without; a named backend is used as is."""
    assert type(choose_writer(make_settings(key=key, show=_show(backend)))) is expected


def test_an_unknown_writer_name_lists_the_known_ones(fake_writer):
    """Asking for a writer nobody registered raises UnknownWriter naming every registered writer."""
    with pytest.raises(UnknownWriter) as caught:
        get_writer("gpt", make_settings())
    assert "'gpt'" in caught.value.message
    for name in ("claude", "offline", "fake"):
        assert name in caught.value.hint


def test_a_writer_registered_later_is_found_by_name():
    """writers.register makes a new writer class available to get_writer and choose_writer."""
    @writers.register("echo-test")
    class EchoWriter(ScriptWriter):
        id = "echo-test"

        def write(self, paper, show, *, target_minutes, previous=None, notes=None):
            return WriteResult(script=make_script(["one", "two"], show))

    try:
        assert "echo-test" in writers.ids()
        assert isinstance(choose_writer(make_settings(show=_show("echo-test"))), EchoWriter)
    finally:
        writers.unregister("echo-test")


def test_the_fake_writer_returns_queued_scripts_and_records_calls(fake_writer):
    """The test's own fake is what get_writer('fake') returns: it returns what was queued and records each call."""
    fake = get_writer("fake", make_settings())
    assert fake is fake_writer and get_writer("fake", make_settings()) is fake
    queued = make_script(["Welcome to Paper Trail.", "Thanks for listening to Paper Trail."])
    fake.enqueue(queued, MalformedScript("queued failure"))
    paper = make_paper()
    assert fake.write(paper, Show(), target_minutes=3).script is queued
    with pytest.raises(MalformedScript):
        fake.write(paper, Show(), target_minutes=3, previous=queued, notes="shorter")
    default = fake.write(paper, Show(), target_minutes=3)
    assert default.script.writer == "fake" and paper.title in default.script.lines[1].text
    assert [(c.target_minutes, c.notes) for c in fake.history] == [(3, None), (3, "shorter"), (3, None)]
    fake.reset()
    assert fake.history == [] and fake.queue == []


def test_each_fake_writer_is_its_own():
    """Two fakes share no queue or history: the fake is not a process-wide singleton."""
    one, two = FakeWriter(), FakeWriter()
    one.enqueue(MalformedScript("only for one"))
    two.write(make_paper(), Show(), target_minutes=3)
    assert len(one.queue) == 1 and one.history == [] and len(two.history) == 1 and two.queue == []
