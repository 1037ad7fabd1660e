"""How the long-running commands log: INFO for papercast, WARNING for the libraries' routine chatter."""

from __future__ import annotations

import logging

#: Libraries that log every wake-up or request at INFO (APScheduler: each 30 s tick; httpx: each live-site check).
QUIET = ("apscheduler", "httpx", "httpcore", "slack_bolt", "slack_sdk", "urllib3", "botocore", "git")


def configure_logging(level: int = logging.INFO) -> None:
    """Timestamped lines on stderr; the chatty libraries only say something when it is a warning."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
