"""Web API file methods: the two-step external upload slack_sdk's files_upload_v2 uses, and files.info.

Slack completes the sharing of an upload asynchronously: files.completeUploadExternal may
answer before the file's ``shares`` (and its message in the channel) appear. The workspace
shares at once unless a test holds shares back (:meth:`LocalWorkspace.hold_shares`).
"""

from __future__ import annotations

import secrets
from typing import Any

from bot.local.api_params import ApiError, Method, Params, check_blocks, thread_root
from bot.local.objects import bot_message_fields, file_object, new_file_record
from bot.local import directory
from bot.local.directory import BOT_USER, TEAM_ID
from bot.local.state import WorkspaceState


def files_get_upload_url_external(state: WorkspaceState, params: Params) -> dict[str, Any]:
    filename = str(params.required("filename"))
    try:
        length = int(params.required("length"))
    except ValueError:
        raise ApiError("invalid_arguments") from None
    with state.lock:
        record = new_file_record(state, filename, BOT_USER, length)
        if params.get("alt_txt"):
            record["alt_txt"] = params["alt_txt"]
        state.files[record["id"]] = record
        token = secrets.token_urlsafe(16)
        state.mem.uploads[token] = record["id"]
        state.touch()
    return {"upload_url": f"{state.base_url}upload/v1/{token}", "file_id": record["id"]}


def share_files(state: WorkspaceState, channel_id: str, file_ids: list[str], *, user_id: str, text: str = "",
                thread_ts: str | None = None, blocks: list[dict[str, Any]] | None = None,
                extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Post a message carrying files into a channel (or thread), as Slack does when a file is shared."""
    with state.lock:
        message: dict[str, Any] = {"type": "message", "text": text, "files": [{"id": f} for f in file_ids],
                                   "upload": True, "user": user_id, "display_as_bot": False, "team": TEAM_ID}
        if user_id == BOT_USER:
            message.update(bot_message_fields())
        if blocks:
            message["blocks"] = blocks
        if thread_ts:
            message["thread_ts"] = thread_ts
        message.update(extra or {})
        stored = state.add_message(channel_id, message)
        for file_id in file_ids:
            record = state.files[file_id]
            if channel_id.startswith("D"):
                kind, listing = "private", "ims"
            else:
                kind, listing = ("private", "groups") if directory.is_private(channel_id) else ("public", "channels")
            record.setdefault(listing, [])
            if channel_id not in record[listing]:
                record[listing].append(channel_id)
            share = {"reply_users": [], "reply_users_count": 0, "reply_count": 0, "ts": stored["ts"],
                     "channel_name": (directory.channel_object(channel_id) or {}).get("name", ""), "team_id": TEAM_ID, "share_user_id": user_id}
            if thread_ts:
                share["thread_ts"] = thread_ts
            record["shares"].setdefault(kind, {}).setdefault(channel_id, []).append(share)
        state.touch()
        return stored


def files_complete_upload_external(state: WorkspaceState, params: Params) -> dict[str, Any]:
    files = params.structured("files")
    if not isinstance(files, list) or not files or not all(isinstance(f, dict) and f.get("id") for f in files):
        raise ApiError("invalid_arguments")
    channels = [c for c in str(params.get("channels") or "").split(",") if c]
    if params.get("channel_id"):
        channels.insert(0, str(params["channel_id"]))
    with state.lock:
        for f in files:
            record = state.files.get(f["id"])
            if record is None or not record["uploaded"]:
                raise ApiError("file_not_found")
            if f.get("title"):
                record["title"] = f["title"]
        resolved = []
        for channel in channels:
            channel_id = directory.resolve_channel(channel)
            if channel_id is None:
                raise ApiError("channel_not_found")
            resolved.append(channel_id)
        thread_ts = thread_root(state, resolved[0], params.get("thread_ts")) if resolved else None
        blocks = check_blocks(params.structured("blocks", "invalid_blocks"))
        ids = [f["id"] for f in files]
        text = str(params.get("initial_comment") or "")

        def share() -> None:
            for channel_id in resolved:
                share_files(state, channel_id, ids, user_id=BOT_USER, text=text, thread_ts=thread_ts, blocks=blocks)

        if state.mem.hold_shares:
            state.mem.held_shares.append(share)
        else:
            share()
        return {"files": [file_object(state, f["id"]) for f in files]}


def files_info(state: WorkspaceState, params: Params) -> dict[str, Any]:
    file = file_object(state, str(params.required("file")))
    if file is None:
        raise ApiError("file_not_found")
    return {"file": file, "comments": [], "response_metadata": {"next_cursor": ""}}


METHODS: dict[str, Method] = {
    "files.getUploadURLExternal": files_get_upload_url_external,
    "files.completeUploadExternal": files_complete_upload_external,
    "files.info": files_info,
}
