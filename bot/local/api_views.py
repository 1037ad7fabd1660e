"""Web API view methods: modals (open, push, update) and the App Home tab (publish)."""

from __future__ import annotations

from typing import Any

from bot.local.api_params import ApiError, Method, Params
from bot.local.objects import new_view, replace_view_content
from bot.local.directory import HUMANS
from bot.local.state import WorkspaceState

_MAX_STACK = 3


def _bad_view(problem: str) -> ApiError:
    return ApiError("invalid_arguments", response_metadata={"messages": [f"[ERROR] {problem} [json-pointer:/view]"]})


def _text_len(obj: Any) -> int:
    return len(obj.get("text", "")) if isinstance(obj, dict) else 0


def checked_view(params: Params, kind: str) -> dict[str, Any]:
    """The ``view`` parameter, checked against Slack's limits for its type."""
    view = params.structured("view")
    if not isinstance(view, dict):
        raise _bad_view("view is required and must be an object")
    if view.get("type") != kind:
        raise _bad_view(f"view.type must be {kind}")
    blocks = view.get("blocks")
    if not isinstance(blocks, list) or len(blocks) > 100 or not all(isinstance(b, dict) and b.get("type") for b in blocks):
        raise _bad_view("view.blocks must be a list of at most 100 blocks")
    if kind == "modal":
        if not 0 < _text_len(view.get("title")) <= 24:
            raise _bad_view("view.title must be plain_text of 1 to 24 characters")
        for key in ("submit", "close"):
            if key in view and _text_len(view[key]) > 24:
                raise _bad_view(f"view.{key} must be at most 24 characters")
        if any(b["type"] == "input" for b in blocks) and "submit" not in view:
            raise _bad_view("a modal with input blocks needs a submit button")
    if len(str(view.get("private_metadata", ""))) > 3000:
        raise _bad_view("view.private_metadata must be at most 3000 characters")
    for block in blocks:
        block.setdefault("block_id", f"b{blocks.index(block)}")
        if isinstance(block.get("element"), dict):
            block["element"].setdefault("action_id", f"a{blocks.index(block)}")
    return view


def _trigger_user(state: WorkspaceState, params: Params) -> str:
    user_id, error = state.use_trigger(params.get("trigger_id") or params.get("interactivity_pointer"))
    if error:
        raise ApiError(error)
    return user_id  # type: ignore[return-value]


def views_open(state: WorkspaceState, params: Params) -> dict[str, Any]:
    spec = checked_view(params, "modal")
    with state.lock:
        user_id = _trigger_user(state, params)
        view = new_view(state, spec)
        state.mem.views[user_id] = [view]
        state.touch(persist=False)
        return {"view": view}


def views_push(state: WorkspaceState, params: Params) -> dict[str, Any]:
    spec = checked_view(params, "modal")
    with state.lock:
        user_id = _trigger_user(state, params)
        stack = state.view_stack(user_id)
        if len(stack) >= _MAX_STACK:
            raise ApiError("push_limit_reached")
        view = new_view(state, spec, root_view_id=stack[0]["id"] if stack else None,
                        previous_view_id=stack[-1]["id"] if stack else None)
        stack.append(view)
        state.touch(persist=False)
        return {"view": view}


def views_update(state: WorkspaceState, params: Params) -> dict[str, Any]:
    with state.lock:
        found = None
        if params.get("view_id"):
            found = state.find_view(str(params["view_id"]))
        elif params.get("external_id"):
            found = next(((u, v) for u, stack in state.mem.views.items() for v in stack
                          if v.get("external_id") == params["external_id"]), None)
        else:
            raise ApiError("invalid_arguments")
        if found is None:
            raise ApiError("not_found")
        _, view = found
        spec = checked_view(params, view["type"])
        if params.get("hash") and params["hash"] != view["hash"]:
            raise ApiError("hash_conflict")
        replace_view_content(state, view, spec)
        state.mem.view_errors.pop(view["id"], None)
        state.touch()
        return {"view": view}


def views_publish(state: WorkspaceState, params: Params) -> dict[str, Any]:
    spec = checked_view(params, "home")
    user_id = str(params.required("user_id"))
    if user_id not in HUMANS:
        raise ApiError("user_not_found")
    with state.lock:
        current = state.home.get(user_id)
        if current and params.get("hash") and params["hash"] != current["hash"]:
            raise ApiError("hash_conflict")
        if current:
            replace_view_content(state, current, spec)
        else:
            current = state.home[user_id] = new_view(state, spec)
        state.touch()
        return {"view": current}


METHODS: dict[str, Method] = {
    "views.open": views_open,
    "views.push": views_push,
    "views.update": views_update,
    "views.publish": views_publish,
}
