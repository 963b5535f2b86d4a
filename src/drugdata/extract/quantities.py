"""Dose amounts, frequencies, durations, routes and forms as they are written on drug pages."""

from __future__ import annotations

import re

__all__ = [
    "AMOUNT",
    "dosage_form_of",
    "duration_days",
    "frequency_per_day",
    "interval_days",
    "population_of",
    "route_of",
    "to_number",
    "unit_of",
    "upper_amount",
]

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"  # 1,000 is a thousand: pages are English
AMOUNT = re.compile(
    rf"(?<![\w.])(?P<a>{_NUM})(?:\s*(?:-|–|—|to|and)\s*(?P<b>{_NUM})|"
    rf"\s*(?P<same>mg|mcg|g|mL)\s*(?:-|–|—|to)\s*(?P<b2>{_NUM})(?=\s*(?P=same)\b))?\s*"
    r"(?P<unit>mg/kg|mcg/kg|mg/m2|mg|mcg|µg|micrograms?|milligrams?|grams?|g|mL|ml|units?|IU|%)(?![a-zA-Z])"
    r"(?P<per>\s*/\s*(?:day|d|dose|kg|week|5 ?mL|mL|hour)\b|"
    r"\s+(?:per|a|an|each)\s+(?:day|24 hours|dose|kg|week|5 ?mL|mL|hour)\b)?",
    re.IGNORECASE)
_UNITS = {"µg": "mcg", "microgram": "mcg", "micrograms": "mcg", "milligram": "mg", "milligrams": "mg",
          "gram": "g", "grams": "g", "ml": "mL", "unit": "units", "iu": "units"}
_TIMES = re.compile(
    r"\b(?:(?P<n1>once|twice|one|two|three|four|five|six|\d)\s*(?:(?:-|–|to|or)\s*(?P<n2>two|three|four|five|six|\d)\s*)?"
    r"(?:times|x)?\s*(?:a|per|each|every)?\s*(?:day|daily)|(?P<div>two|three|four|2|3|4) divided doses)\b",
    re.IGNORECASE)
_EVERY_HOURS = re.compile(r"\bevery (?P<h1>\d+)(?:\s*(?:-|–|to)\s*(?P<h2>\d+))? hours\b", re.IGNORECASE)
_DAILY = re.compile(r"\b(daily|once a day|each (day|morning|evening)|every (day|morning|evening)|at bedtime|"
                    r"a day|per day|in the morning)\b", re.IGNORECASE)
_INTERVAL = re.compile(r"\bevery (?P<d>\d+|two|three|four|five|six|seven) days\b|\b(?P<w>weekly|once a week|every week)\b", re.IGNORECASE)
_DURATION = re.compile(
    r"\b(?:for|over|within|after)\s+(?P<a>\d+|one|two|three|four|five|six|seven)\s*(?:(?:-|–|—|to)\s*"
    r"(?P<b>\d+|two|three|four|five|six|seven|eight)\s*)?(?P<unit>days?|weeks?|months?)\b", re.IGNORECASE)
_NUMBER_WORDS = {"once": 1, "twice": 2, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "eight": 8}
_ROUTES = [
    ("intrathecal", r"\bintrathecal\w*|\bspinal (fluid|pump|injections?)\b|\bimplanted pump\b"),
    ("intravenous", r"\bintravenous\w*|\bIV\b|\binfusion\b"),
    ("intramuscular", r"\bintramuscular\w*\b"),
    ("subcutaneous", r"\bsubcutaneous\w*\b"),
    ("topical", r"\btopical\w*|\bcream\b|\bgel\b|\bointment\b|\bapplied to the skin\b"),
    ("inhalation", r"\binhal\w*\b"),
    ("oral", r"\boral(ly)?\b|\bby mouth\b|\btablets?\b|\bcapsules?\b|\bswallow\w*\b|\bliquid\b|\bgranules\b"),
]
_FORMS = [
    ("extended-release tablet", r"\b(extended|sustained|delayed)[- ]release tablets?\b"),
    ("extended-release capsule", r"\b(extended|sustained|delayed)[- ]release capsules?\b"),
    ("oral solution", r"\boral (solution|liquid)\b"),
    ("oral suspension", r"\b(oral )?suspension\b"),
    ("orally disintegrating tablet", r"\borally disintegrating tablets?\b"),
    ("granules", r"\bgranules\b"),
    ("injection", r"\binjections?\b|\binjectable\b"),
    ("cream", r"\bcream\b"),
    ("patch", r"\bpatch(es)?\b"),
    ("syrup", r"\bsyrup\b"),
    ("tablet", r"\btablets?\b"),
    ("capsule", r"\bcapsules?\b"),
]
_POPULATIONS = [
    ("pediatric", r"\b(children|child|pediatric|paediatric|adolescents?|kids|infants?|aged? \d+ to 1[0-7])\b"),
    ("elderly", r"\b(elderly|older (adults|people|patients)|geriatric|seniors|over (the age of )?65)\b"),
    ("renal_impairment", r"\b(kidney|renal)\b"),
    ("hepatic_impairment", r"\b(liver|hepatic)\b"),
    ("adult", r"\badults?\b"),
]


def upper_amount(match: re.Match[str]) -> str | None:
    """The second figure of an AMOUNT range ("5-10 mg", "5 mg to 10 mg"), or None for one figure."""
    return match.group("b") or match.group("b2")


def to_number(token: str) -> float:
    """'1,000' -> 1000.0, '2.5' -> 2.5, 'three' -> 3.0."""
    token = token.lower()
    if token in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[token])
    return float(token.replace(",", ""))


def _number(token: str | None) -> float | None:
    return None if token is None else to_number(token)


def unit_of(raw: str) -> str:
    return _UNITS.get(raw.lower(), raw if raw in ("mL", "%") else raw.lower())


def frequency_per_day(text: str) -> tuple[float | None, float | None]:
    """(min, max) administrations a day written in `text`, e.g. '1-3 times daily' -> (1, 3)."""
    match = _TIMES.search(text)
    if match:
        if match.group("div"):
            n = to_number(match.group("div"))
            return n, n
        n1 = to_number(match.group("n1"))
        n2 = to_number(match.group("n2")) if match.group("n2") else n1
        return (n1, n2) if n2 <= 24 else (None, None)
    hours = _EVERY_HOURS.search(text)
    if hours:
        h1 = float(hours.group("h1"))
        h2 = float(hours.group("h2")) if hours.group("h2") else h1
        return (24 / h2 if h2 else None), (24 / h1 if h1 else None)
    if _DAILY.search(text):
        return 1.0, 1.0
    return None, None


def interval_days(text: str) -> float | None:
    match = _INTERVAL.search(text)
    if not match:
        return None
    return 7.0 if match.group("w") else _number(match.group("d"))


def duration_days(text: str) -> tuple[float | None, float | None]:
    match = _DURATION.search(text)
    if not match:
        return None, None
    scale = {"day": 1, "week": 7, "month": 30}[match.group("unit").lower().rstrip("s")]
    low = _number(match.group("a"))
    high = _number(match.group("b")) if match.group("b") else low
    return (low * scale if low else None), (high * scale if high else None)


def _first(table: list[tuple[str, str]], *texts: str | None) -> str | None:
    for text in texts:
        if not text:
            continue
        for name, pattern in table:
            if re.search(pattern, text, re.IGNORECASE):
                return name
    return None


def route_of(*texts: str | None) -> str | None:
    return _first(_ROUTES, *texts)


def routes_in(text: str) -> set[str]:
    """Every route a text mentions."""
    return {name for name, pattern in _ROUTES if re.search(pattern, text, re.IGNORECASE)}


def dosage_form_of(*texts: str | None) -> str | None:
    return _first(_FORMS, *texts)


def population_of(*texts: str | None) -> str | None:
    return _first(_POPULATIONS, *texts)
