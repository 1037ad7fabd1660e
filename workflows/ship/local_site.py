"""The embedded website: a bare repository as the remote, a delayed deploy, and a static server on loopback.

With no website configured, papercast publishes here. A pushed commit goes live only
after ``publish.local_deploy_delay`` seconds, so "pushed but not yet live" really
happens and the follow-ups have something to find. Layout under ``<data_dir>/site/``::

    website.git/        the bare repository papercast pushes to
    releases/<sha>/     each deployed commit's tree
    live -> releases/<sha>/<served_root>   swapped atomically on deploy
    site.json           remote and base URL, for other papercast processes
    port                the port it served on, taken again on the next start so links keep working

The root URL serves the show page (``index.html`` of the served tree), and every folder its ``index.html``.
"""

from __future__ import annotations

import email.utils
import io
import json
import logging
import mimetypes
import os
import shutil
import subprocess
import tarfile
import threading
from collections.abc import Callable
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from workflows.errors import ConfigError
from workflows.ship.targets import site_info_path
from workflows.store.episodes import utcnow

log = logging.getLogger(__name__)

_TYPES = {".mp3": "audio/mpeg", ".vtt": "text/vtt; charset=utf-8", ".md": "text/markdown; charset=utf-8",
          ".xml": "application/rss+xml; charset=utf-8", ".json": "application/json",
          ".html": "text/html; charset=utf-8"}
_NOT_FOUND = b"<!doctype html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n"
_GIT_ENV = {"GIT_AUTHOR_NAME": "papercast", "GIT_AUTHOR_EMAIL": "papercast@localhost",
            "GIT_COMMITTER_NAME": "papercast", "GIT_COMMITTER_EMAIL": "papercast@localhost"}


def _git(git_dir: Path, *args: str, input: bytes | None = None) -> bytes:
    return subprocess.run(["git", f"--git-dir={git_dir}", *args], input=input, capture_output=True, check=True,
                          env={**os.environ, **_GIT_ENV}).stdout


class LocalWebsite:
    """The stand-in for a real website: push to :attr:`remote_url`, read from :attr:`base_url`.

    ``port`` 0 takes the port of the last start (kept in ``site/port``), or a free one the first time.
    """

    def __init__(self, data_dir: Path, delay: float, port: int = 0, *, branch: str = "main", served_root: str = "static",
                 clock: Callable[[], datetime] = utcnow, poll_seconds: float = 0.2) -> None:
        self.root = Path(data_dir).resolve() / "site"
        self.remote_url = self.root / "website.git"
        self.delay = delay
        self.port = port
        self.branch = branch
        self.served_root = served_root.strip("/")
        self.clock = clock
        self.poll_seconds = poll_seconds
        self.deployed_sha: str | None = None
        self._pending: tuple[str, datetime] | None = None
        self._server: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self._deploy_lock = threading.Lock()

    @property
    def live_dir(self) -> Path:
        return self.root / "live"

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the local website is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host.decode() if isinstance(host, bytes) else host}:{port}"

    # --- life cycle -----------------------------------------------------------------------------

    def start(self, *, watch: bool = True) -> "LocalWebsite":
        """Create the bare repository (once), serve the live tree, and (``watch``) deploy pushes in a thread."""
        self._init_repo()
        current = self.live_dir.resolve() if self.live_dir.is_symlink() else None
        if current is None:
            self._swap_live(self._empty_release())
        else:
            self.deployed_sha = self._sha_of(current)
        self._server = self._bind()
        self._server.daemon_threads = True
        self._spawn(self._server.serve_forever, "papercast-local-site")
        if watch:
            self._spawn(self._watch, "papercast-local-deploy")
        site_info_path(self.root.parent).write_text(json.dumps(
            {"remote_url": str(self.remote_url), "base_url": self.base_url, "pid": os.getpid()}), encoding="utf-8")
        return self

    @property
    def port_file(self) -> Path:
        return self.root / "port"

    def _bind(self) -> ThreadingHTTPServer:
        """Serve on the configured port, else the one used last (a free one if that is taken now), and remember it."""
        handler = _handler_for(self)
        try:
            stored = int(self.port_file.read_text(encoding="utf-8").strip()) if self.port_file.exists() else 0
        except ValueError:
            stored = 0
        wanted = self.port or stored
        try:
            server = ThreadingHTTPServer(("127.0.0.1", wanted), handler)
        except OSError as e:
            if self.port:
                raise ConfigError(f"The local website cannot listen on port {self.port} ({e.strerror or e}).",
                                  "Stop what uses that port, or set publish.local_port to another port "
                                  "(0: papercast keeps the one it picks).") from None
            log.warning("The local website's port %s is taken now; serving on a new port, so earlier links to the "
                        "local site change.", wanted)
            server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port_file.write_text(f"{server.server_address[1]}\n", encoding="utf-8")
        return server

    def stop(self) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        for t in self._threads:
            t.join(timeout=5)
        self._threads.clear()
        info = site_info_path(self.root.parent)
        if info.exists():
            info.unlink()

    def _spawn(self, target, name: str) -> None:
        t = threading.Thread(target=target, name=name, daemon=True)
        t.start()
        self._threads.append(t)

    def _watch(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - a bad push must not stop later deploys
                log.exception("local website deploy failed")

    # --- deploy ------------------------------------------------------------------------------------

    def head(self) -> str | None:
        try:
            return _git(self.remote_url, "rev-parse", "--verify", "--quiet", f"refs/heads/{self.branch}").decode().strip() or None
        except subprocess.CalledProcessError:
            return None

    def tick(self, now: datetime | None = None) -> str | None:
        """One watcher step: notice a new branch head, and deploy it once ``delay`` has passed. The sha deployed now."""
        now = now or self.clock()
        head = self.head()
        if head is None or head == self.deployed_sha:
            self._pending = None
            return None
        if self._pending is None or self._pending[0] != head:
            self._pending = (head, now)
        if (now - self._pending[1]).total_seconds() >= self.delay:
            self.deploy(head)
            return head
        return None

    def deploy(self, sha: str) -> None:
        """Export the commit's served tree and make it live in one rename."""
        with self._deploy_lock:
            release = self.root / "releases" / sha
            if not release.exists():
                tmp = self.root / "releases" / f".{sha}.tmp"
                shutil.rmtree(tmp, ignore_errors=True)
                tmp.mkdir(parents=True)
                try:
                    archive = _git(self.remote_url, "archive", "--format=tar", sha, self.served_root)
                    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
                        tar.extractall(tmp, filter="data")
                except subprocess.CalledProcessError:
                    pass  # the commit has no served tree yet: an empty site
                (tmp / self.served_root).mkdir(parents=True, exist_ok=True)
                os.replace(tmp, release)
            self._swap_live(release / self.served_root)
            self.deployed_sha = sha
            self._pending = None
            self._prune(keep={sha})

    def _swap_live(self, target: Path) -> None:
        tmp_link = self.root / ".live.tmp"
        if tmp_link.is_symlink() or tmp_link.exists():
            tmp_link.unlink()
        os.symlink(target, tmp_link)
        os.replace(tmp_link, self.live_dir)

    def _empty_release(self) -> Path:
        empty = self.root / "releases" / "empty" / self.served_root
        empty.mkdir(parents=True, exist_ok=True)
        return empty

    def _sha_of(self, live: Path) -> str | None:
        name = live.relative_to(self.root / "releases").parts[0] if live.is_relative_to(self.root / "releases") else None
        return None if name in (None, "empty") else name

    def _prune(self, keep: set[str]) -> None:
        releases = sorted((p for p in (self.root / "releases").iterdir() if p.is_dir() and p.name not in keep | {"empty"}
                           and not p.name.startswith(".")), key=lambda p: p.stat().st_mtime)
        for old in releases[:-1]:  # the previous release stays, for requests still reading it
            shutil.rmtree(old, ignore_errors=True)

    def _init_repo(self) -> None:
        if (self.remote_url / "HEAD").exists():
            return
        self.root.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "init", "--quiet", "--bare", str(self.remote_url)], check=True, capture_output=True)
        blob = _git(self.remote_url, "hash-object", "-w", "--stdin",
                    input=b"# Website\n\nPublished by papercast (the embedded local website).\n").decode().strip()
        tree = _git(self.remote_url, "mktree", input=f"100644 blob {blob}\tREADME.md\n".encode()).decode().strip()
        commit = _git(self.remote_url, "commit-tree", tree, "-m", "Start the local website").decode().strip()
        _git(self.remote_url, "update-ref", f"refs/heads/{self.branch}", commit)
        _git(self.remote_url, "symbolic-ref", "HEAD", f"refs/heads/{self.branch}")


def _handler_for(site: LocalWebsite) -> type[BaseHTTPRequestHandler]:
    class StaticFiles(BaseHTTPRequestHandler):
        server_version = "papercast-local-site"
        protocol_version = "HTTP/1.1"  # keep-alive: every answer has a Content-Length
        disable_nagle_algorithm = True

        def do_HEAD(self) -> None:  # noqa: N802
            self._serve(body=False)

        def do_GET(self) -> None:  # noqa: N802
            self._serve(body=True)

        def _serve(self, body: bool) -> None:
            root = Path(os.path.realpath(site.live_dir))
            rel = unquote(urlsplit(self.path).path).lstrip("/")
            path = Path(os.path.realpath(root / rel))
            if path.is_dir() and rel and not rel.endswith("/") and path.is_relative_to(root):
                self.send_response(301)  # a folder's page links relative to the folder: /x → /x/
                self.send_header("Location", urlsplit(self.path).path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if path.is_dir():
                path = path / "index.html"
            if not path.is_relative_to(root) or not path.is_file():
                self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(_NOT_FOUND)))
                self.end_headers()
                if body:
                    self.wfile.write(_NOT_FOUND)
                return
            st = path.stat()
            self.send_response(200)
            self.send_header("Content-Type", _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
                             or "application/octet-stream")
            self.send_header("Content-Length", str(st.st_size))
            self.send_header("ETag", f'"{st.st_mtime_ns:x}-{st.st_size:x}"')
            self.send_header("Last-Modified", email.utils.formatdate(st.st_mtime, usegmt=True))
            self.send_header("Cache-Control", "public, max-age=60")
            self.end_headers()
            if body:
                with open(path, "rb") as f:
                    shutil.copyfileobj(f, self.wfile, 1 << 16)

        def log_message(self, format: str, *args) -> None:  # noqa: A002
            log.debug("local site: " + format, *args)

    return StaticFiles
