"""The ``s3`` backend: artifacts in S3-compatible object storage (AWS S3, Cloudflare R2, MinIO).

Objects are named by content (``<prefix>/sha256/ab/abcdef…``) and carry their sha256
in their metadata. ``put_*`` keeps the local copy (the cache under the data directory,
in the local backend's layout) and uploads before returning, so the artifact is in the
bucket before the step commits the transition that names it; an upload asks first and
sends nothing when the object is already there. ``path`` serves the cache, or downloads
the object into it, checking the sha256 while the bytes stream, and renames the file
into place only when they match.

Credentials come from wherever boto3 looks (``AWS_ACCESS_KEY_ID`` and
``AWS_SECRET_ACCESS_KEY``, ``AWS_PROFILE``, an instance role); papercast never reads,
logs or prints them. boto3 is imported on first use, so the local backend never loads it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from workflows.artifacts.errors import (
    ArtifactCorrupt,
    ArtifactMissing,
    ObjectStoreRefused,
    ObjectStoreUnavailable,
)
from workflows.artifacts.local import ArtifactStore, _unlink
from workflows.artifacts.model import Artifact, content_key
from workflows.artifacts.registry import stores
from workflows.errors import ConfigError

if TYPE_CHECKING:
    from workflows.doctor import Check
    from workflows.settings import Artifacts

log = logging.getLogger(__name__)
_CLIENT_LOCK = threading.Lock()

_CHUNK = 1 << 20
#: What the doctor writes (once, content-addressed like any artifact) and reads back.
_PROBE = b"papercast doctor: this object checks that papercast can write and read the artifact store.\n"
_MISSING = {"404", "NoSuchKey", "NotFound"}
_REFUSED = {"403", "AccessDenied", "Forbidden", "InvalidAccessKeyId", "SignatureDoesNotMatch", "NoSuchBucket",
            "AllAccessDisabled", "AccountProblem", "InvalidBucketName", "PermanentRedirect", "301"}


class S3ArtifactStore(ArtifactStore):
    """Content-keyed objects in one bucket (under an optional prefix), with a local cache."""

    id: ClassVar[str] = "s3"

    def __init__(self, cache_root: Path, *, bucket: str, prefix: str = "", endpoint_url: str = "",
                 region: str = "", connect_timeout: float = 5.0, read_timeout: float = 60.0,
                 max_attempts: int = 3) -> None:
        super().__init__(cache_root)
        if not bucket:
            raise ConfigError("The s3 artifact backend needs a bucket, and artifacts.s3_bucket is empty.",
                              "Set [artifacts] s3_bucket in the show file, or backend = \"local\".")
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.endpoint_url = endpoint_url or None
        self.region = region or None
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.max_attempts = max_attempts
        self._client_: Any = None

    @classmethod
    def from_config(cls, config: "Artifacts", data_dir: Path) -> "S3ArtifactStore":
        return cls(Path(data_dir) / "artifacts", bucket=config.s3_bucket, prefix=config.s3_prefix,
                   endpoint_url=config.s3_endpoint_url, region=config.s3_region)

    def __getstate__(self) -> dict[str, Any]:
        # A render worker gets the store by pickle; it makes its own client there.
        return {**self.__dict__, "_client_": None}

    # --- the backend interface ------------------------------------------------------

    def object_key(self, sha256: str) -> str:
        """The object's key in the bucket: ``<prefix>/sha256/ab/<sha256>``."""
        return f"{self.prefix}/{content_key(sha256)}" if self.prefix else content_key(sha256)

    def path(self, artifact: Artifact) -> Path:
        """The cached file, or the object downloaded into the cache (verified) when this machine has none."""
        target = self.path_for(artifact.sha256)
        try:
            if target.stat().st_size == artifact.size:
                return target
        except FileNotFoundError:
            pass
        self._download(artifact, target)
        return target

    def exists(self, sha256: str) -> bool:
        """Whether the bucket has these bytes (what every other instance would find)."""
        return self._head(self.object_key(sha256)) is not None

    def describe(self) -> str:
        where = f"s3://{self.bucket}/{self.prefix + '/' if self.prefix else ''}"
        return where + (f" at {_display(self.endpoint_url)}" if self.endpoint_url else "")

    def doctor(self) -> "Check":
        """The bucket answers, a missing key reads as missing (not forbidden), and a probe object round-trips."""
        from workflows.doctor import Check

        name = "artifacts"
        try:
            self._call("head_bucket", Bucket=self.bucket)
            if self._head(self.object_key("0" * 64) + "-absent-" + secrets.token_hex(4)) is not None:
                return Check(name, False, f"{self.describe()}: a key that was never written reads as present",
                             "Check that s3_endpoint_url points at an S3-compatible object store.")
            digest = hashlib.sha256(_PROBE).hexdigest()
            key = self.object_key(digest)  # content-addressed: every run writes the same small object again
            self._call("put_object", Bucket=self.bucket, Key=key, Body=_PROBE, ContentType="text/plain",
                       Metadata={"sha256": digest})
            body = self._call("get_object", Bucket=self.bucket, Key=key, missing=content_key(digest))["Body"].read()
        except (ArtifactMissing, ObjectStoreRefused, ObjectStoreUnavailable) as e:
            return Check(name, False, e.message, e.hint)
        if hashlib.sha256(body).hexdigest() != digest:
            return Check(name, False, f"{self.describe()}: the probe object came back with other bytes",
                         "Check the object store: it does not return what was written.")
        return Check(name, True, f"{self.describe()}: bucket reachable; wrote, found and read back a probe object; "
                                 "credentials from the environment (not shown)")

    # --- upload ---------------------------------------------------------------------

    def _stored(self, artifact: Artifact, local: Path) -> None:
        """Upload the local copy unless the bucket already has it (asked first: at most one PUT per content)."""
        key = self.object_key(artifact.sha256)
        head = self._head(key)
        if head is not None:
            if (head.get("Metadata") or {}).get("sha256") == artifact.sha256 and head.get("ContentLength") == artifact.size:
                return
            log.warning("object %s in bucket %s does not carry its sha256 or size; uploading it again", key, self.bucket)
        with open(local, "rb") as body:
            self._call("put_object", Bucket=self.bucket, Key=key, Body=body, ContentLength=artifact.size,
                       ContentType=artifact.media_type, Metadata={"sha256": artifact.sha256})

    # --- download -------------------------------------------------------------------

    def _download(self, artifact: Artifact, target: Path) -> None:
        key = self.object_key(artifact.sha256)
        where = f"the object store {self.describe()}"
        response = self._call("get_object", Bucket=self.bucket, Key=key, missing=artifact.key)
        fd, tmp = self._temp()
        h = hashlib.sha256()
        try:
            with os.fdopen(fd, "wb") as f:
                try:
                    for chunk in response["Body"].iter_chunks(_CHUNK):
                        h.update(chunk)
                        f.write(chunk)
                except Exception as e:  # noqa: BLE001 - a cut-off or failed stream: say so, keep nothing
                    if type(e).__name__ == "FlexibleChecksumError":
                        raise ArtifactCorrupt(artifact.key, where, "its bytes fail the store's own checksum") from None
                    raise self._unavailable(f"reading {key}", e) from None
                f.flush()
                os.fsync(f.fileno())
            if h.hexdigest() != artifact.sha256:
                raise ArtifactCorrupt(artifact.key, where, f"its bytes hash to {h.hexdigest()[:12]}…, not to its key")
            self._commit(tmp, target)
        except BaseException:
            _unlink(tmp)
            raise

    # --- talking to the bucket ------------------------------------------------------

    def _head(self, key: str) -> dict[str, Any] | None:
        try:
            return self._call("head_object", Bucket=self.bucket, Key=key, missing=key)
        except ArtifactMissing:
            return None

    def _call(self, operation: str, *, missing: str | None = None, **params: Any) -> Any:
        """One S3 call; its failures become papercast errors that say what to do (never with credentials)."""
        from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, PartialCredentialsError

        try:
            return getattr(self._client(), operation)(**params)
        except ClientError as e:
            code = str(e.response.get("Error", {}).get("Code", ""))
            status = str(e.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))
            if missing is not None and (code in _MISSING or status == "404"):
                raise ArtifactMissing(missing, f"the object store {self.describe()}", _S3_MISSING_HINT) from None
            if code in _REFUSED or status in {"301", "400", "403", "404"}:
                raise self._refused(operation, code or status) from None
            raise self._unavailable(operation, e) from None
        except (NoCredentialsError, PartialCredentialsError):
            raise ObjectStoreRefused(
                f"There are no credentials for the object store {self.describe()}.",
                "Export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) for papercast's process.",
            ) from None
        except BotoCoreError as e:
            raise self._unavailable(operation, e) from None

    def _refused(self, operation: str, code: str) -> ObjectStoreRefused:
        if code in {"NoSuchBucket", "404"} and operation == "head_bucket":
            return ObjectStoreRefused(f"The bucket {self.bucket!r} does not exist at {self.describe()}.",
                                      "Create it, or fix [artifacts] s3_bucket / s3_endpoint_url in the show file.")
        return ObjectStoreRefused(
            f"The object store {self.describe()} refused {operation} ({code}).",
            "Check the credentials in the environment, and that they may read, write and list the bucket "
            "(s3:GetObject, s3:PutObject, s3:ListBucket); check s3_region and s3_endpoint_url in the show file.",
        )

    def _unavailable(self, what: str, error: Exception) -> ObjectStoreUnavailable:
        return ObjectStoreUnavailable(
            f"The object store {self.describe()} did not answer ({what}: {type(error).__name__}).",
            "Check that it is up and reachable from this machine (s3_endpoint_url, network); "
            "the step is tried again when you press Retry.",
        )

    def _client(self) -> Any:
        with _CLIENT_LOCK:  # boto3 sessions are not thread-safe to create; the client is, once made
            if self._client_ is None:
                import boto3
                from botocore.config import Config

                config = Config(connect_timeout=self.connect_timeout, read_timeout=self.read_timeout,
                                retries={"max_attempts": self.max_attempts, "mode": "standard"},
                                s3={"addressing_style": "path" if self.endpoint_url else "auto"})
                self._client_ = boto3.session.Session().client(
                    "s3", endpoint_url=self.endpoint_url, region_name=self.region, config=config)
            return self._client_


_S3_MISSING_HINT = (
    "It was never uploaded (stored before the object store was configured) or it was deleted from the bucket. "
    "Upload the file to that key from the instance that still has it (artifacts/<ab>/<sha256> in its data "
    "directory), then press Retry."
)


def _display(url: str | None) -> str:
    """An endpoint URL without any user or password in it."""
    parts = urlsplit(url or "")
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}{':' + str(parts.port) if parts.port else ''}" if parts.scheme else (url or "")


stores.register("s3", S3ArtifactStore.from_config)
