"""Acknowledgement latency of the bot: 20 concurrent interactions while an episode is being processed.

Three processes, as in production where Slack is elsewhere:
- the bot (``--serve``): the bolt App served over real HTTP by ``serve_http``, with
  the step runner running the real intake and draft steps (fake writer), the PDF
  read in the bot's reader worker process, as in production;
- this process: the local workspace (Slack's Web API and file downloads);
- the clicker (``--fire``): posts pre-built, signed ``block_actions`` requests,
  20 at once from one thread, and times each until the bot's HTTP ack.

Each round drops a fresh 100-page PDF first, so the bot's runner is downloading,
extracting and drafting it while the clicks arrive; a round counts as loaded only if
that episode was mid-processing both when the clicks were fired and when the last
ack came back. The click is a non-reviewer pressing Approve: ack, then (after the
ack) an ephemeral refusal. Prints p50/p99/max.

    .venv/bin/python bench/bench_ack.py [rounds] [--no-load]   (--no-load: no episode processing, a baseline)
"""

from __future__ import annotations

import json
import selectors
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import build_app  # noqa: E402
from bot.local import CHANNEL_ID, OTHER, REVIEWER, LocalWorkspace, signature  # noqa: E402
from bot.local import payloads  # noqa: E402
from bot.serve import serve_http  # noqa: E402
from bot.slack_facts import slack_facts  # noqa: E402
from tests.bot.conftest import make_settings  # noqa: E402
from tests.pdfs import long_paper, one_column_paper  # noqa: E402
from workflows import pipeline  # noqa: E402
from workflows.people import RecordingPeople  # noqa: E402
from workflows.runner import StepRunner  # noqa: E402
from workflows.script.writers import writers  # noqa: E402
from workflows.services import build_services  # noqa: E402
from workflows.testing.writers import FakeWriter  # noqa: E402
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
    writers.register("fake", FakeWriter)  # the test double, registered explicitly; make_settings names it
    app = build_app(svc)
    steps = {k: v for k, v in pipeline.build_steps().items() if k in ("extract", "draft", "submit")}
    svc.runner = StepRunner(svc.store, steps, svc.people, svc)
    server = serve_http(app, 0)
    print(json.dumps({"url": server.url}), flush=True)
    sys.stdin.read()
    server.stop()
    svc.runner.shutdown(wait=False)


def fire() -> None:
    """The clicker process: for each round on stdin (a JSON list of requests), post them all at once.

    One thread and non-blocking sockets: the 20 requests are written in one quick pass
    and each answer is timed from its own request's first byte to the end of the
    answer's headers. (Twenty client threads would queue behind each other for the
    clicker's own interpreter lock, and that wait would be counted as the bot's.)
    """
    for line in sys.stdin:
        requests = json.loads(line)
        selector = selectors.DefaultSelector()
        started: dict[int, float] = {}
        latencies = [0.0] * len(requests)
        received = {i: b"" for i in range(len(requests))}
        for i, r in enumerate(requests):
            url = urlsplit(r["url"])
            body = r["body"].encode()
            head = "".join(f"{k}: {v}\r\n" for k, v in r["headers"].items())
            raw = (f"POST {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\nConnection: close\r\n"
                   f"Content-Length: {len(body)}\r\n{head}\r\n").encode() + body
            sock = socket.create_connection((url.hostname, url.port), timeout=10)
            started[i] = time.perf_counter()
            sock.sendall(raw)
            sock.setblocking(False)
            selector.register(sock, selectors.EVENT_READ, i)
        while received:
            events = selector.select(timeout=10)
            if not events:
                raise SystemExit("the bot did not answer within 10 s")
            for key, _ in events:
                i = key.data
                chunk = key.fileobj.recv(65536)
                received[i] += chunk
                if not latencies[i] and b"\r\n\r\n" in received[i]:
                    latencies[i] = time.perf_counter() - started[i]
                if not chunk:  # the bot closed the connection: the answer is complete
                    status = received.pop(i).split(b" ", 2)[1:2]
                    latencies[i] = latencies[i] if status == [b"200"] else -1.0
                    selector.unregister(key.fileobj)
                    key.fileobj.close()
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


def main(rounds: int = 30, load: bool = True) -> None:
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
        review_ts = ws.wait_for(lambda: slack_facts(store.get(first.id)).review_messages.get("1"), 30)
        message = next(m for m in ws.messages(thread_ts=first.thread_ts) if m["ts"] == review_ts)
        processing = (State.RECEIVED, State.EXTRACTED, State.DRAFTED)

        def in_progress(name: str) -> bool:
            return any(e.state in processing for e in store.all() if e.facts.source.name == name)

        latencies: list[float] = []
        busy_rounds = 0
        for r in range(rounds):
            name = f"big-{r}.pdf"
            if load:  # a new paper each round: the same bytes again would only be linked to the first episode
                big = long_paper(tmp / name, pages=100, header=f"Long Report on Everything, part {r}")
                ws.drop_pdf(REVIEWER, big, filename=name)
                ws.wait_for(lambda name=name: in_progress(name), 10)
                time.sleep(0.05)  # into the extraction, past the download
            clicks = [_signed_click(ws, bot_url, message, "review_approve") for _ in range(CONCURRENT)]
            busy_before = in_progress(name)
            clicker.stdin.write(json.dumps(clicks) + "\n")
            clicker.stdin.flush()
            results = json.loads(clicker.stdout.readline())
            busy_rounds += busy_before and in_progress(name)
            assert all(x > 0 for x in results), "a click was not acked with 200"
            latencies += results
        ms = sorted(x * 1000 for x in latencies)
        print(f"ack latency over {len(ms)} interactions ({rounds} rounds x {CONCURRENT} concurrent), "
              f"an episode being processed by the bot throughout {busy_rounds}/{rounds} rounds:")
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
        main(int(args[0]) if args else 30, load="--no-load" not in sys.argv)
