"""Products: the dosage forms and strengths a page says the drug comes in."""

from __future__ import annotations

import re
from typing import Any

from drugdata.extract.quantities import (
    AMOUNT,
    dosage_form_of,
    route_of,
    to_number,
    unit_of,
    upper_amount,
)
from drugdata.models import Document

__all__ = ["extract_products"]

_CUE = re.compile(r"\b(available|comes? (in|as)|supplied|strengths?|sold as|tablets? (of|in)|formulations?)\b", re.IGNORECASE)
_SKIP = {"adverse_effects", "serious_adverse_effects", "withdrawal", "overdose", "interactions", "pregnancy"}


def extract_products(doc: Document) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for sentence in doc.sentences:
        if sentence.section in _SKIP or not _CUE.search(sentence.text):
            continue
        text = sentence.text
        form = dosage_form_of(text, sentence.heading)
        for match in AMOUNT.finditer(text):
            unit = unit_of(match.group("unit"))
            if unit not in ("mg", "mcg", "g", "mL", "units") or upper_amount(match):
                continue
            per = (match.group("per") or "").strip().lower()
            if per and "ml" in per:
                unit = unit + "/" + re.sub(r"^(per|/)\s*", "", per)
            elif per:
                continue  # "mg per day" is a dose, not a strength
            rows.append({
                "drug_id": doc.drug_id, "doc_id": doc.doc_id, "dosage_form": form,
                "route": route_of(form, text), "strength": to_number(match.group("a")),
                "strength_unit": unit, "section": sentence.section, "evidence": text,
                "span_start": sentence.start + match.start(), "span_end": sentence.start + match.end(),
            })
    return rows
