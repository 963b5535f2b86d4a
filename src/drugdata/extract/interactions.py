"""Interactions: interacting drugs, drug classes and substances, with effect, advice and severity.

Agents are found by rules (the agent vocabulary in sentences that speak of interactions) and, in
a regulator's label where a model was trained, by the learnt precipitant tagger
(`precipitant_tagger`): then the tagger says which agents precipitate an interaction, and the
rules add the drugs the label's drug acts on (objects), which the tagger is not trained to find,
and the examples a statement gives for a class it names (`example_of`).
"""

from __future__ import annotations

import re
from typing import Any

from drugdata.extract.agent_role import agent_role
from drugdata.extract.mention_tagger import MentionTagger, ModelChoice
from drugdata.extract.precipitant_tagger import (
    TAKEN_TOGETHER,
    default_precipitant_tagger,
    example_lists,
    noun_phrase,
)
from drugdata.extract.text_utils import LABEL, clause_around, is_label, is_negated, trim_phrase
from drugdata.models import Document, Sentence
from drugdata.normalize import Lexicon, Match, agent_lexicon

__all__ = ["extract_interactions", "interaction_tagger", "recommendation_of", "severity_of"]

# The model labels' precipitants are read with; `interaction_tagger(model)` overrides it for a block.
_MODEL = ModelChoice("interaction_tagger", default_precipitant_tagger)
interaction_tagger = _MODEL.use
_label_tagger = _MODEL.current


_CUE = re.compile(
    r"\b(interact\w*|combined with|combining|together with|taken with|concomitant\w*|in combination|"
    r"while (taking|on|using)|drink(ing)? alcohol|avoid (alcohol|drinking)|mix(ing)? (with|baclofen)|"
    r"at the same time as|along with)\b", re.IGNORECASE)
_EFFECT = re.compile(
    r"\b(increas\w*|decreas\w*|enhanc\w*|reduc\w*|amplif\w*|potentiat\w*|rais\w*|lower\w*|boost\w*|"
    r"additive|risk of|can cause|may cause|might (even )?cause|lead(ing|s)? to|result(ing|s)? in|"
    r"alter\w*|impair\w*|interfer\w*|worsen\w*|extra|more)\b.*", re.IGNORECASE)
_RECOMMENDATIONS = [
    ("avoid", re.compile(r"\b(avoid\w*|do not (take|use|combine|drink|mix)|don't (take|use|combine|drink|mix)|"
                         r"should not be (taken|used|combined)|not (suggested|recommended)|contraindicated|never)\b", re.IGNORECASE)),
    ("adjust_dose", re.compile(r"\b(dos(e|age) (adjustment|reduction|change)s?|adjust\w* (the )?dos\w*|lower(ing)? (the )?dose|"
                               r"reduc\w* (the )?dose)\b", re.IGNORECASE)),
    ("monitor", re.compile(r"\b(monitor\w*|watch\w* (for|closely)|check\w*|blood tests?)\b", re.IGNORECASE)),
    ("separate_administration", re.compile(r"\b(separate|apart|hours (before|after))\b", re.IGNORECASE)),
    ("caution", re.compile(r"\b(caution|careful\w*|inform|tell your (doctor|pharmacist)|talk to|let your)\b", re.IGNORECASE)),
]
_MAJOR = re.compile(r"\b(contraindicated|life[- ]threatening|fatal|death|coma|serious|severe|dangerous|"
                    r"respiratory depression|serotonin syndrome|bleeding|never)\b", re.IGNORECASE)
_MINOR = re.compile(r"\b(minor|slight\w*|small|mild\w*)\b", re.IGNORECASE)
_CLASS_NOUN = re.compile(r"\b(drugs|medications|medicines|agents|inhibitors|blockers|relaxants|supplements|"
                         r"sedatives|antidepressants|depressants|antihistamines|antibiotics|diuretics|"
                         r"steroids|products|pills|remedies|tranquilizers|narcotics|opioids|antipsychotics)\b", re.IGNORECASE)
_NO_INTERACTION = re.compile(r"\b(not|no|never)\b[^.;]{0,30}\binteract\w*|\bwithout\b[^.;]{0,60}\b(interact\w*|problems)\b|"
                             r"\b(has|had|have) no (significant |clinically relevant |\w+ )?effects?\b|"
                             r"\b(did|does|do) not (significantly |meaningfully )?(affect|change|alter|worsen|influence)\b|"
                             r"\b(is|are|was|were) not (significantly |meaningfully )?(affected|altered|changed|influenced)\b|"
                             r"\bunaffected by\b|\b(safely|successfully) (co-?)?administered (with|together)\b|"
                             r"\bfailed to (identify|show|demonstrate) any\b|\bnon-?significant\b|"
                             r"\bno (clinically |statistically )?(significant|relevant|important|meaningful) (pharmacokinetic |"
                             r"drug )?(interactions?|changes?|effects?|differences?|alterations?)\b", re.IGNORECASE)
# "the antihypertensive effect of ...", "diuretic, natriuretic and antihypertensive effects": a class word
# used as an adjective names an effect, not an agent
_ADJECTIVE = re.compile(r"^[a-z-]+(?:ive|ic|ant|al|ory|et)$")
_ADJOINS = re.compile(r"[\s,(\[]*")  # what may stand between a class and its list of examples
_LIST_GLUE = re.compile(r"[\s,:]*(?:(?:and|or|and/or)\s+)?(?:other\s+)?", re.IGNORECASE)
_EFFECT_NOUN = re.compile(r"^(?:,?\s+(?:and\s+|or\s+)?[a-z-]+){0,3}?\s+(?:effects?|actions?|activity|properties)\b")


def recommendation_of(*texts: str | None) -> str | None:
    for name, pattern in _RECOMMENDATIONS:
        if any(t and pattern.search(t) for t in texts):
            return name
    return None


def severity_of(text: str, recommendation: str | None) -> str | None:
    """major for avoid/contraindicated or dangerous effects, moderate for monitor/adjust."""
    if recommendation == "avoid" or _MAJOR.search(text):
        return "major"
    if _MINOR.search(text):
        return "minor"
    if recommendation in ("monitor", "adjust_dose", "caution") or _EFFECT.search(text):
        return "moderate"
    return None


def _in_context(sentence: Sentence) -> bool:
    if sentence.section == "interactions":
        return True
    if sentence.block_kind == "item" and sentence.lead and _CUE.search(sentence.lead):
        return True
    return bool(_CUE.search(sentence.text))


def _effect(text: str) -> str | None:
    match = _EFFECT.search(text)
    return match.group(0).strip(" .;:")[:200] if match else None


Found = tuple[int, int, str, str | None, str]  # start, end, normalized name, agent id, agent type


def _rule_agents(sentence: Sentence, scanned: list[Match], own: str) -> tuple[list[Found], list[tuple[int, int]]]:
    """Known agents in the sentence (`scanned` by the agent vocabulary; else an interactions
    item's label phrase), and the spans where the vocabulary names the document's drug."""
    text = sentence.text
    found = [(m.start, m.end, m.concept.name, m.concept.id, m.concept.kind) for m in scanned if m.concept.name.lower() != own]
    own_spans = [(m.start, m.end) for m in scanned if m.concept.name.lower() == own]
    if not found and sentence.block_kind == "item" and sentence.section == "interactions":
        label = LABEL.match(text)
        phrase = trim_phrase(label.group(1) if label else text)
        if phrase and len(phrase.split()) <= 6 and not re.search(r"\d", phrase):
            start = text.find(phrase)
            found = [(start, start + len(phrase), phrase.lower(), None, _kind(phrase))]
    return found, own_spans


def _kind(phrase: str) -> str:
    return "drug_class" if _CLASS_NOUN.search(phrase) else "drug"


def _tagged_agents(text: str, tagger: MentionTagger, lexicon: Lexicon, own_names: re.Pattern[str] | None) -> list[Found]:
    """Precipitants the learnt tagger finds, named by the vocabulary where it knows the phrase
    or its head ("oral nicardipine" -> nicardipine); the label's own drug is never an agent."""
    found: list[Found] = []
    for span in tagger.tag(text, own_names):
        trimmed = noun_phrase(text, *span)
        if trimmed is None:
            continue
        start, end = trimmed
        phrase = text[start:end]
        if own_names and own_names.search(phrase) and not _CLASS_NOUN.search(phrase):
            continue
        concept = lexicon.lookup(phrase)
        if concept is None:
            heads = [m for m in lexicon.scan(phrase) if m.end == len(phrase)]
            concept = heads[0].concept if heads and heads[0].start > 0 else None
        found.append((start, end, concept.name if concept else phrase.lower(), concept.id if concept else None,
                      concept.kind if concept else _kind(phrase)))
    return found


def _examples(text: str, heads: list[Found], found: list[Found]) -> dict[tuple[int, int], str]:
    """(start, end) of each agent named in a list of examples -> the phrase the list illustrates:
    the agent of `heads` right before its cue ("strong CYP3A4 inhibitors (e.g., ketoconazole)",
    "catecholamine-depleting drugs, such as reserpine"). Outside parentheses the list is the
    enumeration right after the cue ("such as metoprolol are coadministered, withdraw ..." ends it)."""
    out: dict[tuple[int, int], str] = {}
    for cue, start, end, enclosed in example_lists(text):
        head = next((h for h in sorted(heads, key=lambda h: -h[1]) if h[1] <= cue and _ADJOINS.fullmatch(text[h[1]:cue])),
                    None)
        if head is None:
            continue
        for f in sorted(found):
            if f[0] < start or f[1] > end or f is head:
                continue
            if not enclosed and not _LIST_GLUE.fullmatch(text[start:f[0]]):
                break
            out[f[0], f[1]] = text[head[0]:head[1]]
            start = f[1]
    return out


def extract_interactions(doc: Document, drug_name: str, own_names: re.Pattern[str] | None = None,
                         ) -> list[dict[str, Any]]:
    """`own_names` finds the document's drug by any of its names (brands a lexicon may not know)."""
    rows: list[dict[str, Any]] = []
    lexicon = agent_lexicon()
    own = drug_name.lower()
    tagger = _label_tagger() if is_label(doc) else None
    for sentence in doc.sentences:
        text = sentence.text
        in_context = sentence.block_kind != "heading" and _in_context(sentence)
        scanned = lexicon.scan(text) if tagger or in_context else []
        # a sentence naming no known agent or class and not speaking of taking drugs together states no
        # interaction: the tagger skips it
        worth_tagging = bool(scanned or _CLASS_NOUN.search(text) or TAKEN_TOGETHER.search(text))
        tagged = _tagged_agents(text, tagger, lexicon, own_names) if tagger and worth_tagging else []
        if not tagged and not in_context:
            continue
        found, own_spans = _rule_agents(sentence, scanned, own) if in_context or tagged else ([], [])
        own_spans = sorted(own_spans + ([(m.start(), m.end()) for m in own_names.finditer(text)] if own_names else []))
        roles = {(a, b): agent_role(text, a, b, own_spans) for a, b, *_ in found}
        examples = _examples(text, tagged if tagger else found, found)
        if tagger:  # the tagger says what precipitates; the rules add what the label's drug acts on, the
            # agents an interactions item names before its colon ("Methotrexate: monitor ...") and the
            # examples given for a class the tagger found ("strong CYP3A4 inhibitors (e.g., ketoconazole)")
            label = LABEL.match(text) if sentence.section == "interactions" else None
            found = tagged + [f for f in found if (roles[f[0], f[1]] == "object" or (label and f[1] <= label.end(1))
                                                   or (f[0], f[1]) in examples)
                              and not any(a < f[1] and f[0] < b for a, b, *_ in tagged)]
        if not found:
            continue
        effect = _effect(LABEL.sub(r"\2", text)) or _effect(sentence.lead or "")
        recommendation = recommendation_of(text) or recommendation_of(sentence.lead)  # the item's own advice wins
        severity = severity_of(" ".join(t for t in (text, effect or "") if t), recommendation)
        objects = {f[2] for f in found if roles.get((f[0], f[1])) == "object"}  # one role per agent and sentence
        for start, end, name, agent_id, kind in found:
            if (is_negated(text, start) or _NO_INTERACTION.search(clause_around(text, start, end))
                    or (_ADJECTIVE.match(text[start:end]) and _EFFECT_NOUN.match(text[end:]))):
                continue
            role = roles.get((start, end)) or agent_role(text, start, end, own_spans) or ("object" if name in objects else None)
            rows.append({
                "drug_id": doc.drug_id, "doc_id": doc.doc_id, "agent": text[start:end],
                "agent_name": name.lower(), "agent_id": agent_id, "agent_type": kind,
                "effect": effect, "recommendation": recommendation, "severity": severity,
                "agent_role": role, "example_of": examples.get((start, end)), "section": sentence.section, "evidence": text,
                "span_start": sentence.start + start, "span_end": sentence.start + end,
            })
    return rows
