"""Fixtures for the script stage: the Anthropic stand-in, settings pointing at it, a paper."""

from __future__ import annotations

import pytest

from tests.script._papers import make_paper
from tests.script._settings import TEST_KEY, claude_show, make_settings
from tests.standins.anthropic_api import AnthropicStandIn


@pytest.fixture
def standin():
    """A running loopback Messages API that accepts TEST_KEY."""
    with AnthropicStandIn(valid_keys=(TEST_KEY,)) as server:
        yield server


@pytest.fixture
def claude_settings(standin):
    """Settings whose Claude writer talks to the stand-in."""
    return make_settings(key=TEST_KEY, base_url=standin.base_url, show=claude_show())


@pytest.fixture
def paper():
    """The realistic SkimQA paper, built in code."""
    return make_paper()
