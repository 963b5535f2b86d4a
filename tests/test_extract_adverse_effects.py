from drugdata.extract.adverse_effects import extract_adverse_effects

PAGE = """Baclofen guide

Side effects

Common side effects (occurring in more than 10% of patients) of oral baclofen include:

  • Drowsiness
  • Dizziness (vertigo)

Less common but more serious side effects can include:

  • Seizures
  • Respiratory depression (especially with intrathecal use)

In rare cases, baclofen can cause hallucinations, confusion, or slurred speech.
Baclofen is not associated with weight gain.

Withdrawal

Stopping baclofen abruptly can cause high fever, muscle rigidity and delirium.
"""


def _rows(document):
    return {row["effect"]: row for row in extract_adverse_effects(document(PAGE))}


def test_list_items_take_frequency_from_their_lead(document):
    rows = _rows(document)
    assert rows["Drowsiness"]["frequency_class"] == "very_common"
    assert rows["Drowsiness"]["frequency_low_pct"] == 10.0
    assert rows["Drowsiness"]["effect_id"] == "HP:0002329"
    assert rows["Dizziness"]["effect_name"] == "vertigo"  # normalized to the HPO label
    assert rows["Seizures"]["frequency_class"] == "uncommon" and rows["Seizures"]["serious"]
    assert not rows["Drowsiness"]["serious"]


def test_route_and_prose_enumeration(document):
    rows = _rows(document)
    assert rows["Respiratory depression"]["route"] == "intrathecal"
    for effect in ("hallucinations", "confusion", "slurred speech"):
        assert rows[effect]["frequency_class"] == "rare"


def test_withdrawal_context_and_negation(document):
    rows = _rows(document)
    assert {rows[e]["context"] for e in ("high fever", "muscle rigidity", "delirium")} == {"withdrawal"}
    assert rows["Drowsiness"]["context"] == "therapy"
    assert "weight gain" not in rows


def test_spans_point_at_the_effect(document):
    doc = document(PAGE)
    for row in extract_adverse_effects(doc):
        assert doc.clean_text[row["span_start"]:row["span_end"]] == row["effect"]
        assert row["effect"] in row["evidence"]


def test_boilerplate_never_becomes_an_effect(document):
    page = PAGE + "\nBuy baclofen online cheap - shop now with discount\nScroll to top\n"
    effects = {row["effect"].lower() for row in extract_adverse_effects(document(page))}
    assert not any("buy" in e or "scroll" in e for e in effects)


def _effects(document, page):
    return {r["effect_name"]: r for r in extract_adverse_effects(document(page))}


def test_signs_of_a_named_reaction_are_not_effects_but_allergic_signs_are(document):
    page = """Baclofen guide

Baclofen is a muscle relaxant; this page is about baclofen.

Side effects

  • Liver injury: nausea, dark urine, yellow skin or eyes.
  • low magnesium — muscle cramps, tremors, seizures
  • Serotonin syndrome (agitation, fever, sweating) is rare.
  • Allergic reaction: hives, swelling of the face, lips or tongue, trouble breathing.
"""
    effects = _effects(document, page)
    # in an allergic reaction, swelling of the face, lips or tongue is angioedema
    assert {"abnormality of the liver", "hypomagnesemia", "urticaria", "angioedema", "dyspnea"} <= set(effects)
    assert not set(effects) & {"nausea", "dark urine", "jaundice", "tremor", "seizure", "fever", "allergy"}
    assert effects["urticaria"]["context"] == "allergic"


def test_effects_stated_outside_a_side_effect_section(document):
    page = """Baclofen guide

Baclofen is a muscle relaxant; this page is about baclofen.

Dosing

The dose is lowered slowly at the end of treatment.
Discontinuation symptoms include irritability, electric-shock-like sensations and insomnia.
Below: what it is for, how much is too much, and what to avoid.

Warnings

Other serious problems: heart failure, kidney damage and anemia.
An allergic reaction shows up as hives and breathing difficulty.
It should not be used after a recent heart attack.
These stomach problems are worst in the first weeks and improve later.
"""
    effects = _effects(document, page)
    assert {"irritability", "insomnia", "congestive heart failure", "nephropathy", "anemia", "urticaria",
            "dyspnea"} <= set(effects)
    assert effects["irritability"]["context"] == "withdrawal"
    assert effects["urticaria"]["context"] == "allergic"
    assert not set(effects) & {"sensations", "below", "how much", "myocardial infarction", "improve"}


def test_glosses_joined_effects_and_circumstances(document):
    page = """Baclofen guide

Baclofen is a muscle relaxant; this page is about baclofen.

Side effects

  • ringing in the ears (tinnitus)
  • anaphylaxis with breathing difficulty
  • hypomania in bipolar disorder
  • eye pain with vision changes (angle-closure glaucoma)
"""
    effects = _effects(document, page)
    assert {"tinnitus", "anaphylactic shock", "dyspnea", "mania", "angle closure glaucoma"} <= set(effects)
    assert not set(effects) & {"bipolar affective disorder", "ocular pain", "abnormality of vision"}


def test_shared_words_of_a_coordination(document):
    page = """Baclofen guide

Baclofen is a muscle relaxant; this page is about baclofen.

Side effects

Other side effects include blurred or double vision, nausea and vomiting, and trouble breathing or swallowing.
"""
    effects = _effects(document, page)
    assert {"blurred vision", "diplopia", "nausea", "vomiting", "dyspnea", "dysphagia"} <= set(effects)
    assert "blurred" not in effects and "swallowing" not in effects


def test_labels_naming_a_context_set_it_and_are_not_effects(document):
    page = """Baclofen guide

Baclofen is a muscle relaxant; this page is about baclofen.

Side effects

  • Overdose: double vision, slurred speech and lethargy.
  • Stopping suddenly: seizures and anxiety.
"""
    rows = extract_adverse_effects(document(page))
    contexts = {r["effect_name"]: r["context"] for r in rows}
    assert contexts["diplopia"] == "overdose" and contexts["seizure"] == "withdrawal"
    assert not any(name in ("overdose", "stopping suddenly") for name in contexts)


def test_the_conditions_of_the_patients_at_risk_are_not_effects(document):
    page = """Baclofen guide

Baclofen is a muscle relaxant; this page is about baclofen.

Side effects

In postherpetic neuralgia trials, the most common adverse reactions were dizziness (28%) and somnolence (21%).
Other serious risks are mania in people with bipolar disorder, and seizures.
"""
    names = set(_effects(document, page))
    assert {"vertigo", "drowsiness", "seizure"} <= names
    assert not names & {"neuralgia", "bipolar affective disorder"}
