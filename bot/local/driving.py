"""The parts of acting as a person that need no workspace object: errors, event shapes, elements, modal answers."""

from __future__ import annotations

from typing import Any

from bot.local import payloads
from bot.local.api_params import ApiError, Params
from bot.local.api_views import checked_view
from bot.local.objects import new_view, replace_view_content
from bot.local.sender import Delivery
from bot.local.directory import PRIVATE_CHANNEL_ID
from bot.local.state import WorkspaceState
from workflows.errors import PapercastError


class LocalWorkspaceError(PapercastError):
    """A driver call named something the local workspace does not have."""

    kind = "local_workspace"


def channel_type(channel: str) -> str:
    """A message event's ``channel_type``: im, group (a private channel: message.groups) or channel."""
    if channel.startswith("D"):
        return "im"
    return "group" if channel in (PRIVATE_CHANNEL_ID,) or channel.startswith("G") else "channel"


def message_event(message: dict[str, Any], channel: str) -> dict[str, Any]:
    """The ``message`` event Slack delivers for a message a person posted in ``channel``."""
    return {**message, "channel": channel, "event_ts": message["ts"], "channel_type": channel_type(channel)}


def element_in(blocks: list[dict[str, Any]], action_id: str) -> tuple[str, dict[str, Any]]:
    """(block_id, element) of the interactive element ``action_id`` in ``blocks``."""
    found = payloads.find_element(blocks, action_id)
    if found is None:
        ids = [e.get("action_id") for b in blocks for e in payloads.block_elements(b)]
        raise LocalWorkspaceError(f"No element with action_id {action_id!r} there.", f"Known action ids: {ids}.")
    return found


def action_on(block_id: str, element: dict[str, Any], value: Any) -> dict[str, Any]:
    """The ``actions`` entry of a block_actions payload for a click on (or a pick in) ``element``."""
    try:
        return payloads.action(block_id, element, value)
    except ValueError as e:
        raise LocalWorkspaceError(str(e), "Use a value from the element's options.") from None


def apply_response_action(state: WorkspaceState, user_id: str, view_id: str, delivery: Delivery,
                          ack: dict[str, Any]) -> None:
    """Do to ``user_id``'s modal stack what the bot's ack of a view_submission asks (errors/update/push/clear/close)."""
    if not delivery.acked:
        return  # Slack keeps the modal open and shows a connection error
    response = ack.get("response_action")
    with state.lock:
        stack = state.view_stack(user_id)
        index = next((i for i, v in enumerate(stack) if v["id"] == view_id), None)
        if index is None:
            return
        try:
            if response == "errors":
                state.mem.view_errors[view_id] = dict(ack.get("errors") or {})
            elif response == "update":
                replace_view_content(state, stack[index], checked_view(Params(view=ack.get("view")), "modal"))
                state.mem.view_errors.pop(view_id, None)
            elif response == "push":
                spec = checked_view(Params(view=ack.get("view")), "modal")
                stack.append(new_view(state, spec, root_view_id=stack[0]["id"], previous_view_id=view_id))
            elif response == "clear":
                stack.clear()
            else:
                del stack[index:]
        except ApiError:
            state.mem.view_errors[view_id] = {"": "The app answered with a view Slack would reject."}
        state.touch(persist=False)
