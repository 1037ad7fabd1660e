"""Read the Slack app manifest that ships with papercast (manifest.yml at the repository root)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

MANIFEST = Path(__file__).resolve().parents[1] / "manifest.yml"


@cache
def load_manifest(path: Path = MANIFEST) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def required_scopes(path: Path = MANIFEST) -> set[str]:
    return set(load_manifest(path)["oauth_config"]["scopes"]["bot"])
