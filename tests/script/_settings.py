"""Test settings: exactly the secrets a test gives, whatever the surrounding environment holds."""

from __future__ import annotations

from workflows.settings import Environment, Settings, Show, Writer

TEST_KEY = "sk-ant-test-key-0123456789"
TEST_MODEL = "claude-test-model"


def make_settings(*, key: str | None = None, base_url: str | None = None, show: Show | None = None) -> Settings:
    """Settings with these Anthropic secrets and no Slack tokens."""
    env = Environment(anthropic_api_key=key, anthropic_base_url=base_url, slack_bot_token=None, slack_app_token=None)
    return Settings(env=env, show=show or Show(), show_source="test")


def claude_show(**writer) -> Show:
    """The demo show with a Claude writer configured for tests (few retries, test model)."""
    return Show(writer=Writer(backend="claude", model=TEST_MODEL, max_retries=writer.pop("max_retries", 2),
                              timeout_seconds=writer.pop("timeout_seconds", 10), **writer))
