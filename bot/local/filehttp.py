"""File bytes over HTTP: the upload URLs files.getUploadURLExternal hands out, and downloads.

``url_private`` / ``url_private_download`` need the bot token as a bearer
header. Without it (or with a wrong one) the answer is HTTP 200 with an HTML
sign-in page, which is exactly the trap real Slack sets for bots that forget
the header and then try to read the "PDF".
"""

from __future__ import annotations

from urllib.parse import unquote

from bot.local.reply import Reply
from bot.local.directory import TEAM_ID
from bot.local.state import WorkspaceState
from bot.local.webapi import WebApi, parse_body

LOGIN_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in | Slack</title></head>
<body><h1>Sign in to papercast-local</h1>
<form action="/signin" method="post"><input name="email" placeholder="name@work-email.com">
<button type="submit">Sign In With Email</button></form></body></html>
"""


def receive_upload(state: WorkspaceState, token: str, headers: dict[str, str], body: bytes) -> Reply:
    """``POST /upload/v1/<token>``: raw bytes (as slack_sdk sends them) or a multipart form with one file."""
    file_id = state.mem.uploads.pop(token, None)
    if file_id is None:
        return Reply.text("Not Found", status=404)
    content_type = headers.get("content-type", "")
    data = body
    if content_type.lower().startswith("multipart/form-data"):
        parts = [v for v in parse_body(content_type, body).values() if isinstance(v, bytes)]
        if not parts:
            return Reply.text("no file in form", status=400)
        data = parts[0]
    with state.lock:
        state.file_path(file_id).write_bytes(data)
        record = state.files[file_id]
        record["size"] = len(data)
        record["uploaded"] = True
        state.touch()
    return Reply.text(f"OK - {len(data)}")


def _file_reply(state: WorkspaceState, file_id: str, download: bool) -> Reply:
    record = state.files.get(file_id)
    path = state.file_path(file_id)
    if record is None or not path.exists():
        return Reply.text("Not Found", status=404)
    headers = {"Content-Type": record["mimetype"], "Content-Length": str(record["size"])}
    if download:
        headers["Content-Disposition"] = f'attachment; filename="{record["name"]}"'
    return Reply(200, headers, path.read_bytes())


def serve_private_file(state: WorkspaceState, api: WebApi, path: str, headers: dict[str, str]) -> Reply:
    """``GET /files-pri/T_LOCAL-F…/[download/]name``: the bytes for the bot token, else the sign-in page."""
    parts = path.split("/")  # ["files-pri", "T_LOCAL-F…", ("download",) name]
    if len(parts) < 3 or not parts[1].startswith(TEAM_ID + "-"):
        return Reply.text("Not Found", status=404)
    if api.authorized(headers) is not None:
        return Reply.text(LOGIN_PAGE, content_type="text/html; charset=utf-8")
    return _file_reply(state, parts[1][len(TEAM_ID) + 1:], download=parts[2] == "download")


def serve_page_file(state: WorkspaceState, path: str) -> Reply:
    """``GET /local/files/F…/name``: the same bytes for the browser page (a signed-in person)."""
    parts = [unquote(p) for p in path.split("/")]  # ["local", "files", "F…", name]
    if len(parts) < 3:
        return Reply.text("Not Found", status=404)
    return _file_reply(state, parts[2], download=False)
