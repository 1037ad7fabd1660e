"""Slack-shaped objects built from the stored state: files, messages, views.

Messages are stored with file references (``{"id": "F…"}``) and expanded on the
way out, so URLs always point at the server's current address even after a
restart on another port.
"""

from __future__ import annotations

import copy
import mimetypes
import secrets
from typing import Any
from urllib.parse import quote

from bot.local.directory import APP_ID, BOT_ID, BOT_USER, TEAM_ID
from bot.local.state import WorkspaceState

_FILETYPES = {"application/pdf": ("pdf", "PDF"), "audio/mpeg": ("mp3", "MPEG Audio"), "text/plain": ("text", "Plain Text"),
              "audio/wav": ("wav", "WAV"), "audio/x-wav": ("wav", "WAV"), "text/markdown": ("markdown", "Markdown"),
              "application/json": ("json", "JSON"), "text/vtt": ("text", "WebVTT")}


def guess_mimetype(name: str) -> str:
    if name.lower().endswith((".md", ".markdown")):
        return "text/markdown"
    if name.lower().endswith(".vtt"):
        return "text/vtt"
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def new_file_record(state: WorkspaceState, name: str, user_id: str, size: int, title: str | None = None) -> dict[str, Any]:
    """A stored file record (no URLs, no bytes yet)."""
    file_id = state.new_id("F")
    created = int(state.clock())
    return {"id": file_id, "name": name, "title": title or name, "mimetype": guess_mimetype(name), "size": size,
            "user": user_id, "created": created, "uploaded": False, "channels": [], "ims": [], "shares": {}}


def file_object(state: WorkspaceState, file_id: str) -> dict[str, Any] | None:
    """The file as files.info and events show it."""
    record = state.files.get(file_id)
    if record is None:
        return None
    base = state.base_url
    name = quote(record["name"])
    filetype, pretty = _FILETYPES.get(record["mimetype"], (record["name"].rsplit(".", 1)[-1].lower(), "File"))
    return {
        "id": record["id"], "created": record["created"], "timestamp": record["created"], "name": record["name"],
        "title": record["title"], "mimetype": record["mimetype"], "filetype": filetype, "pretty_type": pretty,
        "user": record["user"], "user_team": TEAM_ID, "editable": False, "size": record["size"], "mode": "hosted",
        "is_external": False, "external_type": "", "is_public": bool(record["channels"]), "public_url_shared": False,
        "display_as_bot": False, "username": "", "file_access": "visible", "has_rich_preview": False,
        "url_private": f"{base}files-pri/{TEAM_ID}-{record['id']}/{name}",
        "url_private_download": f"{base}files-pri/{TEAM_ID}-{record['id']}/download/{name}",
        "permalink": f"{base}files/{record['user']}/{record['id']}/{name}",
        "permalink_public": f"{base}{TEAM_ID}-{record['id']}-{secrets.token_hex(5)}",
        "channels": list(record["channels"]), "groups": list(record.get("groups", [])), "ims": list(record["ims"]),
        "shares": copy.deepcopy(record["shares"]),
    }


def message_object(state: WorkspaceState, stored: dict[str, Any]) -> dict[str, Any]:
    """A stored message with its file references expanded."""
    message = copy.deepcopy(stored)
    if "files" in message:
        message["files"] = [file_object(state, f["id"]) or {"id": f["id"], "mode": "tombstone"} for f in message["files"]]
    return message


def bot_message_fields() -> dict[str, Any]:
    """The fields Slack adds to a message posted with a bot token."""
    return {"user": BOT_USER, "bot_id": BOT_ID, "app_id": APP_ID,
            "bot_profile": {"id": BOT_ID, "app_id": APP_ID, "name": "papercast", "deleted": False, "team_id": TEAM_ID}}


def new_view(state: WorkspaceState, spec: dict[str, Any], *, root_view_id: str | None = None,
             previous_view_id: str | None = None) -> dict[str, Any]:
    """A view object as views.open/push/publish return it, from the app's view payload."""
    view_id = state.new_id("V")
    view = copy.deepcopy(spec)
    view.update({
        "id": view_id, "team_id": TEAM_ID, "app_id": APP_ID, "bot_id": BOT_ID, "app_installed_team_id": TEAM_ID,
        "state": {"values": {}}, "hash": f"{int(state.clock())}.{secrets.token_hex(4)}",
        "root_view_id": root_view_id or view_id, "previous_view_id": previous_view_id,
    })
    for key, default in (("private_metadata", ""), ("callback_id", ""), ("external_id", ""),
                         ("clear_on_close", False), ("notify_on_close", False)):
        view.setdefault(key, default)
    return view


def replace_view_content(state: WorkspaceState, view: dict[str, Any], spec: dict[str, Any]) -> None:
    """Swap a view's content for a new payload, keeping its id and stack links (views.update)."""
    keep = {k: view[k] for k in ("id", "team_id", "app_id", "bot_id", "app_installed_team_id", "root_view_id", "previous_view_id")}
    view.clear()
    view.update(new_view(state, spec))
    view.update(keep)
