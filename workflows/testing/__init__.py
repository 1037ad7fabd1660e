"""Test doubles: the scripted fake writer and the synthetic "tone" voices.

They are never built in: no registry imports this package, no command or doctor
check offers them, and a show that names them fails with the usual "no such
backend" error. A test registers them through the same registries as real
backends (``tests/conftest.py``), and a test's subprocess calls
:func:`register_doubles` first. Being inside ``workflows``, these modules are
importable in the render worker, which registers the same backends by reference.
"""

from __future__ import annotations


def register_doubles() -> None:
    """Register ``speech = "tone"`` and ``writer.backend = "fake"`` (a fresh fake writer per build) in this process."""
    from workflows.audio.speech import backends
    from workflows.script.writers import writers
    from workflows.testing.speech import ToneSpeech
    from workflows.testing.writers import FakeWriter

    backends.register("tone", ToneSpeech)
    writers.register("fake", FakeWriter)
