"""Publishing under faults: killed at each crash point, and a person pushing to the website mid-publish."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from tests.ship.helpers import git, make_services, ready_episode, remote_commits
from workflows import failpoints
from workflows.ship.publish import TRAILER_EPISODE, publish_episode

ROOT = Path(__file__).resolve().parents[2]


def _trailer_commits(bare: Path, episode_id: str) -> list[str]:
    """Commits on the remote branch that carry the episode's trailer."""
    out = git(f"--git-dir={bare}", "log", "--format=%H", "--fixed-strings", f"--grep={TRAILER_EPISODE}: {episode_id}", "main")
    return out.split()


def _show(bare: Path, path: str) -> bytes:
    return subprocess.run(["git", f"--git-dir={bare}", "show", f"main:{path}"], capture_output=True, check=True).stdout


@pytest.mark.parametrize("point", ["publish.copied", "publish.committed", "publish.pushed"])
def test_a_publisher_killed_at_each_crash_point_leaves_one_commit_and_pushes_nothing_unreviewed(
        data_dir, db_url, svc, site, point):
    """Killed at a crash point with a person's commit in its clone, a re-run leaves one episode commit and never pushes theirs."""
    publish_episode(svc, ready_episode(svc, title="First"))
    clone = data_dir / "website"
    (clone / "draft.md").write_text("not reviewed\n")
    git("add", "draft.md", cwd=clone)
    git("commit", "-qm", "A draft nobody reviewed", cwd=clone)
    unreviewed = git("rev-parse", "HEAD", cwd=clone)
    ep = ready_episode(svc)

    run = subprocess.run([sys.executable, "-m", "tests.ship._crasher", str(data_dir), db_url, str(site.remote_url),
                          site.base_url, ep.id, "never"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, failpoints.ENV: point})
    assert run.returncode == failpoints.EXIT_CODE, run.stderr
    again = make_services(data_dir, db_url, svc.store, svc.clock, repo=str(site.remote_url), base_url=site.base_url)
    done = publish_episode(again, svc.store.get(ep.id))

    assert _trailer_commits(site.remote_url, ep.id) == [done.commit]
    assert git(f"--git-dir={site.remote_url}", "rev-parse", "main") == done.commit
    assert done.reused == (point != "publish.copied")
    assert subprocess.run(["git", f"--git-dir={site.remote_url}", "cat-file", "-e", unreviewed]).returncode != 0
    [saved] = git("for-each-ref", "--format=%(refname)", "refs/papercast/preserved/", cwd=clone).splitlines()
    assert git("rev-parse", saved, cwd=clone) == unreviewed  # saved once, by the run that was killed
    third = publish_episode(again, svc.store.get(ep.id))
    assert third.commit == done.commit and third.reused and len(_trailer_commits(site.remote_url, ep.id)) == 1


def test_a_persons_push_during_a_publish_is_kept_alongside_the_episode(svc, site, tmp_path, clock):
    """A feed item, a channel description and a page a person pushes mid-publish all survive, with one episode commit."""
    first = ready_episode(svc, title="First")
    publish_episode(svc, first)
    clock.advance(hours=1)
    human = tmp_path / "human"
    git("clone", "-q", str(site.remote_url), str(human))
    second = ready_episode(svc, title="Second")
    pushed: list[str] = []

    def person_pushes(stage: str) -> None:
        if stage != "copied" or pushed:
            return
        feed_path = human / "static/feed.xml"
        feed = etree.fromstring(feed_path.read_bytes())
        channel = feed.find("channel")
        channel.find("description").text = "Research papers, read aloud. Edited by hand."
        item = etree.Element("item")
        channel.find("item").addprevious(item)  # at the top, where papercast adds its new episode too
        etree.SubElement(item, "title").text = "Live recording from the conference"
        etree.SubElement(item, "guid", isPermaLink="false").text = "live-2026-conference"
        etree.SubElement(item, "enclosure", url="https://cdn.example.org/live.mp3", length="123", type="audio/mpeg")
        etree.SubElement(item, "pubDate").text = "Mon, 02 Nov 2026 10:00:00 +0000"
        feed_path.write_bytes(etree.tostring(feed, xml_declaration=True, encoding="UTF-8"))
        (human / "about.md").write_text("About the show\n")
        git("add", "static/feed.xml", "about.md", cwd=human)
        git("commit", "-qm", "Add the live recording and an about page", cwd=human)
        git("push", "-q", "origin", "main", cwd=human)
        pushed.append(git("rev-parse", "HEAD", cwd=human))

    done = publish_episode(svc, svc.store.get(second.id), checkpoint=person_pushes)

    assert done.attempts == 2 and pushed
    assert remote_commits(site.remote_url)[:3] == ["Publish episode: Second", "Add the live recording and an about page",
                                                   "Publish episode: First"]
    assert git(f"--git-dir={site.remote_url}", "rev-parse", f"{done.commit}^") == pushed[0]
    assert _trailer_commits(site.remote_url, second.id) == [done.commit]
    channel = etree.fromstring(_show(site.remote_url, "static/feed.xml")).find("channel")
    assert channel.findtext("description") == "Research papers, read aloud. Edited by hand."
    assert [i.findtext("guid") for i in channel.findall("item")] == [second.id, first.id, "live-2026-conference"]
    assert _show(site.remote_url, "about.md") == b"About the show\n"


def test_a_branch_deleted_on_the_website_is_published_again_from_scratch(svc, site, data_dir):
    """When the website's branch is gone, the clone keeps the old history under a saved ref and the episode starts it anew."""
    first = publish_episode(svc, ready_episode(svc, title="First"))
    git(f"--git-dir={site.remote_url}", "update-ref", "-d", "refs/heads/main")
    ep = ready_episode(svc, title="Second")
    done = publish_episode(svc, ep)
    assert not done.reused
    assert git("rev-parse", done.saved, cwd=data_dir / "website") == first.commit
    assert remote_commits(site.remote_url) == ["Publish episode: Second"]
    assert git(f"--git-dir={site.remote_url}", "rev-list", "--parents", "-n", "1", "main") == done.commit
