"""The web page: static files, the ``/local/state`` JSON it polls, and the ``/local/<action>`` endpoints.

Page actions call the same driver methods tests use, so a click in the
browser makes the sender deliver the real signed request to the bot.
"""

from __future__ import annotations

import json
import threading
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from bot.local.objects import message_object
from bot.local.reply import Reply
from bot.local.directory import CHANNEL_ID, CHANNEL_NAME, HUMANS, PEOPLE, REVIEWER, dm_channel_id
from bot.local.webapi import parse_body
from workflows.errors import PapercastError
from workflows.ship.targets import site_info_path

if TYPE_CHECKING:
    from bot.local.workspace import LocalWorkspace

_STATIC = {"index.html": "text/html; charset=utf-8", "app.js": "text/javascript; charset=utf-8",
           "blocks.js": "text/javascript; charset=utf-8", "style.css": "text/css; charset=utf-8",
           "favicon.svg": "image/svg+xml"}


def _static(name: str) -> Reply:
    if name not in _STATIC:
        return Reply.text("Not Found", status=404)
    data = resources.files("bot.local").joinpath("static", name).read_bytes()
    return Reply(200, {"Content-Type": _STATIC[name], "Cache-Control": "no-store"}, data)


def page_state(ws: "LocalWorkspace", user_id: str, channel: str, thread_ts: str | None) -> dict[str, Any]:
    """Everything the page shows to ``user_id``: channel, open thread, ephemerals, modal, App Home."""
    state = ws.state
    with state.lock:
        top = [message_object(state, m) for m in state.history(channel)]
        thread = [message_object(state, m) for m in state.history(channel, thread_ts)] if thread_ts else []
        ephemerals = [m for m in ws.ephemerals(user_id) if (m.get("channel") or CHANNEL_ID) == channel]
        stack = ws.open_views(user_id)
        modal = stack[-1] if stack else None
        return {
            "version": state.version, "me": user_id, "channel": channel,
            "channels": [{"id": CHANNEL_ID, "name": CHANNEL_NAME},
                         {"id": dm_channel_id(user_id), "name": "papercast (DM)"}],
            "users": {uid: {"id": uid, "name": p.name, "real_name": p.real_name, "is_bot": p.is_bot}
                      for uid, p in PEOPLE.items()},
            "humans": HUMANS, "messages": top, "thread_ts": thread_ts, "thread": thread, "ephemerals": ephemerals,
            "modal": modal, "modal_errors": ws.view_errors(modal["id"]) if modal else {},
            "home": ws.home_view(user_id), "bot_connected": bool(ws.sender.bot_url),
            "last_delivery": _last_delivery(ws), "website_url": website_url(ws),
        }


def website_url(ws: "LocalWorkspace") -> str | None:
    """The embedded local website's root (the show page), when one runs for this data directory."""
    info = site_info_path(ws.state.root.parent)
    try:
        return json.loads(info.read_text(encoding="utf-8"))["base_url"].rstrip("/") + "/"
    except (OSError, ValueError, KeyError):
        return None


def _last_delivery(ws: "LocalWorkspace") -> dict[str, Any] | None:
    deliveries = ws.deliveries()
    if not deliveries or deliveries[-1].last is None:
        return None
    last = deliveries[-1].last
    return {"kind": deliveries[-1].kind, "status": last.status, "error": last.error, "latency": round(last.latency, 3)}


def _in_background(fn: Any, *args: Any, **kwargs: Any) -> None:
    threading.Thread(target=fn, args=args, kwargs=kwargs, daemon=True).start()


def _act(ws: "LocalWorkspace", action: str, data: dict[str, Any]) -> dict[str, Any]:
    user = str(data.get("user") or REVIEWER)
    if action == "post":
        _in_background(ws.post, user, data["text"], channel=data.get("channel") or CHANNEL_ID,
                       thread_ts=data.get("thread_ts") or None)
        return {}
    if action == "upload":
        file = data.get("file")
        if not isinstance(file, bytes):
            return {"error": "Choose a file to upload."}
        if not file:
            return {"error": f"{data.get('filename') or 'The file'} is empty (0 bytes), so there is nothing to upload. "
                             "Pick the file again; the copy may not have finished downloading."}
        _in_background(ws.drop_pdf, user, data.get("filename") or "paper.pdf", str(data.get("text") or ""),
                       channel=data.get("channel") or CHANNEL_ID, thread_ts=data.get("thread_ts") or None,
                       filename=data.get("filename") or "paper.pdf", data=file)
        return {}
    if action in ("click", "select"):
        value = data.get("value")
        if data.get("view_id"):
            delivery = ws.click_view(user, data["view_id"], data["action_id"], value)
        else:
            delivery = ws.click(user, data["ts"], data["action_id"], value, data.get("channel"))
        return {"acked": delivery.acked}
    if action == "submit":
        outcome = ws.submit_view(user, data["view_id"], data.get("values") or {})
        return {"acked": outcome["delivery"].acked, "response_action": outcome["response_action"],
                "errors": outcome["errors"]}
    if action == "close":
        ws.close_view(user, data["view_id"])
        return {}
    if action == "slash":
        delivery = ws.slash(user, str(data.get("text") or ""), channel=data.get("channel") or CHANNEL_ID)
        return {"acked": delivery.acked}
    if action == "home":
        _in_background(ws.open_home, user)
        return {}
    if action == "dismiss":
        with ws.state.lock:
            kept = [m for m in ws.state.mem.ephemerals.get(user, []) if m["ts"] != data.get("ts")]
            ws.state.mem.ephemerals[user] = kept
            ws.state.touch(persist=False)
        return {}
    return {"error": f"unknown action {action}"}


def handle(ws: "LocalWorkspace", verb: str, path: str, query: str, headers: dict[str, str], body: bytes) -> Reply:
    if verb == "GET" and (path in ("", "index.html") or path.startswith("archives/")):
        return _static("index.html")
    if verb == "GET" and path == "favicon.ico":
        return _static("favicon.svg")
    if verb == "GET" and path.startswith("static/"):
        return _static(path[len("static/"):])
    if verb == "GET" and path == "local/state":
        q = {k: v[0] for k, v in parse_qs(query).items()}
        user = q.get("user") if q.get("user") in HUMANS else REVIEWER
        return Reply.json(page_state(ws, user, q.get("channel") or CHANNEL_ID, q.get("thread") or None))
    if verb == "POST" and path.startswith("local/"):
        try:
            data = parse_body(headers.get("content-type", ""), body)
            result = _act(ws, path[len("local/"):], data)
        except (KeyError, ValueError) as e:
            return Reply.json({"ok": False, "error": str(e)}, status=400)
        except PapercastError as e:  # a driver refusal, shown to the person in the page
            return Reply.json({"ok": False, "error": e.message}, status=400)
        return Reply.json({"ok": "error" not in result, **result})
    return Reply.text("Not Found", status=404)
