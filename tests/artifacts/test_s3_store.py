"""The s3 artifact backend against a real S3-compatible server on loopback (moto in server mode)."""

from __future__ import annotations

import hashlib
import os
import pickle
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.standins.s3 import CREDENTIALS, MotoS3, export_credentials
from workflows.artifacts import ArtifactCorrupt, ArtifactMissing, ObjectStoreRefused, ObjectStoreUnavailable
from workflows.artifacts.model import Artifact
from workflows.artifacts.s3 import S3ArtifactStore

ROOT = Path(__file__).resolve().parents[2]
AUDIO = b"ID3" + bytes(range(256)) * 4096  # 1 MiB and a bit: more than one streamed chunk


def _object(s3, bucket: str, store: S3ArtifactStore, artifact: Artifact) -> dict:
    return s3.client().head_object(Bucket=bucket, Key=store.object_key(artifact.sha256))


def test_put_uploads_under_the_content_key_and_path_gives_the_bytes(s3, bucket, s3_store):
    """put_bytes/put_file upload to <prefix>/sha256/ab/<sha> with the sha256 in metadata; path() gives the bytes."""
    store = s3_store("a")
    a = store.put_bytes(AUDIO, kind="audio", media_type="audio/mpeg", filename="episode.mp3")
    head = _object(s3, bucket, store, a)
    assert store.object_key(a.sha256) == f"shows/paper-trail/sha256/{a.sha256[:2]}/{a.sha256}"
    assert head["Metadata"]["sha256"] == a.sha256 and head["ContentLength"] == len(AUDIO)
    assert head["ContentType"] == "audio/mpeg"
    assert store.path(a).read_bytes() == AUDIO and store.exists(a.sha256)

    source = store.root.parent / "notes.md"
    source.write_bytes(b"# Show notes\n")
    n = store.put_file(source, kind="notes", media_type="text/markdown", filename="notes.md")
    assert s3.client().get_object(Bucket=bucket, Key=store.object_key(n.sha256))["Body"].read() == b"# Show notes\n"


def test_the_rendering_instance_reads_its_own_copy_without_downloading(s3, s3_store):
    """The instance that stored an artifact keeps it in its cache: path() makes no request to the object store."""
    store = s3_store("a")
    a = store.put_bytes(AUDIO, kind="audio")
    before = len(s3.requests)
    assert store.path(a).read_bytes() == AUDIO
    assert len(s3.requests) == before


def test_a_second_instance_with_its_own_data_directory_materialises_the_artifact(s3, s3_store):
    """Another instance (no shared disk) downloads the object into its own cache once, verified, and reuses it."""
    a = s3_store("a").put_bytes(AUDIO, kind="audio", media_type="audio/mpeg")
    other = s3_store("b")
    assert not other.path_for(a.sha256).exists()
    path = f"/{other.bucket}/{other.object_key(a.sha256)}"
    gets = s3.count("GET", path)
    local = other.path(a)
    assert local == other.path_for(a.sha256) and local.read_bytes() == AUDIO
    assert local.is_relative_to(other.root), "downloaded into the second instance's own data directory"
    assert other.path(a) == local
    assert s3.count("GET", path) == gets + 1, "downloaded once, then served from the cache"
    assert not [p for p in other.root.rglob(".tmp-*")]


def test_an_object_whose_bytes_do_not_match_its_key_is_refused(s3, bucket, s3_store):
    """A corrupted object (other bytes under the key) is refused with a clear error and nothing is kept locally."""
    store = s3_store("a")
    a = store.put_bytes(AUDIO, kind="audio")
    tampered = AUDIO[:-1] + b"\x00"
    s3.client().put_object(Bucket=bucket, Key=store.object_key(a.sha256), Body=tampered, Metadata={"sha256": a.sha256})
    other = s3_store("b")
    with pytest.raises(ArtifactCorrupt) as caught:
        other.path(a)
    assert a.key in caught.value.message and hashlib.sha256(tampered).hexdigest()[:12] in caught.value.message
    assert caught.value.hint
    assert not other.path_for(a.sha256).exists() and not list(other.root.rglob(".tmp-*"))


def test_an_object_that_was_never_uploaded_is_missing_by_name(s3_store):
    """Asking for an artifact the bucket does not have names its key and the bucket, and says what to do."""
    ghost = Artifact(kind="audio", sha256="f" * 64, size=10)
    with pytest.raises(ArtifactMissing) as caught:
        s3_store("b").path(ghost)
    assert ghost.key in caught.value.message and "s3://" in caught.value.message
    assert "Upload the file to that key" in caught.value.hint
    assert not s3_store("b").exists("f" * 64)


def test_putting_the_same_bytes_again_makes_no_second_put(s3, bucket, s3_store):
    """A re-run (same instance or another) asks the object store first and uploads nothing that is already there."""
    a = s3_store("a").put_bytes(AUDIO, kind="audio")
    path = f"/{bucket}/{s3_store('a').object_key(a.sha256)}"
    assert s3.count("PUT", path) == 1
    s3_store("a").put_bytes(AUDIO, kind="audio")
    again = s3_store("c").put_bytes(AUDIO, kind="audio")  # a fresh instance with an empty cache
    assert again == a
    assert s3.count("PUT", path) == 1
    assert s3.count("HEAD", path) == 3


def test_an_object_without_its_sha256_is_uploaded_again(s3, bucket, s3_store):
    """An object under the key that does not carry its sha256 (written by something else) is replaced by ours."""
    store = s3_store("a")
    digest = hashlib.sha256(AUDIO).hexdigest()
    s3.client().put_object(Bucket=bucket, Key=store.object_key(digest), Body=b"something else")
    a = store.put_bytes(AUDIO, kind="audio")
    assert _object(s3, bucket, store, a)["Metadata"]["sha256"] == digest
    assert s3_store("b").path(a).read_bytes() == AUDIO


def test_the_store_travels_to_a_worker_process_by_pickle(s3_store):
    """A used store pickles (its connection stays behind) and the copy works: renders upload from their worker."""
    store = s3_store("a")
    store.put_bytes(b"first", kind="notes")
    copy = pickle.loads(pickle.dumps(store))
    b = copy.put_bytes(b"second", kind="notes")
    assert s3_store("b").path(b).read_bytes() == b"second"


def test_doctor_writes_and_reads_back_a_probe(s3_store):
    """The doctor check passes against a working bucket and never shows the credentials."""
    check = s3_store("a").doctor()
    assert check.ok, check
    assert "shows/paper-trail" in check.detail and "not shown" in check.detail
    assert all(v not in check.detail for v in CREDENTIALS.values() if v != "us-east-1")


def test_doctor_names_a_bucket_that_does_not_exist(s3, tmp_path):
    """A bucket name that is wrong fails the doctor check with the name and what to fix."""
    store = S3ArtifactStore(tmp_path / "artifacts", bucket="no-such-papercast-bucket", endpoint_url=s3.endpoint_url,
                            region="us-east-1")
    check = store.doctor()
    assert not check.ok and "no-such-papercast-bucket" in check.detail and "s3_bucket" in check.fix


def test_no_credentials_is_refused_with_what_to_export(s3, bucket, tmp_path, monkeypatch):
    """Without credentials in the environment, storing says which variables to export (no traceback, no hang)."""
    for name in CREDENTIALS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    store = S3ArtifactStore(tmp_path / "artifacts", bucket=bucket, endpoint_url=s3.endpoint_url, region="us-east-1")
    with pytest.raises(ObjectStoreRefused) as caught:
        store.put_bytes(b"x", kind="notes")
    assert "AWS_ACCESS_KEY_ID" in caught.value.hint


def test_an_object_store_that_is_down_gives_a_clear_error_not_a_traceback(tmp_path, monkeypatch):
    """With the server stopped, storing, reading and doctor each say the store did not answer, quickly, secrets unshown."""
    export_credentials(monkeypatch)
    server = MotoS3()
    name = server.create_bucket("papercast-down-" + secrets.token_hex(4))
    store = S3ArtifactStore(tmp_path / "a" / "artifacts", bucket=name, endpoint_url=server.endpoint_url,
                            region="us-east-1", max_attempts=2)
    a = store.put_bytes(AUDIO, kind="audio")
    server.stop()
    other = S3ArtifactStore(tmp_path / "b" / "artifacts", bucket=name, endpoint_url=server.endpoint_url,
                            region="us-east-1", max_attempts=2)
    started = time.monotonic()
    with pytest.raises(ObjectStoreUnavailable) as reading:
        other.path(a)
    with pytest.raises(ObjectStoreUnavailable) as storing:
        other.put_bytes(b"new notes", kind="notes")
    check = other.doctor()
    assert time.monotonic() - started < 20
    for error in (reading.value, storing.value):
        assert server.endpoint_url.removeprefix("http://") in error.message and "did not answer" in error.message
        assert error.retryable and error.hint
        assert "testing-secret" not in error.for_people()
    assert not check.ok and "did not answer" in check.detail
    assert not other.path_for(a.sha256).exists()


def test_papercast_doctor_reports_the_object_store_and_its_fault_without_a_traceback(tmp_path, monkeypatch):
    """`papercast doctor` says the object store works, and once it is down says so with the fix, exit 1, no traceback."""
    export_credentials(monkeypatch)
    server = MotoS3()
    name = server.create_bucket("papercast-doctor-" + secrets.token_hex(4))
    show = tmp_path / "papercast.toml"
    show.write_text(f'[artifacts]\nbackend = "s3"\ns3_bucket = "{name}"\ns3_endpoint_url = "{server.endpoint_url}"\n'
                    's3_region = "us-east-1"\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ANTHROPIC_", "PAPERCAST_", "DATABASE_"))}
    env.update(PAPERCAST_CONFIG=str(show), PAPERCAST_DATA_DIR=str(tmp_path / "var"))

    def doctor() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", "from bot.cli import main; main()", "doctor"], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=120)

    up = doctor()
    line = next(x for x in up.stdout.splitlines() if " artifacts: " in x)
    assert line.startswith("ok") and f"s3://{name}/" in line, up.stdout + up.stderr
    server.stop()
    down = doctor()
    line = next(x for x in down.stdout.splitlines() if " artifacts: " in x)
    assert down.returncode == 1 and line.startswith("FAIL") and "did not answer" in line, down.stdout
    assert "Traceback" not in down.stdout + down.stderr and "testing-secret" not in down.stdout + down.stderr
