"""The pronunciation lexicon: the show's words, the paper's acronyms and names, said the same way every time."""

from __future__ import annotations

import pytest

from tests.audio.samples import make_script, make_show
from tests.audio.speech_fakes import CountingSpeech
from workflows.audio import offline
from workflows.audio.lexicon import lexicon_for, said_as, said_as_text
from workflows.audio.render import render_episode
from workflows.intake.paper import Paper
from workflows.settings import Brand, Show

LINES = [
    ("a", "Welcome to Paper Trail. Today: LongEval, a benchmark written in LaTeX."),
    ("b", "They compare BERT and SciBERT on NLP tasks, and the BERT model wins twice."),
    ("a", "Okonkwo and colleagues also test three LLMs."),
    ("b", "Thanks for listening to Paper Trail."),
]


def _paper() -> Paper:
    return Paper(title="LongEval: long-context evaluation for SciBERT", authors=["Chidi Okonkwo", "Mary McDonald"],
                 body_text="We evaluate BERT, SciBERT and LLMs on NLP tasks with LongEval. " * 3, page_count=1,
                 sha256="0" * 64)


def _show(**pronunciations: str) -> Show:
    show = make_show("counting")
    return show.model_copy(update={"brand": Brand(pronunciations=pronunciations)})


def test_a_lexicon_entry_changes_what_is_synthesised(tmp_path, env):
    """With brand.pronunciations LaTeX = "lay-tek" the voice is given "lay-tek"; without it, "LaTeX"."""
    script = make_script(LINES, chapters=[("Opening", 0)])
    CountingSpeech.calls.clear()
    render_episode(script, _show(), env, out_dir=tmp_path / "plain", cache_dir=tmp_path / "c1", paper=_paper())
    assert any("LaTeX" in text for _, text in CountingSpeech.calls)
    CountingSpeech.calls.clear()
    render_episode(script, _show(LaTeX="lay-tek"), env, out_dir=tmp_path / "said", cache_dir=tmp_path / "c2",
                   paper=_paper())
    spoken = [text for _, text in CountingSpeech.calls]
    assert any("lay-tek" in text for text in spoken) and not any("LaTeX" in text for text in spoken)


def test_acronyms_and_compound_names_are_said_one_way(env):
    """BERT as a word, NLP and LLMs as letters, SciBERT and LongEval in parts; the show's own form wins."""
    lexicon = lexicon_for(_show(NLP="natural language processing"), _paper())
    assert lexicon.apply("They compare BERT and SciBERT on NLP tasks with three LLMs in LongEval.") == (
        "They compare Bert and Sci Bert on natural language processing tasks with three L L M's in Long Eval.")
    assert lexicon.apply("BERT's results") == "Bert's results"


def test_an_acronym_sounds_the_same_in_every_sentence():
    """Unaided, the G2P says "BERT" as a word alone but spells it in "the BERT model"; with the lexicon both are "bɜɹt"."""
    word = offline.phonemes("BERT")[0]
    assert word not in offline.phonemes("the BERT model")[0]  # the inconsistency the lexicon exists for
    lexicon = lexicon_for(_show(), _paper())
    assert word in offline.phonemes(lexicon.apply("the BERT model"))[0]
    assert word in offline.phonemes(lexicon.apply("We used BERT."))[0]


def test_the_review_lists_each_word_used_and_how_it_is_said():
    """Only words the script uses are listed, in order, with how: the show's, as a word, as letters, a name as written."""
    script = make_script(LINES, chapters=[("Opening", 0)])
    said = said_as(script, _paper(), _show(LaTeX="lay-tek"))
    assert [(p.written, p.how) for p in said] == [
        ("LongEval", "word"), ("LaTeX", "show"), ("BERT", "word"), ("SciBERT", "word"), ("NLP", "letters"),
        ("Okonkwo", "name"), ("LLM", "letters")]
    text = str(said_as_text(script, _paper(), _show(LaTeX="lay-tek")))
    assert "LaTeX “lay-tek” (as the show says it)" in text and "NLP “N L P” (as letters)" in text
    assert "Okonkwo (as written)" in text and "McDonald" not in text
    assert str(said_as_text(make_script([("a", "Hello there."), ("b", "Hi.")], chapters=[("Opening", 0)]), None,
                            _show())) == ""


def test_the_review_message_shows_the_pronunciations():
    """The Slack review message carries the "Said as" line when the show and paper are given."""
    from bot.blocks.review import review_message
    from workflows.store.records import Episode, ScriptVersion

    script = make_script(LINES, chapters=[("Opening", 0)])
    episode = Episode.model_construct(id="ep1", slug="ep1")
    version = ScriptVersion.model_construct(version=1, script=script.model_dump(mode="json"), author="papercast",
                                            writer="offline", findings=[])
    _, blocks = review_message(episode, version, show=_show(LaTeX="lay-tek"), paper=_paper().model_dump())
    texts = [e.get("text", "") for b in blocks if b["type"] == "context" for e in b["elements"]]
    assert any(t.startswith(":speaking_head_in_silhouette: Said as: LongEval") for t in texts)


@pytest.mark.parametrize("word, spoken", [("MMLU", "M M L U"), ("ROUGE", "Rouge"), ("LoRA", "Lora"),
                                          ("ICLR", "I C L R"), ("OpenAI", "Open A I")])
def test_how_capitals_are_read(word, spoken):
    """Capitals that read as a word are said as one; the rest are spelled out."""
    paper = Paper(title=word, body_text=f"We use {word}.", page_count=1, sha256="0" * 64)
    assert lexicon_for(Show(), paper).apply(f"with {word} today") == f"with {spoken} today"


def test_changing_a_pronunciation_resynthesises_only_the_lines_that_use_it(tmp_path, env):
    """A new spoken form for LaTeX re-synthesises the one line with LaTeX; the others come from the cache."""
    script = make_script(LINES, chapters=[("Opening", 0)])
    cache = tmp_path / "cache"
    render_episode(script, _show(LaTeX="lay-tek"), env, out_dir=tmp_path / "one", cache_dir=cache, paper=_paper())
    CountingSpeech.calls.clear()
    result = render_episode(script, _show(LaTeX="lah-tek"), env, out_dir=tmp_path / "two", cache_dir=cache,
                            paper=_paper())
    assert result.synthesized_lines == 1 and "lah-tek" in CountingSpeech.calls[0][1]
