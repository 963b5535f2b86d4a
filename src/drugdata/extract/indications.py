"""Indications: conditions the drug treats, with approved / off-label / investigational status."""

from __future__ import annotations

import re
from typing import Any

from drugdata.extract.text_utils import is_label, split_enumeration, trim_phrase
from drugdata.models import Document, Sentence
from drugdata.normalize import condition_lexicon

__all__ = ["extract_indications", "status_of"]

_SKIP_SECTIONS = {"adverse_effects", "serious_adverse_effects", "withdrawal", "overdose",
                  "interactions", "contraindications", "pregnancy", "dosing", "precautions"}
_TRIGGER = re.compile(
    r"\b(?:(?:used|prescribed|approved|indicated|effective|given|utili[sz]ed|recommended|helps?|option|adjunct|"
    r"choice|therapy|medication|drug|medicine|relaxant)\b[^.;:]{0,40}?\b(?:to (?:help )?(?:treat|manage|"
    r"relieve|control|prevent|reduce|lower|ease|handle)|for(?: the (?:treatment|management|relief|"
    r"prevention) of)?|in (?:reducing|treating|managing|the treatment of))|treats?|treating|treatment of|"
    r"management of|manages?|relieves?|relief of|prevents?|prevention of|being (?:explored|studied|"
    r"investigated|tested) (?:for|in|as)|investigated for|reduces? the risk of|indications? (?:are|include)|"
    r"approved (?:uses|indications) (?:are|include))\b", re.IGNORECASE)
_NOT_FOR = re.compile(r"\bnot\b[^.;]{0,30}\b(indicated|approved|intended|effective|established|recommended|"
                      r"enough|sufficient)\b|\binsufficient\b|\bno (benefit|evidence)\b", re.IGNORECASE)
_INVESTIGATIONAL = re.compile(
    r"\b(investigat\w*|being (explored|studied|researched|tested|evaluated)|under (investigation|study)|"
    r"experimental|studied (for|in|as)|research(ers)? (is|are) (exploring|studying)|potential (use|role))\b", re.IGNORECASE)
_OFF_LABEL = re.compile(r"\b(off[- ]label|not (officially |fda[- ])?approved|unapproved|sometimes (used|prescribed|utili[sz]ed))\b", re.IGNORECASE)
_APPROVED = re.compile(r"\b(fda[- ]approved|approved (by the fda )?(to|for)|approved by the fda|indicated (for|to|in)|"
                       r"label(l)?ed|primarily (used|prescribed)|mainly used|first[- ]line|commonly prescribed)\b", re.IGNORECASE)
_ITEM_LEAD = re.compile(r"\b(including|such as|conditions?|include|caused by|associated with|due to)\b", re.IGNORECASE)


def status_of(*texts: str | None, section: str = "other") -> str:
    """Status from the statement's own words first, then its section."""
    for pattern, status in ((_INVESTIGATIONAL, "investigational"), (_OFF_LABEL, "off_label"),
                            (_APPROVED, "approved")):
        if any(t and pattern.search(t) for t in texts):
            return status
    return "off_label" if section == "off_label" else "unspecified"


def _row(doc: Document, sentence: Sentence, start: int, end: int, name: str, cid: str | None,
         status: str) -> dict[str, Any]:
    return {
        "drug_id": doc.drug_id, "doc_id": doc.doc_id, "condition": sentence.text[start:end],
        "condition_name": name.lower(), "condition_id": cid, "status": status,
        "section": sentence.section, "evidence": sentence.text,
        "span_start": sentence.start + start, "span_end": sentence.start + end,
    }


def extract_indications(doc: Document) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    lexicon = condition_lexicon()
    label = is_label(doc)
    for sentence in doc.sentences:
        # a label's Indications section states approved uses throughout, headings ("1.1 Rheumatoid
        # Arthritis") included, trigger words or not
        label_use = label and sentence.section == "indications"
        if sentence.section in _SKIP_SECTIONS or (sentence.block_kind == "heading" and not label_use):
            continue
        text = sentence.text
        lead_is_use = (sentence.block_kind == "item" and sentence.lead is not None
                       and bool(_TRIGGER.search(sentence.lead))
                       and (bool(_ITEM_LEAD.search(sentence.lead)) or sentence.lead.rstrip().endswith(":")))
        trigger = _TRIGGER.search(text)
        if trigger:
            tail_start = trigger.end()
        elif lead_is_use or label_use:
            tail_start = 0
        else:
            continue
        if _NOT_FOR.search(text[:tail_start + 40]):
            continue
        status = status_of(text, sentence.lead if lead_is_use else None, sentence.heading,
                           section=sentence.section)
        status = "approved" if label_use and status == "unspecified" else status
        matches = [m for m in lexicon.scan(text[tail_start:])]
        for match in matches:
            start, end = tail_start + match.start, tail_start + match.end
            rows.append(_row(doc, sentence, start, end, match.concept.name, match.concept.id, status))
        if not matches and lead_is_use and len(text.split()) <= 6:
            for a, b in split_enumeration(text):
                core = trim_phrase(text[a:b])
                if core and not re.search(r"\d", core):
                    start = text.find(core, a)
                    rows.append(_row(doc, sentence, start, start + len(core), core, None, status))
    return rows
