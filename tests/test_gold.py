"""Our own gold (tests/gold/): every file follows the schema, and accuracy stays above its floors."""

from pathlib import Path

import pytest

from drugdata.evaluate.gold import evaluate_gold, gold_pages, validate_gold

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "tests" / "gold"
SEEDS = REPO.parent / "shared" / "seeds"

# Floors a little below the figures measured on 2026-11-22 (see README, "Accuracy on our own gold").
# Raise them when the extractors improve; a drop below means a regression.
F1_FLOORS = {
    "seeds": {"indications": 0.95, "adverse_effects": 0.9, "interactions": 0.9, "dosing": 0.95},
    "raw": {"indications": 0.93, "adverse_effects": 0.92, "interactions": 0.92, "dosing": 0.96},
}
RATIO_FLOORS = {
    "seeds": {"frequency_class": 0.95, "status": 0.9, "dose_found": 0.95, "effect_hpo": 0.9},
    "raw": {"frequency_class": 0.93, "status": 0.82, "dose_found": 0.97, "effect_hpo": 0.9},
}


@pytest.mark.parametrize("corpus", ["raw", "seeds"])
def test_gold_files_follow_the_schema(corpus):
    pages = gold_pages(GOLD, corpus)
    assert pages, f"no gold under tests/gold/{corpus}"
    problems = {path: validate_gold(gold) for path, gold in pages.items()}
    assert not {path: p for path, p in problems.items() if p}


def test_raw_gold_covers_every_page_of_the_corpus():
    pages = gold_pages(GOLD, "raw")
    assert all((REPO / "raw" / path).is_file() for path in pages)
    corpus = {str(p.relative_to(REPO / "raw")) for p in (REPO / "raw").rglob("*.*")
              if p.name != "manifest.csv" and not p.name.endswith(".meta.json")}
    assert corpus == set(pages)


def test_validate_gold_catches_bad_values():
    bad = {"drug": "x", "adverse_effects": [{"effect": "rash", "frequency_class": "often", "context": "therapy", "serious": False}],
           "dosing": [{"route": "oral", "population": "adult", "phase": "usual", "amount": "ten", "unit": "mg", "basis": "per_day"}]}
    problems = validate_gold(bad)
    assert any("frequency_class" in p for p in problems) and any("amount" in p for p in problems)


@pytest.fixture(scope="module")
def figures():
    return {"raw": evaluate_gold(GOLD, "raw", REPO / "raw"),
            "seeds": evaluate_gold(GOLD, "seeds", SEEDS) if SEEDS.is_dir() else None}


@pytest.mark.parametrize("corpus", ["raw", "seeds"])
def test_accuracy_floors(figures, corpus):
    result = figures[corpus]
    if result is None:
        pytest.skip("../shared/seeds not present")
    assert not result["errors"], result["errors"]
    assert result["pages"] == len(gold_pages(GOLD, corpus))
    for table, floor in F1_FLOORS[corpus].items():
        assert result[table]["f1"] >= floor, (corpus, table, result[table])
    for name, floor in RATIO_FLOORS[corpus].items():
        assert result[name]["accuracy"] >= floor, (corpus, name, result[name])
    assert result["boilerplate_lines"] == 0, result["boilerplate_examples"]
