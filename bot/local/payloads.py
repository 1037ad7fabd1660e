"""The request bodies Slack sends to an app: Events API envelopes, interaction payloads, slash commands.

Pure functions from the workspace's state to Slack-shaped dicts; the sender
signs and delivers them.
"""

from __future__ import annotations

import copy
import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from bot.local.directory import (APP_ID, BOT_USER, CHANNEL_ID, CHANNEL_NAME, PEOPLE, PRIVATE_CHANNEL_ID,
                                 PRIVATE_CHANNEL_NAME, TEAM_DOMAIN, TEAM_ID)

#: The deprecated verification token Slack still puts in payloads; bolt ignores it.
VERIFICATION_TOKEN = "local-verification-token"


def new_event_id() -> str:
    return "Ev" + secrets.token_hex(5).upper()


def event_envelope(event: dict[str, Any], *, event_id: str | None = None, event_time: int | None = None) -> dict[str, Any]:
    """An ``event_callback`` body around one event, as the Events API posts it."""
    return {
        "token": VERIFICATION_TOKEN, "team_id": TEAM_ID, "context_team_id": TEAM_ID, "context_enterprise_id": None,
        "api_app_id": APP_ID, "event": event, "type": "event_callback", "event_id": event_id or new_event_id(),
        "event_time": event_time or int(time.time()),
        "authorizations": [{"enterprise_id": None, "team_id": TEAM_ID, "user_id": BOT_USER, "is_bot": True,
                            "is_enterprise_install": False}],
        "is_ext_shared_channel": False, "event_context": "4-" + secrets.token_urlsafe(24),
    }


def user_ref(user_id: str) -> dict[str, Any]:
    person = PEOPLE[user_id]
    return {"id": user_id, "username": person.name, "name": person.name, "team_id": TEAM_ID}


def _team() -> dict[str, Any]:
    return {"id": TEAM_ID, "domain": TEAM_DOMAIN}


def _channel_ref(channel_id: str) -> dict[str, Any]:
    names = {CHANNEL_ID: CHANNEL_NAME, PRIVATE_CHANNEL_ID: PRIVATE_CHANNEL_NAME}
    return {"id": channel_id, "name": names.get(channel_id, "directmessage")}


def block_elements(block: dict[str, Any]) -> list[dict[str, Any]]:
    """The interactive elements of a block: an actions block's elements, an accessory, an input's element."""
    elements = list(block.get("elements", [])) if block.get("type") == "actions" else []
    for key in ("accessory", "element"):
        if isinstance(block.get(key), dict):
            elements.append(block[key])
    return elements


def find_element(blocks: list[dict[str, Any]], action_id: str) -> tuple[str, dict[str, Any]] | None:
    """(block_id, element) of the interactive element with ``action_id`` in a list of blocks."""
    for block in blocks or []:
        for element in block_elements(block):
            if element.get("action_id") == action_id:
                return block.get("block_id", ""), element
    return None


def _option(element: dict[str, Any], value: str) -> dict[str, Any]:
    options = list(element.get("options", []))
    for group in element.get("option_groups", []):
        options.extend(group.get("options", []))
    found = next((o for o in options if o.get("value") == value), None)
    if found is None:
        raise ValueError(f"{element.get('action_id')!r} has no option with value {value!r}")
    return copy.deepcopy(found)


def element_value(element: dict[str, Any], value: Any) -> dict[str, Any]:
    """The typed value of an element as Slack reports it in actions and view state."""
    kind = element.get("type")
    if isinstance(value, dict) and "type" in value:
        return value
    if kind in ("plain_text_input", "email_text_input", "url_text_input", "number_input"):
        return {"type": kind, "value": value}
    if kind == "static_select":
        return {"type": kind, "selected_option": _option(element, value) if value is not None else None}
    if kind == "multi_static_select":
        return {"type": kind, "selected_options": [_option(element, v) for v in value or []]}
    if kind == "users_select":
        return {"type": kind, "selected_user": value}
    if kind == "multi_users_select":
        return {"type": kind, "selected_users": list(value or [])}
    if kind == "conversations_select":
        return {"type": kind, "selected_conversation": value}
    if kind == "checkboxes":
        return {"type": kind, "selected_options": [_option(element, v) for v in value or []]}
    if kind == "radio_buttons":
        return {"type": kind, "selected_option": _option(element, value) if value is not None else None}
    if kind == "datepicker":
        return {"type": kind, "selected_date": value}
    return {"type": kind, "value": value}


def action(block_id: str, element: dict[str, Any], value: Any = None) -> dict[str, Any]:
    """One entry of ``actions[]`` for a click on a button or a choice in a select."""
    entry: dict[str, Any] = {"action_id": element["action_id"], "block_id": block_id, "type": element.get("type"),
                             "action_ts": f"{time.time():.6f}"}
    if element.get("type") == "button":
        entry.update({"text": element.get("text"), "value": value if value is not None else element.get("value")})
        if element.get("style"):
            entry["style"] = element["style"]
    else:
        entry.update(element_value(element, value))
        if element.get("placeholder"):
            entry["placeholder"] = element["placeholder"]
    return entry


def view_state_values(view: dict[str, Any], values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``view.state.values`` for a submission: {block_id: {action_id: typed value}}.

    ``values`` maps an action_id (or "block_id.action_id") to a plain value: the text of a
    text input, the option value of a static select, the user id of a users select.
    Inputs not named are reported empty, as Slack does.
    """
    state: dict[str, dict[str, Any]] = {}
    for block in view.get("blocks", []):
        element = block.get("element") if block.get("type") == "input" else None
        if not isinstance(element, dict):
            continue
        block_id, action_id = block["block_id"], element["action_id"]
        given = values.get(f"{block_id}.{action_id}", values.get(action_id))
        if given is None:
            initial = element.get("initial_value", element.get("initial_user"))
            if "initial_option" in element:
                initial = element["initial_option"].get("value")
            given = initial
        state.setdefault(block_id, {})[action_id] = element_value(element, given)
    return state


def block_actions(user_id: str, actions: list[dict[str, Any]], *, trigger_id: str, message: dict[str, Any] | None = None,
                  channel_id: str | None = None, response_url: str | None = None, view: dict[str, Any] | None = None,
                  is_ephemeral: bool = False) -> dict[str, Any]:
    """A ``block_actions`` payload from a message (in a channel) or from a view (modal or App Home)."""
    payload: dict[str, Any] = {
        "type": "block_actions", "user": user_ref(user_id), "api_app_id": APP_ID, "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id, "team": _team(), "enterprise": None, "is_enterprise_install": False,
        "actions": actions,
    }
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view["id"]}
        payload["view"] = view
        payload["state"] = {"values": view.get("state", {}).get("values", {})}
        return payload
    assert message is not None and channel_id is not None
    container = {"type": "message", "message_ts": message["ts"], "channel_id": channel_id, "is_ephemeral": is_ephemeral}
    if message.get("thread_ts"):
        container["thread_ts"] = message["thread_ts"]
    payload.update({"container": container, "channel": _channel_ref(channel_id), "state": {"values": {}},
                    "response_url": response_url})
    if not is_ephemeral:
        payload["message"] = message
    return payload


def view_submission(user_id: str, view: dict[str, Any], *, trigger_id: str) -> dict[str, Any]:
    return {"type": "view_submission", "team": _team(), "user": user_ref(user_id), "api_app_id": APP_ID,
            "token": VERIFICATION_TOKEN, "trigger_id": trigger_id, "view": view, "response_urls": [],
            "is_enterprise_install": False, "enterprise": None}


def view_closed(user_id: str, view: dict[str, Any], *, is_cleared: bool) -> dict[str, Any]:
    return {"type": "view_closed", "team": _team(), "user": user_ref(user_id), "api_app_id": APP_ID,
            "token": VERIFICATION_TOKEN, "view": view, "is_cleared": is_cleared, "is_enterprise_install": False,
            "enterprise": None}


def interaction_form(payload: dict[str, Any]) -> str:
    """The form body interactions arrive in: ``payload=<json>``."""
    return urlencode({"payload": json.dumps(payload)})


def slash_command_form(user_id: str, command: str, text: str, *, channel_id: str, trigger_id: str,
                       response_url: str) -> str:
    """The form body of a slash command invocation."""
    return urlencode({
        "token": VERIFICATION_TOKEN, "team_id": TEAM_ID, "team_domain": TEAM_DOMAIN, "channel_id": channel_id,
        "channel_name": _channel_ref(channel_id)["name"], "user_id": user_id, "user_name": PEOPLE[user_id].name,
        "command": command, "text": text, "api_app_id": APP_ID, "is_enterprise_install": "false",
        "response_url": response_url, "trigger_id": trigger_id,
    })
