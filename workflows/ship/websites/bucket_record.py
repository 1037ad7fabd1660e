"""What the website bucket holds, for the live checks, and S3's failures in words.

The bucket counts by content, like the git branch: each approved file's object must carry
the approved sha256 in its metadata. An object that is gone is ``commit_gone`` and one with
other bytes is ``replaced_on_remote`` (Publish again uploads the approved files again); a
bucket that cannot be read, or is not there at all (S3 answers a missing object and a missing
bucket with the same bare 404, so an absent object makes the session ask about the bucket
once), is ``repo_unreachable`` (inconclusive), and the live site is still checked.
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
#: The service itself failed or shed load (5xx, or a request it timed out): usually brief, Retry helps.
_UNAVAILABLE = {"InternalError", "ServiceUnavailable", "SlowDown", "RequestTimeout", "Throttling"}
_UNREAD = ("papercast checks again at the next follow-up; if it keeps happening, run `papercast doctor` for the "
           "bucket's access.")
_AGAIN = "Press Publish again on the status card to upload the approved files again."
_DOING = {"put_object": "writing", "get_object": "reading", "head_object": "looking up", "head_bucket": "opening"}
#: The first botocore (and boto3) that sends If-Match / If-None-Match with put_object.
CONDITIONAL_BOTO = "1.35.69"
_LATER = "Once it answers, press Retry: papercast then writes only what is not there yet."


def _doing(site: "BucketWebsite", operation: str, params: dict) -> str:
    """What papercast was doing, for people: "writing site/feed.xml"."""
    return f"{_DOING.get(operation, operation)} {params.get('Key') or site.bucket}"


def bucket_call(site: "BucketWebsite", operation: str, **params: Any) -> Any:
    """One S3 call: its answer, None for a key (or, for head_bucket, a bucket) that is not there, or a PublishError
    (``bucket_kind``: "auth", "missing_bucket", "network", "unavailable", "refused", "moved", "client": this
    boto3 cannot send the request) that says what to do,
    never with credentials (only the error code is shown, never the service's text or the request)."""
    from botocore.exceptions import (BotoCoreError, ClientError, ConnectTimeoutError, NoCredentialsError,
                                     ParamValidationError, PartialCredentialsError, ReadTimeoutError)

    where, doing = site.describe(), _doing(site, operation, params)
    try:
        return getattr(site.client(), operation)(**params)
    except ClientError as e:
        code = str(e.response.get("Error", {}).get("Code", ""))
        status = str(e.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))
        answer = " ".join(dict.fromkeys(x for x in (status, code) if x))
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
            err = PublishError(f"The bucket {where} refused the credentials papercast runs with ({answer}) when "
                               f"{doing}.",
                               "Check the credentials in the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY "
                               "or AWS_PROFILE), and that they may read and write the bucket (s3:GetObject, "
                               "s3:PutObject, s3:ListBucket); then press Retry.")
            kind = "auth"
        elif code in _UNAVAILABLE or status.startswith("5"):
            err = PublishError(f"The website bucket {where} failed while papercast was {doing} (it answered "
                               f"{answer}): the storage service has a problem.", f"This is usually brief. {_LATER}")
            err.retryable = True
            kind = "unavailable"
        else:
            err = PublishError(f"The bucket {where} refused {doing} ({answer}).",
                               "Check [publish.bucket] region and endpoint_url in the show file, then press Retry.")
            kind = "refused"
    except (NoCredentialsError, PartialCredentialsError):
        err = PublishError(f"There are no credentials for the website bucket {where}.",
                           "Export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) for papercast's "
                           "process, then press Retry.")
        kind = "auth"
    except ParamValidationError:  # botocore refused the request before sending it: retrying cannot help
        if {"IfMatch", "IfNoneMatch"} & params.keys():
            err = PublishError(f"This boto3/botocore is too old for conditional writes, which papercast needs for "
                               f"{doing} in {where} (so that two publishes never drop each other's episode).",
                               f"Upgrade boto3 to {CONDITIONAL_BOTO} or later (pip install -U boto3) and restart "
                               "papercast, then press Retry.")
        else:
            err = PublishError(f"This boto3/botocore does not accept papercast's request for {doing} in {where}.",
                               f"Upgrade boto3 to {CONDITIONAL_BOTO} or later (pip install -U boto3) and restart "
                               "papercast, then press Retry.")
        kind = "client"
    except BotoCoreError as e:
        b = site.settings.show.publish.bucket
        if isinstance(e, (ReadTimeoutError, ConnectTimeoutError)):
            why = f"within {b.timeout_seconds:g} seconds ({b.attempts} attempt{'s' if b.attempts > 1 else ''})"
        else:
            why = f"({type(e).__name__}: it could not be reached)"
        err = PublishError(f"The website bucket {where} did not answer {why} while papercast was {doing}.",
                           "Check that it is up and reachable from this machine ([publish.bucket] endpoint_url, the "
                           f"network; timeout_seconds if it is only slow). {_LATER}")
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
        #: Why the bucket could not be read, once it could not: the session's other episodes do not wait for it again.
        self._unread: str | None = None
        #: Whether the bucket itself is there, asked once an object is absent (S3 answers a bare 404 for both).
        self._bucket_there: bool | None = None

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

    def _bucket_exists(self) -> bool:
        with self._lock:
            if self._bucket_there is not None:
                return self._bucket_there
        there = self.site.call("head_bucket", Bucket=self.site.bucket) is not None
        with self._lock:
            self._bucket_there = there
        return there

    def findings(self, episode: Episode, files, arts) -> tuple[list[Finding], list[Finding]]:
        pub, where = episode.facts.publication, self.site.describe()
        if not pub:
            return [Finding(kind="not_committed", ok=False,
                            message=f"No publication is recorded for the episode. {ADVICE['not_committed']}")], []
        absent, changed = [], []
        try:
            if self._unread is not None:
                raise PublishError(self._unread)
            for f in files:
                key = self.site.key(f.path)
                head = self._head(key)
                if head is None:
                    absent.append(key)
                elif (head.get("Metadata") or {}).get("sha256") != arts[f.kind].sha256:
                    changed.append(key)
            if absent and not self._bucket_exists():
                return [Finding(kind="repo_unreachable", ok=False, message=(
                    f"The bucket {self.site.bucket!r} does not exist at {where}, so the approved files cannot be "
                    "in it; the live site was still checked. Fix [publish.bucket] name / endpoint_url in the show "
                    "file if they point at the wrong bucket, or create the bucket (the next check then finds "
                    "which files are missing and says what to do)."))], []
        except PublishError as e:
            with self._lock:
                self._unread = self._unread or e.message
            return [], [Finding(kind="repo_unreachable", ok=False,
                                message=f"{e.message} So it is not confirmed that the approved files are in the "
                                        f"bucket; the live site was still checked. {_UNREAD}")]
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
