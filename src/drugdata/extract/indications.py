"""Indications: conditions the drug treats, with approved / off-label / investigational status."""

from __future__ import annotations

import re
from typing import Any

from drugdata.extract.text_utils import LABEL, is_label, split_enumeration, trim_phrase
from drugdata.models import Document, Sentence
from drugdata.normalize import Lexicon, Match, condition_lexicon
from drugdata.vocabulary import Concept

__all__ = ["extract_indications", "status_of"]

_SKIP_SECTIONS = {"adverse_effects", "serious_adverse_effects", "withdrawal", "overdose", "mechanism",
                  "interactions", "contraindications", "pregnancy", "dosing", "precautions"}
_USE_SECTIONS = {"indications", "off_label"}
_TRIGGER = re.compile(
    r"\b(?:(?:used|prescribed|ordered|approved|indicated|effective|given|utili[sz]ed|recommended|helps?|option|adjunct|"
    r"choice|therapy|medication|drug|medicine|relaxant)\b[^.;:]{0,40}?\b(?:to (?:help )?(?:treat|manage|"
    r"relieve|control|prevent|reduce|lower|ease|handle)|for(?: the (?:treatment|management|relief|"
    r"prevention) of)?|in (?:reducing|treating|managing|the treatment of))|treats?|treating|treatment of|"
    r"management of|manages?|managing|relieves?|relief of|prevents?|prevention of|being (?:explored|studied|"
    r"investigated|tested) (?:for|in|as)|investigated for|reduces? the risk of|indications? (?:are|include)|"
    r"approved (?:uses|indications) (?:are|include)|uses? (?:it )?(?:off[- ]label )?(?:for|in)|"
    r"(?:of )?(?:some )?value (?:for|in)|helps? (?:patients|people) (?:with|who have))\b", re.IGNORECASE)
# in a section about uses, a sentence with one of these words states a use wherever its conditions sit
_USE_WORD = re.compile(r"\b(?:uses?|used|prescribed|ordered|approved|indicated|value|(?<!medical )(?<!urgent )helps?|benefit|effective|"
                       r"option|studied|explored|investigat\w*|treat\w*|manag\w*|relie\w*)\b", re.IGNORECASE)
_NOT_FOR = re.compile(r"\bnot\b[^.;]{0,30}\b(indicated|approved|intended|effective|established|recommended|"
                      r"enough|sufficient|used|work|works|prescribed|given)\b|\binsufficient\b|\bno (benefit|evidence)\b|"
                      r"\bnever (use|take|give)\b|\b(doesn't|don't|does not|do not) (work|help)\b", re.IGNORECASE)
# "although these uses are not officially approved": an off-label use, not a use denied
_OFF_LABEL_CONTEXT = re.compile(r"\b(sometimes|off[- ]label|outside|although|though|also)\b", re.IGNORECASE)
# "in adults with risk factors such as type 2 diabetes": the patients' conditions, not uses
_RISK_FACTORS = re.compile(r"\brisk factors?\b", re.IGNORECASE)
_INVESTIGATIONAL = re.compile(
    r"\b(investigat\w*|being (explored|studied|researched|tested|evaluated)|under (investigation|study)|"
    r"experimental|studied (for|in|as)|research(ers)? (is|are) (exploring|studying)|potential (use|role))\b", re.IGNORECASE)
_OFF_LABEL = re.compile(r"\b(off[- ]label|not (officially |fda[- ])?approved|unapproved|sometimes (used|prescribed|utili[sz]ed)|"
                        r"outside (of )?the label)\b", re.IGNORECASE)
_APPROVED = re.compile(r"\b(fda[- ]approved|approved (by the fda )?(to|for)|approved by the fda|indicated (for|to|in)|"
                       r"label(l)?ed|primarily (used|prescribed)|mainly used|first[- ]line|commonly prescribed)\b", re.IGNORECASE)
_ITEM_LEAD = re.compile(r"\b(including|such as|conditions?|include|caused by|associated with|due to)\b", re.IGNORECASE)
# what follows describes the condition just named (its symptoms, its definition), not another use
_DESCRIBES = re.compile(r"\b(?:especially|in particular|particularly|characteri[sz]ed by|marked by|"
                        r"(?:which is )?a condition (?:in which|where|that|of|characteri[sz]ed)|symptoms? (?:of|such as|like)|"
                        r"(?:signs|symptoms) (?:include|including))\b", re.IGNORECASE)
# a label's definition of a use: the symptoms it lists are not uses ("An episode implies ... at
# least five of the following symptoms: ...")
_DEFINES = re.compile(r"\b(?:implies|includes? at least|(?:of )?the following (?:\w+ )?symptoms|must (?:be present|have)|"
                      r"is characteri[sz]ed by|(?:is )?defined (?:as|by)|diagnostic criteria|symptoms? (?:are|include|such as|"
                      r"of (?:anxiety|depression|\w+ disorder))|manifested by|persistent and excessive)\b", re.IGNORECASE)
_SYMPTOMS_OF = re.compile(r"\bsymptoms? of\b[^,.;]{1,40}?,?\s+(?:including|such as|like)\b", re.IGNORECASE)
# "spasticity ... results from multiple sclerosis": the underlying disease of a use already named
_CAUSE = re.compile(r"\b(?:results? from|resulting from|caused by|due to|arising from|stemming from|secondary to|"
                    r"comes? from)\b", re.IGNORECASE)
_PHRASE_STOP = re.compile(r"[,;:]|\b(?:found|showed|shows|that|which|who|where|when|while|is|are|was|were)\b",
                          re.IGNORECASE)
_CLAUSE = re.compile(r";|,\s*(?:and|but|while|whereas|although)\s+|\s+but\s+", re.IGNORECASE)


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


def _uses(text: str, tail_start: int, matches: list[Match]) -> list[Match]:
    """Matches that name uses: not a gloss in brackets after a condition, not a description of one."""
    kept: list[Match] = []
    listed = _SYMPTOMS_OF.search(text, tail_start)  # "the symptoms of spasticity, including ..."
    names_one = listed and any(listed.start() <= m.start and m.end <= listed.end() for m in matches)
    described_from = listed.end() if listed and names_one else len(text)
    for cue in _DESCRIBES.finditer(text, tail_start):
        if any(m.end <= cue.start() for m in matches):  # it describes a condition named before it
            described_from = min(described_from, cue.start())
            break
    risk = _RISK_FACTORS.search(text, tail_start)
    described_from = min(described_from, risk.start()) if risk else described_from
    for match in matches:
        if match.start >= described_from:
            continue
        before = text[:match.start]
        opened = before.rfind("(")
        if opened > before.rfind(")") and any(m.end <= opened and not text[m.end:opened].strip(" ,")
                                              for m in kept):
            continue  # "postherpetic neuralgia (nerve pain after shingles)"
        kept.append(match)
    return kept


def _phrase_end(tail: str) -> int:
    """Where the noun phrase after a cause cue ends ("due to spinal cord trauma found that ...")."""
    stop = _PHRASE_STOP.search(tail)
    return stop.start() if stop else len(tail)


def _clause_status(text: str, position: int, fallback: str) -> str:
    """The status a condition's own clause states ("used for hiccups, and being studied for AUD")."""
    bounds = [0, *(m.end() for m in _CLAUSE.finditer(text)), len(text)]
    start = max(b for b in bounds if b <= position)
    end = min((b for b in bounds if b > position), default=len(text))
    own = status_of(text[start:end])
    return own if own != "unspecified" else fallback


_ABBREVIATION = re.compile(r"\(([A-Z][A-Za-z]{1,6})\)")


def _abbreviations(doc: Document, lexicon: Lexicon) -> dict[str, Concept]:
    """'Osteoarthritis (OA)': the page's own abbreviations of conditions it names, so that a later
    bare 'OA' is read as the condition (Schwartz and Hearst's rule: the letters are the initials)."""
    found: dict[str, Concept] = {}
    for sentence in doc.sentences:
        for paren in _ABBREVIATION.finditer(sentence.text):
            abbr = paren.group(1)
            before = sentence.text[:paren.start()].rstrip()
            named = [m for m in lexicon.scan(before[-80:]) if m.end == len(before[-80:])]
            initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", named[0].surface)).upper() if named else ""
            if named and abbr.upper() in (initials, initials[-len(abbr):]) and abbr.upper().isupper():
                found.setdefault(abbr, named[0].concept)
    return found


def _abbreviated(text: str, offset: int, abbreviations: dict[str, Concept], pattern: re.Pattern[str] | None,
                 ) -> list[Match]:
    return [Match(offset + m.start(), offset + m.end(), m.group(), abbreviations[m.group()])
            for m in pattern.finditer(text, offset)] if pattern else []


def extract_indications(doc: Document) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    lexicon = condition_lexicon()
    abbreviations = _abbreviations(doc, lexicon)
    abbreviation = re.compile(r"\b(?:" + "|".join(map(re.escape, abbreviations)) + r")\b") if abbreviations else None
    label = is_label(doc)
    uses: dict[str, str] = {}  # condition name -> status, for sentences naming its cause later
    stated: dict[str, str] = {}  # heading -> the status its prose last stated
    for sentence in doc.sentences:
        # a label's Indications section states approved uses throughout, headings ("1.1 Rheumatoid
        # Arthritis") included, trigger words or not
        label_use = label and sentence.section == "indications"
        if sentence.section in _SKIP_SECTIONS or (sentence.block_kind == "heading" and not label_use):
            continue
        text = sentence.text
        in_use_section = sentence.section in _USE_SECTIONS
        if in_use_section and sentence.block_kind == "para":
            said = status_of(text)
            if said != "unspecified":
                stated[sentence.heading] = said
        lead_is_use = (sentence.block_kind == "item" and sentence.lead is not None
                       and bool(_TRIGGER.search(sentence.lead))
                       and (bool(_ITEM_LEAD.search(sentence.lead)) or sentence.lead.rstrip().endswith(":")))
        trigger = _TRIGGER.search(text)
        anchor_status = None
        if in_use_section and (_USE_WORD.search(text) or sentence.block_kind == "item"):
            tail_start = 0
        elif trigger:
            tail_start = trigger.end()
        elif lead_is_use or (label_use and not _DEFINES.search(text)):
            tail_start = 0
        elif (cause := _CAUSE.search(text)) and (anchors := [m for m in lexicon.scan(text[:cause.start()])
                                                             if m.concept.name.lower() in uses]):
            tail_start, anchor_status = cause.end(), uses[anchors[0].concept.name.lower()]
            text = text[:tail_start + _phrase_end(text[tail_start:])]
        else:
            continue
        unnegated = _OFF_LABEL.sub("", text) if _OFF_LABEL_CONTEXT.search(text) else text
        if _NOT_FOR.search(unnegated if tail_start == 0 else unnegated[:tail_start + 40]):
            continue
        status = anchor_status or status_of(text, sentence.lead if lead_is_use or in_use_section else None,
                                            sentence.heading, section=sentence.section)
        if status == "unspecified" and in_use_section and sentence.block_kind == "item":
            status = stated.get(sentence.heading, status)  # "its FDA-approved list is long. Main groups: ..."
        status = "approved" if label_use and status == "unspecified" else status
        scanned = [Match(tail_start + m.start, tail_start + m.end, m.surface, m.concept)
                   for m in lexicon.scan(text[tail_start:])]
        scanned += [a for a in _abbreviated(text, tail_start, abbreviations, abbreviation)
                    if not any(m.start <= a.start < m.end for m in scanned)]
        matches = _uses(text, tail_start, sorted(scanned, key=lambda m: m.start))
        group = LABEL.match(text) if in_use_section else None
        if group and any(m.start >= group.start(2) for m in matches):
            matches = [m for m in matches if m.start >= group.start(2)]  # "Skin diseases: pemphigus, ..."
        for match in matches:
            own = anchor_status or _clause_status(text, match.start, status)
            rows.append(_row(doc, sentence, match.start, match.end, match.concept.name, match.concept.id, own))
            uses.setdefault(match.concept.name.lower(), own)
        if not matches and lead_is_use and len(text.split()) <= 6:
            for a, b in split_enumeration(text):
                core = trim_phrase(text[a:b])
                if core and not re.search(r"\d", core):
                    start = text.find(core, a)
                    rows.append(_row(doc, sentence, start, start + len(core), core, None, status))
    return rows
