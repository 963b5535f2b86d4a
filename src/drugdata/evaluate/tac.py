"""TAC 2017 adverse drug reactions: labels fed as openFDA JSON, adverse effects scored per label.

Two settings: the shipped vocabulary alone, and with a lexicon of the gold mentions of the
*other* labels (k folds by label), the "plain lookup" a learnt system starts from.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from drugdata.evaluate.feed import run_files
from drugdata.evaluate.scoring import Score, norm, score_sets
from drugdata.extract.adverse_effects import extra_effect_terms
from drugdata.normalize import Lexicon
from drugdata.vocabulary import Concept

__all__ = ["evaluate_tac", "load_tac"]

_FIELDS = {"adverse reactions": "adverse_reactions", "warnings and precautions": "warnings_and_cautions",
           "boxed warnings": "boxed_warning"}


def load_tac(path: Path, limit: int | None = None) -> dict[str, dict[str, Any]]:
    """label_id -> {"record": openFDA-shaped JSON, "mentions": gold mention strings, "pts": PT names}."""
    labels: dict[str, dict[str, Any]] = {}
    for entry in json.loads(path.read_text(encoding="utf-8")):
        label = labels.setdefault(entry["label_id"], {
            "record": {"openfda": {"brand_name": [entry["label_id"]], "generic_name": [entry["label_id"]]}},
            "mentions": set(), "pts": set(), "pt_of": {}})
        label["record"][_FIELDS[entry["section_name"]]] = [entry["section_text"]]
        for event in entry["adverse_events"]:
            mention, pt = str(event[0]), str(event[1] or "")
            label["mentions"].add(mention)
            if pt:
                label["pts"].add(pt)
    ids = sorted(labels)[:limit] if limit else sorted(labels)
    return {i: labels[i] for i in ids}


def _lexicon(labels: dict[str, dict[str, Any]], exclude: set[str]) -> Lexicon:
    entries = [(m, Concept(None, m, "effect")) for lid, label in labels.items() if lid not in exclude
               for m in sorted(label["mentions"])]
    return Lexicon(entries, min_chars=3)


def _effects(state: Any) -> list[dict[str, Any]]:
    return state.facts.get("adverse_effects", []) if state.ok else []


def evaluate_tac(path: Path, limit: int | None = None, folds: int = 5) -> dict[str, Any]:
    """Strict/lenient P/R/F1 on mentions and strict on MedDRA PT names, both settings."""
    labels = load_tac(path, limit)
    ids = sorted(labels)
    results: dict[str, Any] = {"labels": len(ids), "folds": folds}
    for setting in ("vocabulary", "vocabulary + other-fold mentions"):
        strict, lenient, pt = Score(), Score(), Score()
        quarantined: list[str] = []
        for fold in range(folds if setting != "vocabulary" else 1):
            held = {lid for k, lid in enumerate(ids) if k % folds == fold} if setting != "vocabulary" else set(ids)
            files = {f"{lid}.json": labels[lid]["record"] for lid in sorted(held)}
            runs = list(_run(files, _lexicon(labels, held) if setting != "vocabulary" else None))
            for name, state in runs:
                label = labels[name.removesuffix(".json")]
                if not state.ok:
                    quarantined.append(f"{name}: {state.source['reason']}")
                rows = _effects(state)
                s, l_ = score_sets([r["effect"] for r in rows], label["mentions"])
                strict.add(s)
                lenient.add(l_)
                gold_pts = {norm(p) for p in label["pts"]}
                pred_pts = {next((n for n in (norm(r["effect"]), norm(r["effect_name"])) if n in gold_pts), norm(r["effect"]))
                            for r in rows}
                pt.add(score_sets(pred_pts, gold_pts)[0])
        results[setting] = {"strict": strict.figures(), "lenient": lenient.figures(), "meddra_pt": pt.figures(),
                            "quarantined": quarantined}
    return results


def _run(files: dict[str, Any], lexicon: Lexicon | None) -> list[tuple[str, Any]]:
    if lexicon is None:
        return list(run_files(files))
    with extra_effect_terms(lexicon):
        return list(run_files(files))


def by_label(path: Path) -> dict[str, set[str]]:
    """Gold mentions per label (for inspection)."""
    out: dict[str, set[str]] = defaultdict(set)
    for lid, label in load_tac(path).items():
        out[lid] = label["mentions"]
    return out
