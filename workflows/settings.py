"""One validated settings object, built once at start.

Secrets and deployment come from the environment (:class:`Environment`); the show
comes from a TOML file (:class:`Show`, its sections in :mod:`workflows.settings_show`), ``papercast.toml`` by default or wherever
``PAPERCAST_CONFIG`` points. With no file papercast runs a built-in demo show and
says so (``Settings.show_source``). Every stage reads its own section of the show.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from workflows.errors import ConfigError
from workflows.settings_show import (  # noqa: F401  (the show file's sections, imported from here)
    Artifacts,
    Audio,
    Brand,
    Bucket,
    FollowUp,
    Host,
    Intake,
    Publish,
    Runner,
    Show,
    Writer,
)

DEFAULT_CONFIG_FILE = "papercast.toml"


class Environment(BaseSettings):
    """Secrets and deployment, from the environment only. Secrets never print."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", case_sensitive=False)

    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_api_url: str | None = None
    anthropic_api_key: SecretStr | None = None
    anthropic_base_url: str | None = None
    hosted_tts_api_key: SecretStr | None = None
    elevenlabs_api_key: SecretStr | None = None
    #: HTTPS token for the website repository (sent as an HTTP header, never put in a URL or log).
    website_git_token: SecretStr | None = None
    #: Path of an SSH deploy key for the website repository.
    website_ssh_key: Path | None = None
    database_url: str | None = None
    papercast_config: Path | None = None
    papercast_data_dir: Path = Path("var")
    port: int = 3000

    @model_validator(mode="after")
    def _app_token_shape(self) -> "Environment":
        if self.slack_app_token and not self.slack_app_token.get_secret_value().startswith("xapp-"):
            raise ValueError("SLACK_APP_TOKEN must be an app-level token starting with xapp- (Basic Information → App-Level Tokens)")
        if self.slack_bot_token and not self.slack_bot_token.get_secret_value().startswith("xoxb-"):
            raise ValueError("SLACK_BOT_TOKEN must be a bot token starting with xoxb- (OAuth & Permissions → Bot User OAuth Token)")
        return self


class Settings(BaseModel):
    """Everything papercast knows at start. Built once by :func:`load_settings`."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    env: Environment
    show: Show
    #: Where the show came from: a path, or "built-in demo show".
    show_source: str

    @property
    def data_dir(self) -> Path:
        return self.env.papercast_data_dir.resolve()

    @property
    def database_url(self) -> str:
        return self.env.database_url or f"sqlite:///{self.data_dir / 'papercast.db'}"

    @property
    def database_label(self) -> str:
        """Where the store lives, for people: "SQLite at <path>" or "PostgreSQL (DATABASE_URL)" (no credentials)."""
        url = self.database_url
        if url.startswith("sqlite:///"):
            return f"SQLite at {url[len('sqlite:///'):]}"
        return "PostgreSQL (DATABASE_URL)"

    @property
    def slack_mode(self) -> Literal["socket", "http", "local"]:
        """socket with an app token, http with bot token and signing secret, else local."""
        if self.env.slack_bot_token is None:
            return "local"
        return "socket" if self.env.slack_app_token else "http"

    @property
    def is_demo_show(self) -> bool:
        return self.show_source == BUILT_IN


BUILT_IN = "built-in demo show"


def _describe(err: ValidationError, source: str) -> str:
    lines = []
    for e in err.errors():
        where = ".".join(str(p) for p in e["loc"]) or "(file)"
        lines.append(f"  {where}: {e['msg']}")
    return f"{source} is invalid:\n" + "\n".join(lines)


def load_settings(environ: dict[str, str] | None = None, *, check_mode: bool = True) -> Settings:
    """Read the environment and the show file once, and validate both.

    Raises :class:`ConfigError` naming each wrong setting and how to fix it. ``check_mode=False`` skips
    the checks of what only some modes need (see :func:`mode_problems`), for `papercast doctor`.
    """
    environ = dict(os.environ if environ is None else environ)
    try:
        values: dict[str, Any] = {k.lower(): v for k, v in environ.items() if k.lower() in Environment.model_fields}
        env = Environment(**values)
    except ValidationError as e:
        raise ConfigError(_describe(e, "The environment"), "Fix or unset the variables named above.") from None

    path = env.papercast_config or Path(DEFAULT_CONFIG_FILE)
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"{path} is not valid TOML: {e}.", "Fix the line named above; papercast.example.toml shows the format.") from None
        except UnicodeDecodeError as e:
            line = path.read_bytes()[: e.start].count(b"\n") + 1
            raise ConfigError(f"{path} is not UTF-8 text (byte {e.start}, line {line}, cannot be read as UTF-8).",
                              "Save the show file as UTF-8 (most editors: Save with encoding → UTF-8).") from None
        except OSError as e:
            raise ConfigError(f"{path} cannot be read ({e.strerror or e}).",
                              "Check that the show file exists and that papercast may read it.") from None
        try:
            show = Show.model_validate(raw.get("show", raw))
        except ValidationError as e:
            raise ConfigError(_describe(e, str(path)), "See papercast.example.toml for every setting and its meaning.") from None
        source = str(path)
    elif env.papercast_config is not None:
        raise ConfigError(f"PAPERCAST_CONFIG points to {path}, which does not exist.", "Point it at your show file, or unset it to use the built-in demo show.")
    else:
        show, source = Show(), BUILT_IN

    settings = Settings(env=env, show=show, show_source=source)
    if check_mode:
        _check_mode(settings)
    return settings


def _check_mode(s: Settings) -> None:
    """Values that only some modes need: fail at start, not on first use."""
    problems = mode_problems(s)
    if problems:
        raise problems[0]


def mode_problems(s: Settings) -> list[ConfigError]:
    """Every value that the configured modes need and that is missing (empty when all is well)."""
    problems: list[ConfigError] = []
    if s.slack_mode == "http" and s.env.slack_signing_secret is None:
        problems.append(ConfigError(
            "SLACK_SIGNING_SECRET is not set, and HTTP mode (SLACK_BOT_TOKEN without SLACK_APP_TOKEN) needs it to check that requests come from Slack.",
            "Copy it from your app's Basic Information page, or set SLACK_APP_TOKEN to use Socket Mode.",
        ))
    if s.show.writer.backend == "claude" and s.env.anthropic_api_key is None:
        problems.append(ConfigError(
            "writer.backend is \"claude\" but ANTHROPIC_API_KEY is not set.",
            "Export ANTHROPIC_API_KEY, or set writer.backend = \"offline\" in the show file.",
        ))
    if s.slack_mode != "local" and not s.show.reviewers and not s.show.reviewer_group:
        problems.append(ConfigError(
            "No reviewers are configured, so nobody could approve an episode.",
            "Add Slack user ids to show.reviewers (or a user group id to show.reviewer_group) in the show file.",
        ))
    if s.show.artifacts.backend == "s3" and not s.show.artifacts.s3_bucket:
        problems.append(ConfigError(
            "artifacts.backend is \"s3\" but artifacts.s3_bucket is empty, so there is nowhere to keep the files.",
            "Set [artifacts] s3_bucket (and s3_endpoint_url for R2 or MinIO) in the show file, or backend = \"local\".",
        ))
    publish = s.show.publish
    if publish.website == "s3" and not (publish.bucket.name and publish.base_url):
        problems.append(ConfigError(
            "publish.website is \"s3\" but publish.bucket.name or publish.base_url is empty.",
            "Set [publish.bucket] name (and endpoint_url for R2 or MinIO) and publish.base_url (the bucket's public "
            "URL, typically its CDN) in the show file, or website = \"git\".",
        ))
    elif publish.website == "git" and bool(publish.repo) != bool(publish.base_url):
        problems.append(ConfigError(
            "publish.repo and publish.base_url go together: one is set and the other is not.",
            "Set both to use your website, or neither to use the embedded local website.",
        ))
    return problems
