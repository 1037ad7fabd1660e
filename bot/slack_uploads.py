"""Files shared into an episode's thread once, even when the process dies half way.

An upload is Slack's three steps (what ``files_upload_v2`` does): files.getUploadURLExternal
per file, the bytes POSTed to each upload URL, then one files.completeUploadExternal that
shares them in the thread. Here the file ids are recorded on the episode (fact
``slack_uploads``) *before* the completion, so a re-run after a crash knows which files
it made: when files.info shows one of them shared in the channel, the upload is done.
Slack shares asynchronously (the completion can answer before ``shares`` fill in), so a
re-run waits up to ``settle_seconds`` for the share to appear, then completes the same
file ids itself; only when Slack no longer has them does it upload afresh.
"""

from __future__ import annotations

import logging
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.slack_facts import UploadRecord, remember, slack_facts
from workflows import failpoints
from workflows.store.episodes import EpisodeStore
from workflows.store.records import Episode

log = logging.getLogger(__name__)

Share = Literal["shared", "pending", "gone"]


@dataclass(frozen=True)
class Upload:
    """One file to share: its name, title and bytes (or a local file holding them)."""

    filename: str
    title: str
    content: bytes | Path
    snippet_type: str | None = None

    def data(self) -> bytes:
        return self.content.read_bytes() if isinstance(self.content, Path) else self.content


class ThreadUploads:
    def __init__(self, client: WebClient, store: EpisodeStore, *, settle_seconds: float = 10.0,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.client = client
        self.store = store
        self.settle_seconds = settle_seconds
        self.sleep = sleep

    def share(self, episode: Episode, key: str, uploads: list[Upload], *, initial_comment: str | None = None) -> list[str]:
        """Share ``uploads`` in the episode's thread once per ``key``; returns the shared file ids.

        Raises the Slack error when Slack refuses or cannot be reached (the caller decides).
        """
        known = slack_facts(episode).slack_uploads.get(key)
        earlier = known.files if known else []
        if earlier:
            state = self._settled(episode, earlier[0])
            if state == "shared":
                return earlier
            if state == "pending":
                try:
                    self._complete(episode, earlier, uploads, initial_comment)
                    return earlier
                except SlackApiError as e:
                    log.warning("could not complete the earlier upload %s of %s (%s); uploading again",
                                key, episode.id, e.response.get("error"))
        ids = [self._upload(u) for u in uploads]
        self._remember(episode.id, key, ids)
        failpoints.reach("upload.recorded")
        self._complete(episode, ids, uploads, initial_comment)
        return ids

    # --- the steps ---------------------------------------------------------------------------

    def _upload(self, upload: Upload) -> str:
        data = upload.data()
        issued = self.client.files_getUploadURLExternal(filename=upload.filename, length=len(data),
                                                        snippet_type=upload.snippet_type)
        request = urllib.request.Request(issued["upload_url"], data=data, method="POST")
        handlers = [urllib.request.HTTPSHandler(context=self.client.ssl)]
        if self.client.proxy:
            handlers.append(urllib.request.ProxyHandler({"http": self.client.proxy, "https": self.client.proxy}))
        with urllib.request.build_opener(*handlers).open(request, timeout=self.client.timeout) as answer:
            if answer.status != 200:
                raise SlackRequestError(f"Slack refused the bytes of {upload.filename} (HTTP {answer.status}).")
        return issued["file_id"]

    def _remember(self, episode_id: str, key: str, ids: list[str]) -> None:
        uploads = dict(slack_facts(self.store.get(episode_id)).slack_uploads)
        uploads[key] = UploadRecord(files=ids)
        remember(self.store, episode_id, slack_uploads=uploads)

    def _complete(self, episode: Episode, ids: list[str], uploads: list[Upload], initial_comment: str | None) -> None:
        files = [{"id": file_id, "title": u.title} for file_id, u in zip(ids, uploads)]
        self.client.files_completeUploadExternal(files=files, channel_id=episode.channel, thread_ts=episode.thread_ts,
                                                 initial_comment=initial_comment)

    # --- recognising an earlier upload ---------------------------------------------------------

    def _settled(self, episode: Episode, file_id: str) -> Share:
        """Whether the file is shared in the channel, waiting up to ``settle_seconds`` for Slack to share it."""
        waited, pause = 0.0, 0.5
        while True:
            state = self._share_of(episode, file_id)
            if state != "pending" or waited + pause > self.settle_seconds:
                return state
            self.sleep(pause)
            waited += pause
            pause = min(pause * 2, 4.0)

    def _share_of(self, episode: Episode, file_id: str) -> Share:
        try:
            file = self.client.files_info(file=file_id)["file"]
        except SlackApiError as e:
            if e.response.get("error") in ("file_not_found", "file_deleted"):
                return "gone"
            raise
        shares = file.get("shares") or {}
        channels = set(file.get("channels") or []) | set(file.get("groups") or []) | set(file.get("ims") or [])
        if any(episode.channel in (shares.get(kind) or {}) for kind in ("public", "private")) or episode.channel in channels:
            return "shared"
        return "pending"
