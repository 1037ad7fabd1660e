"""The show file's sections: everything about *this* podcast, none of it secret (``papercast.toml``).

Each stage reads its own section (``show.writer``, ``show.publish``...). Import these from
:mod:`workflows.settings`, which also reads the environment and builds the one settings object.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


#: What S3-compatible services accept as a bucket name ("" for none), and an endpoint URL ("" for AWS).
BUCKET_NAME = r"^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])?$"
ENDPOINT_URL = r"^(https?://\S+)?$"

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


class Bucket(_Section):
    """The ``s3`` website: an S3-compatible bucket (AWS S3, Cloudflare R2, MinIO) served at ``publish.base_url``.

    Credentials come from the environment as boto3 reads them (``AWS_ACCESS_KEY_ID`` /
    ``AWS_SECRET_ACCESS_KEY``, ``AWS_PROFILE``, an instance role); papercast never logs them.
    """

    name: str = Field("", pattern=BUCKET_NAME)
    #: Folder inside the bucket the site is served from ("" for the top), e.g. "podcast".
    prefix: str = ""
    #: Empty for AWS S3; e.g. "https://<account>.r2.cloudflarestorage.com" or "http://minio:9000".
    endpoint_url: str = Field("", pattern=ENDPOINT_URL)
    #: Empty: boto3's default (AWS_REGION / AWS_DEFAULT_REGION); "auto" for R2.
    region: str = ""
    #: How long one request waits to connect and for an answer, and how often it is tried: a bucket that stalls
    #: holds a publish about attempts x timeout_seconds (plus a second of backoff) before it fails with Retry.
    timeout_seconds: float = Field(20.0, gt=0, le=300)
    attempts: int = Field(2, ge=1, le=10)


class Publish(_Section):
    """Where an episode goes. Every path papercast writes in the website is defined here."""

    #: The website target (workflows/ship/websites/): "git" (a repository, or the embedded local one) or "s3".
    website: str = "git"
    #: The bucket, for ``website = "s3"``.
    bucket: Bucket = Bucket()
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
    s3_bucket: str = Field("", pattern=BUCKET_NAME)
    #: Folder inside the bucket ("" for the top), e.g. "papercast/artifacts".
    s3_prefix: str = ""
    #: Empty for AWS S3; e.g. "https://<account>.r2.cloudflarestorage.com" or "http://minio:9000".
    s3_endpoint_url: str = Field("", pattern=ENDPOINT_URL)
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
