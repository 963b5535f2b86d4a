"""Shared phrase helpers for extractors: enumerations, negation, clause windows, cue lookup."""

from __future__ import annotations

import re

from drugdata.models import Document

__all__ = ["LABEL", "LABEL_FORMATS", "NEGATION", "clause_around", "is_label", "is_negated", "split_enumeration",
           "trim_phrase"]

LABEL_FORMATS = frozenset({"spl_xml", "openfda_json"})


def is_label(doc: Document) -> bool:
    """A regulatory label (SPL, openFDA, or a label saved as text that names its generic drug):
    its sections are the regulator's, so a section's type alone says what its text is about."""
    return doc.format in LABEL_FORMATS or bool(doc.meta.get("generic_name"))


NEGATION = re.compile(
    r"\b(not (been )?(associated|linked|known|reported|shown|expected|likely) (with|to)|"
    r"(does|do|did) not (usually |typically |normally |commonly )?(cause|lead to|produce|affect|result in)|"
    r"(doesn't|don't|didn't|isn't|wasn't|won't) (usually |typically )?(cause|lead to|linked|associated|affect)|"
    r"no (evidence|reports?|increased risk) (of|that)|without (causing|any)|unlikely to (cause|lead)|"
    r"had no (significant )?effect|rather than|instead of|is not (a|an) )",
    re.IGNORECASE,
)
LABEL = re.compile(r"^([^:]{2,60}):\s*(.*)$")  # "Drowsiness and dizziness: Baclofen can cause ..."
_SPLIT = re.compile(r"\s*(?:,|;|\band/or\b|\bas well as\b|(?<!,)\s\band\b|(?<!,)\s\bor\b|, and\b|, or\b|\bplus\b)\s*",
                    re.IGNORECASE)
_LEADING = re.compile(
    r"^(?:and|or|also|other|switch(?:ing)? (?:in)?to|activation of|exacerbation of|worsening of|some|certain|more|a|an|the|any|possible|including|such as|like|"
    r"especially|particularly|e\.g\.|eg|for example|mainly|mostly|even|very|signs of|symptoms of|"
    r"(?:people|patients|users) (?:report|reported|experience|notice|get|have|develop)|"
    r"(?:stop taking it and )?(?:seek|get) (?:\w+ )?(?:care|help|attention) (?:for|if))\s+",
    re.IGNORECASE,
)
_TRAILING = re.compile(
    r"\s+(?:which|that|who|when|where|while|if|because|since|although|though|but|so|"
    r"especially|particularly|in (?:people|patients|adults|children|some|those|bipolar)|more than usual|"
    r"may|can|could|might|should|will|have|has|had|are|is|were|was|each)\b.*$|:\s.*$|\s*(?:→|->|=>).*$",
    re.IGNORECASE,
)


def trim_phrase(phrase: str) -> str:
    """Strip list glue and trailing clauses: 'and other fatigue which lasts' -> 'fatigue'."""
    phrase = phrase.strip(" \t.:;,!?\"'“”()[]")
    previous = None
    while previous != phrase:
        previous = phrase
        phrase = _LEADING.sub("", phrase).strip()
    phrase = _TRAILING.sub("", phrase)
    return phrase.strip(" \t.:;,!?\"'“”()[]")


def split_enumeration(text: str) -> list[tuple[int, int]]:
    """Spans of the members of an enumeration ('a, b, and c'), parentheses kept whole."""
    spans: list[tuple[int, int]] = []
    depth, start, i = 0, 0, 0
    cuts: list[tuple[int, int]] = []
    while i < len(text):
        ch = text[i]
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif depth == 0:
            match = _SPLIT.match(text, i)
            if match and match.end() > i:
                cuts.append((match.start(), match.end()))
                i = match.end()
                continue
        i += 1
    for cut_start, cut_end in cuts:
        spans.append((start, cut_start))
        start = cut_end
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def clause_around(sentence: str, start: int, end: int) -> str:
    """The clause (between ; or sentence ends, and 'but') holding a span: limits cue reach."""
    left = max(sentence.rfind(";", 0, start), sentence.lower().rfind(" but ", 0, start))
    right_candidates = [p for p in (sentence.find(";", end), sentence.lower().find(" but ", end)) if p >= 0]
    right = min(right_candidates) if right_candidates else len(sentence)
    return sentence[left + 1 if left >= 0 else 0:right]


def is_negated(sentence: str, start: int) -> bool:
    """A negation cue before the mention in the same clause ('is not associated with X')."""
    clause_start = max(sentence.rfind(";", 0, start), sentence.rfind(".", 0, start), 0)
    return bool(NEGATION.search(sentence[clause_start:start]))
