"""Settings: one validated object; wrong values fail at start naming the setting and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from workflows.errors import ConfigError
from workflows.settings import BUILT_IN, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_no_show_file_runs_the_demo_show_and_says_so(tmp_path, monkeypatch):
    """With no papercast.toml, the built-in demo show is used and labelled as such."""
    monkeypatch.chdir(tmp_path)
    s = load_settings({})
    assert s.show_source == BUILT_IN and s.is_demo_show
    assert s.slack_mode == "local"
    assert s.database_url.startswith("sqlite:///") and s.database_url.endswith("var/papercast.db")


def test_the_example_show_file_is_valid(tmp_path):
    """The commented example config in the repository loads as it is."""
    s = load_settings({"PAPERCAST_CONFIG": str(ROOT / "papercast.example.toml"), "PAPERCAST_DATA_DIR": str(tmp_path)})
    assert s.show.name == "Paper Trail" and [h.name for h in s.show.hosts] == ["Ada", "Ben"]
    assert s.data_dir == tmp_path.resolve()


@pytest.mark.parametrize("content, in_message, in_hint", [
    ('name = "X"\n[writer]\ntarget_minutes = -3\n', "writer.target_minutes", "papercast.example.toml"),
    ('nmae = "X"\n', "nmae", ""),
    ('name = "unterminated\n', "line 1", ""),
    ('[writer]\nbackend = "claude"\n', "ANTHROPIC_API_KEY", ""),
], ids=["invalid value", "unknown key", "broken toml", "claude without key"])
def test_a_wrong_show_file_fails_at_start_naming_what_is_wrong(tmp_path, content, in_message, in_hint):
    """A wrong value, a misspelt key, a TOML syntax error or a missing key the mode needs fails at start, named."""
    cfg = tmp_path / "show.toml"
    cfg.write_text(content)
    with pytest.raises(ConfigError) as err:
        load_settings({"PAPERCAST_CONFIG": str(cfg)})
    assert in_message in err.value.message and in_hint in err.value.hint


def test_missing_config_path_is_an_error(tmp_path):
    """PAPERCAST_CONFIG pointing nowhere fails rather than falling back silently."""
    with pytest.raises(ConfigError) as err:
        load_settings({"PAPERCAST_CONFIG": str(tmp_path / "nope.toml")})
    assert "does not exist" in err.value.message


def test_http_mode_needs_the_signing_secret(tmp_path):
    """A bot token without an app token means HTTP mode, which cannot run without the signing secret."""
    with pytest.raises(ConfigError) as err:
        load_settings({"SLACK_BOT_TOKEN": "xoxb-1-2-3", "PAPERCAST_CONFIG": str(ROOT / "papercast.example.toml")})
    assert "SLACK_SIGNING_SECRET" in err.value.message


def test_wrong_kind_of_token_is_named_without_echoing_it(tmp_path):
    """A user token in SLACK_BOT_TOKEN is refused, and the secret itself never appears in the message."""
    with pytest.raises(ConfigError) as err:
        load_settings({"SLACK_BOT_TOKEN": "xoxp-secret-value"})
    assert "SLACK_BOT_TOKEN" in err.value.message and "xoxp-secret-value" not in err.value.for_people()


def test_secrets_do_not_print(tmp_path):
    """The settings object never shows a secret in its repr."""
    s = load_settings({"SLACK_BOT_TOKEN": "xoxb-very-secret", "SLACK_APP_TOKEN": "xapp-also-secret",
                       "PAPERCAST_CONFIG": str(ROOT / "papercast.example.toml")})
    assert s.slack_mode == "socket"
    assert "very-secret" not in repr(s) and "also-secret" not in repr(s)
