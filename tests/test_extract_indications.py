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


def test_features_glosses_and_definitions_of_a_use_are_not_uses(document):
    page = """Baclofen guide

What is baclofen used for?

Baclofen is approved for spasticity caused by multiple sclerosis, in particular flexor spasms, clonus and muscular rigidity.
It is used to treat postherpetic neuralgia (nerve pain that lingers after shingles).
It treats spasticity, a condition characterized by muscle stiffness and spasms.
"""
    names = {r["condition_name"] for r in extract_indications(document(page))}
    assert {"spasticity", "multiple sclerosis", "postherpetic neuralgia"} <= names
    assert not names & {"clonus", "rigidity", "herpes zoster", "muscle stiffness"}


def test_each_clause_keeps_its_own_status_and_denied_uses_are_dropped(document):
    page = """Baclofen guide

What is baclofen used for?

Outside the label it is sometimes used for persistent hiccups, and it is being studied for alcohol use disorder.
It is not used for spasm from stroke.
Doctors use it for spasticity, although that use for hiccups is not officially approved.
"""
    found = {(r["condition_name"], r["status"]) for r in extract_indications(document(page))}
    assert ("recurrent singultus", "off_label") in found
    assert ("alcohol use disorder", "investigational") in found
    assert not any(name == "stroke" for name, _ in found)


def test_listed_uses_under_group_labels_take_the_status_their_section_stated(document):
    page = """Baclofen guide

What is baclofen used for?

Its FDA-approved list is long.

  • Rheumatic disorders: rheumatoid arthritis, gout.
  • Skin diseases: pemphigus, severe psoriasis.
"""
    found = {(r["condition_name"], r["status"]) for r in extract_indications(document(page))}
    assert ("rheumatoid arthritis", "approved") in found and ("pemphigus", "approved") in found
    assert not any("disorder" in name or "skin" in name for name, _ in found)


def test_the_disease_behind_a_named_use_is_a_use(document):
    page = """Baclofen guide

About baclofen

Baclofen is primarily used to treat muscle spasticity.
This spasticity often results from conditions such as multiple sclerosis and spinal cord injuries.
"""
    found = {(r["condition_name"], r["status"]) for r in extract_indications(document(page))}
    assert ("multiple sclerosis", "approved") in found and ("spinal cord injury", "approved") in found
