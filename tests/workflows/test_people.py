"""What the domain says to people: structured notices, recorded as plain text by the test double."""

from __future__ import annotations

from workflows.people import Icon, Mention, Notice, RecordingPeople, Strong, joined


def test_a_notice_reads_as_plain_text_with_bare_ids():
    """A mention reads @U123, a title its words; no markup of any chat system."""
    notice = Notice.of(Mention("U123"), " made ", Mention("U456"), " the shipping owner of ", Strong("Ep"), ".",
                       icon=Icon.REASSIGNED)
    assert str(notice) == "@U123 made @U456 the shipping owner of Ep."
    assert notice.mentions() == ("U123", "U456")


def test_notices_splice_and_join_keeping_their_icon():
    """A notice inside another is spliced in; empty parts are left out; joined lines keep one icon."""
    inner = Notice.of("a", None, "", icon=Icon.WARNING)
    assert Notice.of(inner, " b") == Notice(("a", " b"), Icon.WARNING)
    assert not Notice.of() and Notice.of("x")
    assert str(joined([Notice.of("one"), Notice.of("two")], icon=Icon.BY_HAND)) == "one\ntwo"


def test_recording_people_records_what_was_said_as_words_and_as_notices():
    """``calls`` holds the plain text (plain strings too); ``notices`` the structured values."""
    people = RecordingPeople()
    people.say("ep1", Notice.of("Thanks ", Mention("U1"), icon=Icon.CHECKED))
    people.say("ep1", "plain")
    people.ping_owner("ep1", Notice.of("not pushed"))
    assert people.named("say") == [("ep1", "Thanks @U1"), ("ep1", "plain")]
    assert [n.icon for _, n in people.notices] == [Icon.CHECKED, None]
    assert people.named("ping_owner") == [("ep1", "not pushed", False)]
