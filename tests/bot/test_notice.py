"""The one renderer from the domain's structured notices to Slack mrkdwn."""

from __future__ import annotations

from bot.blocks.notice import EMOJI, slack_text
from bot.errors import text_for
from workflows.actor import Actor, require_reviewer
from workflows.errors import NotAllowed
from workflows.people import Code, Icon, Link, Mention, Notice, Strong


def test_every_icon_has_an_emoji():
    """Each kind of line the domain can say has its emoji, so no notice fails to render."""
    assert set(EMOJI) == set(Icon)


def test_a_notice_renders_as_the_slack_line_people_saw_before():
    """Icon, mention, title and code render as :emoji:, <@U>, *bold* and `code`."""
    notice = Notice.of("Thanks ", Mention("U1"), ", I checked ", Strong("Ep 1"), " at ", Code("static/a.mp3"), ".",
                       icon=Icon.CHECKED)
    assert slack_text(notice) == ":mag: Thanks <@U1>, I checked *Ep 1* at `static/a.mp3`."
    assert str(notice) == "Thanks @U1, I checked Ep 1 at `static/a.mp3`."


def test_plain_text_is_escaped_and_links_keep_their_text():
    """&, < and > in plain text cannot become Slack markup; a link reads as its text."""
    assert slack_text("a < b & c > d") == "a &lt; b &amp; c &gt; d"
    assert slack_text(Notice.of(Link("https://x.test/a", "the page"))) == "<https://x.test/a|the page>"
    assert slack_text(Notice.of(Link("https://x.test/a"))) == "<https://x.test/a>"
    assert slack_text(":mag: Checked: not live yet.") == ":mag: Checked: not live yet."


def test_an_error_naming_a_person_mentions_them_in_slack_and_names_their_id_elsewhere():
    """A refusal says the person's id in plain text (CLI, logs) and mentions them where the bot tells them."""
    try:
        require_reviewer(Actor("U9"), "approve an episode")
    except NotAllowed as e:
        error = e
    assert error.message == "Only the show's reviewers can approve an episode, and @U9 is not one of them."
    assert text_for(error).startswith("Only the show's reviewers can approve an episode, and <@U9> is not one of them. "
                                      "Ask a reviewer")
