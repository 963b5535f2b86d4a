"""Dosing: one row per dose statement, with phase, amounts, frequency and maximum daily dose."""

from __future__ import annotations

import re
from typing import Any

from drugdata.extract.quantities import (
    AMOUNT,
    dosage_form_of,
    duration_days,
    frequency_per_day,
    interval_days,
    population_of,
    route_of,
    routes_in,
    to_number,
    unit_of,
    upper_amount,
)
from drugdata.models import Document, Sentence
from drugdata.normalize import condition_lexicon, drug_lexicon

__all__ = ["extract_dosing", "phase_of"]

_PHASES = [
    ("maximum", (r"\b(max(imum)?|not (to )?exceed|no more than|up to|highest|ceiling|should not be more|"
                 r"at most|limit)\b")),
    ("taper", (r"\b(taper\w*|reduc\w* (gradually|slowly)|gradually (reduc|decreas|lower|diminish)\w*|"
               r"decreas\w*|diminish\w*|when (quitting|stopping)|stopping)\b")),
    ("titration", r"\b(increas\w*|titrat\w*|raised?|go(es)? up|climb\w*|step(ped)? up|adjusted upward|by \d)\b"),
    ("start", r"\b(start\w*|initial\w*|begin\w*|began|first dose|to begin)\b"),
    ("maintenance", r"\b(maintenance|maintain\w*)\b"),
    ("single", r"\b(single|one[- ]time) dose\b"),
    ("usual", r"\b(usual\w*|typical\w*|normal\w*|most people|range|recommended|standard|effective dose)\b"),
]
_STRONG_CUE = re.compile(r"\b(usual|starting|initial|maximum|recommended|typical) (daily )?dos(e|age)\b|\bdosage\b|"
                         r"\bdose (is|of)\b", re.IGNORECASE)
_PRODUCT_CUE = re.compile(r"\b(available|comes? (in|as)|supplied|strengths?|sold as|tablets? of)\b", re.IGNORECASE)
_PER_DAY_BEFORE = re.compile(r"(daily (dose|total)|total daily|total (dose )?|a day|per day|/day|daily)\W*\w*\W*\w*\W*$", re.IGNORECASE)
_DOSING_SECTIONS = {"dosing"}
_MAYBE_SECTIONS = {"summary", "faq", "indications", "other"}


def phase_of(*texts: str | None) -> str | None:
    for text in texts:
        if not text:
            continue
        best: tuple[int, str] | None = None
        for phase, pattern in _PHASES:
            for match in re.finditer(pattern, text, re.IGNORECASE):
                if best is None or match.end() > best[0]:
                    best = (match.end(), phase)  # the cue nearest the amount wins
        if best:
            return best[1]
    return None


def _in_context(sentence: Sentence) -> bool:
    if _PRODUCT_CUE.search(sentence.text) and not re.search(r"\b(take|dose|daily|times)\b", sentence.text, re.IGNORECASE):
        return False
    if sentence.section in _DOSING_SECTIONS:
        return True
    return sentence.section in _MAYBE_SECTIONS and bool(_STRONG_CUE.search(sentence.text))


_FORM_BEFORE = re.compile(r"\b(capsules?|tablets?|solution|suspension|granules|chewables?|liquid)\s*(?:\(|:|\||of|as|in)?\s*$",
                          re.IGNORECASE)
_LIST_GLUE = re.compile(r"^[\s,;()]*(?:and|or)?[\s,;()]*(?:(?:capsules?|tablets?|chewables?|(?:an )?oral solution|"
                        r"suspension)\s*(?:\(|:|of)?\s*)?$", re.IGNORECASE)
_CLEARANCE = re.compile(r"^\s*/\s*min", re.IGNORECASE)


def _is_strength(before: str, after: str, per: str, strengths_before: bool) -> bool:
    """'capsules (100 mg, 300 mg, 400 mg)', 'oral solution 250 mg per 5 mL': what a product
    contains, not how much to take."""
    if "ml" in per and "kg" not in per:
        return True  # a concentration
    if frequency_per_day(after[:40])[0] is not None:
        return False
    return bool(_FORM_BEFORE.search(before)) or (strengths_before and bool(_LIST_GLUE.match(before)))


def _not_a_dose(text: str, match: re.Match[str], before: str, after_another: bool, drug_id: str) -> bool:
    """A kidney-function threshold, a restatement in brackets, or another drug's dose."""
    if match.group("unit").lower() == "ml" and _CLEARANCE.match(text[match.end():]):
        return True  # "creatinine clearance 30 mL/min"
    per_day = "day" in (match.group("per") or "").lower()
    if after_another and before.rstrip().endswith("(") and len(before) < 25 and not per_day:
        return True  # "80 mg a day (20 mg four times a day)"; "(900 mg/day)" is the day's total
    word = re.search(r"([A-Za-z][\w-]+)\s*$", before)
    other = drug_lexicon().lookup(word.group(1)) if word else None
    return other is not None and other.name.lower() not in drug_id.lower()


def _label_of(doc: Document, sentence: Sentence) -> str:
    block = doc.lines[sentence.block_index].block.text
    return block.split(":", 1)[0] if ":" in block[:60] else ""


def extract_dosing(doc: Document) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    conditions = condition_lexicon()
    for sentence in doc.sentences:
        if sentence.block_kind == "heading" or not _in_context(sentence):
            continue
        text = sentence.text
        label = _label_of(doc, sentence)
        amounts = [m for m in AMOUNT.finditer(text)]
        previous_end = 0
        skipped_strength = False
        for index, match in enumerate(amounts):
            next_start = amounts[index + 1].start() if index + 1 < len(amounts) else len(text)
            before = text[previous_end:match.start()]
            after = text[match.end():next_start]
            previous_end = match.end()
            unit = unit_of(match.group("unit"))
            per = (match.group("per") or "").lower()
            strength = _is_strength(before, after, per, strengths_before=index > 0 and skipped_strength)
            skipped_strength = strength
            if strength or _not_a_dose(text, match, before, index > 0, doc.drug_id):
                continue
            if unit == "%" and not re.search(r"\b(increas|decreas|reduc)\w*", before, re.IGNORECASE):
                continue
            phase = phase_of(before, sentence.lead, text) or "usual"
            low = to_number(match.group("a"))
            second = upper_amount(match)
            high = to_number(second) if second else low
            if " and " in match.group() and not re.search(r"\bbetween\s*$", before, re.IGNORECASE):
                low = high  # "on day 2 and 300 mg": a list, not a range
            freq_min, freq_max = frequency_per_day(after[:60]) if "day" not in per else (None, None)
            per_day = "day" in per or "24 hours" in per or bool(_PER_DAY_BEFORE.search(before[-40:]))
            if not per_day and freq_min is None and phase == "maximum" and re.search(r"\b(a|per) day\b|daily", text, re.IGNORECASE):
                per_day = True
            if "kg" in per and unit == "mg":
                unit = "mg/kg"
            basis = "per_day" if per_day else "per_dose"
            max_daily = high if phase == "maximum" and basis == "per_day" else None
            duration = duration_days(after + " " + before if phase == "taper" else after)
            found = conditions.scan(" ".join(t for t in (label, sentence.heading) if t))
            rows.append(_row(
                doc, sentence, label, phase=phase,
                indication=found[0].concept.name.lower() if found else None,
                dose_min=low, dose_max=high, dose_unit=unit, dose_basis=basis,
                frequency_min_per_day=freq_min, frequency_max_per_day=freq_max,
                interval_days=interval_days(after), max_daily_dose=max_daily,
                max_daily_dose_unit=unit if max_daily is not None else None,
                duration_days_min=duration[0], duration_days_max=duration[1],
                span_start=sentence.start + match.start(), span_end=sentence.start + match.end()))
        if not amounts and sentence.section in _DOSING_SECTIONS and (route_of(text) or phase_of(text)):
            # a dose statement without numbers: "taken orally, starting low and increased gradually"
            phase = phase_of(text) or "usual"
            if phase != "maximum":
                low_days, high_days = duration_days(text)
                rows.append(_row(doc, sentence, label, phase=phase, duration_days_min=low_days,
                                 duration_days_max=high_days, span_start=sentence.start,
                                 span_end=sentence.end))
    return _with_document_route(doc, rows)


def _with_document_route(doc: Document, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A page whose dosing section names one route only ("take baclofen by mouth") gives that
    route to its dose statements that do not repeat it, as a pharmacist reads them."""
    routes: set[str] = set()
    for sentence in doc.sentences:
        if sentence.section in _DOSING_SECTIONS:
            routes |= routes_in(" ".join(t for t in (sentence.text, sentence.heading, sentence.lead) if t))
    if len(routes) != 1:
        return rows
    (route,) = routes
    return [row if row["route"] else {**row, "route": route} for row in rows]


_NUMERIC = ("dose_min", "dose_max", "dose_unit", "dose_basis", "frequency_min_per_day",
            "frequency_max_per_day", "interval_days", "max_daily_dose", "max_daily_dose_unit",
            "duration_days_min", "duration_days_max")


def _row(doc: Document, sentence: Sentence, label: str, phase: str, indication: str | None = None,
         **values: Any) -> dict[str, Any]:
    """A dosing row; numeric fields not given are null."""
    text = sentence.text
    return {
        "drug_id": doc.drug_id, "doc_id": doc.doc_id,
        "route": route_of(text, label, sentence.heading, sentence.lead),
        "dosage_form": dosage_form_of(text, label, sentence.heading),
        "population": population_of(text, label, sentence.heading), "indication": indication,
        "regimen_phase": phase, **{k: None for k in _NUMERIC}, **values,
        "section": sentence.section, "evidence": text,
    }
