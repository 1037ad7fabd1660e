"""Web API methods about messages, channels and people (auth, chat, conversations, users, reactions)."""

from __future__ import annotations

import secrets
from typing import Any

from bot.local.api_params import ApiError, Method, Params, check_blocks, thread_root
from bot.local.objects import bot_message_fields, message_object
from bot.local.payloads import block_elements
from bot.local import directory
from bot.local.directory import BOT_ID, BOT_USER, HUMANS, REVIEWER, REVIEWERS_GROUP, TEAM_DOMAIN, TEAM_ID, dm_channel_id
from bot.local.state import WorkspaceState


def _channel(state: WorkspaceState, params: Params, name: str = "channel") -> str:
    channel_id = directory.resolve_channel(str(params.required(name)))
    if channel_id is None:
        raise ApiError("channel_not_found")
    return channel_id


def _message(state: WorkspaceState, channel_id: str, ts: Any, missing: str = "message_not_found") -> dict[str, Any]:
    """The stored message ``ts`` of a channel; ApiError(``missing``) when there is none."""
    message = state.find_message(channel_id, str(ts))
    if message is None:
        raise ApiError(missing)
    return message


def _with_ids(blocks: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    """Give blocks and interactive elements the ids Slack generates when the app leaves them out."""
    for block in blocks or []:
        block.setdefault("block_id", secrets.token_urlsafe(4))
        for element in block_elements(block):
            element.setdefault("action_id", secrets.token_urlsafe(4))
    return blocks


def message_content(params: Params) -> dict[str, Any]:
    """text / blocks / attachments of a chat.* call, checked like Slack does."""
    blocks = _with_ids(check_blocks(params.structured("blocks", "invalid_blocks")))
    attachments = params.structured("attachments", "invalid_attachments")
    text = params.get("text") or ""
    if not text and not blocks and not attachments:
        raise ApiError("no_text")
    if len(text) > 40000:
        raise ApiError("msg_too_long")
    content: dict[str, Any] = {"text": text}
    if blocks:
        content["blocks"] = blocks
    if attachments:
        content["attachments"] = attachments
    if params.get("metadata"):
        content["metadata"] = check_metadata(params.structured("metadata", "invalid_metadata_format"))
    return content


def check_metadata(metadata: Any) -> dict[str, Any]:
    """Message metadata as Slack accepts it: an ``event_type`` string and an ``event_payload`` object."""
    if not isinstance(metadata, dict) or not isinstance(metadata.get("event_type"), str) \
            or not metadata["event_type"] or not isinstance(metadata.get("event_payload"), dict):
        raise ApiError("invalid_metadata_format")
    return {"event_type": metadata["event_type"], "event_payload": metadata["event_payload"]}


def auth_test(state: WorkspaceState, params: Params) -> dict[str, Any]:
    return {"url": state.base_url, "team": TEAM_DOMAIN, "user": "papercast", "team_id": TEAM_ID,
            "user_id": BOT_USER, "bot_id": BOT_ID, "is_enterprise_install": False}


def chat_post_message(state: WorkspaceState, params: Params) -> dict[str, Any]:
    channel_id = _channel(state, params)
    message = {**message_content(params), "type": "message", "team": TEAM_ID, **bot_message_fields()}
    with state.lock:
        thread_ts = thread_root(state, channel_id, params.get("thread_ts"))
        if thread_ts:
            message["thread_ts"] = thread_ts
            if params.flag("reply_broadcast"):
                message["subtype"] = "thread_broadcast"
        stored = state.add_message(channel_id, message)
        return {"channel": channel_id, "ts": stored["ts"], "message": message_object(state, stored)}


def chat_update(state: WorkspaceState, params: Params) -> dict[str, Any]:
    channel_id = _channel(state, params)
    with state.lock:
        message = _message(state, channel_id, params.required("ts"))
        if message.get("bot_id") != BOT_ID:
            raise ApiError("cant_update_message")
        if params.get("text") or params.get("blocks"):
            content = message_content(params)
        elif params.get("metadata"):
            content = {"metadata": check_metadata(params.structured("metadata", "invalid_metadata_format"))}
        else:
            content = {}
        message.update(content)
        if "blocks" in params and not params.structured("blocks"):
            message.pop("blocks", None)
        message["edited"] = {"user": BOT_USER, "ts": state.next_ts()}
        state.touch()
        return {"channel": channel_id, "ts": message["ts"], "text": message.get("text", ""),
                "message": message_object(state, message)}


def chat_delete(state: WorkspaceState, params: Params) -> dict[str, Any]:
    channel_id = _channel(state, params)
    ts = str(params.required("ts"))
    with state.lock:
        if _message(state, channel_id, ts).get("bot_id") != BOT_ID:
            raise ApiError("cant_delete_message")
        state.delete_message(channel_id, ts)
    return {"channel": channel_id, "ts": ts}


def chat_post_ephemeral(state: WorkspaceState, params: Params) -> dict[str, Any]:
    channel_id = _channel(state, params)
    user_id = str(params.required("user"))
    if user_id not in HUMANS:
        raise ApiError("user_not_in_channel")
    message = {**message_content(params), "type": "message", "channel": channel_id, **bot_message_fields()}
    with state.lock:
        thread_ts = thread_root(state, channel_id, params.get("thread_ts"))
        if thread_ts:
            message["thread_ts"] = thread_ts
        stored = state.add_ephemeral(user_id, message)
    return {"message_ts": stored["ts"]}


def chat_get_permalink(state: WorkspaceState, params: Params) -> dict[str, Any]:
    channel_id = _channel(state, params)
    ts = str(params.required("message_ts"))
    message = _message(state, channel_id, ts)
    link = f"{state.base_url}archives/{channel_id}/p{ts.replace('.', '')}"
    if message.get("thread_ts") and message["thread_ts"] != ts:
        link += f"?thread_ts={message['thread_ts']}&cid={channel_id}"
    return {"channel": channel_id, "permalink": link}


def conversations_info(state: WorkspaceState, params: Params) -> dict[str, Any]:
    return {"channel": directory.channel_object(_channel(state, params))}


def _kind(channel: dict[str, Any]) -> str:
    if channel["is_im"]:
        return "im"
    return "private_channel" if channel.get("is_private") else "public_channel"


def conversations_list(state: WorkspaceState, params: Params) -> dict[str, Any]:
    """Channels of the asked ``types`` (default public_channel), ``limit`` at a time with a cursor, like Slack."""
    types = str(params.get("types") or "public_channel").split(",")
    channels = [c for c in map(directory.channel_object, directory.channel_ids()) if c and _kind(c) in types]
    try:
        limit = max(1, min(int(params.get("limit") or 100), 1000))
        start = int(params.get("cursor") or 0)
    except ValueError:
        raise ApiError("invalid_cursor") from None
    rest = channels[start + limit:]
    return {"channels": channels[start:start + limit],
            "response_metadata": {"next_cursor": str(start + limit) if rest else ""}}


def conversations_open(state: WorkspaceState, params: Params) -> dict[str, Any]:
    if params.get("channel"):
        return {"channel": {"id": _channel(state, params)}}
    users = [u for u in str(params.required("users")).split(",") if u]
    if len(users) != 1:
        raise ApiError("method_not_supported_for_channel_type")
    if users[0] not in HUMANS:
        raise ApiError("user_not_found")
    channel_id = dm_channel_id(users[0])
    if params.flag("return_im"):
        return {"channel": directory.channel_object(channel_id), "no_op": True, "already_open": True}
    return {"channel": {"id": channel_id}, "no_op": True, "already_open": True}


def users_info(state: WorkspaceState, params: Params) -> dict[str, Any]:
    user = directory.user_object(str(params.required("user")))
    if user is None:
        raise ApiError("user_not_found")
    return {"user": user}


def usergroups_users_list(state: WorkspaceState, params: Params) -> dict[str, Any]:
    if params.required("usergroup") != REVIEWERS_GROUP:
        raise ApiError("no_such_subteam")
    return {"users": [REVIEWER]}


def reactions_add(state: WorkspaceState, params: Params) -> dict[str, Any]:
    channel_id = _channel(state, params)
    name = str(params.required("name")).strip(":")
    with state.lock:
        message = _message(state, channel_id, params.required("timestamp"))
        reactions = message.setdefault("reactions", [])
        reaction = next((r for r in reactions if r["name"] == name), None)
        if reaction is None:
            reaction = {"name": name, "users": [], "count": 0}
            reactions.append(reaction)
        if BOT_USER in reaction["users"]:
            raise ApiError("already_reacted")
        reaction["users"].append(BOT_USER)
        reaction["count"] = len(reaction["users"])
        state.touch()
    return {}


def reactions_remove(state: WorkspaceState, params: Params) -> dict[str, Any]:
    channel_id = _channel(state, params)
    name = str(params.required("name")).strip(":")
    with state.lock:
        message = _message(state, channel_id, params.required("timestamp"))
        reactions = message.get("reactions") or []
        reaction = next((r for r in reactions if r["name"] == name and BOT_USER in r["users"]), None)
        if reaction is None:
            raise ApiError("no_reaction")
        reaction["users"].remove(BOT_USER)
        reaction["count"] = len(reaction["users"])
        message["reactions"] = [r for r in reactions if r["count"]]
        if not message["reactions"]:
            message.pop("reactions")
        state.touch()
    return {}


METHODS: dict[str, Method] = {
    "auth.test": auth_test,
    "chat.postMessage": chat_post_message,
    "chat.update": chat_update,
    "chat.delete": chat_delete,
    "chat.postEphemeral": chat_post_ephemeral,
    "chat.getPermalink": chat_get_permalink,
    "conversations.info": conversations_info,
    "conversations.list": conversations_list,
    "conversations.open": conversations_open,
    "users.info": users_info,
    "usergroups.users.list": usergroups_users_list,
    "reactions.add": reactions_add,
    "reactions.remove": reactions_remove,
}
