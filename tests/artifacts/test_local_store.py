"""The local artifact backend, the content keys in the database, and choosing a backend."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from workflows.artifacts import ArtifactMissing, ArtifactStore, UnknownArtifactBackend, open_store, sha256_file
from workflows.artifacts.s3 import S3ArtifactStore
from workflows.errors import ConfigError
from workflows.settings import Artifacts, Environment, Settings, Show, load_settings
from workflows.store.schema import artifacts as artifacts_table

AUDIO = b"ID3" + bytes(range(256)) * 64


def test_put_bytes_and_put_file_keep_content_by_key_and_path_gives_the_bytes(tmp_path):
    """Bytes and files go in under their sha256; path() gives a local file with exactly those bytes."""
    store = ArtifactStore(tmp_path / "artifacts")
    a = store.put_bytes(AUDIO, kind="audio", media_type="audio/mpeg", filename="episode.mp3", duration_seconds=3.0)
    digest = hashlib.sha256(AUDIO).hexdigest()
    assert (a.sha256, a.size, a.key) == (digest, len(AUDIO), f"sha256/{digest[:2]}/{digest}")
    assert store.path(a).read_bytes() == AUDIO and store.path(a) == tmp_path / "artifacts" / digest[:2] / digest

    source = tmp_path / "transcript.vtt"
    source.write_bytes(b"WEBVTT\n\nhello\n")
    t = store.put_file(source, kind="transcript", media_type="text/vtt", filename="transcript.vtt")
    assert source.read_bytes() == b"WEBVTT\n\nhello\n", "the original is left alone"
    assert sha256_file(store.path(t)) == t.sha256 and store.exists(t.sha256)
    assert not any(p.name.startswith(".tmp-") for p in (tmp_path / "artifacts").rglob("*")), "no temporary file is left"


def test_the_same_bytes_twice_are_one_file(tmp_path):
    """Storing the same content again (a re-run after a crash) finds the same file instead of writing another."""
    store = ArtifactStore(tmp_path / "artifacts")
    first = store.put_bytes(AUDIO, kind="audio")
    source = tmp_path / "again.mp3"
    source.write_bytes(AUDIO)
    second = store.put_file(source, kind="audio")
    assert first == second
    assert [p for p in (tmp_path / "artifacts").rglob("*") if p.is_file()] == [store.path(first)]


def test_an_artifact_that_is_not_on_this_disk_says_which_key_and_what_to_do(tmp_path):
    """Asking for an artifact that another machine stored names its key and suggests the object store."""
    elsewhere = ArtifactStore(tmp_path / "other" / "artifacts").put_bytes(AUDIO, kind="audio")
    with pytest.raises(ArtifactMissing) as caught:
        ArtifactStore(tmp_path / "here" / "artifacts").path(elsewhere)
    assert elsewhere.key in caught.value.message
    assert 'backend = "s3"' in caught.value.hint


def test_artifact_rows_hold_the_key_and_old_rows_with_machine_paths_still_resolve(store, tmp_path):
    """The database keeps content keys; a row written with an absolute path on another machine resolves by its sha256."""
    files = ArtifactStore(tmp_path / "artifacts")
    ep = store.create(uploader="U1", channel="C1", title="Keys")
    notes = files.put_bytes(b"# notes\n", kind="notes", media_type="text/markdown", filename="notes.md")
    audio = files.put_bytes(AUDIO, kind="audio", media_type="audio/mpeg", filename="episode.mp3")
    with store.engine.begin() as conn:
        conn.execute(insert(artifacts_table).values(
            episode_id=ep.id, kind="audio", sha256=audio.sha256, size=audio.size,
            path=f"/srv/old-instance/var/artifacts/{audio.sha256[:2]}/{audio.sha256}", media_type="audio/mpeg",
            filename="episode.mp3", duration_seconds=None, created_at="2026-01-01T00:00:00.000000+00:00"))
        store._put_artifact(conn, ep.id, notes, store.clock())
        keys = dict(conn.execute(select(artifacts_table.c.kind, artifacts_table.c.path)
                                 .where(artifacts_table.c.episode_id == ep.id)).all())
    assert keys["notes"] == notes.key, "new rows hold the content key, not a path"
    stored = store.artifacts(ep.id)
    assert stored["audio"] == audio and stored["notes"] == notes
    assert files.path(stored["audio"]).read_bytes() == AUDIO


def _settings(tmp_path: Path, **artifacts) -> Settings:
    return Settings(env=Environment(papercast_data_dir=tmp_path / "var"), show=Show(artifacts=Artifacts(**artifacts)),
                    show_source="test")


def test_the_show_file_chooses_the_backend(tmp_path):
    """backend = "local" (the default) keeps files under the data directory; "s3" names a bucket, prefix and endpoint."""
    local = open_store(_settings(tmp_path))
    assert type(local) is ArtifactStore and local.root == (tmp_path / "var" / "artifacts").resolve()
    remote = open_store(_settings(tmp_path, backend="s3", s3_bucket="shows", s3_prefix="/paper-trail/",
                                  s3_endpoint_url="http://127.0.0.1:9", s3_region="auto"))
    assert isinstance(remote, S3ArtifactStore)
    assert remote.object_key("ab" * 32) == f"paper-trail/sha256/ab/{'ab' * 32}"
    assert remote.root == local.root, "the object store's local copies live under the data directory"


def test_an_unknown_backend_is_refused_with_the_choices(tmp_path):
    """A backend nobody registered is a configuration error that lists the ones there are."""
    with pytest.raises(UnknownArtifactBackend) as caught:
        open_store(_settings(tmp_path, backend="ftp"))
    assert "'ftp'" in caught.value.message and "local, s3" in caught.value.message


def test_s3_without_a_bucket_is_a_config_error_at_start(tmp_path):
    """A show file asking for the object store without a bucket stops papercast at start with what to set."""
    show = tmp_path / "papercast.toml"
    show.write_text('[artifacts]\nbackend = "s3"\ns3_endpoint_url = "http://127.0.0.1:9000"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings({"PAPERCAST_CONFIG": str(show), "PAPERCAST_DATA_DIR": str(tmp_path / "var")})
    assert "s3_bucket" in caught.value.message and "s3_bucket" in caught.value.hint


def test_a_malformed_endpoint_url_is_refused_with_the_setting_named(tmp_path):
    """An endpoint that is not an http(s) URL is named in the error, not discovered at the first upload."""
    show = tmp_path / "papercast.toml"
    show.write_text('[artifacts]\nbackend = "s3"\ns3_bucket = "shows"\ns3_endpoint_url = "minio:9000"\n',
                    encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings({"PAPERCAST_CONFIG": str(show), "PAPERCAST_DATA_DIR": str(tmp_path / "var")})
    assert "artifacts.s3_endpoint_url" in caught.value.message


def test_doctor_says_the_local_directory_is_writable_and_only_this_machine_reads_it(tmp_path):
    """The local backend's doctor check passes on a writable directory and says who can read it."""
    check = ArtifactStore(tmp_path / "artifacts").doctor()
    assert check.ok and "writable" in check.detail and "only this machine" in check.detail
