"""Frequency of an adverse effect from the words and numbers a page gives, on the CIOMS scale."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from drugdata.vocabulary import read_yaml

__all__ = ["Frequency", "class_for_pct", "frequency_of"]

_NUM = r"(\d+(?:\.\d+)?)"
_RANGE = re.compile(rf"{_NUM}\s*%?\s*(?:-|–|—|to)\s*{_NUM}\s*(?:%|percent\b|per cent\b)")
_ABOVE = re.compile(rf"(?:more than|greater than|over|above|at least|>|≥|>=)\s*{_NUM}\s*(?:%|percent\b)")
_BELOW = re.compile(rf"(?:less than|fewer than|under|up to|below|<|≤|<=)\s*{_NUM}\s*(?:%|percent\b)")
_SINGLE = re.compile(rf"(?<![\d.]){_NUM}\s*(?:%|percent\b|per cent\b)")
_ONE_IN = re.compile(r"\b1 in (\d[\d,]*)\b")


@dataclass(frozen=True, slots=True)
class Frequency:
    frequency_class: str
    text: str | None
    low_pct: float | None
    high_pct: float | None


@lru_cache(maxsize=1)
def _word_rules() -> list[tuple[str, re.Pattern[str]]]:
    return [(r["class"], re.compile(r["pattern"], re.IGNORECASE))
            for r in read_yaml("frequency.yaml")["words"]]


def class_for_pct(pct: float) -> str:
    """CIOMS class of a percentage."""
    if pct >= 10:
        return "very_common"
    if pct >= 1:
        return "common"
    if pct >= 0.1:
        return "uncommon"
    if pct >= 0.01:
        return "rare"
    return "very_rare"


_BAND_FLOORS = (10.0, 1.0, 0.1, 0.01)  # where one CIOMS class ends and the next begins


def _numbers(text: str) -> tuple[float | None, float | None, str] | None:
    for pattern, kind in ((_RANGE, "range"), (_ABOVE, "above"), (_BELOW, "below"),
                          (_SINGLE, "single"), (_ONE_IN, "one_in")):
        match = pattern.search(text)
        if not match:
            continue
        if kind == "range":
            low, high = float(match.group(1)), float(match.group(2))
            if low > high:
                low, high = high, low
            return low, high, match.group(0)
        value = float(match.group(1).replace(",", ""))
        if kind == "one_in":
            return (100.0 / value if value else None), None, match.group(0)
        if value > 100:
            continue
        return {"above": (value, None), "below": (None, value), "single": (value, value)}[kind] + (
            match.group(0),)
    return None


def frequency_of(*texts: str | None) -> Frequency:
    """Frequency from the most specific text first (the item, then its lead, then the heading).

    Numbers beat words; the class of a range follows its upper bound, since a label's "5-15%"
    means at least one study arm reached 15%, except that a range ending on a class boundary
    ("1-10%") is the class it spans.
    """
    pieces = [t for t in texts if t]
    for text in pieces:
        numbers = _numbers(text)
        if numbers:
            low, high, phrase = numbers
            pct = high if high is not None else low
            if low is not None and high is not None and low < high and high in _BAND_FLOORS:
                pct = high * 0.99  # "1-10%", "2-10%": the band below 10% (CIOMS common), not >=10%
            if pct is not None:
                word = _word(text)
                verbatim = f"{word[1]}; {phrase}" if word else phrase
                return Frequency(class_for_pct(pct), verbatim, low, high)
    for text in pieces:
        word = _word(text)
        if word:
            return Frequency(word[0], word[1], None, None)
    return Frequency("unknown", None, None, None)


def _word(text: str) -> tuple[str, str] | None:
    for class_, pattern in _word_rules():
        match = pattern.search(text)
        if match:
            return class_, match.group(0)
    return None
