from drugdata.extract.indications import extract_indications, status_of

PAGE = """What is baclofen used for?

Baclofen is primarily used to treat spasticity caused by multiple sclerosis or spinal cord injuries.
It is sometimes used off-label for hiccups.
Baclofen is also being studied for alcohol use disorder.
Baclofen is not indicated for stroke.

Side effects

Common side effects include drowsiness and hiccups.
"""


def test_conditions_with_status(document):
    rows = extract_indications(document(PAGE))
    found = {(r["condition_name"], r["status"]) for r in rows}
    assert ("spasticity", "approved") in found
    assert ("multiple sclerosis", "approved") in found
    assert ("recurrent singultus", "off_label") in found  # hiccups, normalized to HPO
    assert ("alcohol use disorder", "investigational") in found
    ids = {r["condition_name"]: r["condition_id"] for r in rows}
    assert ids["spasticity"] == "HP:0001257"


def test_negated_and_side_effect_mentions_are_not_indications(document):
    rows = extract_indications(document(PAGE))
    assert not any(r["condition"].lower() == "stroke" for r in rows)
    assert all(r["section"] != "adverse_effects" for r in rows)


def test_status_words():
    assert status_of("It is FDA-approved to treat") == "approved"
    assert status_of("used off-label for") == "off_label"
    assert status_of("under investigation for") == "investigational"
    assert status_of("used to treat", section="off_label") == "off_label"
    assert status_of("used to treat") == "unspecified"
