import pytest

from drugdata.extract.dosing import extract_dosing
from drugdata.extract.products import extract_products
from drugdata.extract.quantities import duration_days, frequency_per_day

PAGE = """Baclofen dosage

Baclofen is available as 5 mg, 10 mg and 20 mg tablets.
Adults: Treatment usually begins with a low dose (5 mg 1-3 times daily) and is gradually increased (by 5 mg per dose every 3 days).
The maximum daily dose is generally 80 mg, but some patients may require up to 120 mg.
Normal dosages range from 40 to 80 mg/day.
When quitting baclofen, the dose should be gradually reduced over 1 to 2 weeks.
"""


def _rows(document):
    return extract_dosing(document(PAGE))


def test_start_titration_and_maximum(document):
    rows = _rows(document)
    start = next(r for r in rows if r["regimen_phase"] == "start")
    assert (start["dose_min"], start["dose_unit"], start["frequency_min_per_day"], start["frequency_max_per_day"]) == (5, "mg", 1, 3)
    assert start["population"] == "adult"
    titration = next(r for r in rows if r["regimen_phase"] == "titration")
    assert titration["interval_days"] == 3
    maxima = sorted(r["max_daily_dose"] for r in rows if r["regimen_phase"] == "maximum")
    assert maxima == [80, 120]


def test_usual_range_per_day_and_taper(document):
    rows = _rows(document)
    usual = next(r for r in rows if r["regimen_phase"] == "usual")
    assert (usual["dose_min"], usual["dose_max"], usual["dose_basis"]) == (40, 80, "per_day")
    taper = next(r for r in rows if r["regimen_phase"] == "taper")
    assert (taper["duration_days_min"], taper["duration_days_max"]) == (7, 14)


def test_strength_sentences_are_products_not_doses(document):
    doc = document(PAGE)
    assert not any(r["evidence"].startswith("Baclofen is available") for r in extract_dosing(doc))
    products = extract_products(doc)
    assert sorted(p["strength"] for p in products) == [5, 10, 20]
    assert {p["dosage_form"] for p in products} == {"tablet"} and {p["route"] for p in products} == {"oral"}


@pytest.mark.parametrize("text, expected", [
    ("three times a day", (3, 3)), ("1-3 times daily", (1, 3)), ("twice daily", (2, 2)),
    ("every 8 hours", (3, 3)), ("every 6 to 8 hours", (3, 4)), ("once daily", (1, 1)),
    ("in 3 divided doses", (3, 3)), ("with food", (None, None)),
])
def test_frequency_per_day(text, expected):
    assert frequency_per_day(text) == expected


def test_duration():
    assert duration_days("for 2 weeks") == (14, 14)
    assert duration_days("over one to two weeks") == (7, 14)


def test_thousands_separator_and_odd_frequencies(document):
    page = "Metformin dosing\n\nThe maximum daily dose of metformin is 2,550 mg per day.\nTake 500 mg 2 to 8 times a day.\n"
    rows = extract_dosing(document(page))
    assert any(r["max_daily_dose"] == 2550 for r in rows)
    odd = next(r for r in rows if r["dose_min"] == 500)
    assert odd["frequency_max_per_day"] == 8


def test_one_route_in_the_dosing_section_reaches_every_dose_statement(document):
    doc = document("Baclofen dosage\n\nSwallow baclofen tablets by mouth with water.\n\n"
                   "Start baclofen with 5 mg three times a day. Do not exceed 80 mg of baclofen a day.\n")
    rows = extract_dosing(doc)
    assert rows and {row["route"] for row in rows} == {"oral"}
    both = document("Baclofen dosage\n\nSwallow baclofen tablets by mouth, or a pump gives baclofen "
                    "intrathecally.\n\nStart baclofen with 5 mg three times a day.\n")
    assert {row["route"] for row in extract_dosing(both) if row["dose_min"] == 5} == {None}


def test_strengths_clearance_restatements_and_other_drugs_are_not_doses(document):
    page = """Baclofen guide

How is baclofen taken?

Baclofen comes as capsules (100 mg, 300 mg, 400 mg) or an oral solution of 250 mg per 5 mL.
Dosing follows creatinine clearance: 400-1400 mg/day at 30-59 mL/min.
The total should not go above 80 mg a day (20 mg four times a day).
Together: baclofen 10 mg plus tizanidine 500 mg twice a day.
The starting dose can range from 5 mg to 60 mg per day.
"""
    facts = {(r["dose_min"], r["dose_max"], r["dose_unit"]) for r in extract_dosing(document(page))}
    assert (400.0, 1400.0, "mg") in facts and (5.0, 60.0, "mg") in facts and (80.0, 80.0, "mg") in facts
    assert not facts & {(100.0, 100.0, "mg"), (250.0, 250.0, "mg"), (30.0, 59.0, "mL"), (20.0, 20.0, "mg"),
                        (500.0, 500.0, "mg"), (5.0, 5.0, "mg")}
