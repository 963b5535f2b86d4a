"""A learnt tagger for the precipitants of drug interactions in label text (CRFsuite).

Rules find interacting agents with a vocabulary and cue words. A label states interactions in
ways rules read poorly: class phrases of any length ("drugs that inhibit CYP3A4", "agents that
affect the RAS"), examples of a class that are not themselves the statement's agent, drugs the
label's drug acts on, studies that found no interaction. A sequence tagger trained on annotated
labels (the NLM DDI gold, read from `../shared` at build time by `drugdata train-tagger`) learns
these from context. It reuses the adverse-reaction tagger's segmentation, window features and
training (`mention_tagger`), adding which words name a known agent and which the label's own drug.
No model ships in the repository.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from drugdata.extract.mention_tagger import (
    Items,
    MentionTagger,
    Token,
    TrainingText,
    default_model_path,
    installed_model,
    lexicon_tags,
    train_tagger,
    window_features,
)
from drugdata.normalize import agent_lexicon

__all__ = ["DEFAULT_MODEL", "RECALL_BIAS", "TAKEN_TOGETHER", "default_precipitant_tagger", "example_lists",
           "load_precipitant_tagger", "noun_phrase", "precipitant_features", "train_precipitant_tagger"]

# Where `drugdata train-tagger` writes the model when the NLM DDI gold is present (git-ignored).
DEFAULT_MODEL = "trained/ddi_tagger.crfsuite"
# A token is read as part of a precipitant when the model gives it this probability or more, even
# where the best sequence leaves it out: the best sequence finds two thirds of the gold precipitants
# at 0.86 precision. Chosen on the NLM DDI folds, so it is the one figure there not fully held out
# (lenient F1: best sequence 0.755, 0.4: 0.769, 0.3: 0.779, 0.2: 0.775).
RECALL_BIAS = 0.3
# A segment that speaks of taking drugs together: its drug names are likelier to be precipitants.
TAKEN_TOGETHER = re.compile(r"\b(interact\w*|concomitant\w*|co-?administ\w*|combin\w*|together|concurrent\w*|"
                            r"receiving|taking|treated with|in patients on)\b", re.IGNORECASE)
_EXAMPLE_CUE = re.compile(r"\b(?:e\.\s?g\b\.?|eg\b|i\.\s?e\b\.?|such as|including|for example|especially|particularly)",
                          re.IGNORECASE)
_CLAUSE_END = re.compile(r"[;:]")


def _name_tags(tokens: list[Token], segment: str, names: re.Pattern[str] | None) -> list[str]:
    """OWN for the tokens inside a mention of the document's own drug."""
    tags = ["O"] * len(tokens)
    for match in names.finditer(segment) if names else ():
        for i, (start, end, _) in enumerate(tokens):
            if match.start() <= start and end <= match.end():
                tags[i] = "OWN"
    return tags


def example_lists(segment: str) -> list[tuple[int, int, int, bool]]:
    """(cue start, list start, list end, in parentheses) of each list of examples: from a cue
    ("e.g.", "such as") to the end of its parenthesis, or of its clause when it is not in one."""
    lists = []
    for cue in _EXAMPLE_CUE.finditer(segment):
        opened = segment.rfind("(", 0, cue.start()) > segment.rfind(")", 0, cue.start())
        close = segment.find(")", cue.end()) if opened else -1
        if close < 0:
            clause = _CLAUSE_END.search(segment, cue.end())
            close = clause.start() if clause else len(segment)
        lists.append((cue.start(), cue.end(), close, opened))
    return lists


def _context_tags(segment: str, tokens: list[Token], own: list[str]) -> dict[str, list[str]]:
    """Per token: inside parentheses; inside a list of examples; on which side of it the label's
    own drug is named (before, after, both, none)."""
    regions = [(start, end) for _, start, end, _ in example_lists(segment)]
    owned = [i for i, tag in enumerate(own) if tag == "OWN"]
    paren, example, side = [], [], []
    depth = 0
    for i, (start, _, raw) in enumerate(tokens):
        depth = depth + 1 if raw == "(" else max(depth - 1, 0) if raw == ")" else depth
        paren.append("1" if depth else "0")
        example.append("1" if any(a <= start < b for a, b in regions) else "0")
        before, after = bool(owned) and owned[0] < i, bool(owned) and owned[-1] > i
        side.append("both" if before and after else "before" if before else "after" if after else "none")
    return {"paren": paren, "example": example, "own_side": side}


def precipitant_features(segment: str, tokens: list[Token], names: re.Pattern[str] | None = None) -> Items:
    """The word window, known agents (drugs, classes, substances), the label's own drug and on
    which side it is named, parentheses, lists of examples, and whether the segment speaks of
    taking drugs together."""
    own = _name_tags(tokens, segment, names)
    features = window_features(tokens, {"known": lexicon_tags(segment, tokens, agent_lexicon()), "own": own})
    together = "together:1" if TAKEN_TOGETHER.search(segment) else "together:0"
    context = [[f"{name}:{tag}" for tag in seq] for name, seq in _context_tags(segment, tokens, own).items()]
    for i, f in enumerate(features):
        f.append(together)
        f += [seq[i] for seq in context]
    return features


# Glue a tagged span may carry at its edges ("and AV block, including", "use can"): an agent is a noun phrase.
_LEFT_GLUE = re.compile(r"^(?:[^\w(]+|(?:and|or|with|in|of|to|by|for|a|an|the|including|also|both|other|any)\b)\s*", re.IGNORECASE)
_RIGHT_GLUE = re.compile(r"\s*(?:[^\w)]+|\b(?:and|or|with|of|to|by|for|a|an|the|including|can|may|could|might|will|should|"
                         r"is|are|was|were|possible|possibly|increased|decreased))$", re.IGNORECASE)
_NOT_AN_AGENT = re.compile(r"^(?:use|therapy|treatment|administration|co-?administration|combination|concomitant use)$",
                           re.IGNORECASE)


def noun_phrase(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span without glue words and punctuation at its edges, or None when no name is left."""
    phrase = text[start:end]
    while (left := _LEFT_GLUE.match(phrase)) and left.end():
        phrase, start = phrase[left.end():], start + left.end()
    while (right := _RIGHT_GLUE.search(phrase)) and right.start() < len(phrase):
        phrase, end = phrase[:right.start()], end - (len(phrase) - right.start())
    if not re.search(r"[A-Za-z]{2}", phrase) or _NOT_AN_AGENT.match(phrase) or phrase.count("(") != phrase.count(")"):
        return None
    return start, end


def train_precipitant_tagger(texts: list[TrainingText], model_path: Path, max_iterations: int | None = None) -> Path:
    """Train on label texts with their precipitant spans and own-drug names; write the model."""
    return train_tagger(texts, model_path, max_iterations, precipitant_features)


def load_precipitant_tagger(model_path: Path) -> MentionTagger:
    """The tagger of a model file, reading a token as part of a precipitant from RECALL_BIAS."""
    return MentionTagger(model_path, precipitant_features, RECALL_BIAS)


@cache
def default_precipitant_tagger() -> MentionTagger | None:
    """The installed model trained on the NLM DDI gold, or None (rules only)."""
    return installed_model(default_model_path(DEFAULT_MODEL), load_precipitant_tagger, "interactions")
