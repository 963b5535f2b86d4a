"""Who acts on whom in an interaction statement: the agent is the object when the document's drug
raises its levels ("Zentra raises serum digoxin levels"), the precipitant when it acts on the
document's drug ("cimetidine increases the concentrations of Zentra")."""

from __future__ import annotations

import re

from drugdata.extract.text_utils import clause_around

__all__ = ["agent_role"]

# "<the drug> raises serum digoxin levels", "slows the elimination of digoxin": the agent is the
# drug acted on (the object), not the one that precipitates the interaction
_ACTS_ON = re.compile(
    r"\b(?:increas|decreas|rais|lower|reduc|elevat|inhibit|slow|alter|potentiat|enhanc|prolong|affect|doubl|induc)\w*"
    r"\s+(?:(?:the|its|mean|serum|plasma|blood|steady[- ]state|trough|peak|systemic|apparent|renal)\s+)*"
    r"(?:(?:levels?|concentrations?|AUC|exposure|clearance|elimination|metabolism|effects?|activity|bioavailability|"
    r"half[- ]life|Cmax|volume of distribution)\s+(?:of\s+)?)?(?:the\s+)?$", re.IGNORECASE)
_LEVELS_AFTER = re.compile(r"^(?:'s)?\s+(?:(?:serum|plasma|blood|trough|peak)\s+)?(?:levels?|concentrations?|toxicity|exposure|"
                           r"AUC|clearance|bioavailability)\b", re.IGNORECASE)


def agent_role(text: str, start: int, end: int, own_spans: list[tuple[int, int]]) -> str | None:
    """object when the document's drug, named before in the clause, acts on the agent; precipitant
    when the agent, named first, acts on the document's drug."""
    clause = clause_around(text, start, end)
    offset = text.find(clause)
    own_before = [s for s, e in own_spans if offset <= s < start]
    own_after = [s for s, e in own_spans if end <= s < offset + len(clause)]
    if own_before and (_ACTS_ON.search(text[own_before[-1]:start][-120:]) or _LEVELS_AFTER.match(text[end:])):
        return "object"
    if own_after and (_ACTS_ON.search(text[end:own_after[0]][-120:]) or _LEVELS_AFTER.match(text[own_after[0]:])):
        return "precipitant"
    return None
