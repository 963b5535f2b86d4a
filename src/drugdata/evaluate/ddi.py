"""NLM DDI: cardiovascular label pages (.txt) fed as text labels; interacting agents scored
against the gold precipitants of the ddi="true" pairs (the label's own drug left out). Rows whose
agent_role says the label's drug acts on the agent (an object, not a precipitant) are not scored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree

from drugdata.evaluate.feed import run_files
from drugdata.evaluate.scoring import Score, norm, score_sets

__all__ = ["evaluate_ddi", "gold_precipitants"]

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def gold_precipitants(xml: Path) -> set[str]:
    """Texts of the precipitants (`hasPrecipitant`) of the label's drug interactions, the
    label's own drug (brand or generic) left out."""
    root = etree.parse(str(xml), _PARSER).getroot()
    own = {norm(e.get("name", "")) for e in root.iter("labelDrug", "generic")}
    found: set[str] = set()
    for sentence in root.iter("sentence"):
        entities = {e.get("id"): e.get("text", "") for e in sentence.iter("entity") if e.get("text")}
        for relation in sentence.iter("relation"):
            if relation.get("type") != "hasPrecipitant":
                continue
            for ref in relation.iter("entity"):
                text = entities.get(ref.get("id"), "")
                if text and norm(text) not in own:
                    found.add(text)
    return found


def evaluate_ddi(folder: Path, limit: int | None = None) -> dict[str, Any]:
    pages = sorted(p for p in folder.glob("*.txt") if p.with_suffix(".xml").exists())[:limit]
    files: dict[str, str | dict[str, Any]] = {p.name: p.read_text(encoding="utf-8", errors="replace") for p in pages}
    strict, lenient = Score(), Score()
    quarantined = []
    for name, state in run_files(files):
        gold = gold_precipitants(folder / Path(name).with_suffix(".xml").name)
        rows = state.facts.get("interactions", []) if state.ok else []
        if not state.ok:
            quarantined.append(f"{name}: {state.source['reason']}")
        # the benchmark annotates precipitants: agents the label's drug acts on are not scored
        s, l_ = score_sets([r["agent"] for r in rows if r.get("agent_role") != "object"], gold)
        strict.add(s)
        lenient.add(l_)
    return {"labels": len(pages), "strict": strict.figures(), "lenient": lenient.figures(), "quarantined": quarantined}
