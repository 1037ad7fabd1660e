"""Reading a script file given on the command line (`papercast render`, `papercast review`)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from workflows.errors import ScriptError
from workflows.script.model import Script


class UnreadableScript(ScriptError):
    """The script file is not JSON, or not a script."""

    kind = "unreadable_script"


def read_script(path: Path) -> Script:
    """A Script from `papercast script` output ({"script": {...}}) or a bare Script object, maybe hand-edited."""
    hint = "Pass the JSON that `papercast script` prints, or its \"script\" object, edited by hand if you like."
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise UnreadableScript(f"{path} is not a readable JSON file ({e}).", hint) from None
    if isinstance(data, dict) and isinstance(data.get("script"), dict):
        data = data["script"]
    try:
        return Script.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise UnreadableScript(f"{path} is not a valid script: {where}: {first['msg']}.", hint) from None
