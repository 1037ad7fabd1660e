"""The local workspace page's small promises: a favicon, a readable answer for an empty file, every emoji the bot
says rendered as an emoji, and reactions.add/remove like Slack's."""

from __future__ import annotations

import ast
import json
import re
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.local import CHANNEL_ID, OWNER, LocalWorkspace
from bot.slack_reactions import REACTION_FOR_STATE

ROOT = Path(__file__).resolve().parents[2]
#: ``:name:`` as the bot writes emoji in mrkdwn (Sphinx roles such as :func:`x` are not emoji).
SHORTCODE = re.compile(r"(?<![\w:/]):([a-z][a-z0-9_+-]*):(?![\w`])")


def _upload(ws: LocalWorkspace, data: bytes, filename: str = "paper.pdf") -> tuple[int, dict]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"user\"\r\n\r\n{OWNER}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"filename\"\r\n\r\n{filename}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(ws.url + "local/upload", data=body,
                                 headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_the_page_has_a_favicon(workspace: LocalWorkspace):
    """/favicon.ico and the linked /static/favicon.svg answer with an SVG icon."""
    for path in ("favicon.ico", "static/favicon.svg"):
        with urllib.request.urlopen(workspace.url + path) as r:
            assert r.headers["Content-Type"] == "image/svg+xml" and b"<svg" in r.read()
    with urllib.request.urlopen(workspace.url) as r:
        assert b'rel="icon"' in r.read()


def test_an_empty_file_is_refused_with_why(workspace: LocalWorkspace):
    """A zero-byte upload says the file is empty (not "Choose a file to upload.") and drops nothing."""
    status, answer = _upload(workspace, b"", "paper.pdf")
    assert status == 200 and answer["ok"] is False
    assert answer["error"].startswith("paper.pdf is empty (0 bytes)")
    assert workspace.messages() == []


def _shortcodes() -> set[str]:
    """Every :emoji: in a string the bot or the workflows can say."""
    found: set[str] = set()
    for path in [*ROOT.joinpath("bot").rglob("*.py"), *ROOT.joinpath("workflows").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found |= set(SHORTCODE.findall(node.value))
    return found


def test_every_emoji_the_bot_says_is_drawn_on_the_page():
    """Each :short_code: in bot/ and workflows/ strings, and each reaction, is in the page's emoji table."""
    table = ROOT.joinpath("bot/local/static/blocks.js").read_text(encoding="utf-8")
    known = set(re.findall(r'"?([a-z0-9_+-]+)"?: "', table[table.index("const EMOJI"):table.index("const COLORS")]))
    said = _shortcodes() | {r for r in REACTION_FOR_STATE.values() if r}
    assert {"pencil2", "mag", "white_check_mark", "inbox_tray", "eyes", "rocket"} <= said
    assert said - known == set()


def test_reactions_add_and_remove_work_like_slack(workspace: LocalWorkspace, client: WebClient):
    """reactions.add then reactions.remove leave no reaction; removing again answers no_reaction."""
    posted = client.chat_postMessage(channel=CHANNEL_ID, text="a file")
    client.reactions_add(channel=CHANNEL_ID, timestamp=posted["ts"], name="eyes")
    assert workspace.messages()[0]["reactions"] == [{"name": "eyes", "users": ["U_BOT"], "count": 1}]
    client.reactions_remove(channel=CHANNEL_ID, timestamp=posted["ts"], name="eyes")
    assert "reactions" not in workspace.messages()[0]
    with pytest.raises(SlackApiError) as e:
        client.reactions_remove(channel=CHANNEL_ID, timestamp=posted["ts"], name="eyes")
    assert e.value.response["error"] == "no_reaction"
