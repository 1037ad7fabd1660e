"""papercast render SCRIPT.json --out DIR: the audio stage on its own."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import click

from bot.cli._script_file import read_script
from workflows.errors import AudioError
from workflows.settings import load_settings


def _writable(out_dir: Path) -> None:
    """Make ``out_dir`` (and its parents) and check that files can be written there, before any work."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out_dir):
            pass
    except OSError as e:
        raise AudioError(f"papercast cannot write the episode to {out_dir} ({e.strerror or e}).",
                         "Pass --out a folder you may write to, e.g. --out ./episode.") from None


def _home(settings) -> Path:
    """Where render keeps its speech cache and artifacts: PAPERCAST_DATA_DIR when it is set, else the user's cache
    folder (``$XDG_CACHE_HOME/papercast``, by default ``~/.cache/papercast``), never ``./var`` of wherever it runs."""
    if "papercast_data_dir" in settings.env.model_fields_set:
        return settings.data_dir
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "papercast"


@click.command("render")
@click.argument("script_json", metavar="SCRIPT.json", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Folder for episode.mp3, transcript.vtt and notes.md.")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=Path), default=None, help="Speech cache folder (default: speech-cache in PAPERCAST_DATA_DIR, else in ~/.cache/papercast).")
def command(script_json: Path, out_dir: Path, cache_dir: Path | None) -> None:
    """Render a script to an MP3 with chapters, a transcript and show notes; print what was made as JSON."""
    from workflows.audio.render import render_episode

    from workflows.artifacts import store_for

    settings = load_settings()
    script = read_script(script_json)
    _writable(out_dir)
    home = _home(settings)

    def progress(done: int, total: int) -> None:
        click.echo(f"\rspeech: {done}/{total} lines", err=True, nl=done == total)

    result = render_episode(
        script, settings.show, settings.env, out_dir=out_dir, cache_dir=cache_dir or home / "speech-cache",
        progress=progress, store=store_for(settings.show.artifacts, home),
    )
    artifacts = {}
    for name in ("audio", "transcript", "notes"):
        a = getattr(result, name)
        artifacts[name] = {
            "file": str((out_dir / a.filename).resolve()), "key": a.key, "sha256": a.sha256,
            "size": a.size, "duration_seconds": round(a.duration_seconds or 0.0, 3),
        }
    json.dump(
        {
            **artifacts,
            "loudness_lufs": result.loudness_lufs, "true_peak_dbtp": result.true_peak_dbtp,
            "duration_seconds": round(result.duration_seconds, 3), "synthesized_lines": result.synthesized_lines,
        },
        sys.stdout, indent=2,
    )
    sys.stdout.write("\n")
