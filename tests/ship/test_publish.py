"""Publishing to a real git remote: commit exactly the episode's paths, push, rebase, and never commit twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from lxml import etree

from tests.ship.helpers import AUDIO, git, make_services, ready_episode, remote_commits
from tests.ship.standin_site import RefusingGitServer
from workflows.errors import PublishError
from workflows.runner import StepContext
from workflows.ship.confirm import check_and_ship
from workflows.ship.feed import ITUNES_NS, PODCAST_NS
from workflows.ship.publish import parse_trailers, publish_episode, publish_step
from workflows.states import State

ROOT = Path(__file__).resolve().parents[2]


def _publish(svc, ep):
    result = publish_step(StepContext(episode=ep, store=svc.store, people=svc.people, services=svc))
    return svc.store.transition(ep.id, result.transition, actor="papercast", facts=result.facts)


def _show(bare: Path, ref: str, path: str) -> bytes:
    return subprocess.run(["git", f"--git-dir={bare}", "show", f"{ref}:{path}"], capture_output=True, check=True).stdout


def test_publish_commits_pushes_and_ships_once_live(svc, site, clock):
    """An approved episode is committed with its trailers, pushed, and becomes shipped only after the deploy lands."""
    ep = _publish(svc, ready_episode(svc))
    sha = ep.facts["commit"]
    assert ep.state == State.PUBLISHED
    assert git(f"--git-dir={site.remote_url}", "rev-parse", "main") == sha
    body = git(f"--git-dir={site.remote_url}", "log", "-1", "--format=%B", "main")
    episode_id, shas = parse_trailers(body)
    arts = svc.store.artifacts(ep.id)
    assert episode_id == ep.id and shas == {k: arts[k].sha256 for k in ("audio", "transcript", "notes")}
    assert "Approved-by: UREVIEWER" in body and "Shipping-owner: UOWNER" in body
    changed = git(f"--git-dir={site.remote_url}", "show", "--name-only", "--format=", "main").splitlines()
    assert sorted(changed) == sorted([f"static/episodes/{ep.slug}/episode.mp3", f"static/episodes/{ep.slug}/transcript.vtt",
                                      f"static/episodes/{ep.slug}/notes.md", "static/episodes/index.json", "static/feed.xml"])

    before = check_and_ship(svc, ep.id)  # pushed, but the site has not deployed it yet
    assert not before.shipped and [f.kind for f in before.findings][:3] == ["committed", "pushed", "not_deployed"]
    assert svc.store.get(ep.id).state == State.PUBLISHED

    site.tick()
    after = check_and_ship(svc, ep.id)
    assert after.shipped, after.findings
    assert svc.store.get(ep.id).state == State.SHIPPED
    [(_, line)] = svc.people.named("say")
    assert f"{site.base_url}/episodes/{ep.slug}/episode.mp3" in line and sha[:10] in line
    assert arts["audio"].sha256 in line and "30 min from approval to live" in line and "<@UOWNER>" in line


def test_feed_and_index_describe_the_episode(svc, site):
    """The feed is RSS 2.0 with iTunes and podcast namespaces, an exact enclosure and duration; the index lists the files."""
    ep = _publish(svc, ready_episode(svc))
    feed = etree.fromstring(_show(site.remote_url, "main", "static/feed.xml"))
    assert feed.tag == "rss" and feed.get("version") == "2.0"
    assert feed.nsmap["itunes"] == ITUNES_NS and feed.nsmap["podcast"] == PODCAST_NS
    [item] = feed.iter("item")
    enclosure = item.find("enclosure")
    assert enclosure.get("url") == f"{site.base_url}/episodes/{ep.slug}/episode.mp3"
    assert enclosure.get("length") == str(len(AUDIO)) and enclosure.get("type") == "audio/mpeg"
    assert item.findtext(f"{{{ITUNES_NS}}}duration") == "00:00:12"
    assert item.find(f"{{{PODCAST_NS}}}transcript").get("url").endswith("/transcript.vtt")
    assert feed.find(f"channel/{{{PODCAST_NS}}}guid") is not None
    index = json.loads(_show(site.remote_url, "main", "static/episodes/index.json"))
    assert index["episodes"][0]["files"]["audio"]["sha256"] == svc.store.artifacts(ep.id)["audio"].sha256


def test_push_rejected_because_the_remote_moved_is_rebased_and_pushed(svc, site, tmp_path):
    """When someone pushes between our fetch and our push, the rejected push is fetched, rebased and pushed again."""
    _publish(svc, ready_episode(svc, title="First"))
    other = tmp_path / "other"
    git("clone", "-q", str(site.remote_url), str(other))
    second = ready_episode(svc, title="Second")
    pushed = []

    def someone_pushes(stage: str) -> None:
        if stage == "committed" and not pushed:
            (other / "about.md").write_text("About us\n")
            git("add", "about.md", cwd=other)
            git("commit", "-qm", "Edit the about page", cwd=other)
            git("push", "-q", "origin", "main", cwd=other)
            pushed.append(True)

    done = publish_episode(svc, svc.store.get(second.id), checkpoint=someone_pushes)
    assert done.attempts == 2
    assert remote_commits(site.remote_url)[:2] == ["Publish episode: Second", "Edit the about page"]
    assert git(f"--git-dir={site.remote_url}", "rev-parse", "main") == done.commit


def test_conflicting_index_edit_on_the_remote_keeps_both_entries(svc, site, tmp_path):
    """When the remote rewrote the episode index meanwhile, the index is rebuilt on top of theirs, losing nothing."""
    _publish(svc, ready_episode(svc, title="First"))
    other = tmp_path / "other"
    git("clone", "-q", str(site.remote_url), str(other))
    second = ready_episode(svc, title="Second")

    def someone_edits_the_index(stage: str) -> None:
        if stage == "committed" and not (other / "done").exists():
            index_path = other / "static/episodes/index.json"
            index = json.loads(index_path.read_text())
            index["episodes"].append({"id": "legacy-1", "title": "An old episode", "published_at": "2020-01-01T00:00:00+00:00"})
            index_path.write_text(json.dumps(index, indent=1))
            git("commit", "-qam", "Add a legacy episode", cwd=other)
            git("push", "-q", "origin", "main", cwd=other)
            (other / "done").write_text("")

    publish_episode(svc, svc.store.get(second.id), checkpoint=someone_edits_the_index)
    index = json.loads(_show(site.remote_url, "main", "static/episodes/index.json"))
    assert {e["id"] for e in index["episodes"]} >= {second.id, "legacy-1"}
    assert remote_commits(site.remote_url)[0] == "Publish episode: Second"


@pytest.mark.parametrize("crash_at", ["copied", "committed", "pushed"])
def test_restart_after_a_crash_never_commits_twice(data_dir, db_url, svc, site, crash_at):
    """A publisher killed after copying, committing or pushing is re-run and leaves exactly one commit on the remote."""
    ep = ready_episode(svc)
    run = subprocess.run([sys.executable, "-m", "tests.ship._crasher", str(data_dir), db_url, str(site.remote_url),
                          site.base_url, ep.id, crash_at], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 17, run.stderr
    again = make_services(data_dir, db_url, svc.store, svc.clock, repo=str(site.remote_url), base_url=site.base_url)
    done = publish_episode(again, svc.store.get(ep.id))
    assert remote_commits(site.remote_url).count("Publish episode: Attention Is All You Need") == 1
    assert git(f"--git-dir={site.remote_url}", "rev-parse", "main") == done.commit
    assert done.reused == (crash_at != "copied")
    third = publish_episode(again, svc.store.get(ep.id))  # and once more, for good measure
    assert third.commit == done.commit and third.reused


def test_unrelated_changes_in_the_working_copy_stay_out_of_the_commit(svc, site, data_dir):
    """Edits and stray files someone left in papercast's clone are neither committed nor lost."""
    _publish(svc, ready_episode(svc, title="First"))
    clone = data_dir / "website"
    (clone / "README.md").write_text("local edit\n")
    (clone / "stray.txt").write_text("not for the website\n")
    (clone / "staged.txt").write_text("staged by hand\n")
    git("add", "staged.txt", cwd=clone)
    ep = _publish(svc, ready_episode(svc, title="Second"))
    changed = git(f"--git-dir={site.remote_url}", "show", "--name-only", "--format=", ep.facts["commit"]).splitlines()
    assert all(p.startswith("static/") for p in changed) and len(changed) == 5
    assert (clone / "README.md").read_text() == "local edit\n" and (clone / "stray.txt").exists()
    assert "A  staged.txt" in git("status", "--porcelain", cwd=clone)


def test_a_remote_that_refuses_pushes_fails_with_a_message_for_the_owner(svc, site, monkeypatch):
    """A pre-receive hook that says no fails the step with what happened and what to do."""
    hook = site.remote_url / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'branch is protected' >&2\nexit 1\n")
    hook.chmod(0o755)
    ep = ready_episode(svc)
    with pytest.raises(PublishError) as err:
        publish_episode(svc, ep)
    assert "refused the push" in err.value.message and "branch is protected" in err.value.message
    assert "Publish manually" in err.value.hint
    assert remote_commits(site.remote_url) == ["Start the local website"]


def test_authentication_and_network_failures_never_show_the_token(data_dir, db_url, store, clock, monkeypatch):
    """A refused token and an unreachable host each fail with their own advice, and the token appears nowhere."""
    token = "ghp_sekrit0123456789"
    monkeypatch.setenv("WEBSITE_GIT_TOKEN", token)
    server = RefusingGitServer()
    try:
        url = server.url
        svc = make_services(data_dir, db_url, store, clock, repo=url, base_url="http://127.0.0.1:9")
        with pytest.raises(PublishError) as err:
            publish_episode(svc, ready_episode(svc))
        assert "could not authenticate" in err.value.message and "WEBSITE_GIT_TOKEN" in err.value.hint
        assert token not in err.value.for_people()
        assert server.seen and all(s.startswith("Basic ") for s in server.seen)  # sent as a header
        assert token not in (data_dir / "website" / ".git" / "config").read_text()
    finally:
        server.close()
    svc = make_services(data_dir / "b", db_url, store, clock, repo="http://127.0.0.1:1/website.git", base_url="http://127.0.0.1:9")
    with pytest.raises(PublishError) as err:
        publish_episode(svc, ready_episode(svc, title="Other"))
    assert "could not reach" in err.value.message and err.value.retryable and token not in err.value.for_people()
    assert os.environ["WEBSITE_GIT_TOKEN"] == token


def test_the_step_runner_publishes_and_starts_the_follow_ups(svc, site, clock):
    """Through the real runner: audio_ready → published with the commit recorded, and the first check scheduled."""
    from workflows.pipeline import publish_step as pipeline_publish
    from workflows.runner import StepRunner
    from workflows.ship.followups import FollowUps

    followups = FollowUps(svc).start(paused=True)
    runner = StepRunner(svc.store, {"publish": pipeline_publish}, svc.people, svc, workers=1)
    try:
        ep = ready_episode(svc)
        after = runner.advance(ep.id)
        assert after.state == State.PUBLISHED and after.facts["commit"] == git(f"--git-dir={site.remote_url}", "rev-parse", "main")
        assert followups.get(ep.id).due_at == clock.now + timedelta(minutes=1)
        hook = site.remote_url / "hooks" / "pre-receive"
        hook.write_text("#!/bin/sh\nexit 1\n")
        hook.chmod(0o755)
        refused = runner.advance(ready_episode(svc, title="Refused").id)
        assert refused.state == State.FAILED and refused.failed_step == "publish" and "refused the push" in refused.error
        assert any("refused the push" in text for _, text in svc.people.named("say"))
    finally:
        runner.shutdown()
        followups.shutdown()
