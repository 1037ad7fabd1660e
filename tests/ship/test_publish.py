"""Publishing to a real git remote: one commit of exactly the episode's paths on the remote head, never twice, never over someone else's file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from lxml import etree

from tests.ship.helpers import AUDIO, git, make_services, ready_episode, remote_commits
from tests.ship.standin_site import RefusingGitServer
from workflows.errors import PublishError
from workflows.runner import StepContext
from workflows.settings import Show
from workflows.ship.confirm import check_and_ship
from workflows.ship.feed import CHANNEL_RECORD, ITUNES_NS, PODCAST_NS, updated_feed, with_entry
from workflows.ship.publish import parse_trailers, publish_episode, publish_step
from workflows.ship.targets import PUBLISHED_KINDS
from workflows.states import State

ROOT = Path(__file__).resolve().parents[2]


def _publish(svc, ep):
    result = publish_step(StepContext(episode=ep, store=svc.store, people=svc.people, services=svc))
    return svc.store.transition(ep.id, result.transition, actor="papercast", reason=result.reason, facts=result.facts,
                                artifacts_=result.artifacts)


def _show(bare: Path, ref: str, path: str) -> bytes:
    return subprocess.run(["git", f"--git-dir={bare}", "show", f"{ref}:{path}"], capture_output=True, check=True).stdout


def test_publish_commits_pushes_and_ships_once_live(svc, site, clock):
    """An approved episode is committed with its trailers, pushed, and becomes shipped only after the deploy lands."""
    ep = _publish(svc, ready_episode(svc))
    sha = ep.facts.commit
    assert ep.state == State.PUBLISHED
    assert git(f"--git-dir={site.remote_url}", "rev-parse", "main") == sha
    body = git(f"--git-dir={site.remote_url}", "log", "-1", "--format=%B", "main")
    episode_id, shas = parse_trailers(body)
    arts = svc.store.artifacts(ep.id)
    assert episode_id == ep.id and shas == {k: arts[k].sha256 for k in PUBLISHED_KINDS}
    assert "Approved-by: UREVIEWER" in body and "Shipping-owner: UOWNER" in body
    changed = git(f"--git-dir={site.remote_url}", "show", "--name-only", "--format=", "main").splitlines()
    artwork = f"static/artwork-{arts['artwork'].sha256[:16]}.png"
    assert sorted(changed) == sorted([f"static/episodes/{ep.slug}/episode.mp3", f"static/episodes/{ep.slug}/transcript.vtt",
                                      f"static/episodes/{ep.slug}/notes.md", f"static/episodes/{ep.slug}/chapters.json",
                                      f"static/episodes/{ep.slug}/index.html", artwork, "static/index.html",
                                      "static/episodes/index.json", "static/feed.xml"])

    before = check_and_ship(svc, ep.id)  # pushed, but the site has not deployed it yet
    assert not before.shipped and [f.kind for f in before.findings][:3] == ["committed", "pushed", "not_deployed"]
    assert svc.store.get(ep.id).state == State.PUBLISHED

    site.tick()
    after = check_and_ship(svc, ep.id)
    minutes = 30
    if after.confirming:  # live once; shipped on the confirming check
        minutes += round((after.confirm_at - clock.now).total_seconds() / 60)
        clock.now = after.confirm_at
        after = check_and_ship(svc, ep.id)
    assert after.shipped, after.findings
    assert svc.store.get(ep.id).state == State.SHIPPED
    [(_, line)] = svc.people.named("say")
    assert f"Shipped and live: {site.base_url}/episodes/{ep.slug}/ · feed {site.base_url}/feed.xml ·" in line
    assert sha[:10] in line
    assert arts["audio"].sha256 in line and f"{minutes} min from approval to live" in line and "owner @UOWNER" in line
    assert svc.people.notices[-1][1].mentions() == ("UOWNER",)


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


def test_push_rejected_because_the_remote_moved_is_rebuilt_and_pushed(svc, site, tmp_path):
    """When someone pushes between our fetch and our push, the commit is rebuilt on their head and pushed again."""
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


def test_what_a_person_left_in_papercasts_clone_is_saved_and_never_pushed(svc, site, data_dir):
    """A commit, edits and stray files left in papercast's clone are saved to a ref, never pushed or published."""
    _publish(svc, ready_episode(svc, title="First"))
    clone = data_dir / "website"
    (clone / "README.md").write_text("local edit\n")
    git("commit", "-qam", "Unreviewed change", cwd=clone)
    unreviewed = git("rev-parse", "HEAD", cwd=clone)
    (clone / "README.md").write_text("edited again\n")
    (clone / "stray.txt").write_text("not for the website\n")
    (clone / "staged.txt").write_text("staged by hand\n")
    git("add", "staged.txt", cwd=clone)
    remote_head = git(f"--git-dir={site.remote_url}", "rev-parse", "main")

    ep = _publish(svc, ready_episode(svc, title="Second"))
    commit = ep.facts.commit
    assert git(f"--git-dir={site.remote_url}", "rev-parse", "main") == commit
    assert git(f"--git-dir={site.remote_url}", "rev-parse", f"{commit}^") == remote_head  # only papercast's commit
    missing = subprocess.run(["git", f"--git-dir={site.remote_url}", "cat-file", "-e", unreviewed], capture_output=True)
    assert missing.returncode != 0, "the unreviewed commit reached the website"
    changed = git(f"--git-dir={site.remote_url}", "show", "--name-only", "--format=", commit).splitlines()
    assert all(p.startswith("static/") for p in changed) and len(changed) == 8  # the artwork was there already
    assert _show(site.remote_url, "main", "README.md").startswith(b"# Website")

    saved = ep.facts.saved_local_work
    assert saved.startswith("refs/papercast/preserved/20261123T0900")
    assert git("rev-parse", f"{saved}^", cwd=clone) == unreviewed
    assert git("show", f"{saved}:README.md", cwd=clone) == "edited again"
    assert git("show", f"{saved}:stray.txt", cwd=clone) == "not for the website"
    assert git("show", f"{saved}:staged.txt", cwd=clone) == "staged by hand"
    assert saved in svc.store.audit(ep.id)[-1].reason
    assert git("status", "--porcelain", "--ignored", cwd=clone) == ""  # the clone is exactly the website now
    assert git("rev-parse", "HEAD", cwd=clone) == commit

    third = _publish(svc, ready_episode(svc, title="Third"))  # nothing left by hand this time: nothing saved
    assert third.facts.saved_local_work is None
    assert git("for-each-ref", "--format=%(refname)", "refs/papercast/", cwd=clone).splitlines() == [saved]


def _human_clone(site, tmp_path, name: str = "human") -> Path:
    where = tmp_path / name
    git("clone", "-q", str(site.remote_url), str(where))
    return where


def _human_push(where: Path, path: str, data: bytes, message: str) -> str:
    (where / path).parent.mkdir(parents=True, exist_ok=True)
    (where / path).write_bytes(data)
    git("add", path, cwd=where)
    git("commit", "-qm", message, cwd=where)
    git("push", "-q", "origin", "main", cwd=where)
    return git("rev-parse", "HEAD", cwd=where)


def test_a_different_file_at_an_episode_path_stops_the_publish(svc, site, tmp_path):
    """A file papercast did not write at the episode's audio path is never replaced: the error names the path."""
    ep = ready_episode(svc)
    path = f"static/episodes/{ep.slug}/episode.mp3"
    _human_push(_human_clone(site, tmp_path), path, b"someone else's recording", "Add a recording by hand")
    before = remote_commits(site.remote_url)
    with pytest.raises(PublishError) as err:
        publish_episode(svc, ep)
    assert path in err.value.message and "did not write" in err.value.message
    assert "publish.audio_path" in err.value.hint and "Move" in err.value.hint
    assert remote_commits(site.remote_url) == before
    assert _show(site.remote_url, "main", path) == b"someone else's recording"


def test_the_same_bytes_already_at_the_path_are_published_over(svc, site, tmp_path):
    """The episode's own bytes already at its path (put there by hand) are fine: the publish goes on."""
    ep = ready_episode(svc)
    path = f"static/episodes/{ep.slug}/episode.mp3"
    _human_push(_human_clone(site, tmp_path), path, AUDIO, "Upload the audio by hand")
    done = publish_episode(svc, ep)
    assert not done.reused and remote_commits(site.remote_url)[0] == "Publish episode: Attention Is All You Need"
    changed = git(f"--git-dir={site.remote_url}", "show", "--name-only", "--format=", done.commit).splitlines()
    assert path not in changed and len(changed) == 8


def test_a_new_version_of_an_episode_replaces_its_own_earlier_files(svc, site, clock):
    """Files papercast wrote for the episode (the index says so) are replaced by the episode's new version."""
    ep = _publish(svc, ready_episode(svc))
    clock.advance(minutes=5)
    newer = svc.artifacts.put_bytes(AUDIO + b"re-rendered", kind="audio", media_type="audio/mpeg",
                                    filename="episode.mp3", duration_seconds=12.0)
    svc.store.transition(ep.id, "republish", actor="UOWNER", artifacts_=[newer])
    done = publish_episode(svc, svc.store.get(ep.id))
    assert not done.reused
    assert _show(site.remote_url, "main", f"static/episodes/{ep.slug}/episode.mp3") == AUDIO + b"re-rendered"


def test_an_index_that_is_not_papercasts_stops_the_publish(svc, site, tmp_path):
    """A broken episode index on the website is not overwritten (which would drop every episode from the feed)."""
    _publish(svc, ready_episode(svc, title="First"))
    _human_push(_human_clone(site, tmp_path), "static/episodes/index.json", b"{oops", "Edit the index by hand")
    with pytest.raises(PublishError) as err:
        publish_episode(svc, ready_episode(svc, title="Second"))
    assert "static/episodes/index.json" in err.value.message and "not valid JSON" in err.value.message
    assert "publish.index_path" in err.value.hint
    assert remote_commits(site.remote_url)[0] == "Edit the index by hand"


def test_a_squashed_rewrite_with_the_same_files_counts_as_published(svc, site, tmp_path):
    """When someone squashed papercast's commit away but kept its files, publishing again commits nothing."""
    ep = ready_episode(svc)
    publish_episode(svc, ep)
    human = _human_clone(site, tmp_path)
    git("reset", "-q", "--soft", "HEAD~1", cwd=human)
    git("commit", "-qm", "Website: squash the episode", cwd=human)
    git("push", "-q", "--force", "origin", "main", cwd=human)
    head = git(f"--git-dir={site.remote_url}", "rev-parse", "main")
    again = publish_episode(svc, svc.store.get(ep.id))
    assert again.reused and again.commit == head
    assert git(f"--git-dir={site.remote_url}", "rev-parse", "main") == head
    assert remote_commits(site.remote_url) == ["Website: squash the episode", "Start the local website"]


def test_a_rewrite_that_lost_the_feed_item_is_published_again(svc, site, tmp_path):
    """A rewrite that kept the files but dropped the episode from the feed is not taken as published."""
    ep = ready_episode(svc)
    first = publish_episode(svc, ep)
    human = _human_clone(site, tmp_path)
    git("reset", "-q", "--hard", "HEAD~1", cwd=human)
    for f in first.files:
        git("checkout", first.commit, "--", f.path, cwd=human)
    git("checkout", first.commit, "--", "static/episodes/index.json", cwd=human)
    git("commit", "-qm", "Website: files without the feed", cwd=human)
    git("push", "-q", "--force", "origin", "main", cwd=human)
    again = publish_episode(svc, svc.store.get(ep.id))
    assert not again.reused
    assert ep.id in {i.findtext("guid") for i in etree.fromstring(_show(site.remote_url, "main", "static/feed.xml")).iter("item")}


def _entry(episode_id: str, when: str) -> dict:
    audio = {"path": f"static/episodes/{episode_id}/episode.mp3", "url": f"https://pod.example/{episode_id}.mp3",
             "size": 10, "type": "audio/mpeg", "duration_seconds": 60, "sha256": "0" * 64}
    return {"id": episode_id, "title": episode_id, "published_at": when, "files": {"audio": audio}}


def _regenerate(index: dict, show: Show, existing: bytes | None):
    feed, record = updated_feed(index, show, site_url="https://pod.example", feed_url="https://pod.example/feed.xml",
                                existing=existing)
    return feed, {**index, CHANNEL_RECORD: record}


def test_the_feed_keeps_what_people_added_and_follows_the_show_file_where_nobody_edited():
    """Hand edits to the feed stay (items, channel elements, a changed field); untouched fields follow the show file."""
    index = with_entry({"episodes": []}, _entry("ep_00000000aa", "2026-11-01T09:00:00+00:00"))
    feed, index = _regenerate(index, Show(), None)
    root = etree.fromstring(feed)
    channel = root.find("channel")
    channel.find("title").text = "Paper Trail (hand-edited)"
    etree.SubElement(channel, f"{{{ITUNES_NS}}}image", href="https://pod.example/cover.jpg")
    item = etree.SubElement(channel, "item")
    etree.SubElement(item, "guid").text = "https://pod.example/bonus"
    etree.SubElement(item, "pubDate").text = "Sun, 01 Nov 2026 12:00:00 +0000"
    edited = etree.tostring(root)

    index = with_entry(index, _entry("ep_00000000bb", "2026-11-02T09:00:00+00:00"))
    show = Show(description="A new description, set in the show file.")
    feed, index = _regenerate(index, show, edited)
    channel = etree.fromstring(feed).find("channel")
    assert channel.findtext("title") == "Paper Trail (hand-edited)"
    assert channel.findtext("description") == "A new description, set in the show file."
    assert channel.find(f"{{{ITUNES_NS}}}image").get("href") == "https://pod.example/cover.jpg"
    assert [i.findtext("guid") for i in channel.findall("item")] == ["ep_00000000bb", "https://pod.example/bonus",
                                                                    "ep_00000000aa"]
    index["episodes"] = [e for e in index["episodes"] if e["id"] != "ep_00000000aa"]  # taken out of the index by hand
    again, _ = _regenerate(index, show, feed)
    assert [i.findtext("guid") for i in etree.fromstring(again).iter("item")] == ["ep_00000000bb", "https://pod.example/bonus"]
    assert _regenerate(index, show, again)[0] == _regenerate(index, show, again)[0]  # the same input, the same bytes


def test_two_episodes_with_the_same_title_each_get_their_own_files(svc, site):
    """Two episodes titled the same never share a path: each URL serves its own audio, the feed has both."""
    one = ready_episode(svc, title="Attention", audio=AUDIO + b"one")
    two = ready_episode(svc, title="Attention", audio=AUDIO + b"two")
    assert one.slug == "attention" and two.slug == "attention-" + two.id.removeprefix("ep_")[:6]
    first, second = _publish(svc, one), _publish(svc, two)
    site.tick()
    for ep, audio in ((first, AUDIO + b"one"), (second, AUDIO + b"two")):
        r = httpx.get(ep.facts.published_files["audio"].url, timeout=5)
        assert r.status_code == 200 and r.content == audio
    items = list(etree.fromstring(_show(site.remote_url, "main", "static/feed.xml")).iter("item"))
    assert sorted(i.findtext("guid") for i in items) == sorted([one.id, two.id])
    assert len({i.find("enclosure").get("url") for i in items}) == 2
    feed_before = _show(site.remote_url, "main", "static/feed.xml")
    again = publish_episode(svc, svc.store.get(one.id))  # a republish of the same files changes nothing
    assert again.reused and _show(site.remote_url, "main", "static/feed.xml") == feed_before


def test_a_title_given_at_extraction_gets_a_slug_no_other_episode_has(svc):
    """The slug set from the title at extraction is made unique with a suffix from the episode id."""
    a = svc.store.create(uploader="U", channel="C")
    b = svc.store.create(uploader="U", channel="C")
    a = svc.store.transition(a.id, "extract", actor="papercast", updates={"title": "Deep Nets"})
    b = svc.store.transition(b.id, "extract", actor="papercast", updates={"title": "Deep Nets"})
    assert a.slug == "deep-nets" and b.slug == "deep-nets-" + b.id.removeprefix("ep_")[:6]


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_migration_3_renames_duplicate_slugs_and_then_refuses_them(request, tmp_path, backend):
    """Episodes that already share a slug are told apart (the last published keeps it), then the database refuses a duplicate."""
    from sqlalchemy import insert, select, text
    from sqlalchemy.exc import IntegrityError

    from workflows.database import migrate
    from workflows.store.db import make_engine
    from workflows.store.schema import episodes

    url = f"sqlite:///{tmp_path / 'old.db'}" if backend == "sqlite" else request.getfixturevalue("pg_url")
    engine = make_engine(url)
    try:
        migrate(engine)
        with engine.begin() as conn:  # back to a database from before migration 3
            conn.execute(text("DROP INDEX uq_episodes_slug"))
            conn.execute(text("DELETE FROM schema_migrations WHERE number = 3"))
            for i, facts in enumerate(['{}', '{"published_at": "2026-11-01T10:00:00+00:00"}',
                                       '{"published_at": "2026-10-01T10:00:00+00:00"}', '{}']):
                conn.execute(insert(episodes).values(
                    id=f"ep_00000000{i:02d}", slug="same-title" if i < 3 else "other", title="Same title",
                    state="published", version=1, created_at=f"2026-09-0{i + 1}T00:00:00+00:00",
                    updated_at="2026-09-01T00:00:00+00:00", facts=facts))
        assert migrate(engine) == [3]
        with engine.connect() as conn:
            slugs = dict(conn.execute(select(episodes.c.id, episodes.c.slug)).all())
        assert slugs == {"ep_0000000000": "same-title-000000", "ep_0000000001": "same-title",
                         "ep_0000000002": "same-title-0000000002", "ep_0000000003": "other"}
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(insert(episodes).values(
                id="ep_00000000ff", slug="other", title="", state="received", version=1,
                created_at="2026-09-09T00:00:00+00:00", updated_at="2026-09-09T00:00:00+00:00", facts="{}"))
    finally:
        engine.dispose()


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
        assert after.state == State.PUBLISHED and after.facts.commit == git(f"--git-dir={site.remote_url}", "rev-parse", "main")
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
