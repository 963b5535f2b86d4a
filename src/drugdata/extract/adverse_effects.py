"""Adverse effects: one row per effect per statement, with frequency, seriousness and context.

Effects come from list items under a side-effect lead or section, from enumerations after
trigger verbs ("include", "can cause"), and from known terms in side-effect sections.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from drugdata.extract.ae_tables import BODY_SYSTEM, NOT_AN_EFFECT_CELL, extract_table_effects
from drugdata.extract.frequency import frequency_of
from drugdata.extract.mention_tagger import MentionTagger, ModelChoice, default_tagger
from drugdata.extract.text_utils import LABEL, is_label, is_negated, split_enumeration, trim_phrase
from drugdata.models import Document, Sentence
from drugdata.normalize import Lexicon, agent_lexicon, condition_lexicon, effect_lexicon
from drugdata.vocabulary import Concept

__all__ = ["effect_tagger", "extra_effect_terms", "extract_adverse_effects"]

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


# The model label sections are read with; `effect_tagger(model)` overrides it for a block (evaluation folds).
_MODEL = ModelChoice("effect_tagger", default_tagger)
effect_tagger = _MODEL.use
_label_tagger = _MODEL.current


AE_SECTIONS = {"adverse_effects", "serious_adverse_effects", "withdrawal", "overdose"}
_AE_CUE = re.compile(
    r"\b(side[- ]effects?|adverse|reactions?|symptoms?|signs|complaints|problems|risks|"
    r"can cause|may cause|get (?:(?:urgent|immediate|emergency|medical) )*help|seek (medical|emergency)|call your doctor|"
    r"effects include|effects:|were:|warnings?|linked to)\b", re.IGNORECASE)
_SKIP_SECTIONS = {"interactions", "mechanism", "dosing", "indications", "off_label", "contraindications"}
# Outside a side-effect section these still list effects: "Discontinuation symptoms include ...",
# "Stopping suddenly can cause ...", "Signs of an allergic reaction: ...", "Other serious problems: ...".
_CONTEXT_CUE = re.compile(r"\b(?:withdrawal|discontinuation|stopp\w+ (?:suddenly|abruptly)|overdos\w*|too much|"
                          r"allerg\w*|hypersensitivity|anaphyla\w*)\b", re.IGNORECASE)
_LISTED_AFTER_CUE = re.compile(r"\b(?:side[- ]effects?|adverse \w+|reactions?|problems?|risks|signs|symptoms|complaints)\b"
                               r"[^.;:]{0,30}?(?::|\b(?:include[sd]?|including|such as)\b)",
                               re.IGNORECASE)
_NO_STATEMENT_SECTIONS = {"interactions", "indications", "off_label", "contraindications", "mechanism"}
_INTERACTION_CUE = re.compile(r"\b(interact\w*|combined with|together with|concomitant|alcohol)\b", re.IGNORECASE)
_TRIGGER = re.compile(
    r"(?<!-)\b(?:include[sd]?|including|such as|like|experience[sd]?|cause[sd]?|causing|lead to|"
    r"leads to|led to|result(?:s|ed)? in|produce[sd]?|if you (?:have|notice|experience|develop|get)|"
    r"signs of|symptoms of|consist of|comprise|shows? up as|(?:can|may|could) trigger|presents? as|present as|"
    r"(?:have|has|had) had|help for|(?:been )?linked (?:to|with)|(?:risks|problems) (?:are|were)|"
    # "Less common were a, b", "the most frequent adverse reaction was a"
    r"(?:common|frequent|rare|uncommon)(?: (?:adverse |side )?(?:ones|effects?|reactions?))? (?:were|are|was|is))"
    r"\b:?(?:\s+|$)", re.IGNORECASE)
_STRONG_TRIGGER = re.compile(r"\b(side[- ]effects?|symptoms|reactions|signs|effects|risks|problems|complaints)\b[^.;]{0,40}?"
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
_ALLERGIC = dict(_CONTEXTS)["allergic"]
_ROUTE = re.compile(r"\b(?:with|during|after|via|by|following|from) (?:the )?(intrathecal|oral|intravenous|topical|"
                    r"intramuscular|subcutaneous|inhaled)\b", re.IGNORECASE)
# Label words that enumerations pick up but that name no effect: body-system (MedDRA SOC)
# headings, "adverse reactions" itself, editorial words.
_NOT_AN_EFFECT = re.compile(
    rf"^(?:excerpt|note|investigations|metabolism|because\b.*|following\b.*|{BODY_SYSTEM}|.*\bconditions|"
    r"(?:serious |other |common |most common |the )?adverse (?:drug )?(?:reactions?|events?|experiences?)|"
    r"have been reported|laboratory (?:abnormalities|tests?)|www\b.*|.*\bsystems?|.*\b(?:trials?|studies|figures)\b.*)$",
    re.IGNORECASE)
_GENERIC = {"side", "effect", "symptom", "problem", "reaction", "risk", "other", "it", "this", "these",
            "them", "drug", "medication", "medicine", "patient", "people", "dose", "treatment", "use",
            "which", "including", "warning", "question", "concern", "attention", "provider", "doctor",
            "healthcare", "activity", "daily", "driving", "machinery", "higher", "lower", "any", "of",
            "thing", "condition", "sign", "complaint", "issue", "change", "some", "many", "most",
            "serious", "common", "rare", "le", "more", "very", "mild", "severe", "list", "all", "you",
            "who", "what", "when", "how", "why", "reported", "ones", "new", "include", "includes", "high", "low",
            "rarely", "after", "young", "adult", "care", "type", "kind", "one", "stop", "taking", "seek",
            "get", "help", "are", "is", "watch", "look", "for", "caution", "note",
            "important", "withdrawal"}
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


def _names_context(phrase: str) -> bool:
    """'Allergic reaction', 'Overdose', 'Stopping suddenly': a heading for the effects that follow."""
    return any(pattern.search(phrase) for _, pattern in _CONTEXTS)


_SYNDROME_WORD = re.compile(r"\b(?:syndrome|injury|damage|failure|toxicity|acidosis|reaction|diarrh(?:o)?ea|"
                            r"low (?:sodium|magnesium|potassium|blood sugar)|high (?:potassium|blood sugar))$", re.IGNORECASE)


def _syndrome(phrase: str) -> bool:
    """A named effect whose listed signs are not effects of their own ('Liver injury: nausea, ...')."""
    core = trim_phrase(_PAREN.sub("", phrase))
    parts = [trim_phrase(core[a:b]) for a, b in split_enumeration(core)] or [core]
    named = all(effect_lexicon().lookup(p) is not None or bool(_SYNDROME_WORD.search(p)) for p in parts if p)
    return named and len(core.split()) <= 5 and not _names_context(phrase) and not _AE_CUE.search(core)


_WHICH_CAUSES = re.compile(r"^([^,;:()]{2,60}),\s+(?:which|that) (?:can|may|could|might) ", re.IGNORECASE)
_SIGNS_AFTER = re.compile(r",\s+(?:with|including|marked by|causing)\s+", re.IGNORECASE)


def _last_phrase(text: str) -> str:
    """The phrase just before a bracket: 'can cause serotonin syndrome' -> 'serotonin syndrome'."""
    tail = re.split(r"[,;:]|\b(?:cause[sd]?|include[sd]?|including|and|or|such as|like)\b", text)[-1]
    return tail.strip()


_DASH = re.compile(r"\s[—–-]{1,2}\s")
_SIGNS_OF = re.compile(r"\b(?:signs?|symptoms?|warning signs?) of\s+([^:;,]{3,50}?)\s*(?::|\binclude\b|\bsuch as\b|\blike\b)",
                       re.IGNORECASE)
_MAY_MEAN = re.compile(r"\s[—–-]{1,2}\s+(?:possible|possibly|could be|may be|might be|can mean|may mean|may signal|"
                       r"(?:a )?signs? of|suggests?)\b\s*(.+)$", re.IGNORECASE)
_WARNING_SIGNS = re.compile(r"^\W*(?:the )?(?:early )?warning signs (?:include|are)\b", re.IGNORECASE)
_QUALIFIER = re.compile(r",?\s+(?:especially|particularly|mainly|mostly)\b|,\s+in (?:people|patients|those) with\b",
                        re.IGNORECASE)


_CIRCUMSTANCE = re.compile(r"\b(?:(?:people|patients|those|anyone|adults|children|women|men) (?:with|who have|who had)|"
                           r"history of|risk (?:rises|is higher|increases) (?:with|in))\b[^,;:.]*$|"
                           r"\b(?:contraindicated|avoided|(?:should|must) not be (?:used|taken|given)|do not (?:use|take)|"
                           r"caution(?:ed)? (?:with|in))\b[^;:.]*$|"
                           r"[a-z](?<!rebound)(?<!increase)(?<!rise)(?<!drop)(?<!changes)(?<!change)(?<!decrease)(?<!bleeding) in "
                           r"(?:people with |those with )?$", re.IGNORECASE)  # "hypomania in bipolar disorder"


def _circumstance(text: str, start: int) -> bool:
    """'switching into mania in people with bipolar disorder': the condition a risk depends on."""
    before = text[max(0, start - 80):start]
    return bool(_CIRCUMSTANCE.search(before))


def _signs_region(sentence: Sentence) -> tuple[int, int] | None:
    """Where a statement lists the signs of a syndrome it names, or the circumstances of an effect:
    nothing there is an effect of its own."""
    text = sentence.text
    label = LABEL.match(text)
    if label and len(_PAREN.sub("", label.group(1)).split()) <= 6 and _syndrome(label.group(1)):
        return label.start(2), len(text)
    signs = _SIGNS_OF.search(text)
    if signs and _syndrome(signs.group(1)):
        return signs.end(), len(text)
    if _WARNING_SIGNS.match(text):  # the signs of a reaction the statement before named
        return 0, len(text)
    may_mean = _MAY_MEAN.search(text)
    if may_mean:
        return 0, may_mean.start()
    for signs in _SIGNS_AFTER.finditer(text):  # "can cause rhabdomyolysis, with muscle pain, ..."
        head = text[:signs.start()].rsplit(",", 1)[0].split("cause")[-1]
        if _syndrome(head.strip()) or _syndrome(head.split()[-1] if head.split() else ""):
            return signs.end(), len(text)
    for bracket in _PAREN.finditer(text):  # "Serotonin syndrome (agitation, fever, sweating)"
        if bracket.group(1).count(",") >= 1 and _syndrome(_last_phrase(text[:bracket.start()])):
            return bracket.start(), bracket.end()
    which = _WHICH_CAUSES.match(text) if sentence.block_kind == "item" else None
    if which and _syndrome(which.group(1)):
        return which.end(1), len(text)
    dash = _DASH.search(text) if sentence.block_kind == "item" else None
    if dash and _syndrome(text[:dash.start()]):  # "low magnesium — muscle cramps, tremors"
        return dash.end(), len(text)
    qualifier = _QUALIFIER.search(text) if sentence.block_kind == "item" else None
    if qualifier and qualifier.start() > 0:
        return qualifier.start(), len(text)
    return None


_VERB = re.compile(r"\b(?:is|are|was|were|be|been|can|could|may|might|will|would|should|does|do|did|has|have|had|"
                   r"need|needs|cause[sd]?|include[sd]?|occur\w*|rule|take|stop)\b", re.IGNORECASE)


def _bare_list(sentence: Sentence) -> bool:
    """'A (gloss), B, C and D.' under a side-effect heading: a list written as a sentence."""
    text = sentence.text
    return (sentence.section in AE_SECTIONS and sentence.block_kind == "para" and text.count(",") >= 2
            and not _VERB.search(_PAREN.sub("", text)) and not _TRIGGER.search(text))


def _candidates(sentence: Sentence) -> list[tuple[int, int]]:
    """Spans (relative to the sentence) of effect phrases."""
    text = sentence.text
    spans: list[tuple[int, int]] = []
    body_offset = 0
    label = LABEL.match(text)
    if label and len(_PAREN.sub("", label.group(1)).split()) <= 6:
        head = label.group(1)
        if not _is_generic(head) and not _AE_CUE.search(head) and not _names_context(head):
            spans += split_enumeration(head)
        body_offset = label.start(2)
        body = label.group(2)
        if not _TRIGGER.search(body):
            spans += [(a + body_offset, b + body_offset) for a, b in split_enumeration(body)
                      if len(_PAREN.sub("", body[a:b]).split()) <= 6]
            return spans
    elif sentence.block_kind == "item" and len(_PAREN.sub("", text).split()) <= 8:
        example = _EXAMPLES.search(text)  # "arrhythmias such as atrial fibrillation": both
        if example:
            return split_enumeration(text[:example.start()]) + [
                (a + example.end(), b + example.end()) for a, b in split_enumeration(text[example.end():])]
        return split_enumeration(text)
    which = _WHICH_CAUSES.match(text) if sentence.block_kind == "item" else None
    if which:
        spans += split_enumeration(which.group(1))
    body = text[body_offset:]
    if _bare_list(sentence):
        return split_enumeration(text)
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


_EXAMPLES = re.compile(r"\s+(?:such as|including|e\.g\.,?)\s+", re.IGNORECASE)
_OF_PHRASE = re.compile(r"\b(of|in|on|around) (the |your )?[a-z]+$", re.IGNORECASE)


def _merge_of_lists(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """'swelling of the face, lips or tongue' is one effect, not three."""
    merged: list[tuple[int, int]] = []
    merging = False
    for start, end in spans:
        merging = bool(merged) and (merging or bool(_OF_PHRASE.search(text[merged[-1][0]:merged[-1][1]].strip())))
        word = _PAREN.sub("", text[start:end]).strip()
        if merging and len(word.split()) == 1 and effect_lexicon().lookup(word) is None:
            merged[-1] = (merged[-1][0], end)
        else:
            merging = False
            merged.append((start, end))
    return merged


_COORDINATOR = re.compile(r"^\s*(?:,\s*)?(?:and|or|and/or)?\s*$", re.IGNORECASE)
_BOTH = re.compile(r"\s+(?:and|or)\s+", re.IGNORECASE)


def _distribute(text: str, spans: list[tuple[int, int]], effects: Lexicon,
                ) -> tuple[list[tuple[int, int]], dict[tuple[int, int], str]]:
    """Shared words of a coordination: 'blurred or double vision' names blurred vision, 'trouble
    breathing or swallowing' trouble swallowing, 'nausea and vomiting' two effects. Returns the
    spans and, for those whose words are not the effect's name alone, the name to look up."""
    aliases: dict[tuple[int, int], str] = {}
    out: list[tuple[int, int]] = []
    for i, (start, end) in enumerate(spans):
        phrase = text[start:end]
        words = phrase.split()
        both = _BOTH.search(phrase)
        if both and effects.lookup(phrase):
            left, right = (start, start + both.start()), (start + both.end(), end)
            if all(effects.lookup(text[a:b]) for a, b in (left, right)):
                out += [left, right]  # "nausea and vomiting": a term of its own, two effects to a reader
                continue
        out.append((start, end))
        if effects.lookup(phrase) or len(words) != 1:
            continue
        after = spans[i + 1] if i + 1 < len(spans) else None
        before = spans[i - 1] if i else None
        if after and _COORDINATOR.match(text[end:after[0]]):
            tail = text[after[0]:after[1]].split()
            for n in (1, 2):
                if len(tail) > n and effects.lookup(f"{phrase} {' '.join(tail[-n:])}"):
                    aliases[(start, end)] = f"{phrase} {' '.join(tail[-n:])}"
                    break
            else:
                if len(tail) >= 3:  # "cutaneous or systemic lupus erythematosus"
                    aliases[(start, end)] = f"{phrase} {' '.join(tail[1:])}"
        if (start, end) not in aliases and before and _COORDINATOR.match(text[before[1]:start]):
            head = text[before[0]:before[1]].split()
            for n in (1, 2):
                if len(head) > n and effects.lookup(f"{' '.join(head[:n])} {phrase}"):
                    aliases[(start, end)] = f"{' '.join(head[:n])} {phrase}"
                    break
    return out, aliases


_WITH = re.compile(r"\s+with\s+", re.IGNORECASE)


def _split_with(text: str, spans: list[tuple[int, int]], effects: Lexicon) -> list[tuple[int, int]]:
    """'anaphylaxis with breathing difficulty', 'weight loss with increased appetite': two effects
    when either side is a known one and the whole is not."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        phrase = text[start:end]
        joint = _WITH.search(phrase)
        if joint and effects.lookup(phrase) is None and not _named_in_gloss(text, end, effects):
            head, tail = (start, start + joint.start()), (start + joint.end(), end)
            if effects.lookup(text[head[0]:head[1]]) or effects.lookup(text[tail[0]:tail[1]]):
                out += [head, tail]
                continue
        out.append((start, end))
    return out


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
    qualifier = _QUALIFIER.search(sentence.text) if sentence.block_kind == "item" else None
    own = sentence.text[:qualifier.start()] if qualifier else sentence.text  # "..., particularly with NSAIDs"
    if _INTERACTION_CUE.search(own) or (sentence.lead and _INTERACTION_CUE.search(sentence.lead)):
        return False
    if sentence.section in AE_SECTIONS:
        return True
    if sentence.block_kind == "item" and sentence.lead and _AE_CUE.search(sentence.lead):
        return sentence.section not in _SKIP_SECTIONS or bool(re.search(r"side[- ]effect|symptom", sentence.lead, re.IGNORECASE))
    if sentence.section in _NO_STATEMENT_SECTIONS:
        return False
    text = sentence.text
    label = LABEL.match(text)
    if _CONTEXT_CUE.search(text) and (_TRIGGER.search(text) or (label and _CONTEXT_CUE.search(label.group(1)))):
        return True  # "Discontinuation symptoms include ...", even in a dosing section
    if sentence.section in _SKIP_SECTIONS:
        return False
    return bool(re.search(r"\bside[- ]effects?\b|\badverse\b", text, re.IGNORECASE) or _LISTED_AFTER_CUE.search(text))


def extract_adverse_effects(doc: Document, drug_names: re.Pattern[str] | None = None) -> list[dict[str, Any]]:
    """Effect rows of a document; `drug_names` (the document's drug) keeps "Pristiq 50 mg per day"
    out of what the tagger finds."""
    rows: list[dict[str, Any]] = []
    tagged: list[dict[str, Any]] = []  # a label names "Hypersensitivity Reactions" as a reaction of its own
    effects, agents, extra = effect_lexicon(), agent_lexicon(), _extra_terms.get()
    label = is_label(doc)
    tagger = _label_tagger() if label else None
    for sentence in doc.sentences:
        scan_all = label and sentence.section in _LABEL_AE_SECTIONS
        if tagger and scan_all:
            tagged += _tagged_rows(doc, sentence, tagger, effects, drug_names)
            continue
        if sentence.block_kind in ("heading", "table_row") or not (scan_all or _in_ae_context(sentence)):
            continue  # table rows are read by column in ae_tables
        text = sentence.text
        spans = [s for s in (_trimmed(text, a, b) for a, b in _merge_of_lists(text, _candidates(sentence))) if s]
        is_item = sentence.block_kind == "item" and sentence.start == doc.lines[sentence.block_index].start
        listed = is_item and len(_PAREN.sub("", text).split()) <= 8
        ae_lead = bool(sentence.block_kind == "item" and sentence.lead and _AE_CUE.search(sentence.lead))
        if scan_all or sentence.section in AE_SECTIONS or (ae_lead and sentence.section not in _SKIP_SECTIONS):
            known = effects.scan(text) + (extra.scan(text) if extra else [])
            conditions = condition_lexicon().scan(text) if known else []
            # "postherpetic neuralgia trials": a word inside a longer condition's name is no effect
            spans += [(m.start, m.end) for m in known
                      if not any(c.start <= m.start and m.end <= c.end and c.end - c.start > m.end - m.start
                                 for c in conditions)]
        # unmapped phrases count only where the structure says "this is an effect"
        open_vocabulary = listed or bool(_STRONG_TRIGGER.search(text)) or _bare_list(sentence)
        region = _signs_region(sentence)
        if region:
            spans = [(a, min(b, region[0])) if a < region[0] < b else (a, b) for a, b in spans
                     if not (region[0] <= a and b <= region[1])]
            spans = [s for s in (_trimmed(text, a, b) for a, b in spans) if s]
        spans = [(a, b) for a, b in _split_with(text, spans, effects) if not _circumstance(text, a)]
        spans, aliases = _distribute(text, sorted(set(spans)), effects)
        taken: list[tuple[int, int]] = []
        names: set[str] = set()
        for start, end in sorted(set(spans), key=lambda s: (s[0], -(s[1] - s[0]))):
            phrase = text[start:end]
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            looked_up = aliases.get((start, end), phrase)
            concept = effects.lookup(looked_up) or (extra.lookup(looked_up) if extra else None)
            if concept is None or concept.id in _SWELLING_IDS:
                concept = _named_in_gloss(text, end, effects) or _angioedema(sentence, phrase, effects) or concept
            if concept is None:
                words = phrase.split()
                if (not open_vocabulary or len(words) > 5 or _is_generic(phrase) or re.search(r"\d", phrase)
                        or (not listed and len(words) > 4) or words[0].lower() in ("of", "at", "to", "in", "with")
                        or agents.lookup(phrase) or not re.match(r"[A-Za-z]", phrase)):
                    continue
            name = concept.name.lower() if concept else looked_up.lower()
            if (is_negated(text, start) or name in names or _NOT_AN_EFFECT.match(phrase)
                    or (text.rstrip().endswith(":") and _names_context(phrase))):  # "Allergic reaction - get help if:"
                continue  # one row per effect per statement
            names.add(name)
            taken.append((start, end))
            rows.append(_row(doc, sentence, start, end, concept, name))
    tables = extract_table_effects(doc)
    in_tables = [(t["span_start"], t["span_end"]) for t in tables]
    rows = _without_bare_allergy(rows) + tagged
    return [r for r in rows if not any(a < r["span_end"] and r["span_start"] < b for a, b in in_tables)] + tables


def _tagged_rows(doc: Document, sentence: Sentence, tagger: MentionTagger, effects: Lexicon,
                 drug_names: re.Pattern[str] | None) -> list[dict[str, Any]]:
    """A label sentence read by the learnt tagger: every mention it finds, headings and table
    cells included (a table row's figures come from `ae_tables`, which wins on overlap)."""
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for start, end in tagger.tag(sentence.text):
        phrase = sentence.text[start:end]
        if (phrase.lower() in seen or is_negated(sentence.text, start) or _NOT_AN_EFFECT.match(phrase)
                or NOT_AN_EFFECT_CELL.match(phrase) or _is_generic(phrase) or (drug_names and drug_names.search(phrase))):
            continue
        seen.add(phrase.lower())
        concept = effects.lookup(phrase)
        rows.append(_row(doc, sentence, start, end, concept, concept.name.lower() if concept else phrase.lower()))
    return rows


def _row(doc: Document, sentence: Sentence, start: int, end: int, concept: Concept | None, name: str) -> dict[str, Any]:
    """One adverse effect row: the effect at text[start:end] with what the statement says about it."""
    text = sentence.text
    phrase = text[start:end]
    rest = text[:start] + text[end:]
    own = _OWN_PCT.match(text, end)  # "dizziness (16%)": the item's own figure wins
    frequency = (frequency_of(own.group(1)) if own else
                 frequency_of(text if sentence.block_kind == "item" else rest, sentence.lead, sentence.heading))
    serious = (sentence.section == "serious_adverse_effects"
               or any(bool(t and _SERIOUS.search(t)) for t in (rest, sentence.lead, sentence.heading)))
    route = _ROUTE.search(text) or (sentence.lead and _ROUTE.search(sentence.lead))
    return {
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
        "context": _context(sentence, phrase if _ALLERGIC.search(phrase) else rest,
                            sentence.lead, sentence.heading),
        "route": route.group(1).lower() if route else None,
        "section": sentence.section,
        "evidence": text,
        "span_start": sentence.start + start,
        "span_end": sentence.start + end,
    }


_ALLERGY = {"HP:0012393", "HP:0100326"}  # allergy, immunologic hypersensitivity
# Edema, facial edema, swollen lip or tongue: in an allergic reaction a pharmacist names these angioedema.
_SWELLING_IDS = {"HP:0000969", "HP:0000282", "HP:0031244", "HP:0040315", "HP:0011855"}
_FACE_SWELLING = re.compile(r"^(?:facial swelling|swelling of (?:the |your )?(?:face|lips?|tongue|throat|mouth|eyelids))\b",
                            re.IGNORECASE)
_GLOSS = re.compile(r"\s*\(([^()]{3,40})\)")


def _named_in_gloss(text: str, end: int, effects: Lexicon) -> Concept | None:
    """'ringing in the ears (tinnitus)': the bracket gives the term's name."""
    gloss = _GLOSS.match(text, end)
    return effects.lookup(gloss.group(1)) if gloss else None


def _angioedema(sentence: Sentence, phrase: str, effects: Lexicon) -> Concept | None:
    if _FACE_SWELLING.match(phrase) and any(t and _ALLERGIC.search(t) for t in (sentence.text, sentence.lead, sentence.heading)):
        return effects.lookup("angioedema")
    return None


def _without_bare_allergy(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """'Allergic reactions such as hives and angioedema': the signs are the effects, the
    reaction is their context."""
    by_statement = Counter((row["doc_id"], row["evidence"]) for row in rows)
    return [r for r in rows if not (r["effect_id"] in _ALLERGY and by_statement[(r["doc_id"], r["evidence"])] > 1)]
