"""A real S3-compatible server on loopback: moto in server mode, on a free 127.0.0.1 port.

It counts every request it answers (method and path), so tests can assert how many
PUTs an upload made. :meth:`MotoS3.stop` closes the listening socket too, so a client
afterwards gets "connection refused" at once, like an object store that is down.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

#: Credentials moto accepts; tests export them for boto3 (papercast reads none itself).
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing-secret",
               "AWS_SESSION_TOKEN": "testing-session", "AWS_DEFAULT_REGION": "us-east-1"}


@dataclass(frozen=True)
class Request:
    method: str
    path: str


class MotoS3:
    def __init__(self) -> None:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
        from werkzeug.serving import make_server

        self.requests: list[Request] = []
        self._lock = threading.Lock()
        app = DomainDispatcherApplication(create_backend_app)

        def counting(environ, start_response):
            with self._lock:
                self.requests.append(Request(environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")))
            return app(environ, start_response)

        self._server = make_server("127.0.0.1", 0, counting, threaded=True, request_handler=MotoRequestHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def client(self):
        """A plain boto3 client for the test's own look (and tampering) at the bucket."""
        import boto3

        return boto3.session.Session(
            aws_access_key_id=CREDENTIALS["AWS_ACCESS_KEY_ID"], aws_secret_access_key=CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=CREDENTIALS["AWS_SESSION_TOKEN"], region_name="us-east-1",
        ).client("s3", endpoint_url=self.endpoint_url)

    def create_bucket(self, name: str) -> str:
        self.client().create_bucket(Bucket=name)
        return name

    def count(self, method: str, path_suffix: str = "") -> int:
        """Requests answered with ``method`` whose path ends with ``path_suffix``."""
        with self._lock:
            return sum(r.method == method and r.path.endswith(path_suffix) for r in self.requests)

    def stop(self) -> None:
        """Stop answering and close the port: the object store is gone."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def export_credentials(monkeypatch) -> None:
    """Put moto's credentials in this process's environment, where boto3 reads them."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # never ask an instance-metadata address
