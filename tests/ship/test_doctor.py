"""`papercast doctor` website checks against a real repository and site."""

from __future__ import annotations

from tests.ship.helpers import make_settings
from tests.ship.standin_site import RefusingGitServer
from workflows.ship.doctor import website_checks


def test_doctor_passes_for_a_reachable_writable_repository_and_a_live_site(data_dir, db_url, site):
    """A repository that can be cloned, fetched and pushed, and a site that answers, both pass."""
    settings = make_settings(data_dir / "doc", db_url, repo=str(site.remote_url), base_url=site.base_url)
    checks = website_checks(settings)
    assert [(c.name, c.ok) for c in checks] == [("website repository", True), ("website live site", True)]
    assert "push-tested" in checks[0].detail


def test_doctor_names_refused_credentials_and_a_site_that_is_down(data_dir, db_url, monkeypatch):
    """A repository that refuses the token and a site nobody answers for each fail with a fix, token unshown."""
    monkeypatch.setenv("WEBSITE_GIT_TOKEN", "ghp_doctor_secret_42")
    server = RefusingGitServer()
    try:
        settings = make_settings(data_dir / "doc", db_url, repo=server.url, base_url="http://127.0.0.1:1")
        repo, live = website_checks(settings)
    finally:
        server.close()
    assert not repo.ok and "could not authenticate" in repo.detail and "WEBSITE_GIT_TOKEN" in repo.fix
    assert "ghp_doctor_secret_42" not in repo.detail + repo.fix and server.seen
    assert not live.ok and "does not answer" in live.detail


def test_doctor_without_a_website_points_at_the_embedded_one(data_dir, db_url):
    """With no website configured, doctor says the embedded local website is used and how to configure a real one."""
    [check] = website_checks(make_settings(data_dir / "none", db_url))
    assert check.ok and "embedded local website" in check.detail and "publish.repo" in check.fix
