"""The episode's WebVTT transcript and its Markdown show notes (public text only), from the real timings."""

from __future__ import annotations

from workflows.audio.assembly import Timeline
from workflows.audio.listing import Listing
from workflows.script.model import Script

#: Where the notes link the transcript: next to them, as the publish paths put it.
TRANSCRIPT_LINK = "transcript.vtt"


def timestamp(seconds: float, *, vtt: bool = False) -> str:
    """00:01:02.345 for WebVTT; 1:02 (or 1:02:03) for people."""
    ms = int(round(seconds * 1000))
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    if vtt:
        return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def webvtt(script: Script, timeline: Timeline) -> str:
    """One cue per line, timed by the line's segment, with a ``<v Host Name>`` voice tag."""
    out = ["WEBVTT", ""]
    for seg in timeline.segments:
        name = _escape(script.hosts.get(seg.speaker, seg.speaker))
        out += [
            str(seg.line + 1),
            f"{timestamp(seg.start, vtt=True)} --> {timestamp(seg.end, vtt=True)}",
            f"<v {name}>{_escape(script.lines[seg.line].text)}</v>",
            "",
        ]
    return "\n".join(out)


def show_notes(listing: Listing, duration_seconds: float) -> str:
    """Markdown for listeners: title, description, hosts, chapters with timestamps, the paper, credits, transcript link.

    Only the :class:`~workflows.audio.listing.Listing` is read, so nothing meant for reviewers gets in.
    """
    out = [f"# {listing.title}", "", listing.description, "",
           f"With {' and '.join(listing.hosts)}. Running time {timestamp(duration_seconds)}.", ""]
    if listing.chapters:
        out += ["## Chapters", ""]
        out += [f"- {timestamp(c.start or 0.0)} {c.title}" for c in listing.chapters]
        out.append("")
    if listing.notes:
        out += ["## Show notes", "", listing.notes, ""]
    if listing.citation is not None:
        cite = listing.citation
        out += ["## The paper", "", cite.text + (f" <{cite.link}>" if cite.link else ""), ""]
    out += ["## Transcript", "", f"[Read the full transcript]({TRANSCRIPT_LINK})", ""]
    if listing.credits:
        out += [f"*{listing.credits}*", ""]
    return "\n".join(out)
