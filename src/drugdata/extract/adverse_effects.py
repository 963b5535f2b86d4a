"""Adverse effects: one row per effect per statement, with frequency, seriousness and context.

Effects come from list items under a side-effect lead or section, from enumerations after
trigger verbs ("include", "can cause"), and from known terms in side-effect sections.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from drugdata.extract.ae_tables import extract_table_effects
from drugdata.extract.frequency import frequency_of
from drugdata.extract.text_utils import LABEL, is_label, is_negated, split_enumeration, trim_phrase
from drugdata.models import Document, Sentence
from drugdata.normalize import Lexicon, agent_lexicon, effect_lexicon

__all__ = ["extra_effect_terms", "extract_adverse_effects"]

# A regulatory label names adverse reactions all through these sections, cue words or not.
_LABEL_AE_SECTIONS = {"adverse_effects", "serious_adverse_effects", "precautions", "withdrawal", "overdose"}
_extra_terms: ContextVar[Lexicon | None] = ContextVar("extra_effect_terms", default=None)


@contextmanager
def extra_effect_terms(lexicon: Lexicon) -> Iterator[None]:
    """Also recognise these terms (a licensed MedDRA list, or an evaluation's training terms)
    for the documents extracted inside the block; their rows carry no HPO id."""
    token = _extra_terms.set(lexicon)
    try:
        yield
    finally:
        _extra_terms.reset(token)

AE_SECTIONS = {"adverse_effects", "serious_adverse_effects", "withdrawal", "overdose"}
_AE_CUE = re.compile(
    r"\b(side[- ]effects?|adverse|reactions?|symptoms?|signs|complaints|problems|risks|"
    r"can cause|may cause|get (medical )?help|seek (medical|emergency)|call your doctor|"
    r"effects include|effects:|were:)\b", re.IGNORECASE)
_SKIP_SECTIONS = {"interactions", "mechanism", "dosing", "indications", "off_label"}
_INTERACTION_CUE = re.compile(r"\b(interact\w*|combined with|together with|concomitant|alcohol)\b", re.IGNORECASE)
_TRIGGER = re.compile(
    r"\b(?:include[sd]?|including|such as|like|experience[sd]?|cause[sd]?|causing|lead to|"
    r"leads to|led to|result(?:s|ed)? in|produce[sd]?|if you (?:have|notice|experience|develop|get)|"
    r"signs of|symptoms of|consist of|comprise|"
    # "Less common were a, b", "the most frequent adverse reaction was a"
    r"(?:common|frequent|rare|uncommon)(?: (?:adverse |side )?(?:ones|effects?|reactions?))? (?:were|are|was|is))"
    r"\b:?(?:\s+|$)", re.IGNORECASE)
_STRONG_TRIGGER = re.compile(r"\b(side[- ]effects?|symptoms|reactions|signs|effects)\b[^.;]{0,40}?"
                             r"\b(include[sd]?|including|such as|like|are|were)\b|^[^:]{1,40}:", re.IGNORECASE)
_AFTER_LIST = re.compile(r"\b(have been reported|were reported|may occur|can occur|are (also )?(possible|common|reported))\b", re.IGNORECASE)
_SERIOUS = re.compile(
    r"\b(serious|severe|life[- ]threatening|fatal|seek (immediate |emergency )?(medical|emergency)|"
    r"get (medical )?help|call (your doctor|911)|right away|immediately|emergency|dangerous)\b", re.IGNORECASE)
_CONTEXTS = [
    ("withdrawal", re.compile(r"\b(withdrawal|abrupt\w*|stopp\w+ (suddenly|abruptly)|discontinu\w*|stopping)\b", re.IGNORECASE)),
    ("overdose", re.compile(r"\b(overdos\w*|too much|large (quantities|amounts))\b", re.IGNORECASE)),
    ("allergic", re.compile(r"\b(allerg\w*|hypersensitivity|anaphyla\w*)\b", re.IGNORECASE)),
    ("neonatal", re.compile(r"\b(newborns?|neonat\w*|infants? born)\b", re.IGNORECASE)),
    ("pregnancy", re.compile(r"\bpregnan\w*\b", re.IGNORECASE)),
]
_ROUTE = re.compile(r"\b(?:with|during|after|via|by|following|from) (?:the )?(intrathecal|oral|intravenous|topical|"
                    r"intramuscular|subcutaneous|inhaled)\b", re.IGNORECASE)
# Label words that enumerations pick up but that name no effect: body-system (MedDRA SOC)
# headings, "adverse reactions" itself, editorial words.
_NOT_AN_EFFECT = re.compile(
    r"^(?:excerpt|note|investigations|metabolism|because\b.*|following\b.*|.*\bdisorders|.*\bconditions|"
    r"(?:serious |other |common |most common |the )?adverse (?:drug )?(?:reactions?|events?|experiences?)|"
    r"have been reported|laboratory (?:abnormalities|tests?)|www\b.*|.*\bsystems?)$", re.IGNORECASE)
_GENERIC = {"side", "effect", "symptom", "problem", "reaction", "risk", "other", "it", "this", "these",
            "them", "drug", "medication", "medicine", "patient", "people", "dose", "treatment", "use",
            "which", "including", "warning", "question", "concern", "attention", "provider", "doctor",
            "healthcare", "activity", "daily", "driving", "machinery", "higher", "lower", "any", "of",
            "thing", "condition", "sign", "complaint", "issue", "change", "some", "many", "most",
            "serious", "common", "rare", "le", "more", "very", "mild", "severe", "list", "all", "you"}
_CLAUSE_END = re.compile(r",?\s+(?:which|that|who|when|where|while|because|but|so|if|as it|and (?:may|can|might|could))\b", re.IGNORECASE)
_PAREN = re.compile(r"\s*\(([^)]*)\)")
_OWN_PCT = re.compile(r"\s*\(([^)]*\d\s*%[^)]*)\)")


def _is_generic(phrase: str) -> bool:
    words = re.findall(r"[a-z]+", phrase.lower())
    return not words or all(w.rstrip("s") in _GENERIC or w in _GENERIC for w in words)


def _context(sentence: Sentence, *texts: str | None) -> str:
    for text in texts:
        for name, pattern in _CONTEXTS:
            if text and pattern.search(text):
                return name
    section = sentence.section
    return section if section in ("withdrawal", "overdose", "pregnancy") else "therapy"


def _candidates(sentence: Sentence) -> list[tuple[int, int]]:
    """Spans (relative to the sentence) of effect phrases."""
    text = sentence.text
    spans: list[tuple[int, int]] = []
    body_offset = 0
    label = LABEL.match(text)
    if label and len(label.group(1).split()) <= 6:
        if not _is_generic(label.group(1)) and not _AE_CUE.search(label.group(1)):
            spans += split_enumeration(label.group(1))
        body_offset = label.start(2)
        body = label.group(2)
        if sentence.block_kind != "item" or not _TRIGGER.search(body):
            spans += [(a + body_offset, b + body_offset) for a, b in split_enumeration(body)
                      if len(body[a:b].split()) <= 6]
            return spans
    elif sentence.block_kind == "item" and len(_PAREN.sub("", text).split()) <= 8:
        return split_enumeration(text)
    body = text[body_offset:]
    trigger = None
    for trigger in _TRIGGER.finditer(body):
        pass  # last trigger: "can cause symptoms such as a, b" enumerates after "such as"
    if trigger and len(body) - trigger.end() > 2:
        tail_start = body_offset + trigger.end()
        tail = text[tail_start:]
        clause_end = _CLAUSE_END.search(tail)
        tail = tail[:clause_end.start()] if clause_end else tail
        spans += [(a + tail_start, b + tail_start) for a, b in split_enumeration(tail)]
    else:
        after = _AFTER_LIST.search(body)
        if after:
            spans += [(a + body_offset, b + body_offset) for a, b in split_enumeration(body[:after.start()])]
    return spans


_OF_PHRASE = re.compile(r"\b(of|in|on|around) (the |your )?[a-z]+$", re.IGNORECASE)


def _merge_of_lists(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """'swelling of the face, lips or tongue' is one effect, not three."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if (merged and _OF_PHRASE.search(text[merged[-1][0]:merged[-1][1]].strip())
                and len(text[start:end].split()) == 1):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    raw = text[start:end].split("[")[0]  # "hepatotoxicity [see Warnings and Precautions (5.1)]"
    core = trim_phrase(_PAREN.sub("", raw))
    if not core:
        return None
    offset = raw.find(core)
    if offset < 0:
        return None
    return start + offset, start + offset + len(core)


def _in_ae_context(sentence: Sentence) -> bool:
    if _INTERACTION_CUE.search(sentence.text) or (sentence.lead and _INTERACTION_CUE.search(sentence.lead)):
        return False
    if sentence.section in AE_SECTIONS:
        return True
    if sentence.block_kind == "item" and sentence.lead and _AE_CUE.search(sentence.lead):
        return sentence.section not in _SKIP_SECTIONS or bool(re.search(r"side[- ]effect|symptom", sentence.lead, re.IGNORECASE))
    return sentence.section not in _SKIP_SECTIONS and bool(re.search(r"\bside[- ]effects?\b|\badverse\b", sentence.text, re.IGNORECASE))


def extract_adverse_effects(doc: Document) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    effects, agents, extra = effect_lexicon(), agent_lexicon(), _extra_terms.get()
    label = is_label(doc)
    for sentence in doc.sentences:
        scan_all = label and sentence.section in _LABEL_AE_SECTIONS
        if sentence.block_kind in ("heading", "table_row") or not (scan_all or _in_ae_context(sentence)):
            continue  # table rows are read by column in ae_tables
        text = sentence.text
        spans = [s for s in (_trimmed(text, a, b) for a, b in _merge_of_lists(text, _candidates(sentence))) if s]
        is_item = sentence.block_kind == "item" and sentence.start == doc.lines[sentence.block_index].start
        listed = is_item and len(_PAREN.sub("", text).split()) <= 8
        if scan_all or (sentence.section in AE_SECTIONS and (is_item or _TRIGGER.search(text) or _AE_CUE.search(text))):
            spans += [(m.start, m.end) for m in effects.scan(text)]
            spans += [(m.start, m.end) for m in extra.scan(text)] if extra else []
        # unmapped phrases count only where the structure says "this is an effect"
        open_vocabulary = listed or bool(_STRONG_TRIGGER.search(text))
        taken: list[tuple[int, int]] = []
        names: set[str] = set()
        for start, end in sorted(set(spans), key=lambda s: (s[0], -(s[1] - s[0]))):
            phrase = text[start:end]
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            concept = effects.lookup(phrase) or (extra.lookup(phrase) if extra else None)
            if concept is None:
                words = phrase.split()
                if (not open_vocabulary or len(words) > 5 or _is_generic(phrase) or re.search(r"\d", phrase)
                        or (not listed and len(words) > 4) or words[0].lower() in ("of", "at", "to", "in", "with")
                        or agents.lookup(phrase) or not re.match(r"[A-Za-z]", phrase)):
                    continue
            name = concept.name.lower() if concept else phrase.lower()
            if is_negated(text, start) or name in names or _NOT_AN_EFFECT.match(phrase):
                continue  # one row per effect per statement
            names.add(name)
            taken.append((start, end))
            rest = text[:start] + text[end:]
            own = _OWN_PCT.match(text, end)  # "dizziness (16%)": the item's own figure wins
            frequency = (frequency_of(own.group(1)) if own else
                         frequency_of(text if sentence.block_kind == "item" else rest, sentence.lead, sentence.heading))
            serious = (sentence.section == "serious_adverse_effects"
                       or any(bool(t and _SERIOUS.search(t)) for t in (rest, sentence.lead, sentence.heading)))
            route = _ROUTE.search(text) or (sentence.lead and _ROUTE.search(sentence.lead))
            rows.append({
                "drug_id": doc.drug_id,
                "doc_id": doc.doc_id,
                "effect": phrase,
                "effect_name": name,
                "effect_id": concept.id if concept else None,
                "frequency_class": frequency.frequency_class,
                "frequency_text": frequency.text,
                "frequency_low_pct": frequency.low_pct,
                "frequency_high_pct": frequency.high_pct,
                "serious": bool(serious),
                "context": _context(sentence, phrase if _CONTEXTS[2][1].search(phrase) else rest,
                                    sentence.lead, sentence.heading),
                "route": route.group(1).lower() if route else None,
                "section": sentence.section,
                "evidence": text,
                "span_start": sentence.start + start,
                "span_end": sentence.start + end,
            })
    return rows + extract_table_effects(doc)
