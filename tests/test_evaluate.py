"""Accuracy floors on third-party gold (../shared/gold): a regression in extraction fails here.

Floors sit a little below the figures measured when they were set (bench/accuracy.md has the
full runs); TAC runs on its first 20 labels and the NLM DDI tagger on its first 40 (two folds) to
keep each under a minute.
"""

from pathlib import Path

import pytest

from drugdata.evaluate.ddi import evaluate_ddi, gold_precipitants, load_ddi
from drugdata.evaluate.runner import accuracy_markdown, run_benchmark
from drugdata.evaluate.scoring import overlaps, score_sets
from drugdata.evaluate.tac import evaluate_tac, label_sections, load_tac

GOLD = Path(__file__).resolve().parents[2] / "shared" / "gold"
needs_gold = pytest.mark.skipif(not GOLD.is_dir(), reason="../shared/gold not present: accuracy not measured")


def test_strict_and_lenient_scores():
    strict, lenient = score_sets(["Nausea", "peripheral neuropathy", "headache pain", "excerpt"],
                                 ["nausea", "peripheral sensory neuropathy", "dizziness"])
    assert (strict.tp_p, strict.n_pred, strict.tp_r, strict.n_gold) == (1, 4, 1, 3)
    assert (lenient.tp_p, lenient.tp_r) == (2, 2)  # "neuropathy" overlaps; "headache pain" does not
    assert overlaps("injection site pain", "pain") and not overlaps("increased appetite", "increased weight")


@needs_gold
def test_gold_readers():
    labels = load_tac(GOLD / "tac2017_adr" / "train.json", limit=3)
    assert len(labels) == 3 and all(label["mentions"] and label["record"]["adverse_reactions"] for label in labels.values())
    plavix = gold_precipitants(GOLD / "nlm_ddi" / "01b14603-8f29-4fa3-8d7e-9d523f802e0b.xml")
    assert {"omeprazole", "warfarin"} <= plavix and "Plavix" not in plavix


@needs_gold
def test_tac_adverse_effects_floor():
    """Rules alone, rules with the other folds' mentions, and the CRF tagger trained on the other
    folds (fewer iterations than `make accuracy`, to stay quick)."""
    result = evaluate_tac(GOLD / "tac2017_adr" / "train.json", limit=20, max_iterations=40)
    assert not result["vocabulary"]["quarantined"]
    shipped, lexicon = result["vocabulary"], result["vocabulary + other-fold mentions"]
    tagger = result["tagger trained on other folds"]
    assert shipped["strict"]["f1"] >= 0.62 and shipped["lenient"]["f1"] >= 0.80
    assert lexicon["strict"]["f1"] >= 0.66 and lexicon["lenient"]["f1"] >= 0.83
    assert tagger["strict"]["f1"] >= 0.73 and tagger["lenient"]["f1"] >= 0.87
    assert tagger["strict"]["f1"] > lexicon["strict"]["f1"] + 0.05  # learning beats looking up
    assert lexicon["meddra_pt"]["f1"] >= 0.46


@needs_gold
def test_nlm_ddi_precipitants_floor():
    """The rules on all 91 labels; the precipitant tagger trained on the other fold, on 40 labels
    (fewer iterations than `make accuracy`, to stay quick)."""
    rules = evaluate_ddi(GOLD / "nlm_ddi", folds=0)
    assert len(rules["quarantined"]) <= 1
    assert rules["strict"]["f1"] >= 0.46 and rules["lenient"]["f1"] >= 0.66
    result = evaluate_ddi(GOLD / "nlm_ddi", limit=40, folds=2, max_iterations=50)
    tagger = result["tagger trained on other folds"]
    assert tagger["strict"]["f1"] >= 0.52 and tagger["lenient"]["f1"] >= 0.74
    assert tagger["lenient"]["f1"] > result["lenient"]["f1"] + 0.04  # learning beats the rules


_XML = """<?xml version="1.0" encoding="UTF-8"?><document setID="x"><labelDrug name="Zentra"/><generic name="zentramab sodium"/>
<sentence id="s.1" text="Zentra with beta blockers (moderate and strong) is avoided." type="regular">
<entity charOffset="12:25" id="s.1.e.0" text="beta blockers" type="Drug_Class"/>
<entity charOffset="12:25|27:35" id="s.1.e.1" text="beta blockers moderate" type="Drug_Class"/>
<entity charOffset="0:6" id="s.1.e.2" text="Zentra" type="Drug"/>
<drugInteraction id="s.1.ddi.1"><interaction trigger="s.1.e.0"><relations>
<relation type="hasPrecipitant"><entity id="s.1.e.1"/></relation><relation type="hasObject"><entity id="s.1.e.2"/></relation>
</relations></interaction></drugInteraction></sentence>
<sentence id="s.2" text="Zentramab sodium raises the levels of digoxin and is raised by a long named inhibitor class." type="regular">
<entity charOffset="0:16" id="s.2.e.0" text="Zentramab sodium" type="Drug"/>
<entity charOffset="65:91|0:4" id="s.2.e.1" text="long named inhibitor class Zent" type="Drug_Class"/>
<drugInteraction id="s.2.ddi.1"><interaction trigger="s.2.e.0"><relations>
<relation type="hasPrecipitant"><entity id="s.2.e.0"/></relation>
<relation type="hasPrecipitant"><ellipsisSentence id="s.1" text="x"><entity id="s.1.e.9"/></ellipsisSentence></relation>
<relation type="hasPrecipitant"><entity id="s.2.e.1"/></relation>
</relations></interaction></drugInteraction></sentence></document>"""


def test_ddi_gold_reader_finds_precipitant_spans_in_the_page(tmp_path):
    page = ("ZENTRA (zentramab sodium) tablet\n\nZentra with beta blockers (moderate and strong) is avoided.\n"
            "Zentramab sodium raises the levels of digoxin and is raised by a long named inhibitor class.\n")
    (tmp_path / "zentra.txt").write_text(page, encoding="utf-8")
    (tmp_path / "zentra.xml").write_text(_XML, encoding="utf-8")
    label = load_ddi(tmp_path)["zentra.txt"]
    assert label["gold"] == {"beta blockers moderate", "long named inhibitor class Zent"}  # the own drug left out
    spans = [page[a:b] for a, b in label["training"].mentions]
    # a short discontiguous mention is tagged whole, a long one by its pieces; other sentences' refs are not read
    assert spans == ["beta blockers (moderate", "Zent", "Zentramab sodium", "long named inhibitor class"]
    assert label["training"].names.search("ZENTRA tablets") and label["training"].names.search("zentramab")


@needs_gold
def test_labeledin_conditions_floor():
    result = run_benchmark("labeledin", GOLD)
    assert result is not None
    assert result["strict"]["f1"] >= 0.54 and result["lenient"]["f1"] >= 0.75


def test_accuracy_markdown_names_commit_and_skips(tmp_path):
    text = accuracy_markdown({"ddi": None}, tmp_path, "drugdata eval ddi")
    assert "commit `" in text and "Skipped: gold not found" in text and "drugdata eval ddi" in text


def test_unannotated_tac_labels_are_read_by_section(tmp_path):
    (tmp_path / "ZENTRA.xml").write_text(
        '<?xml version="1.0"?><Label drug="zentra" track="TAC2017_ADR"><Text>'
        '<Section name="adverse reactions" id="S1">Nausea, quorbexia, headache.</Section>'
        '<Section name="boxed warnings" id="S2">Hepatotoxicity.</Section></Text></Label>', encoding="utf-8")
    (tmp_path / "OTHER.xml").write_text('<Label drug="other"><Text><Section name="warnings and precautions">'
                                        'Rash.</Section></Text></Label>', encoding="utf-8")
    labels = dict(label_sections(tmp_path))
    assert labels["zentra"] == {"adverse_reactions": ["Nausea, quorbexia, headache."], "boxed_warning": ["Hepatotoxicity."]}
    assert labels["other"] == {"warnings_and_cautions": ["Rash."]}
    assert [drug for drug, _ in label_sections(tmp_path, exclude={"zentra"})] == ["other"]  # gold labels left out
