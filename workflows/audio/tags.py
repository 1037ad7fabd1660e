"""ID3 tags and chapters (CHAP frames under one CTOC) for the episode MP3, via mutagen; and reading them back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from mutagen import MutagenError
from mutagen.id3 import ID3NoHeaderError, CHAP, COMM, CTOC, ID3, TALB, TCON, TDRC, TIT2, TLAN, TLEN, TPE1, CTOCFlags

from workflows.audio.listing import Listing, listing_for
from workflows.script.model import Script
from workflows.settings import Show

_LANGUAGES = {"en": "eng", "de": "deu", "fr": "fra", "es": "spa", "it": "ita", "nl": "nld", "pt": "por", "ja": "jpn"}


def write_tags(mp3: Path, script: Script, show: Show, *, chapter_starts: list[float], duration_seconds: float, released: date,
               listing: Listing | None = None) -> None:
    """Replace the MP3's ID3 tag with the episode's metadata and chapter marks (ID3v2.3, the most widely read).

    The comment is the listener's description (``listing``, by default :func:`listing_for` the script).
    """
    listing = listing or listing_for(script, show)
    total_ms = int(round(duration_seconds * 1000))
    tags = ID3()
    tags.add(TIT2(encoding=3, text=[script.title]))
    tags.add(TALB(encoding=3, text=[show.name]))
    tags.add(TPE1(encoding=3, text=[" & ".join(script.hosts.values())]))
    tags.add(TDRC(encoding=3, text=[released.isoformat()]))
    tags.add(TCON(encoding=3, text=["Podcast"]))
    tags.add(TLEN(encoding=3, text=[str(total_ms)]))
    tags.add(TLAN(encoding=3, text=[_LANGUAGES.get(show.language.split("-")[0].lower(), "und")]))
    tags.add(COMM(encoding=3, lang="eng", desc="", text=[listing.description or show.description]))
    ids = [f"chp{i}" for i in range(len(script.chapters))]
    if ids:
        tags.add(CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=ids,
            sub_frames=[TIT2(encoding=3, text=["Chapters"])],
        ))
    starts_ms = [int(round(s * 1000)) for s in chapter_starts]
    for i, (chapter, start) in enumerate(zip(script.chapters, starts_ms, strict=True)):
        end = starts_ms[i + 1] if i + 1 < len(starts_ms) else total_ms
        tags.add(CHAP(
            element_id=ids[i], start_time=start, end_time=end,
            start_offset=0xFFFFFFFF, end_offset=0xFFFFFFFF,
            sub_frames=[TIT2(encoding=3, text=[chapter.title])],
        ))
    tags.save(str(mp3), v2_version=3)


def read_chapters(mp3: Path) -> list[tuple[float, str]]:
    """(start seconds, title) of each chapter the MP3's CTOC lists, in its order; [] without a tag or chapters."""
    try:
        tags = ID3(str(mp3))
    except (ID3NoHeaderError, MutagenError):
        return []
    chaps = {c.element_id: c for c in tags.getall("CHAP")}
    tocs = [t for t in tags.getall("CTOC") if t.flags & CTOCFlags.TOP_LEVEL] or tags.getall("CTOC")
    ids = list(tocs[0].child_element_ids) if tocs else sorted(chaps, key=lambda i: chaps[i].start_time)
    return [(chaps[i].start_time / 1000, str(chaps[i].sub_frames.get("TIT2", ""))) for i in ids if i in chaps]
