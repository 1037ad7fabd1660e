"""Fixtures for the artifact store: a bucket on the moto server (tests/conftest.py), and stores on separate data dirs."""

from __future__ import annotations

import secrets

import pytest

from tests.standins.s3 import export_credentials
from workflows.artifacts.s3 import S3ArtifactStore


@pytest.fixture
def s3(moto, monkeypatch):
    """The running S3-compatible server, with its credentials in the environment (as boto3 reads them)."""
    export_credentials(monkeypatch)
    return moto


@pytest.fixture
def bucket(s3) -> str:
    return s3.create_bucket("papercast-" + secrets.token_hex(4))


@pytest.fixture
def s3_store(s3, bucket, tmp_path):
    """A function making an S3 store on the shared bucket for one instance's own data directory."""

    def make(instance: str = "a", **kw) -> S3ArtifactStore:
        return S3ArtifactStore(tmp_path / instance / "artifacts", bucket=bucket, prefix="shows/paper-trail",
                               endpoint_url=s3.endpoint_url, region="us-east-1", **kw)

    return make
