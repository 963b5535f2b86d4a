"""Score the pipeline against our own gold: pharmacist-written facts for `raw/` pages and the seeds.

Gold lives in `tests/gold/` (schema in its README): one YAML per page. Each page with gold is run
through `pipeline.run_document`; predictions are matched to gold per table by name (normalized
key or lexicon concept, plus the gold item's `also` names), and figures are micro-averaged over
pages on unique items per page.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from drugdata import pipeline
from drugdata.clean import is_boilerplate
from drugdata.contracts import CONTEXTS, FREQUENCY_CLASSES, PHASES, RECOMMENDATIONS
from drugdata.evaluate.scoring import Score
from drugdata.models import Block
from drugdata.normalize import Lexicon, agent_lexicon, condition_lexicon, effect_lexicon, key
from drugdata.readers.html import row_block
from drugdata.readers.metadata import load_manifest

__all__ = ["Ratio", "evaluate_gold", "gold_markdown", "gold_pages", "run_gold", "validate_gold"]

_UNITS = {"mg", "mcg", "g", "mg/kg", "mcg/kg", "%", "mL"}
_TABLES = {"indications": ("condition", "condition_name", condition_lexicon),
           "adverse_effects": ("effect", "effect_name", effect_lexicon),
           "interactions": ("agent", "agent_name", agent_lexicon)}


@dataclass
class Ratio:
    hit: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.hit, self.total = self.hit + ok, self.total + 1

    @property
    def value(self) -> float:
        return round(self.hit / self.total, 3) if self.total else 0.0


def validate_gold(gold: dict[str, Any]) -> list[str]:
    """Problems with one gold file against the schema in tests/gold/README.md (empty when valid)."""
    allowed: dict[str, set[Any]] = {"status": {"approved", "off_label", "investigational"}, "frequency_class": set(FREQUENCY_CLASSES),
               "context": set(CONTEXTS), "recommendation": {*RECOMMENDATIONS, None}, "phase": set(PHASES),
               "unit": _UNITS, "basis": {"per_dose", "per_day"}, "serious": {True, False}}
    fields = {"indications": ("condition", "status"), "interactions": ("agent", "recommendation"),
              "adverse_effects": ("effect", "frequency_class", "context", "serious"),
              "dosing": ("route", "population", "phase", "amount", "unit", "basis")}
    problems = [] if isinstance(gold.get("drug"), str) else ["drug: missing"]
    for table, names in fields.items():
        for i, item in enumerate(gold.get(table) or []):
            extra = set(item) - {*names, "also"}
            problems += [f"{table}[{i}]: unknown field {f}" for f in sorted(extra)]
            for name in names:
                if name not in item:
                    problems.append(f"{table}[{i}]: missing {name}")
                elif name in allowed and item[name] not in allowed[name]:
                    problems.append(f"{table}[{i}]: {name}={item[name]!r} not allowed")
            if table == "dosing" and _amount(str(item.get("amount", ""))) is None:
                problems.append(f"{table}[{i}]: amount {item.get('amount')!r} is not N or N-M")
    return problems


def _amount(text: str) -> tuple[float, float] | None:
    try:
        low, _, high = text.partition("-")
        return float(low), float(high or low)
    except ValueError:
        return None


def gold_pages(gold_root: Path, corpus: str) -> dict[str, dict[str, Any]]:
    """Gold by page path relative to the corpus root ('raw' or 'seeds')."""
    folder = gold_root / corpus
    return {str(p.relative_to(folder))[: -len(".yaml")]: yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted(folder.rglob("*.yaml"))}


def _names(phrases: Iterable[str], lexicon: Lexicon) -> set[str]:
    out: set[str] = set()
    for phrase in phrases:
        concept = lexicon.lookup(phrase)
        out |= {key(phrase)} | ({key(concept.name)} if concept else set()) | ({concept.id} if concept and concept.id else set())
    return out - {""}


def _score_names(gold_items: list[set[str]], pred_items: list[set[str]]) -> Score:
    tp_p = sum(any(p & g for g in gold_items) for p in pred_items)
    tp_r = sum(any(g & p for p in pred_items) for g in gold_items)
    return Score(tp_p, len(pred_items), tp_r, len(gold_items))


def _unique(rows: list[dict[str, Any]], raw: str, normalized: str, lexicon: Lexicon) -> list[set[str]]:
    groups: dict[str, set[str]] = {}
    for row in rows:
        names = _names([row[raw], row[normalized]], lexicon)
        groups.setdefault(key(row[normalized] or row[raw]), set()).update(names)
    return list(groups.values())


def _gold_names(items: list[dict[str, Any]], field: str, lexicon: Lexicon) -> list[set[str]]:
    groups: dict[str, set[str]] = {}
    for item in items:
        groups.setdefault(key(item[field]), set()).update(_names([item[field], *item.get("also", [])], lexicon))
    return list(groups.values())


class _Tally:
    """Running figures for one corpus."""

    def __init__(self) -> None:
        self.tables = {t: Score() for t in (*_TABLES, "dosing")}
        self.ratios = {n: Ratio() for n in ("frequency_class", "context", "status", "recommendation",
                                            "dose_found", "dose_route", "dose_phase", "effect_hpo")}
        self.boilerplate: list[str] = []
        self.errors: list[str] = []
        self.pages = 0

    def figures(self) -> dict[str, Any]:
        return {"pages": self.pages, **{t: s.figures() for t, s in self.tables.items()},
                **{n: {"accuracy": r.value, "n": r.total} for n, r in self.ratios.items()},
                "boilerplate_lines": len(self.boilerplate), "boilerplate_examples": self.boilerplate[:5],
                "errors": self.errors[:10]}


def _attribute(tally: _Tally, name: str, gold_items: list[dict[str, Any]], field: str, attr: str,
               rows: list[dict[str, Any]], raw: str, normalized: str, lexicon: Lexicon,
               skip: Iterable[Any] = ()) -> None:
    """Accuracy of one attribute over gold items the predictions matched (same context for effects)."""
    for item in gold_items:
        if item[attr] in skip:
            continue
        names = _names([item[field], *item.get("also", [])], lexicon)
        matched = [r for r in rows if _names([r[raw], r[normalized]], lexicon) & names]
        if attr == "frequency_class":
            in_context = [r for r in matched if r["context"] == item["context"]]
            matched = in_context or matched
            stated = {r[attr] for r in matched} - {"unknown"}
            values = stated or {r[attr] for r in matched}
        else:
            values = {r[attr] for r in matched}
        if matched:
            tally.ratios[name].add(item[attr] in values)


def _dosing(tally: _Tally, gold: list[dict[str, Any]], rows: list[dict[str, Any]]) -> None:
    def facts(row: dict[str, Any]) -> list[tuple[float, float, str]]:
        out = [(row["dose_min"], row["dose_max"], row["dose_unit"])] if row.get("dose_min") is not None else []
        if row.get("max_daily_dose") is not None:
            out.append((row["max_daily_dose"], row["max_daily_dose"], row["max_daily_dose_unit"]))
        return [(float(lo), float(hi if hi is not None else lo), str(unit)) for lo, hi, unit in out]

    predicted = {f for row in rows for f in facts(row)}
    wanted = {(*_amount(g["amount"]), g["unit"]) for g in gold}  # type: ignore[misc]
    tally.tables["dosing"].add(Score(len(predicted & wanted), len(predicted), len(predicted & wanted), len(wanted)))
    for item in gold:
        fact = (*_amount(item["amount"]), item["unit"])  # type: ignore[misc]
        same = [r for r in rows if fact in facts(r)]
        tally.ratios["dose_found"].add(bool(same))
        if same:
            tally.ratios["dose_route"].add(any(r.get("route") == item["route"] for r in same))
            tally.ratios["dose_phase"].add(any(r.get("regimen_phase") == item["phase"] for r in same))


def _evidence_block(line: str) -> Block:
    """Evidence keeps no block kind: a line of cells with figures or prose is a table row (a
    menu's "Home | Drugs | Shop" cells are short link labels)."""
    cells = [c.strip() for c in line.split(" | ")]
    row = row_block(cells) if len(cells) >= 2 and any(re.search(r"\d", c) or len(c.split()) >= 3 for c in cells) else None
    return row or Block("item", line)


def _score_page(tally: _Tally, state: pipeline.DocState, gold: dict[str, Any]) -> None:
    facts = state.facts
    for table, (field, normalized, lexicon_fn) in _TABLES.items():
        lexicon = lexicon_fn()
        rows, items = facts.get(table, []), gold.get(table) or []
        tally.tables[table].add(_score_names(_gold_names(items, field, lexicon), _unique(rows, field, normalized, lexicon)))
    effects = facts.get("adverse_effects", [])
    args = ("effect", "effect_name", effect_lexicon())
    _attribute(tally, "frequency_class", gold.get("adverse_effects") or [], "effect", "frequency_class",
               effects, *args, skip=["unknown"])
    _attribute(tally, "context", gold.get("adverse_effects") or [], "effect", "context", effects, *args)
    _attribute(tally, "status", gold.get("indications") or [], "condition", "status",
               facts.get("indications", []), "condition", "condition_name", condition_lexicon())
    _attribute(tally, "recommendation", gold.get("interactions") or [], "agent", "recommendation",
               facts.get("interactions", []), "agent", "agent_name", agent_lexicon(), skip=[None])
    _dosing(tally, gold.get("dosing") or [], facts.get("dosing", []))
    for row in effects:
        tally.ratios["effect_hpo"].add(bool(row.get("effect_id")))
    for table in (*_TABLES, "dosing"):
        for row in facts.get(table, []):
            for line in str(row.get("evidence", "")).splitlines():
                if line.strip() and is_boilerplate(_evidence_block(line)):
                    tally.boilerplate.append(f"{state.source['path']} [{table}]: {line.strip()[:80]}")


def evaluate_gold(gold_root: Path, corpus: str, pages_root: Path) -> dict[str, Any] | None:
    """Figures for one corpus ('raw' or 'seeds'), or None when the pages folder is absent."""
    if not pages_root.is_dir():
        return None
    manifest = load_manifest(pages_root)
    tally = _Tally()
    for path, gold in gold_pages(gold_root, corpus).items():
        state = pipeline.run_document(pages_root, path, manifest)
        if not state.ok:
            tally.errors.append(f"{path}: {state.source.get('reason')}")
            continue
        if state.drug_name != gold["drug"]:
            tally.errors.append(f"{path}: drug {state.drug_name!r}, gold {gold['drug']!r}")
        tally.pages += 1
        _score_page(tally, state, gold)
    return tally.figures()


def gold_markdown(results: dict[str, dict[str, Any] | None]) -> str:
    """One table per corpus: P/R/F1 per fact table, then the accuracy figures."""
    lines: list[str] = []
    for corpus, result in results.items():
        lines += [f"### {corpus}", ""]
        if result is None:
            lines += ["Skipped: pages folder not found.", ""]
            continue
        lines += [f"{result['pages']} pages with gold.", "",
                  "| table | precision | recall | F1 | predicted | gold |", "|---|---|---|---|---|---|"]
        for table in (*_TABLES, "dosing"):
            f = result[table]
            lines.append(f"| {table} | {f['precision']:.3f} | {f['recall']:.3f} | **{f['f1']:.3f}** | "
                         f"{f['n_pred']} | {f['n_gold']} |")
        lines += ["", "| measure | value | over |", "|---|---|---|"]
        for name in ("frequency_class", "context", "status", "recommendation", "dose_found", "dose_route",
                     "dose_phase", "effect_hpo"):
            lines.append(f"| {name.replace('_', ' ')} | {result[name]['accuracy']:.3f} | {result[name]['n']} |")
        lines += [f"| boilerplate lines in evidence | {result['boilerplate_lines']} | |", ""]
        lines += [f"- {e}" for e in result["errors"]] + ([""] if result["errors"] else [])
    return "\n".join(lines)


def run_gold(gold_root: Path, seeds_root: Path, write: str | None = None, raw_root: Path = Path("raw")) -> int:
    """`drugdata eval gold`: score seeds and raw/, print the tables, optionally write them as markdown."""
    results: dict[str, dict[str, Any] | None] = {}
    for corpus, root in (("seeds", seeds_root), ("raw", raw_root)):
        results[corpus] = evaluate_gold(gold_root, corpus, root)
        if results[corpus] is None:
            print(f"drugdata eval gold: {corpus} skipped, no pages under {root}", file=sys.stderr)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = f"## Accuracy on our own gold\n\nMeasured {stamp} with `drugdata eval gold`.\n\n" + gold_markdown(results)
    sys.stdout.write(text + "\n")
    if write:
        Path(write).write_text(text + "\n", encoding="utf-8")
        sys.stdout.write(f"wrote {write}\n")
    return 0
