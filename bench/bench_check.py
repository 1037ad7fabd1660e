"""Checking 1,000 published episodes against a live loopback site: wall time and requests made.

Sets up one website commit holding 1,000 episodes (3 files each, plus index and
feed), deploys it on the embedded local website running in its own process (as a
real site would be: it does not share papercast's interpreter), then runs the same
verification that `papercast check` runs (one fetch of the repository, one
`ls-tree` per commit, a pooled keep-alive HTTP client and a bounded thread pool).
Target: under 10 s on this machine. BENCH_EPISODES=n changes the count;
BENCH_PROFILE=1 also prints where the time goes.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import update  # noqa: E402

from workflows.artifacts import ArtifactStore  # noqa: E402
from workflows.people import RecordingPeople  # noqa: E402
from workflows.services import Services  # noqa: E402
from workflows.settings import Environment, Publish, Settings, Show  # noqa: E402
from workflows.ship.feed import feed_bytes, index_bytes  # noqa: E402
from workflows.ship.local_site import LocalWebsite  # noqa: E402
from workflows.ship.targets import artifact_files, effective_publish_target, feed_file, index_file  # noqa: E402
from workflows.ship.verify import ShipChecker  # noqa: E402
from workflows.states import State  # noqa: E402
from workflows.database import migrate  # noqa: E402
from workflows.store.db import make_engine  # noqa: E402
from workflows.store.episodes import EpisodeStore  # noqa: E402
from workflows.store.schema import episodes as episodes_table  # noqa: E402

EPISODES = int(os.environ.get("BENCH_EPISODES", "1000"))
AUDIO_BYTES = 16 * 1024


def _git(*args, cwd):
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "b@x", "GIT_COMMITTER_NAME": "bench",
           "GIT_COMMITTER_EMAIL": "b@x"}
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout.strip()


def _profile(svc, published) -> None:
    """Where the time goes (BENCH_PROFILE=1): the git findings, the live fetches, and the pool size."""
    with ShipChecker(svc) as checker:
        arts = {e.id: svc.store.artifacts(e.id) for e in published}
        files = {e.id: artifact_files(svc.show.publish, checker.target, e) for e in published}
        checker.record.prefetch()
        t = time.perf_counter()
        for e in published:
            checker.record.findings(e, files[e.id], arts[e.id])
        print(f"  git findings: {(time.perf_counter() - t) / len(published) * 1000:.2f} ms/episode")
        t = time.perf_counter()
        for e in published[:100]:
            checker._live_findings(e, files[e.id], arts[e.id])
        print(f"  live findings, serial: {(time.perf_counter() - t) / 100 * 1000:.2f} ms/episode")
    for workers in (1, 4, 8, 16, 32):
        svc.settings.show.followup.__dict__["check_concurrency"] = workers
        with ShipChecker(svc) as checker:
            t = time.perf_counter()
            checker.check_all(published[:300])
            print(f"  {workers} workers: {(time.perf_counter() - t):.2f} s for 300")


_SERVE = """
import sys, time
from pathlib import Path
from workflows.ship.local_site import LocalWebsite
site = LocalWebsite(Path(sys.argv[1]), delay=0, port=int(sys.argv[2])).start(watch=False)
site.deploy(site.head())
print("ready", flush=True)
time.sleep(3600)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="papercast-bench-") as tmp:
        data_dir = Path(tmp) / "var"
        port = _free_port()
        bare = LocalWebsite(data_dir, delay=0, port=port).start(watch=False)  # creates the bare repository
        bare.stop()
        server = None
        try:
            settings = Settings(env=Environment(papercast_data_dir=data_dir, database_url=f"sqlite:///{tmp}/bench.db"),
                                show=Show(publish=Publish(repo=str(bare.remote_url), base_url=f"http://127.0.0.1:{port}")),
                                show_source="bench")
            engine = make_engine(settings.database_url)
            migrate(engine)
            svc = Services(settings=settings, store=EpisodeStore(engine), artifacts=ArtifactStore(data_dir / "artifacts"),
                           people=RecordingPeople())
            target = effective_publish_target(settings)
            publish = settings.show.publish

            t0 = time.perf_counter()
            work = Path(tmp) / "work"
            _git("clone", "-q", str(bare.remote_url), str(work), cwd=tmp)
            eps, entries = [], []
            for n in range(EPISODES):
                ep = svc.store.create(uploader="U", channel="C", title=f"Bench episode {n:04d}")
                arts = [svc.artifacts.put_bytes(os.urandom(AUDIO_BYTES), kind="audio", media_type="audio/mpeg",
                                                filename="episode.mp3", duration_seconds=60.0),
                        svc.artifacts.put_bytes(f"WEBVTT\n\n{n}\n".encode(), kind="transcript", media_type="text/vtt",
                                                filename="transcript.vtt"),
                        svc.artifacts.put_bytes(f"# notes {n}\n".encode(), kind="notes", media_type="text/markdown",
                                                filename="notes.md")]
                by_kind = {a.kind: a for a in arts}
                files = artifact_files(publish, target, ep)
                for f in files:
                    dest = work / f.path
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    dest.write_bytes(svc.artifacts.path(by_kind[f.kind]).read_bytes())
                entries.append({"id": ep.id, "title": ep.title, "published_at": "2026-11-23T09:00:00+00:00",
                                "files": {f.kind: {"path": f.path, "url": f.url, "sha256": by_kind[f.kind].sha256,
                                                   "size": by_kind[f.kind].size, "type": by_kind[f.kind].media_type,
                                                   "duration_seconds": by_kind[f.kind].duration_seconds} for f in files}})
                eps.append((ep, arts))
            index = {"episodes": entries}
            (work / index_file(publish, target).path).write_bytes(index_bytes(index))
            (work / feed_file(publish, target).path).write_bytes(
                feed_bytes(index, settings.show, site_url=target.base_url, feed_url=feed_file(publish, target).url))
            _git("add", "-A", cwd=work)
            _git("commit", "-qm", "1000 episodes", cwd=work)
            _git("push", "-q", "origin", "main", cwd=work)
            commit = _git("rev-parse", "HEAD", cwd=work)
            root = Path(__file__).resolve().parents[1]
            server = subprocess.Popen([sys.executable, "-c", _SERVE, str(data_dir), str(port)], cwd=root,
                                      stdout=subprocess.PIPE, text=True)
            assert server.stdout.readline().strip() == "ready"
            for ep, arts in eps:
                with engine.begin() as conn:
                    conn.execute(update(episodes_table).where(episodes_table.c.id == ep.id).values(
                        state=State.AUDIO_READY.value))
                svc.store.transition(ep.id, "publish", actor="bench", facts={"commit": commit}, artifacts_=arts)
            setup = time.perf_counter() - t0

            published = svc.store.in_states(State.PUBLISHED)
            if os.environ.get("BENCH_PROFILE"):
                _profile(svc, published)
            t1 = time.perf_counter()
            with ShipChecker(svc) as checker:
                checks = checker.check_all(published)
            wall = time.perf_counter() - t1
            live = sum(c.shipped for c in checks)
            print(f"bench_check: {len(published)} published episodes (setup {setup:.1f} s)")
            print(f"bench_check: checked in {wall:.2f} s wall, {checker.requests} HTTP requests "
                  f"({checker.requests / wall:.0f} req/s), {settings.show.followup.check_concurrency} workers, "
                  f"{live}/{len(checks)} live")
            print(f"bench_check: target < 10 s: {'met' if wall < 10 and live == len(checks) else 'MISSED'}")
            if live != len(checks):
                bad = next(c for c in checks if not c.shipped)
                print("first failure:", bad.diagnosis)
                sys.exit(1)
        finally:
            if server is not None:
                server.kill()
                server.wait()


if __name__ == "__main__":
    main()
