"""Acknowledgement latency of the bot: 20 concurrent interactions while an episode is being processed.

Three processes, as in production where Slack is elsewhere:
- the bot (``--serve``): the bolt App served over real HTTP by ``serve_http``, with
  the step runner running the real intake and draft steps (fake writer);
- this process: the local workspace (Slack's Web API and file downloads);
- the clicker (``--fire``): posts pre-built, signed ``block_actions`` requests,
  20 at once, and times each until the bot's HTTP ack.

Each round drops a fresh 40-page PDF first, so the bot's runner is downloading and
extracting it while the clicks arrive. The click is a non-reviewer pressing
Approve: ack, then (after the ack) an ephemeral refusal. Prints p50/p99/max.

    .venv/bin/python bench/bench_ack.py [rounds] [--no-load]   (--no-load: no episode processing, a baseline)
"""

from __future__ import annotations

import http.client
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import build_app  # noqa: E402
from bot.local import CHANNEL_ID, OTHER, REVIEWER, LocalWorkspace, signature  # noqa: E402
from bot.local import payloads  # noqa: E402
from bot.serve import serve_http  # noqa: E402
from tests.bot.conftest import make_settings  # noqa: E402
from tests.pdfs import long_paper, one_column_paper  # noqa: E402
from workflows import pipeline  # noqa: E402
from workflows.people import RecordingPeople  # noqa: E402
from workflows.runner import StepRunner  # noqa: E402
from workflows.script.fake import FakeWriter  # noqa: E402
from workflows.services import build_services  # noqa: E402
from workflows.states import State  # noqa: E402

CONCURRENT = 20


class _WorkspaceInfo:
    def __init__(self, api_url: str, bot_token: str, signing_secret: str) -> None:
        self.api_url, self.bot_token, self.signing_secret = api_url, bot_token, signing_secret


def serve_bot(config: str) -> None:
    """The bot process: build the app against the workspace, serve it, print its URL, run until stdin closes."""
    c = json.loads(config)
    settings = make_settings(_WorkspaceInfo(c["api_url"], c["bot_token"], c["signing_secret"]), Path(c["data_dir"]))
    svc = build_services(settings, RecordingPeople())
    svc.file_token, svc.file_hosts = c["bot_token"], {"127.0.0.1"}
    svc.overrides["writer"] = FakeWriter(settings)
    app = build_app(svc)
    steps = {k: v for k, v in pipeline.build_steps().items() if k in ("extract", "draft", "submit")}
    svc.runner = StepRunner(svc.store, steps, svc.people, svc)
    server = serve_http(app, 0)
    print(json.dumps({"url": server.url}), flush=True)
    sys.stdin.read()
    server.stop()
    svc.runner.shutdown(wait=False)


def fire() -> None:
    """The clicker process: for each round on stdin (a JSON list of requests), post them all at once."""
    for line in sys.stdin:
        requests = json.loads(line)
        barrier = threading.Barrier(len(requests))
        latencies: list[float] = [0.0] * len(requests)

        def post(i: int, r: dict) -> None:
            url = urlsplit(r["url"])
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
            barrier.wait()
            started = time.perf_counter()
            conn.request("POST", url.path, body=r["body"], headers=r["headers"])
            response = conn.getresponse()
            response.read()
            latencies[i] = time.perf_counter() - started if response.status == 200 else -1.0
            conn.close()

        threads = [threading.Thread(target=post, args=(i, r)) for i, r in enumerate(requests)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(json.dumps(latencies), flush=True)


def _signed_click(ws: LocalWorkspace, bot_url: str, message: dict, action_id: str) -> dict:
    block_id, element = payloads.find_element(message["blocks"], action_id)
    payload = payloads.block_actions(OTHER, [payloads.action(block_id, element)], trigger_id=ws.state.issue_trigger(OTHER),
                                     message=message, channel_id=CHANNEL_ID)
    body = payloads.interaction_form(payload)
    ts = str(int(time.time()))
    return {"url": bot_url, "body": body, "headers": {
        "Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature(ws.signing_secret, ts, body)}}


def _p(ms: list[float], q: float) -> float:
    return ms[min(len(ms) - 1, int(round(q * (len(ms) - 1))))]


def main(rounds: int = 10, load: bool = True) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-ack-"))
    ws = LocalWorkspace(tmp / "ws").start()
    config = json.dumps({"api_url": ws.api_url, "bot_token": ws.bot_token, "signing_secret": ws.signing_secret,
                         "data_dir": str(tmp / "var")})
    bot = subprocess.Popen([sys.executable, __file__, "--serve", config], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, text=True)
    clicker = subprocess.Popen([sys.executable, __file__, "--fire"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True)
    bot_url = json.loads(bot.stdout.readline())["url"]
    ws.set_bot_url(bot_url)
    store = build_services(make_settings(ws, tmp / "var"), RecordingPeople()).store  # the bot's database
    try:
        ws.drop_pdf(REVIEWER, one_column_paper(tmp / "first.pdf"))
        first = ws.wait_for(lambda: next((e for e in store.all() if e.state == State.IN_REVIEW), None), 60)
        review_ts = ws.wait_for(lambda: (store.get(first.id).facts.get("review_messages") or {}).get("1"), 30)
        message = next(m for m in ws.messages(thread_ts=first.thread_ts) if m["ts"] == review_ts)
        big = long_paper(tmp / "big.pdf", pages=40)
        latencies: list[float] = []
        busy_rounds = 0
        for r in range(rounds):
            if load:
                ws.drop_pdf(REVIEWER, big, filename=f"big-{r}.pdf")
            time.sleep(0.05)  # let the bot's runner pick it up
            busy_rounds += any(e.state in (State.RECEIVED, State.EXTRACTED, State.DRAFTED) for e in store.all())
            clicks = [_signed_click(ws, bot_url, message, "review_approve") for _ in range(CONCURRENT)]
            clicker.stdin.write(json.dumps(clicks) + "\n")
            clicker.stdin.flush()
            results = json.loads(clicker.stdout.readline())
            assert all(x > 0 for x in results), "a click was not acked with 200"
            latencies += results
        ms = sorted(x * 1000 for x in latencies)
        print(f"ack latency over {len(ms)} interactions ({rounds} rounds x {CONCURRENT} concurrent), "
              f"an episode being processed in the bot's process during {busy_rounds}/{rounds} rounds:")
        print(f"  p50 {statistics.median(ms):.1f} ms   p99 {_p(ms, 0.99):.1f} ms   max {ms[-1]:.1f} ms"
              "   (target: p99 < 100 ms)")
        refused = ws.wait_for(lambda: len(ws.ephemerals(OTHER)) >= len(ms) and len(ws.ephemerals(OTHER)), 60)
        print(f"  after the acks, every click was answered: {refused} ephemeral refusals")
    finally:
        clicker.stdin.close()
        bot.stdin.close()
        clicker.wait(timeout=30)
        bot.wait(timeout=30)
        ws.stop()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve_bot(sys.argv[2])
    elif sys.argv[1:2] == ["--fire"]:
        fire()
    else:
        args = [a for a in sys.argv[1:] if a != "--no-load"]
        main(int(args[0]) if args else 10, load="--no-load" not in sys.argv)
