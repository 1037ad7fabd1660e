"""The live checks' HTTP client: pooled keep-alive connections whose every socket operation keeps to a deadline.

:func:`deadline` sets the overall wall-clock end of one check (a context variable); the
client's network streams give every connect, read and write only the time left, so a tarpit
that trickles one byte at a time is cut off at the deadline, with no watchdog threads. It is
built from public APIs only: an ``httpcore.ConnectionPool`` (or ``HTTPProxy`` for a proxy
from the environment, ``HTTP(S)_PROXY`` / ``NO_PROXY``) given the deadline-keeping network
backend, behind an ``httpx.BaseTransport``.
"""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import httpcore
import httpx

_DEADLINE: ContextVar[float | None] = ContextVar("papercast_http_deadline", default=None)


@contextmanager
def deadline(at: float) -> Iterator[None]:
    """Every socket operation inside ends by ``at`` (``time.monotonic()``)."""
    token = _DEADLINE.set(at)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _cap(timeout: float | None, error: type[Exception]) -> float | None:
    end = _DEADLINE.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise error("the overall deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _cap(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _cap(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore.NetworkStream:
        tls = self._inner.start_tls(ssl_context, server_hostname, _cap(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(tls)

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._inner.connect_tcp(host, port, _cap(timeout, httpcore.ConnectTimeout),
                                                       local_address, socket_options))

    def connect_unix_socket(self, path, timeout=None, socket_options=None) -> httpcore.NetworkStream:
        stream = self._inner.connect_unix_socket(path, _cap(timeout, httpcore.ConnectTimeout), socket_options)
        return _DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


#: httpcore's errors as httpx's (most specific first), as httpx's own transport maps them.
_ERRORS: tuple[tuple[type[Exception], type[Exception]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout), (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout), (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException), (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError), (httpcore.WriteError, httpx.WriteError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError), (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProxyError, httpx.ProxyError), (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.ProtocolError, httpx.ProtocolError), (httpcore.NetworkError, httpx.NetworkError),
)


@contextmanager
def _mapped() -> Iterator[None]:
    try:
        yield
    except Exception as e:
        for theirs, ours in _ERRORS:
            if isinstance(e, theirs):
                raise ours(str(e)) from e
        raise


class _Body(httpx.SyncByteStream):
    def __init__(self, stream) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _mapped():
            yield from self._stream

    def close(self) -> None:
        if hasattr(self._stream, "close"):
            self._stream.close()


class DeadlineTransport(httpx.BaseTransport):
    """An httpx transport over httpcore pools that keep to :func:`deadline` (direct, and one per environment proxy)."""

    def __init__(self, connections: int) -> None:
        self._direct = httpcore.ConnectionPool(network_backend=_DeadlineBackend(), max_connections=connections,
                                               max_keepalive_connections=connections)
        self._proxies = {scheme: httpcore.HTTPProxy(proxy_url=url, network_backend=_DeadlineBackend(),
                                                    max_connections=connections,
                                                    max_keepalive_connections=connections)
                         for scheme, url in urllib.request.getproxies().items() if scheme in ("http", "https")
                         and url.startswith(("http://", "https://"))}

    def _pool(self, url: httpx.URL):
        proxy = self._proxies.get(url.scheme)
        return self._direct if proxy is None or urllib.request.proxy_bypass(url.host) else proxy

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        req = httpcore.Request(method=request.method,
                               url=httpcore.URL(scheme=request.url.raw_scheme, host=request.url.raw_host,
                                                port=request.url.port, target=request.url.raw_path),
                               headers=request.headers.raw, content=request.stream, extensions=request.extensions)
        with _mapped():
            resp = self._pool(request.url).handle_request(req)
        return httpx.Response(status_code=resp.status, headers=resp.headers, stream=_Body(resp.stream),
                              extensions=resp.extensions)

    def close(self) -> None:
        self._direct.close()
        for pool in self._proxies.values():
            pool.close()


def client(*, timeout: float, connections: int) -> httpx.Client:
    """A pooled keep-alive client (thread-safe) whose fetches keep to the :func:`deadline` a check sets."""
    return httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False,
                        transport=DeadlineTransport(connections))
