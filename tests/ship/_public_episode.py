"""A real episode on the real local website: a paper, an offline draft revised after review notes, a tone render
(MP3 with CHAP frames, WebVTT, notes), published with its pages, chapters and artwork, and deployed.

Built once per test module (rendering is the slow part); tests read what the live site serves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import httpx
from sqlalchemy import update

from tests.conftest import Clock
from tests.script._papers import make_paper
from tests.ship.helpers import make_services, publish_now
from workflows.audio.render import render_episode
from workflows.script.offline import OfflineWriter
from workflows.settings import Host
from workflows.ship.local_site import LocalWebsite
from workflows.states import State
from workflows.database import migrate
from workflows.store.db import make_engine
from workflows.store.episodes import EpisodeStore
from workflows.store.schema import episodes

#: What the reviewers asked for: it must never reach a listener.
REVIEW_NOTES = "make it shorter and drop the hedging"
#: Wording meant for reviewers only (drafts' warnings, review notes, the checks' findings).
REVIEWER_ONLY = ("Offline draft", "offline writer", "Review it", "before approving", "Revised after", "reviewer",
                 REVIEW_NOTES, "no language model", "grounding", "finding")
#: The paper names its own arXiv id on its first page: the public text links it.
ARXIV_ID = "2401.01234"


@dataclass
class PublicEpisode:
    svc: object
    site: LocalWebsite
    clock: Clock
    episode: object
    paper: object

    def get(self, url: str) -> httpx.Response:
        return httpx.get(url, timeout=10)

    def republish(self):
        """Publish the same episode again (as Publish again does) and deploy it."""
        ep = self.svc.store.get(self.episode.id)
        with self.svc.store.engine.begin() as conn:
            conn.execute(update(episodes).where(episodes.c.id == ep.id).values(state=State.AUDIO_READY.value))
        again = publish_now(self.svc, self.svc.store.get(ep.id))
        self.site.tick()
        return again


def _paper():
    paper = make_paper()
    body = f"arXiv:{ARXIV_ID}v2 [cs.CL] 12 Jan 2024\n\n" + paper.body_text
    return paper.model_copy(update={"body_text": body})


def build(root: Path, *, title: str = "Sparse Retrieval Makes Long-Context Question Answering Cheaper",
          **publish) -> PublicEpisode:
    """Render, publish and deploy one episode under ``root``; ``publish`` overrides show settings."""
    data_dir = root / "var"
    data_dir.mkdir(parents=True)
    clock = Clock()
    engine = make_engine(f"sqlite:///{root / 'papercast.db'}")
    migrate(engine)
    store = EpisodeStore(engine, clock=clock)
    site = LocalWebsite(data_dir, delay=0, clock=clock).start(watch=False)
    svc = make_services(data_dir, str(engine.url), store, clock, site=site, **publish)
    show = svc.show.model_copy(update={"hosts": [Host(key="a", name="Ada", speech="tone", voice="heart"),
                                                 Host(key="b", name="Ben", speech="tone", voice="heart-low")],
                                       "writer": svc.show.writer.model_copy(update={"target_minutes": 0.6})})
    svc.settings = svc.settings.model_copy(update={"show": show})
    paper = _paper()
    writer = OfflineWriter(svc.settings)
    draft = writer.write(paper, show, target_minutes=0.6).script
    revised = writer.write(paper, show, target_minutes=0.6, previous=draft, notes=REVIEW_NOTES).script
    assert "Revised after reviewer notes" in revised.summary and "Offline draft" in revised.show_notes
    result = render_episode(revised, show, svc.settings.env, out_dir=root / "render", cache_dir=root / "cache",
                            store=svc.artifacts, released=date(2026, 11, 23), paper=paper)
    ep = store.create(uploader="UUP", channel="C1", title=title)
    with engine.begin() as conn:
        conn.execute(update(episodes).where(episodes.c.id == ep.id).values(
            state=State.APPROVED.value, owner="UOWNER", approver="UREVIEWER",
            approved_at=(clock() - timedelta(minutes=30)).isoformat()))
    script_row = {"author": "papercast", "writer": "offline", "script": revised.model_dump(mode="json"),
                  "findings": [{"check": "grounding", "severity": "warning", "message": "finding: number not found"}],
                  "usage": {}, "notes": REVIEW_NOTES}
    ep = store.transition(ep.id, "render", actor="papercast", paper=paper.model_dump(mode="json"), script=script_row,
                          artifacts_=[result.audio, result.transcript, result.notes])
    ep = publish_now(svc, ep)
    site.tick()
    return PublicEpisode(svc, site, clock, ep, paper)
