"""Delivers signed requests to the bot's Request URL, the way Slack does.

Each request is signed with the signing secret (``X-Slack-Signature:
v0=hmac_sha256(secret, "v0:{ts}:{body}")`` and ``X-Slack-Request-Timestamp``).
Events are retried up to three times with ``X-Slack-Retry-Num`` /
``X-Slack-Retry-Reason`` when the bot does not answer 2xx within the ack
timeout (3 s, like Slack); interactions and commands get one attempt. Every
attempt is recorded with its ack latency.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Literal

from slack_sdk.signature import SignatureVerifier

#: How to spoil a request on purpose, to check that the bot rejects it.
Tamper = Literal["signature", "stale", "unsigned"] | None

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


@dataclass
class Attempt:
    """One HTTP attempt at delivering a request."""

    retry_num: int
    status: int | None  # None when there was no HTTP answer (timeout, refused)
    latency: float  # seconds until the ack (or until giving up)
    body: str = ""
    content_type: str = ""
    error: str | None = None  # "http_timeout", "connection_failed", "http_error", "no_request_url"

    @property
    def acked(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class Delivery:
    """A request and every attempt at delivering it."""

    kind: str  # "event", "interaction", "command"
    body: str
    content_type: str
    event_id: str | None = None
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def acked(self) -> bool:
        return any(a.acked for a in self.attempts)

    @property
    def last(self) -> Attempt | None:
        return self.attempts[-1] if self.attempts else None

    def ack_json(self) -> dict[str, Any] | None:
        """The ack body as JSON, if the bot answered 2xx with a JSON object."""
        last = self.last
        if last is None or not last.acked or not last.body.strip():
            return None
        try:
            data = json.loads(last.body)
        except ValueError:
            return None
        return data if isinstance(data, dict) else None


def signature(secret: str, timestamp: str, body: str) -> str:
    """Slack's v0 request signature, made by the same slack_sdk code that bolt verifies it with."""
    return SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body) or ""


class Sender:
    """Signs and posts requests to one bot. Thread-safe; keeps a log of deliveries."""

    def __init__(self, signing_secret: str, bot_url: str | None = None, *, ack_timeout: float = 3.0,
                 retry_delays: tuple[float, ...] = (0.0, 1.0, 5.0)) -> None:
        self.signing_secret = signing_secret
        self.bot_url = bot_url
        self.ack_timeout = ack_timeout
        self.retry_delays = retry_delays
        self._lock = threading.Lock()
        self._log: list[Delivery] = []
        self._stopping = threading.Event()

    def deliveries(self, kind: str | None = None) -> list[Delivery]:
        with self._lock:
            return [d for d in self._log if kind is None or d.kind == kind]

    def stop(self) -> None:
        """Abandon pending retries."""
        self._stopping.set()

    def send_event(self, envelope: dict[str, Any], *, retry_num: int = 0, retry_reason: str = "http_timeout",
                   retries: bool = True, tamper: Tamper = None) -> Delivery:
        """Post an ``event_callback`` envelope; retry like Slack unless ``retries`` is False.

        ``retry_num`` > 0 sends it as that retry straight away (same body, same event_id),
        which is how a test checks that the bot handles a redelivered event once.
        """
        body = json.dumps(envelope)
        delivery = Delivery("event", body, JSON, event_id=envelope.get("event_id"))
        self._remember(delivery)
        attempt = self._post(body, JSON, retry_num, retry_reason if retry_num else None, tamper)
        delivery.attempts.append(attempt)
        while retries and not attempt.acked and attempt.error != "no_request_url" \
                and attempt.retry_num < len(self.retry_delays):
            if self._stopping.wait(self.retry_delays[attempt.retry_num]):
                break
            reason = attempt.error or "http_error"
            attempt = self._post(body, JSON, attempt.retry_num + 1, reason, tamper)
            delivery.attempts.append(attempt)
        return delivery

    def send_form(self, kind: str, body: str, *, tamper: Tamper = None) -> Delivery:
        """Post an interaction (``payload=…``) or a slash command form, once."""
        delivery = Delivery(kind, body, FORM)
        self._remember(delivery)
        delivery.attempts.append(self._post(body, FORM, 0, None, tamper))
        return delivery

    def _remember(self, delivery: Delivery) -> None:
        with self._lock:
            self._log.append(delivery)

    def _headers(self, body: str, content_type: str, tamper: Tamper) -> dict[str, str]:
        timestamp = str(int(time.time()) - (600 if tamper == "stale" else 0))
        headers = {"Content-Type": content_type, "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)"}
        if tamper != "unsigned":
            sig = signature(self.signing_secret, timestamp, body)
            if tamper == "signature":
                sig = sig[:-4] + ("0000" if not sig.endswith("0000") else "1111")
            headers.update({"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": sig})
        return headers

    def _post(self, body: str, content_type: str, retry_num: int, retry_reason: str | None, tamper: Tamper) -> Attempt:
        if not self.bot_url:
            return Attempt(retry_num, None, 0.0, error="no_request_url")
        headers = self._headers(body, content_type, tamper)
        if retry_num:
            headers.update({"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason or "http_error"})
        request = urllib.request.Request(self.bot_url, data=body.encode("utf-8"), headers=headers, method="POST")
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=self.ack_timeout) as response:
                text = response.read().decode("utf-8", "replace")
                return Attempt(retry_num, response.status, time.perf_counter() - started, text,
                               response.headers.get("Content-Type", ""))
        except urllib.error.HTTPError as e:
            text = e.read().decode("utf-8", "replace")
            return Attempt(retry_num, e.code, time.perf_counter() - started, text, e.headers.get("Content-Type", ""),
                           error="http_error")
        except (TimeoutError, socket.timeout):
            return Attempt(retry_num, None, time.perf_counter() - started, error="http_timeout")
        except (urllib.error.URLError, ConnectionError, OSError) as e:
            error = "http_timeout" if isinstance(getattr(e, "reason", None), (TimeoutError, socket.timeout)) else "connection_failed"
            return Attempt(retry_num, None, time.perf_counter() - started, error=error)
