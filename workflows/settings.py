"""One validated settings object, built once at start.

Secrets and deployment come from the environment (:class:`Environment`); the show
comes from a TOML file (:class:`Show`), ``papercast.toml`` by default or wherever
``PAPERCAST_CONFIG`` points. With no file papercast runs a built-in demo show and
says so (``Settings.show_source``). Every stage reads its own section of the show.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from workflows.errors import ConfigError

DEFAULT_CONFIG_FILE = "papercast.toml"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Host(_Section):
    """One of the two hosts: the name listeners hear and the voice that speaks it."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Stable id used in scripts, e.g. 'a'.")
    name: str = Field(min_length=1)
    speech: str = "offline"  # speech backend id, see workflows.audio.speech
    #: A voice of that backend: offline "heart" or "joe", an OpenAI voice name, or an ElevenLabs voice id.
    voice: str = "heart"


class Brand(_Section):
    """What the brand check enforces on every script version."""

    intro: str = "Welcome to {show}."
    sign_off: str = "Thanks for listening to {show}."
    banned_phrases: list[str] = ["delve", "game-changer", "groundbreaking"]
    #: Word → how the hosts should say it; the script must use the spoken form.
    pronunciations: dict[str, str] = {}


class Writer(_Section):
    #: "auto" uses Claude when ANTHROPIC_API_KEY is set, else the offline writer.
    backend: str = "auto"
    model: str = "claude-sonnet-4-6"
    target_minutes: float = Field(8.0, gt=0, le=120)
    words_per_minute: int = Field(150, gt=60, le=250)
    max_input_tokens: int = Field(150_000, gt=1000)
    max_retries: int = Field(4, ge=0, le=10)
    timeout_seconds: float = Field(120.0, gt=0)


class Intake(_Section):
    max_megabytes: float = Field(50.0, gt=0)
    max_pages: int = Field(300, gt=0)
    #: Papers longer than this are condensed, and the episode says what was kept.
    long_paper_pages: int = Field(100, gt=0)
    min_words: int = Field(300, ge=0)
    #: Reading a PDF still running after this long is stopped: the file is refused, the bot carries on.
    read_timeout_seconds: float = Field(120.0, gt=0)
    #: Take papers whose detected language is not ``show.language`` (refused by default).
    allow_other_languages: bool = False


class Audio(_Section):
    bitrate: str = Field("128k", pattern=r"^\d{2,3}k$")
    sample_rate: int = 24_000
    pause_ms: int = Field(350, ge=0, le=5000)
    #: Pause before a line that opens a new chapter (instead of pause_ms).
    chapter_pause_ms: int = Field(900, ge=0, le=10000)
    intro_file: Path | None = None
    outro_file: Path | None = None
    target_lufs: float = -16.0
    true_peak_dbtp: float = -1.0
    #: The limiter aims this far below true_peak_dbtp, so MP3 encoding cannot push peaks over it.
    codec_headroom_db: float = Field(1.0, ge=0, le=6)
    #: Low-pass before limiting and encoding (0 = off): keeps MP3 peaks where the limiter put them.
    lowpass_hz: int = Field(9_000, ge=0)
    hosted_tts_url: str = "https://api.openai.com/v1"
    hosted_tts_model: str = "gpt-4o-mini-tts"
    hosted_tts_concurrency: int = Field(4, ge=1, le=32)
    hosted_tts_max_retries: int = Field(4, ge=0, le=10)
    hosted_tts_timeout_seconds: float = Field(60.0, gt=0)
    #: ElevenLabs (speech = "elevenlabs"): API base URL, model, output format (raw PCM at the given rate).
    elevenlabs_url: str = "https://api.elevenlabs.io"
    elevenlabs_model: str = "eleven_multilingual_v2"
    elevenlabs_output_format: str = Field("pcm_24000", pattern=r"^pcm_(8000|16000|22050|24000|44100|48000)$")
    #: Requests in flight at once (free plans allow 2) and retries on 429/5xx.
    elevenlabs_concurrency: int = Field(2, ge=1, le=32)
    elevenlabs_max_retries: int = Field(4, ge=0, le=10)
    elevenlabs_timeout_seconds: float = Field(60.0, gt=0)
    #: A render still running after this long is stopped and the episode shows the error.
    render_timeout_seconds: float = Field(1800.0, gt=0)


class Publish(_Section):
    """Where an episode goes. Every path papercast writes in the website is defined here."""

    #: Local path or URL of the website git repository. Empty: the embedded local website.
    repo: str = ""
    branch: str = "main"
    audio_path: str = "static/episodes/{slug}/episode.mp3"
    transcript_path: str = "static/episodes/{slug}/transcript.vtt"
    notes_path: str = "static/episodes/{slug}/notes.md"
    index_path: str = "static/episodes/index.json"
    feed_path: str = "static/feed.xml"
    #: Podcasting 2.0 JSON chapters of each episode (linked from the feed as ``podcast:chapters``).
    chapters_path: str = "static/episodes/{slug}/chapters.json"
    #: Each episode's HTML page, and the show's page listing every episode (``pages = false``: neither is written).
    page_path: str = "static/episodes/{slug}/index.html"
    show_page_path: str = "static/index.html"
    pages: bool = True
    #: The show's square artwork; ``{sha}`` is its content digest, so a new image gets a new URL podcast apps refetch.
    artwork_path: str = "static/artwork-{sha}.{ext}"
    #: A square PNG or JPEG, 1400 to 3000 px. None: generated from the show name.
    artwork_file: Path | None = None
    #: Apple Podcasts category (and optional subcategory), e.g. "Science" or "Science/Natural Sciences".
    category: str = "Science"
    explicit: bool = False
    #: Said at the end of every episode's notes and page ("" for none).
    credits: str = "Written with papercast from the paper."
    #: Public URL the repository's ``static/`` tree is served under. Empty: the local website.
    base_url: str = ""
    #: Leading path segment that the site strips when serving (``static/x`` → ``{base_url}/x``).
    served_root: str = "static"
    #: The show's author and owner in the feed (``itunes:author``, ``itunes:owner``), and the commits' identity.
    author_name: str = "papercast"
    author_email: str = "papercast@localhost"
    #: Seconds the embedded local website waits before a pushed commit goes live.
    local_deploy_delay: float = Field(2.0, ge=0)
    #: Loopback port of the embedded local website (0: the one it used last, kept in the data directory).
    local_port: int = Field(0, ge=0, le=65535)
    #: Pushes tried when the remote moved meanwhile (fetch, reset, rebuild the commit between them).
    push_attempts: int = Field(5, ge=1, le=20)


class FollowUp(_Section):
    #: Minutes after publishing at which the live site is checked; the last repeats.
    check_minutes: list[float] = [1, 2, 5, 10, 30, 60]
    grace_minutes: float = Field(10.0, ge=0)
    pings_before_escalation: int = Field(3, ge=1)
    snooze_minutes: float = Field(60.0, gt=0)
    http_timeout_seconds: float = Field(10.0, gt=0)
    #: Minutes between checks once check_minutes is used up (0: the last entry of check_minutes).
    repeat_minutes: float = Field(0.0, ge=0)
    #: Seconds between the scheduler's routine wake-ups (besides the one at the next due time).
    tick_seconds: float = Field(30.0, gt=0)
    #: Seconds between the scheduler leader's heartbeats (and a standby's looks at the leader's lease).
    leader_heartbeat_seconds: float = Field(5.0, gt=0)
    #: Seconds a leader's lease lasts without a heartbeat: a dead or frozen leader is replaced after this.
    leader_lease_seconds: float = Field(20.0, gt=0)
    #: Seconds a due check stays claimed: one claimed by a process that died is retaken after this.
    claim_lease_seconds: float = Field(60.0, gt=0)
    #: Seconds from the first live match to the confirming check; an episode ships on two matches.
    confirm_seconds: float = Field(60.0, ge=0)
    #: Hours between re-checks of shipped episodes and the feed (0: no re-checks).
    recheck_hours: float = Field(24.0, ge=0)
    #: Live-site requests made at once when many episodes are checked.
    check_concurrency: int = Field(16, ge=1, le=256)
    #: Wall-clock seconds one live-site check (redirects, headers and body) may take before it is "too slow".
    http_deadline_seconds: float = Field(20.0, gt=0, le=600)
    #: Wall-clock seconds one round of checks (many episodes) may take; what is left is reported as not checked.
    check_budget_seconds: float = Field(300.0, gt=0, le=3600)

    @model_validator(mode="before")
    @classmethod
    def _renamed(cls, data):
        """``leader_retry_seconds`` (the advisory-lock era) is ``leader_heartbeat_seconds`` now."""
        if isinstance(data, dict) and "leader_retry_seconds" in data:
            data = dict(data)
            data.setdefault("leader_heartbeat_seconds", data.pop("leader_retry_seconds"))
        return data

    @model_validator(mode="after")
    def _heartbeat_within_lease(self) -> "FollowUp":
        if self.leader_heartbeat_seconds >= self.leader_lease_seconds:
            raise ValueError("followup.leader_heartbeat_seconds must be shorter than followup.leader_lease_seconds")
        return self


class Runner(_Section):
    """How instances share the automatic steps (see workflows/runner.py)."""

    #: Seconds a step's lease lasts between heartbeats: a dead instance's episode is picked up after this.
    lease_seconds: float = Field(30.0, ge=1, le=3600)
    #: Seconds between two looks for unfinished episodes whose lease is free or expired.
    sweep_seconds: float = Field(10.0, ge=0.1, le=3600)
    #: Steps run at once by one instance.
    workers: int = Field(2, ge=1, le=32)


class Artifacts(_Section):
    """Where artifact files (PDF, MP3, transcript, notes) are kept, by content key (see workflows/artifacts/)."""

    #: "local": under the data directory, readable by this machine only. "s3": an S3-compatible bucket that
    #: every instance reads (AWS S3, Cloudflare R2, MinIO); credentials come from the environment as boto3 reads them.
    backend: str = "local"
    s3_bucket: str = Field("", pattern=r"^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])?$")
    #: Folder inside the bucket ("" for the top), e.g. "papercast/artifacts".
    s3_prefix: str = ""
    #: Empty for AWS S3; e.g. "https://<account>.r2.cloudflarestorage.com" or "http://minio:9000".
    s3_endpoint_url: str = Field("", pattern=r"^(https?://\S+)?$")
    #: Empty: boto3's default (AWS_REGION / AWS_DEFAULT_REGION); "auto" for R2.
    s3_region: str = ""


class Show(_Section):
    """The show file: everything about *this* podcast, none of it secret."""

    name: str = "Paper Trail"
    description: str = "Two hosts read one research paper so you don't have to."
    language: str = "en"
    #: Slack channel id (C…) or name (#papercast) where PDFs are dropped.
    channel: str = "#papercast"
    #: Slack user ids allowed to approve, request changes, edit and reject.
    reviewers: list[str] = []
    #: Optional Slack user group id (S…) whose members are reviewers too.
    reviewer_group: str = ""
    hosts: list[Host] = [
        Host(key="a", name="Ada", speech="offline", voice="heart"),
        Host(key="b", name="Ben", speech="offline", voice="joe"),
    ]
    brand: Brand = Brand()
    writer: Writer = Writer()
    intake: Intake = Intake()
    audio: Audio = Audio()
    publish: Publish = Publish()
    followup: FollowUp = FollowUp()
    artifacts: Artifacts = Artifacts()
    runner: Runner = Runner()

    @field_validator("hosts")
    @classmethod
    def _two_distinct_hosts(cls, hosts: list[Host]) -> list[Host]:
        if len(hosts) != 2:
            raise ValueError(f"a show has exactly two hosts, this one has {len(hosts)}")
        if hosts[0].key == hosts[1].key or hosts[0].name == hosts[1].name:
            raise ValueError("the two hosts need different keys and names")
        return hosts

    def host(self, key: str) -> Host:
        for h in self.hosts:
            if h.key == key:
                return h
        raise KeyError(key)


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
        env = Environment(**{k.lower(): v for k, v in environ.items() if k.lower() in Environment.model_fields})
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
    if bool(s.show.publish.repo) != bool(s.show.publish.base_url):
        problems.append(ConfigError(
            "publish.repo and publish.base_url go together: one is set and the other is not.",
            "Set both to use your website, or neither to use the embedded local website.",
        ))
    return problems
