"""Regenerate the README pictures of the local workspace: an episode's thread waiting for review.

    .venv/bin/python docs/screenshot.py                                    # docs/local-workspace.png (the card)
    .venv/bin/python docs/screenshot.py docs/review-buttons.png --at review

Starts papercast the way ``papercast serve`` does on a fresh machine (no Slack
tokens, no show file, no database, no API keys: the built-in demo show, the
offline writer, the local workspace and the embedded local website), in a
temporary data directory and on free loopback ports. Omar drops the bundled
sample paper in #papercast; once the script is waiting for review, headless
Chromium opens the page as Rita the reviewer at 1400x900, opens the episode's
thread beside the channel, and saves a PNG.

The thread panel is 400 px wide, so at 900 px high the status card and the
review buttons never fit on screen together (the script preview alone is
taller than the panel); the README has two pictures. ``--at card`` (the
default) shows the status card (title, stage, progress bar, owner) and the top
of the review message; ``--at review`` shows the end of the review message: the
automated checks, the Approve / Request changes / Edit / Reject buttons and the
attached script.

Prints the path of the PNG; everything started is stopped and the temporary
directory removed, whatever happens.

Needs Debian's Chromium (``apt-get install chromium``) and Playwright's Python
package (``pip install -e '.[dev]'``). Playwright never downloads a browser here,
and nothing leaves loopback. Takes about six seconds.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere: import papercast from this checkout
    sys.path.insert(0, str(ROOT))

from bot.local import OWNER, REVIEWER  # noqa: E402
from bot.stack import start_stack  # noqa: E402
from workflows.settings import BUILT_IN, Environment, Settings, Show  # noqa: E402
from workflows.states import State  # noqa: E402

DEFAULT_OUT = ROOT / "docs" / "local-workspace.png"
CHROMIUM = "/usr/bin/chromium"
#: The flags the browser test launches Debian's Chromium with (tests/e2e/test_browser_episode.py).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1400, "height": 900}
#: Seconds the episode may take to reach review (extract, write, check the script).
REVIEW_WAIT = 120.0
#: States after which the script will never be waiting for review.
_GIVEN_UP = {State.FAILED, State.DUPLICATE, State.REJECTED}


class ScreenshotError(Exception):
    """Why no picture was taken, and what to do about it."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(f"{message}\n  hint: {hint}")


def fresh_settings(data_dir: Path) -> Settings:
    """What ``papercast serve`` runs on a fresh machine, whatever this shell exports or this directory holds.

    Every environment field is passed explicitly, so no token, API key or
    database URL from the environment is read, and the built-in demo show is
    used even if a papercast.toml sits in the working directory.
    """
    env = {name: field.default for name, field in Environment.model_fields.items()}
    env["papercast_data_dir"] = data_dir
    return Settings(env=Environment(**env), show=Show(), show_source=BUILT_IN)


def _wait(ws, predicate, timeout: float, what: str):
    value = ws.wait_for(predicate, timeout)
    if value:
        return value
    raise ScreenshotError(f"Gave up after {timeout:.0f} s waiting for {what}.",
                          "Run `.venv/bin/papercast demo --auto` to see where the episode stops.")


def drop_sample_and_wait_for_review(stack) -> str:
    """Omar drops the sample paper; returns the thread's ts once the script is waiting for review."""
    from workflows.intake.sample import write_sample_paper

    store = stack.services.store
    pdf = write_sample_paper(stack.settings.data_dir / "sample-paper.pdf")
    thread = stack.workspace.drop_pdf(OWNER, pdf)["message"]["ts"]
    episode = _wait(stack.workspace, lambda: next((e for e in store.all() if e.thread_ts == thread), None), 30, "the episode to start")
    episode = _wait(stack.workspace, lambda: (e := store.get(episode.id)).state in _GIVEN_UP | {State.IN_REVIEW} and e,
                    REVIEW_WAIT, "the script to be waiting for review")
    if episode.state != State.IN_REVIEW:
        raise ScreenshotError(f"The episode stopped {episode.state.value}: {episode.error or 'no error recorded.'}",
                              "Run `.venv/bin/papercast demo --auto` to reproduce it without a browser.")
    return thread


def shoot(url: str, thread: str, out: Path, at: str) -> None:
    """Open the page as the reviewer, open the episode's thread, scroll it to ``at``, and save the PNG."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise ScreenshotError("Playwright is not installed.", "pip install -e '.[dev]' (it never downloads a browser here).") from None
    if not Path(CHROMIUM).exists():
        raise ScreenshotError(f"No Chromium at {CHROMIUM}.", "apt-get install chromium")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(f"{url}?user={REVIEWER}")
            page.get_by_test_id(f"open-thread-{thread}").click(timeout=30_000)
            panel = page.get_by_test_id("thread-panel")
            card = panel.get_by_test_id("block-status")
            card.wait_for(timeout=30_000)
            panel.get_by_test_id("action-review_approve").wait_for(timeout=30_000)
            # The page polls every second and re-renders (scrolled to the bottom) when anything changed:
            # let the last status-card edit land before scrolling, then shoot straight away.
            page.wait_for_timeout(1500)
            if at == "card":
                card.evaluate("node => node.closest('.message').scrollIntoView({block: 'start'})")
            else:
                panel.get_by_test_id("thread-messages").evaluate("node => { node.scrollTop = node.scrollHeight; }")
            page.screenshot(path=str(out))
        finally:
            browser.close()


def _warn_without_emoji_font() -> None:
    """The page shows Slack emoji as Unicode emoji; without a font for them they print as empty boxes."""
    try:
        found = subprocess.run(["fc-list", ":charset=1f4ce"], capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return
    if not found:
        print("screenshot: no emoji font installed, so emoji show as empty boxes "
              "(apt-get install fonts-noto-color-emoji)", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Screenshot the local workspace with an episode waiting for review.")
    parser.add_argument("out", nargs="?", type=Path, default=DEFAULT_OUT, help=f"PNG to write (default: {DEFAULT_OUT})")
    parser.add_argument("--at", choices=("card", "review"), default="card",
                        help="card: the status card (default); review: the review buttons")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    _warn_without_emoji_font()
    data_dir = Path(tempfile.mkdtemp(prefix="papercast-screenshot-"))
    try:
        stack = start_stack(fresh_settings(data_dir))
        try:
            thread = drop_sample_and_wait_for_review(stack)
            shoot(stack.workspace.url, thread, out, args.at)
        finally:
            stack.stop()
    except ScreenshotError as e:
        print(f"screenshot: {e}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
