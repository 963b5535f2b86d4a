"""The learnt adverse-reaction tagger: segmentation, training on a few annotated sentences, and
how the label extractor uses it (label sections only; table figures win on overlap)."""

import json
import random
import re

import pytest

from drugdata.extract.adverse_effects import effect_tagger, extract_adverse_effects
from drugdata.extract.mention_tagger import (
    MentionTagger,
    TrainingText,
    WordStats,
    _spans,
    default_tagger,
    segments,
    stats_path,
    train_tagger,
    window_features,
    word_stats,
)

# Invented reaction names (seeded), so only what the tagger learnt from context finds new ones.
_RANDOM = random.Random(7)
_REACTIONS = ["".join(_RANDOM.choice("bdfgklmnprstvz") + _RANDOM.choice("aeiou") for _ in range(3)) + "itis"
              for _ in range(60)]
_UNSEEN = ["zorvaquitis", "hexomelitis"]  # never in training
_FRAMES = ["The most common adverse reactions were {a} and {b}.", "Patients reported {a}, {b} and dizziness.",
           "Cases of {a} have been reported in patients treated with Zentra.", "{a}   12   3",
           "Adverse reactions included {a} (4%) and {b} (2%).", "Discontinuation due to {a} occurred in 1%."]


def _annotated(text_parts: list[str]) -> TrainingText:
    text = "\n".join(text_parts)
    spans = [(m.start(), m.end()) for name in _REACTIONS + _UNSEEN for m in re.finditer(re.escape(name), text)]
    return TrainingText(text, sorted(spans))


@pytest.fixture(scope="module")
def tagger(tmp_path_factory) -> MentionTagger:
    texts = []
    for i, frame in enumerate(_FRAMES * 10):
        a, b = _REACTIONS[i % 60], _REACTIONS[(i + 7) % 60]
        texts.append(_annotated([frame.format(a=a, b=b), "Take Zentra with food twice daily."]))
    return MentionTagger(train_tagger(texts, tmp_path_factory.mktemp("model") / "tagger.crfsuite", max_iterations=100))


def test_segments_split_lines_table_cells_and_sentences():
    text = "Nausea   12   3\nheadache | 5 | 2\nRash occurred. Fever was rare."
    found = list(segments(text))
    assert all(text[offset:offset + len(piece)] == piece for offset, piece in found)
    assert [piece.strip() for _, piece in found if piece.strip()] == [
        "Nausea", "12", "3", "headache", "5", "2", "Rash occurred.", "Fever was rare."]


def test_tag_sequence_to_spans():
    tokens = [(0, 4, "dry"), (5, 9, "eyes"), (10, 13, "and"), (14, 18, "rash"), (19, 20, ".")]
    assert _spans(tokens, ["B", "I", "O", "I", "O"]) == [(0, 9), (14, 18)]  # a stray I starts a mention
    assert _spans(tokens, ["O"] * 5) == []


def test_tagger_learns_mentions_from_context(tagger):
    text = "The most common adverse reactions were zorvaquitis and hexomelitis."
    found = [text[a:b] for a, b in tagger.tag(text)]
    assert "zorvaquitis" in found and "hexomelitis" in found  # names it never saw
    assert not tagger.tag("Take Zentra with food twice daily.")


def test_word_stats_learn_which_words_stand_in_lists_of_known_effects(tmp_path):
    texts = ["Reported were: nausea, vomiting, quorbexia, headache and rash."] * 3 + [
        "Quorbexia was seen once in a patient.", "The patient took the tablet with food."] * 3
    stats = word_stats(texts)
    assert stats.level("quorbexia") == "4"  # a list item 3 times in 6, after two known effects
    assert stats.level("patient") == "0" and stats.level("tablet") == "0"  # seen, never listed
    assert stats.level("zorvaquitis") == "rare"  # fewer than three sightings say nothing
    saved = tmp_path / "stats.json"
    stats.save(saved)
    assert WordStats.load(saved) == stats and WordStats.load(tmp_path / "absent.json").level("quorbexia") == "rare"


def test_a_model_keeps_the_word_stats_it_was_trained_with(tmp_path):
    stats = WordStats({"hexomelitis": 10}, {"hexomelitis": 9})
    model = train_tagger([_annotated(["Patients reported hexomelitis and dizziness."])], tmp_path / "m.crfsuite",
                         max_iterations=5, stats=stats)
    assert WordStats.load(stats_path(model)) == stats
    assert MentionTagger(model).stats == stats


def _label(tmp_path, doc_state, sections: dict[str, str]):
    record = {"openfda": {"generic_name": ["zentramab"], "brand_name": ["Zentra"]}, **{k: [v] for k, v in sections.items()}}
    return doc_state(json.dumps(record), "zentra.json").document


def test_label_sections_use_the_tagger_and_tables_keep_their_figures(tagger, tmp_path, doc_state):
    document = _label(tmp_path, doc_state, {
        "adverse_reactions": ("6 ADVERSE REACTIONS The most common adverse reactions were headache and hexomelitis. "
                              "Discontinuation due to zorvaquitis occurred in 1%."),
        "adverse_reactions_table": "<table><tr><td>Adverse reaction</td><td>Zentra % (N=100)</td><td>Placebo % (N=90)</td></tr>"
                                   "<tr><td>hexomelitis</td><td>12</td><td>3</td></tr></table>",
    })
    with effect_tagger(tagger):
        rows = extract_adverse_effects(document)
    with effect_tagger(None):
        rules = {r["effect"] for r in extract_adverse_effects(document)}
    effects = [r["effect"] for r in rows]
    assert "zorvaquitis" in effects and "zorvaquitis" not in rules
    table = [r for r in rows if r.get("placebo_pct") is not None]
    assert [r["effect"] for r in table] == ["hexomelitis"] and table[0]["frequency_high_pct"] == 12.0
    assert effects.count("hexomelitis") == 2  # the prose statement and the table row, never the cell twice
    for row in rows:
        assert document.clean_text[row["span_start"]:row["span_end"]] == row["effect"]


def test_web_pages_are_read_by_rules_only(tagger, document):
    page = document("Baclofen\n\nSide effects\n\nThe most common side effects of baclofen were zorvaquitis and headache.\n")
    with effect_tagger(tagger):
        learnt = {r["effect"] for r in extract_adverse_effects(page)}
    with effect_tagger(None):
        rules = {r["effect"] for r in extract_adverse_effects(page)}
    assert learnt == rules


class _Finds:
    """A stand-in model that finds the given phrases, to test what the extractor does with hits."""

    def __init__(self, *phrases: str) -> None:
        self.phrases = phrases

    def tag(self, text: str) -> list[tuple[int, int]]:
        return sorted((m.start(), m.end()) for p in self.phrases for m in re.finditer(re.escape(p), text))


def test_a_labels_named_reactions_and_disorders_are_kept_body_systems_are_not(tmp_path, doc_state):
    document = _label(tmp_path, doc_state, {"adverse_reactions": (
        "Hypersensitivity reactions, including anaphylaxis, have been reported. Sleep disorders occurred in 2%. "
        "Nervous system disorders: dizziness.")})
    with effect_tagger(_Finds("Hypersensitivity reactions", "anaphylaxis", "Sleep disorders", "Nervous system disorders",
                              "dizziness")):
        effects = {r["effect"] for r in extract_adverse_effects(document)}
    # on a web page the bare "allergic reaction" of a list of signs is context; a label names it as a reaction
    assert {"Hypersensitivity reactions", "anaphylaxis", "Sleep disorders", "dizziness"} <= effects
    assert "Nervous system disorders" not in effects


def test_a_model_trained_on_other_features_is_refused(tmp_path, monkeypatch):
    model = train_tagger([_annotated(["Patients reported hexomelitis."])], tmp_path / "m.crfsuite", max_iterations=5)
    stats_path(model).unlink()  # as a model from before word statistics
    with pytest.raises(ValueError, match="train it again"):
        MentionTagger(model)
    monkeypatch.setattr("drugdata.extract.mention_tagger.default_model_path", lambda: model)
    default_tagger.cache_clear()
    try:
        assert default_tagger() is None  # rules only, with a warning, never a misread
    finally:
        default_tagger.cache_clear()


def test_recall_bias_takes_tokens_the_best_sequence_leaves_out(tagger):
    text = "Take Zentra with food twice daily."
    biased = MentionTagger(tagger.model_path, recall_bias=0.0)  # every token is doubtful enough
    assert biased.tag(text) == [(0, len(text))]
    assert MentionTagger(tagger.model_path, recall_bias=1.01).tag(text) == tagger.tag(text) == []


def test_window_features_are_crfsuite_attribute_strings():
    tokens = [(0, 6, "Nausea"), (6, 7, ","), (8, 12, "RASH")]
    items = window_features(tokens, {"known": ["B", "O", "B"]})
    first, middle, last = items
    assert {"bias", "w:nausea", "title", "pos:0", "first", "-1|0:<s>|nausea", "1:w:,", "2:suf3:ash",
            "known:B", "1:known:O", "2:known:B", "-3:w:<s>"} <= set(first)
    assert not {"-1:known:O", "-2:known:O", "-1:suf3:<s>"} & set(first)  # nothing read before the first token
    assert "upper" in last and "last" in last and "title" not in last and not {"1:known:B", "2:known:B"} & set(last)
    assert "first" not in middle and "last" not in middle and "digit" not in middle  # a 0/1 feature at 0 is absent
    assert all(len(item) == len(set(item)) for item in items)  # no attribute counted twice
