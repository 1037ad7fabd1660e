"""manifest.yml declares exactly what the app listens to and the scopes of the Web API methods it calls."""

from __future__ import annotations

from slack_bolt import App

from bot.app import SCOPE_FOR_FEATURE, SCOPE_FOR_METHOD
from bot.listeners import register_listeners
from bot.local import OTHER, OWNER, REVIEWER
from bot.manifest import load_manifest
from workflows.states import State

MANIFEST = load_manifest()
#: The manifest's names for an event the app registers (message events come per channel type: public, private).
EVENT_SUBSCRIPTION = {"message": {"message.channels", "message.groups"}}


def _registered():
    app = App(signing_secret="s", token="xoxb-test", token_verification_enabled=False)
    pairs = register_listeners(app)
    return app, pairs


def test_every_registered_listener_is_declared_and_nothing_else():
    """Events and the slash command in the manifest match the listeners the app registers, both ways."""
    app, pairs = _registered()
    assert len(app._listeners) == len(pairs) == len(set(pairs))
    events = set().union(*(EVENT_SUBSCRIPTION.get(n, {n}) for k, n in pairs if k == "event"))
    assert events == set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    commands = {n for k, n in pairs if k == "command"}
    assert commands == {c["command"] for c in MANIFEST["features"]["slash_commands"]}
    interactive = any(k in ("action", "view") for k, _ in pairs)
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is interactive is True
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is (("event", "app_home_opened") in pairs)
    assert {"display_information", "features", "oauth_config", "settings"} <= set(MANIFEST)
    assert MANIFEST["features"]["bot_user"]["display_name"] and "socket_mode_enabled" in MANIFEST["settings"]


def test_the_manifest_asks_for_exactly_the_scopes_the_bot_uses():
    """Bot scopes = scopes of the Web API methods called + of the events and command received; no extras."""
    needed = {s for s in SCOPE_FOR_METHOD.values() if s} | set(SCOPE_FOR_FEATURE.values())
    assert set(MANIFEST["oauth_config"]["scopes"]["bot"]) == needed


def test_every_web_api_method_the_bot_calls_has_its_scope_in_the_table(slack):
    """Walk drop → review → approve → home → /papercast: every method called is in SCOPE_FOR_METHOD."""
    episode, review = slack.in_review()
    slack.ws.click(OTHER, review["ts"], "review_approve")
    slack.wait_ephemeral(OTHER, "Only")
    slack.ws.click(REVIEWER, review["ts"], "review_approve")
    modal = slack.ws.wait_for(lambda: next(iter(slack.ws.open_views(REVIEWER)), None))
    slack.ws.submit_view(REVIEWER, modal["id"], {"owner": OWNER})
    slack.ws.wait_for(lambda: slack.svc.store.get(episode.id).state == State.APPROVED)
    slack.svc.people.ping_owner(episode.id, "not pushed yet", escalate=True)
    slack.ws.open_home(OWNER)
    slack.ws.wait_for(lambda: slack.ws.home_view(OWNER))
    slack.ws.slash(OWNER, "status")
    called = {c.method for c in slack.ws.calls()}
    assert {"chat.postMessage", "chat.update", "views.open", "views.publish", "files.completeUploadExternal",
            "conversations.open", "chat.postEphemeral"} <= called
    assert called <= set(SCOPE_FOR_METHOD), called - set(SCOPE_FOR_METHOD)
