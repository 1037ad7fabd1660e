"""Two instances that share only PostgreSQL and an S3-compatible store: the renderer dies, the other ships.

Each instance is the real ``papercast serve --http`` (tests/faults/rig.py) with its own data
directory: no shared disk. Artifacts go to moto's S3 server on loopback. The first instance
renders the approved episode and is killed right after rendering, before its transition
commits (``step.render.done``) or right after it (``step.render.committed``); the second,
started while the first renders, picks the episode up by itself (its sweep finds the dead
instance's lease expired) and ships it: one commit on the remote, and the live site serves
the committed bytes. With the render committed, the second instance never renders: it
publishes the bytes it downloads from the object store into its own data directory.
"""

from __future__ import annotations

import hashlib
import secrets
import subprocess

import pytest

from tests.faults.rig import EXIT_KILLED, Rig
from tests.standins.s3 import MotoS3, export_credentials
from tests.waiting import wait_until
from workflows.states import State

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.faults]

ARTIFACTS = """
[artifacts]
backend = "s3"
s3_bucket = "{bucket}"
s3_prefix = "papercast"
s3_endpoint_url = "{endpoint}"
s3_region = "us-east-1"
"""


def _git(bare, *args: str) -> bytes:
    return subprocess.run(["git", f"--git-dir={bare}", *args], capture_output=True, check=True).stdout


@pytest.mark.parametrize("point", ["step.render.done", "step.render.committed"],
                         ids=["killed-before-render-commits", "killed-after-render-commits"])
def test_the_renderer_is_killed_and_an_instance_without_its_disk_ships_the_episode(tmp_path, pg_url, monkeypatch, point):
    """Killed after rendering, the episode is shipped by another instance with its own disk: committed bytes live."""
    export_credentials(monkeypatch)  # the instances inherit them, as boto3 reads them from the environment
    s3 = MotoS3()
    bucket = s3.create_bucket("papercast-" + secrets.token_hex(4))  # moto's state outlives one server
    rig = Rig(tmp_path, pg_url, lease_seconds=2.0)
    with rig.config.open("a", encoding="utf-8") as f:
        f.write(ARTIFACTS.format(bucket=bucket, endpoint=s3.endpoint_url))
    first_dir, second_dir = tmp_path / "instance-1", tmp_path / "instance-2"
    try:
        first = rig.start("first", crash_at=point, data_dir=first_dir)
        thread = rig.drop()
        approved = False

        def rendering() -> bool:  # drive it to the render, as people do
            nonlocal approved
            if not first.alive():
                return True
            episode = rig.episode(thread)
            if episode is not None and episode.state == State.IN_REVIEW and not approved and rig.review_button(thread):
                approved = True
                rig.approve(thread)
            if episode is not None and episode.facts.render_progress:
                return True  # the first instance holds the render's lease now
            assert episode is None or episode.state != State.FAILED, f"{episode.error}\n{first.tail()}"
            return False

        wait_until(rendering, timeout=120, what=lambda: f"the first instance to get to the render:\n{first.tail()}")
        episode = rig.episode(thread)
        assert episode is not None and approved, f"the first instance never got to the render:\n{first.tail()}"

        second = rig.start("second", data_dir=second_dir, serve_events=False)
        assert first.process.wait(timeout=120) == EXIT_KILLED, f"the first instance did not die at {point}:\n{first.tail()}"
        rig.route_to(second)

        def done():
            e = rig.store.get(episode.id)
            assert e.state != State.FAILED, f"{e.error}\n{second.tail()}"
            return e if e.state == State.SHIPPED else None

        shipped = wait_until(done, timeout=120, what=lambda: f"the second instance to ship the episode:\n{second.tail()}")
        served = rig.serves_committed_audio(episode.id)
        commits = rig.remote_commits(episode.id)
        head = _git(rig.website.remote_url, "rev-parse", "refs/heads/main").decode().strip()
        arts = rig.store.artifacts(episode.id)
        files = shipped.facts.published_files or {}
        committed = {kind: hashlib.sha256(_git(rig.website.remote_url, "show", f"{head}:{f.path}")).hexdigest()
                     for kind, f in files.items()}
        objects = s3.client().list_objects_v2(Bucket=bucket, Prefix="papercast/").get("Contents", [])
        audio_key = f"/{bucket}/papercast/{arts['audio'].key}"
    finally:
        rig.stop()
        s3.stop()

    assert served, "shipped, but the live site does not serve the committed audio"
    assert commits == 1 and shipped.facts.commit == head, (commits, shipped.facts.commit, head)
    assert set(committed) >= {"audio", "transcript", "notes"}
    assert all(committed[kind] == arts[kind].sha256 for kind in committed), "the commit holds other bytes than the store"
    assert first_dir.resolve() != second_dir.resolve()
    assert (second_dir / "artifacts").is_dir(), "the second instance materialised the artifacts on its own disk"
    assert objects and all(s3.count("PUT", f"/{bucket}/{o['Key']}") == 1 for o in objects), "an object was uploaded twice"
    if point == "step.render.committed":
        assert not (second_dir / "render").exists(), "the second instance rendered again instead of using the store"
        assert s3.count("GET", audio_key) >= 1, "the second instance never downloaded the audio it published"
