"""What the website bucket holds, for the live checks, and S3's failures in words.

The bucket counts by content, like the git branch: each approved file's object must carry
the approved sha256 in its metadata. An object that is gone is ``commit_gone`` and one with
other bytes is ``replaced_on_remote`` (Publish again uploads the approved files again); a
bucket that cannot be read is ``repo_unreachable`` (inconclusive), and the live site is
still checked.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from workflows.errors import PublishError
from workflows.ship.findings import ADVICE, Finding
from workflows.store.records import Episode

if TYPE_CHECKING:
    from workflows.ship.websites.bucket import BucketWebsite

_MISSING_KEY = {"NoSuchKey", "NotFound", "404"}
_AUTH = {"AccessDenied", "Forbidden", "403", "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken",
         "ExpiredToken", "AllAccessDisabled", "AccountProblem"}
#: A conditional write (If-Match / If-None-Match) lost: someone wrote the object since it was read.
_MOVED = {"PreconditionFailed", "ConditionalRequestConflict"}
_AGAIN = "Press Publish again on the status card to upload the approved files again."


def bucket_call(site: "BucketWebsite", operation: str, **params: Any) -> Any:
    """One S3 call: its answer, None for a key (or, for head_bucket, a bucket) that is not there, or a PublishError
    (``bucket_kind``: "auth", "missing_bucket", "network", "refused", "moved") that says what to do, without credentials."""
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, PartialCredentialsError

    where = site.describe()
    try:
        return getattr(site.client(), operation)(**params)
    except ClientError as e:
        code = str(e.response.get("Error", {}).get("Code", ""))
        status = str(e.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))
        if code == "NoSuchBucket" or (operation == "head_bucket" and status == "404"):
            if operation == "head_bucket":
                return None
            err = PublishError(f"The bucket {site.bucket!r} does not exist at {where}.",
                               "Create it, or fix [publish.bucket] name / endpoint_url in the show file.")
            kind = "missing_bucket"
        elif code in _MISSING_KEY or status == "404":
            return None
        elif code in _MOVED or status in ("409", "412"):
            err = PublishError(f"{params.get('Key', 'An object')} in {where} changed while papercast was writing it.",
                               "Press Retry: papercast reads the bucket again and rebuilds on top of it.")
            kind = "moved"
        elif code in _AUTH or status == "403":
            err = PublishError(f"The bucket {where} refused {operation} ({code or status}).",
                               "Check the credentials in the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY "
                               "or AWS_PROFILE), and that they may read and write the bucket (s3:GetObject, "
                               "s3:PutObject, s3:ListBucket).")
            kind = "auth"
        else:
            err = PublishError(f"The bucket {where} refused {operation} ({code or status}).",
                               "Check [publish.bucket] region and endpoint_url in the show file, then press Retry.")
            kind = "refused"
    except (NoCredentialsError, PartialCredentialsError):
        err = PublishError(f"There are no credentials for the website bucket {where}.",
                           "Export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) for papercast's "
                           "process, then press Retry.")
        kind = "auth"
    except BotoCoreError as e:
        err = PublishError(f"The website bucket {where} did not answer ({operation}: {type(e).__name__}).",
                           "Check that it is up and reachable from this machine ([publish.bucket] endpoint_url, "
                           "network); press Retry once it is.")
        err.retryable = True
        kind = "network"
    err.bucket_kind = kind  # type: ignore[attr-defined]
    raise err


class BucketRecord:
    """One verification session's view of the bucket: each object's metadata, asked once (thread-safe)."""

    def __init__(self, site: "BucketWebsite") -> None:
        self.site = site
        self._heads: dict[str, dict | None] = {}
        self._lock = threading.Lock()

    def prefetch(self) -> None:
        """Nothing to read for all episodes at once: each object is asked about when its episode is checked."""

    def _head(self, key: str) -> dict | None:
        with self._lock:
            if key in self._heads:
                return self._heads[key]
        head = self.site.head(key)
        with self._lock:
            self._heads[key] = head
        return head

    def findings(self, episode: Episode, files, arts) -> tuple[list[Finding], list[Finding]]:
        pub, where = episode.facts.publication, self.site.describe()
        if not pub:
            return [Finding(kind="not_committed", ok=False,
                            message=f"No publication is recorded for the episode. {ADVICE['not_committed']}")], []
        absent, changed = [], []
        try:
            for f in files:
                key = self.site.key(f.path)
                head = self._head(key)
                if head is None:
                    absent.append(key)
                elif (head.get("Metadata") or {}).get("sha256") != arts[f.kind].sha256:
                    changed.append(key)
        except PublishError as e:
            return [], [Finding(kind="repo_unreachable", ok=False,
                                message=f"Could not read the website bucket {where} ({e.message}), so it is not "
                                        f"confirmed that the approved files are there; the live site was still "
                                        f"checked. {ADVICE['repo_unreachable']}")]
        if not absent and not changed:
            return [Finding(kind="uploaded", ok=True, message=f"The approved files are in {where} ({pub}).")], []
        if changed:
            return [Finding(kind="replaced_on_remote", ok=False,
                            message=f"The bucket {where} holds other bytes than the approved files at "
                                    f"{', '.join(changed)}{' and nothing at ' + ', '.join(absent) if absent else ''} "
                                    f"(someone replaced them after {pub}). {_AGAIN}")], []
        return [Finding(kind="commit_gone", ok=False,
                        message=f"The bucket {where} has no object at {', '.join(absent)} any more (deleted after "
                                f"{pub}). {_AGAIN}")], []
