"""The ElevenLabs backend against a loopback stand-in that speaks its wire format."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from pydantic import SecretStr

from tests.audio.samples import make_script, make_show
from tests.standins.elevenlabs_api import WORD_SECONDS, ElevenLabsStandIn, Planned
from workflows.audio import speech
from workflows.audio.elevenlabs import ElevenLabsAuthError, ElevenLabsError, ElevenLabsQuotaError, ElevenLabsSpeech
from workflows.audio.render import render_episode
from workflows.errors import NeedsKey
from workflows.settings import Audio, Environment, Host, Show

KEY = "sk_0123456789abcdef0123456789abcdef"
RACHEL, GEORGE = "21m00Tcm4TlvDq8ikWAM", "JBFqnCBsd6RMkjVDRZzb"


class _Sleeps:
    """An injected sleep: records the waits instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def standin():
    with ElevenLabsStandIn(api_key=KEY) as s:
        yield s


def _backend(standin: ElevenLabsStandIn, sleeps: _Sleeps, key: str = KEY, **audio) -> ElevenLabsSpeech:
    return ElevenLabsSpeech(Audio(elevenlabs_url=standin.base_url, **audio), SecretStr(key), sleep=sleeps)


def test_render_sends_the_key_model_format_and_each_hosts_voice(standin, tmp_path):
    """A render through the registry sends xi-api-key, model_id, output_format and each host's own voice id."""
    script = make_script()
    show = make_show("elevenlabs", voices=(RACHEL, GEORGE), elevenlabs_url=standin.base_url,
                     elevenlabs_model="eleven_flash_v2_5")
    env = Environment(papercast_data_dir=tmp_path / "var", elevenlabs_api_key=KEY)
    result = render_episode(script, show, env, out_dir=tmp_path / "out", cache_dir=tmp_path / "cache")
    assert len(standin.requests) == len(script.lines)
    assert {r.api_key for r in standin.requests} == {KEY}
    assert {r.query["output_format"] for r in standin.requests} == {"pcm_24000"}
    by_text = {r.body["text"]: r for r in standin.requests}
    for line in script.lines:
        sent = by_text[line.text]
        assert sent.voice_id == {"a": RACHEL, "b": GEORGE}[line.speaker]
        assert sent.body["model_id"] == "eleven_flash_v2_5"
    words = len(script.lines[0].text.split())
    assert result.segments[0].end - result.segments[0].start == pytest.approx(WORD_SECONDS * words, abs=0.1)


def test_pcm_is_decoded_at_the_formats_rate(standin):
    """pcm_16000 comes back as 16 kHz samples in [-1, 1], as long as the stand-in spoke."""
    samples, rate = _backend(standin, _Sleeps(), elevenlabs_output_format="pcm_16000").synthesize("one two", RACHEL)
    assert rate == 16_000
    assert len(samples) == int(WORD_SECONDS * 16_000 * 2)
    assert samples.dtype == np.float32 and 0.25 < np.abs(samples).max() <= 1.0


def test_busy_and_server_errors_are_retried_honouring_retry_after(standin):
    """429 system_busy (Retry-After 3) and 503 are retried; the waits follow Retry-After, then backoff."""
    standin.plan(Planned(429, "system_busy", retry_after="3"), Planned(503, "service_unavailable"))
    sleeps = _Sleeps()
    samples, _ = _backend(standin, sleeps).synthesize("hello there", RACHEL)
    assert len(samples) > 0 and len(standin.requests) == 3
    assert sleeps.waits == [3.0, 2.0]


def test_retries_are_bounded_and_the_error_says_what_to_do(standin):
    """Always 500: max_retries + 1 attempts, then a retryable error that names the concurrency setting."""
    standin.plan(*[Planned(500, "internal_error")] * 5)
    with pytest.raises(ElevenLabsError) as caught:
        _backend(standin, _Sleeps(), elevenlabs_max_retries=2).synthesize("hello", RACHEL)
    assert len(standin.requests) == 3
    assert caught.value.retryable and "elevenlabs_concurrency" in caught.value.hint


def test_a_wrong_key_is_refused_at_once_without_showing_it(standin):
    """401 invalid_api_key stops at the first request, names ELEVENLABS_API_KEY, and never prints the key."""
    wrong = "sk_wrong_but_secret_0123456789"
    with pytest.raises(ElevenLabsAuthError) as caught:
        _backend(standin, _Sleeps(), key=wrong).synthesize("hello", RACHEL)
    assert len(standin.requests) == 1 and not caught.value.retryable
    assert "ELEVENLABS_API_KEY" in caught.value.hint
    assert wrong not in caught.value.message + caught.value.hint


def test_an_exhausted_quota_is_refused_with_the_credits_left(standin):
    """401 quota_exceeded (a 401 like a bad key) is told apart: the message quotes the credits, no retry."""
    standin.credits = 5
    with pytest.raises(ElevenLabsQuotaError) as caught:
        _backend(standin, _Sleeps()).synthesize("far more than five characters", RACHEL)
    assert len(standin.requests) == 1 and not caught.value.retryable
    assert "5 credits remaining" in caught.value.message and "credits" in caught.value.hint


def test_an_unknown_voice_is_refused_with_the_voice_named(standin):
    """404 voice_not_found is not retried and tells which voice id and setting to fix."""
    with pytest.raises(ElevenLabsError) as caught:
        _backend(standin, _Sleeps()).synthesize("hello", "no-such-voice")
    assert len(standin.requests) == 1 and not isinstance(caught.value, ElevenLabsAuthError)
    assert "no-such-voice" in caught.value.message and "was not found" in caught.value.message


def test_both_hosts_share_the_plans_two_parallel_requests(tmp_path):
    """Two ElevenLabs hosts render with at most 2 requests in flight (the free plan's limit): never a 429."""
    with ElevenLabsStandIn(api_key=KEY, concurrency_limit=2, hold_until_in_flight=2, hold_timeout=0.5) as standin:
        script = make_script()
        show = make_show("elevenlabs", voices=(RACHEL, GEORGE), elevenlabs_url=standin.base_url)
        env = Environment(papercast_data_dir=tmp_path / "var", elevenlabs_api_key=KEY)
        render_episode(script, show, env, out_dir=tmp_path / "out", cache_dir=tmp_path / "cache")
    assert standin.max_in_flight == 2
    assert len(standin.requests) == len(script.lines)  # no request was turned away and retried


def test_no_more_than_the_configured_requests_are_in_flight():
    """Six lines spoken from six threads at once never put more than elevenlabs_concurrency = 2 requests in flight."""
    with ElevenLabsStandIn(api_key=KEY, concurrency_limit=6, hold_until_in_flight=3, hold_timeout=0.3) as standin:
        backend = _backend(standin, _Sleeps())
        with ThreadPoolExecutor(max_workers=6) as pool:
            list(pool.map(lambda i: backend.synthesize(f"line {i}", GEORGE), range(6)))
    assert standin.max_in_flight == 2 and len(standin.requests) == 6


def test_changing_one_hosts_voice_resynthesises_only_that_hosts_lines(standin, tmp_path):
    """After a render, a new voice id for Ben sends only Ben's lines again; Ada's come from the cache."""
    script = make_script()
    env = Environment(papercast_data_dir=tmp_path / "var", elevenlabs_api_key=KEY)
    cache = tmp_path / "cache"
    first = make_show("elevenlabs", voices=(RACHEL, GEORGE), elevenlabs_url=standin.base_url)
    render_episode(script, first, env, out_dir=tmp_path / "one", cache_dir=cache)
    standin.requests.clear()
    second = make_show("elevenlabs", voices=(RACHEL, "pNInz6obpgDQGcFmaJgB"), elevenlabs_url=standin.base_url)
    result = render_episode(script, second, env, out_dir=tmp_path / "two", cache_dir=cache)
    bens = [line.text for line in script.lines if line.speaker == "b"]
    assert sorted(r.body["text"] for r in standin.requests) == sorted(bens)
    assert {r.voice_id for r in standin.requests} == {"pNInz6obpgDQGcFmaJgB"}
    assert result.synthesized_lines == len(bens)


def test_one_host_on_elevenlabs_beside_an_offline_host_needs_the_key(tmp_path):
    """The backend is chosen per host; the ElevenLabs one without ELEVENLABS_API_KEY says which variable to set."""
    show = Show(hosts=[Host(key="a", name="Ada", speech="tone", voice="heart"),
                       Host(key="b", name="Ben", speech="elevenlabs", voice=GEORGE)])
    assert speech.backend_for(show.hosts[0], show, Environment(papercast_data_dir=tmp_path)).id == "tone"
    with pytest.raises(NeedsKey) as caught:
        speech.backend_for(show.hosts[1], show, Environment(papercast_data_dir=tmp_path))
    assert caught.value.variable == "ELEVENLABS_API_KEY"
