"""Fixtures for the script stage: the Anthropic stand-in, settings pointing at it, a paper."""

from __future__ import annotations

import pytest

from tests.script._papers import make_paper
from tests.standins.anthropic_api import AnthropicStandIn
from workflows.settings import Environment, Settings, Show, Writer

TEST_KEY = "sk-ant-test-key-0123456789"
TEST_MODEL = "claude-test-model"


def make_settings(*, key: str | None = None, base_url: str | None = None, show: Show | None = None) -> Settings:
    """Settings with exactly these secrets, whatever the surrounding environment holds."""
    env = Environment(anthropic_api_key=key, anthropic_base_url=base_url, slack_bot_token=None, slack_app_token=None)
    return Settings(env=env, show=show or Show(), show_source="test")


def claude_show(**writer) -> Show:
    """The demo show with a Claude writer configured for tests (fast retries, test model)."""
    return Show(writer=Writer(backend="claude", model=TEST_MODEL, max_retries=writer.pop("max_retries", 2),
                              timeout_seconds=writer.pop("timeout_seconds", 10), **writer))


@pytest.fixture
def standin():
    with AnthropicStandIn(valid_keys=(TEST_KEY,)) as server:
        yield server


@pytest.fixture
def claude_settings(standin) -> Settings:
    return make_settings(key=TEST_KEY, base_url=standin.base_url, show=claude_show())


@pytest.fixture
def paper():
    return make_paper()
