"""The hosted TTS backend against a loopback stand-in of OpenAI's /v1/audio/speech."""

from __future__ import annotations

import httpx
import numpy as np
import pytest
from pydantic import SecretStr

from tests.audio.samples import make_script, make_show
from tests.standins.hosted_tts import HostedTTSStandIn, Planned
from workflows.audio import speech
from workflows.audio.hosted import HostedSpeech, HostedSpeechAuthError, HostedSpeechError
from workflows.audio.render import render_episode
from workflows.errors import NeedsKey
from workflows.settings import Audio, Environment

KEY = "sk-test-0123456789abcdef"


class _Sleeps:
    """An injected sleep: records the waits instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def standin():
    with HostedTTSStandIn(api_key=KEY) as s:
        yield s


def _backend(standin: HostedTTSStandIn, sleeps: _Sleeps, key: str = KEY, **audio) -> HostedSpeech:
    return HostedSpeech(Audio(hosted_tts_url=standin.base_url, **audio), SecretStr(key), sleep=sleeps)


def test_render_sends_the_key_and_each_hosts_voice(standin, tmp_path):
    """A render through the registry sends Bearer auth, the configured model, WAV format, and each host's own voice."""
    script = make_script()
    show = make_show("hosted", voices=("coral", "onyx"), hosted_tts_url=standin.base_url, hosted_tts_model="gpt-4o-mini-tts")
    env = Environment(papercast_data_dir=tmp_path / "var", hosted_tts_api_key=KEY)
    result = render_episode(script, show, env, out_dir=tmp_path / "out", cache_dir=tmp_path / "cache")
    assert len(standin.requests) == len(script.lines)
    assert {r.authorization for r in standin.requests} == {f"Bearer {KEY}"}
    by_text = {r.body["input"]: r.body for r in standin.requests}
    for line in script.lines:
        body = by_text[line.text]
        assert body["voice"] == {"a": "coral", "b": "onyx"}[line.speaker]
        assert body["model"] == "gpt-4o-mini-tts"
        assert body["response_format"] == "wav"
    # The streamed WAV (sizes 0xFFFFFFFF) was read in full: 0.3 s per word in the stand-in.
    words = len(script.lines[0].text.split())
    assert result.segments[0].end - result.segments[0].start == pytest.approx(0.3 * words, abs=0.1)


def test_rate_limit_is_retried_after_the_servers_retry_after(standin):
    """A 429 with Retry-After: 7 waits 7 seconds (injected clock), then the retry succeeds."""
    standin.plan(Planned(status=429, retry_after="7"))
    sleeps = _Sleeps()
    samples, rate = _backend(standin, sleeps).synthesize("Hello there, listeners.", "alloy")
    assert sleeps.waits == [7.0]
    assert len(standin.requests) == 2
    assert rate == 24_000 and len(samples) == round(0.3 * 3 * 24_000)


def test_server_errors_are_retried_a_bounded_number_of_times(standin):
    """5xx answers are retried with growing waits, then give up with a clear error after max_retries + 1 tries."""
    standin.plan(*[Planned(status=503)] * 10)
    sleeps = _Sleeps()
    with pytest.raises(HostedSpeechError) as caught:
        _backend(standin, sleeps, hosted_tts_max_retries=3).synthesize("Hello.", "alloy")
    assert len(standin.requests) == 4
    assert sleeps.waits == [1.0, 2.0, 4.0]
    assert "HTTP 503" in caught.value.message and "4 times" in caught.value.message


def test_one_server_error_then_success(standin):
    """A single 500 costs one retry, not the render."""
    standin.plan(Planned(status=500))
    sleeps = _Sleeps()
    samples, _ = _backend(standin, sleeps).synthesize("Hello.", "alloy")
    assert len(samples) > 0 and sleeps.waits == [1.0]


def test_a_timeout_is_retried(standin):
    """A request that does not answer within the timeout is abandoned and retried."""
    standin.plan(Planned(stall=True))
    sleeps = _Sleeps()
    samples, _ = _backend(standin, sleeps, hosted_tts_timeout_seconds=0.3).synthesize("Hello.", "alloy")
    assert len(samples) > 0
    assert len(standin.requests) == 2 and sleeps.waits == [1.0]


def test_a_bad_key_is_refused_clearly_without_showing_it(standin):
    """HTTP 401 raises HostedSpeechAuthError at once (no retries) naming HOSTED_TTS_API_KEY, never the key itself."""
    wrong = "sk-wrong-key-5555"
    sleeps = _Sleeps()
    with pytest.raises(HostedSpeechAuthError) as caught:
        _backend(standin, sleeps, key=wrong).synthesize("Hello.", "alloy")
    assert len(standin.requests) == 1 and sleeps.waits == []
    assert "HOSTED_TTS_API_KEY" in caught.value.hint
    shown = caught.value.for_people() + repr(caught.value)
    assert wrong not in shown and "5555" not in shown


def test_missing_key_needs_key(tmp_path):
    """With no HOSTED_TTS_API_KEY the hosted backend refuses to start, saying which variable to set."""
    show = make_show("hosted", voices=("coral", "onyx"))
    with pytest.raises(NeedsKey) as caught:
        speech.backend_for(show.hosts[0], show, Environment(papercast_data_dir=tmp_path))
    assert caught.value.variable == "HOSTED_TTS_API_KEY"


def test_concurrency_limit_is_respected(tmp_path):
    """With hosted_tts_concurrency = 3, a render keeps exactly 3 requests in flight at most, never more."""
    with HostedTTSStandIn(api_key=KEY, hold_until_in_flight=3, hold_timeout=2.0) as standin:
        lines = [("a" if i % 2 == 0 else "b", f"Line number {i} of the concurrency test.") for i in range(9)]
        script = make_script(lines=lines, chapters=[("All", 0)])
        show = make_show("hosted", voices=("coral", "onyx"), hosted_tts_url=standin.base_url, hosted_tts_concurrency=3)
        env = Environment(papercast_data_dir=tmp_path / "var", hosted_tts_api_key=KEY)
        render_episode(script, show, env, out_dir=tmp_path / "out", cache_dir=tmp_path / "cache")
    assert len(standin.requests) == 9
    assert standin.max_in_flight == 3


def test_a_non_wav_answer_is_a_clear_error(standin):
    """If the service answers 200 with something that is not a WAV, the error says so and names the setting."""
    backend = HostedSpeech(
        Audio(hosted_tts_url=standin.base_url), SecretStr(KEY), sleep=_Sleeps(),
        client=httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(200, content=b"ID3\x04mp3 bytes"))),
    )
    with pytest.raises(HostedSpeechError) as caught:
        backend.synthesize("Hello.", "alloy")
    assert "did not return a WAV" in caught.value.message


def test_long_lines_are_split_under_the_api_limit(standin):
    """A line longer than the API's 4096 characters is sent in sentence-sized requests and joined back."""
    sentence = "This sentence is part of a very long monologue about methods. "
    text = sentence * 100  # about 6 300 characters
    samples, rate = _backend(standin, _Sleeps()).synthesize(text.strip(), "alloy")
    assert len(standin.requests) == 2
    assert all(len(r.body["input"]) <= 4096 for r in standin.requests)
    assert " ".join(r.body["input"] for r in standin.requests) == text.strip()
    assert len(samples) == pytest.approx(0.3 * len(text.split()) * rate, rel=0.01)
    assert np.isfinite(samples).all()


def test_backend_limits_in_flight_requests_even_with_more_callers(standin):
    """Six threads calling one backend with hosted_tts_concurrency = 2 never have more than 2 requests in flight."""
    from concurrent.futures import ThreadPoolExecutor

    standin.hold_until_in_flight, standin.hold_timeout = 3, 0.3  # would hold for a third request, if one got through
    backend = _backend(standin, _Sleeps(), hosted_tts_concurrency=2)
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda i: backend.synthesize(f"Caller {i} speaking.", "alloy"), range(6)))
    assert len(results) == 6 and len(standin.requests) == 6
    assert standin.max_in_flight == 2
