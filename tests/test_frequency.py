import pytest

from drugdata.extract.frequency import class_for_pct, frequency_of


@pytest.mark.parametrize("text, cls, low, high", [
    ("Common side effects (occurring in more than 10% of patients) include", "very_common", 10.0, None),
    ("drowsiness (10-63%)", "very_common", 10.0, 63.0),
    ("dizziness (5–15%)", "very_common", 5.0, 15.0),
    ("fatigue (2-4%)", "common", 2.0, 4.0),
    ("Less common (2–10%)", "common", 2.0, 10.0),  # a range ending on a class boundary spans that class
    ("headache (1-10%)", "common", 1.0, 10.0),
    ("rash (0.1-1%)", "uncommon", 0.1, 1.0),
    ("low blood pressure (up to 9%)", "common", None, 9.0),
    ("reported in 0.5% of patients", "uncommon", 0.5, 0.5),
    ("about 1 in 1,000 people", "uncommon", 0.1, None),
    ("Common side effects include", "common", None, None),
    ("Less common but more serious side effects can include", "uncommon", None, None),
    ("Some uncommon but serious side effects include", "uncommon", None, None),
    ("In rare cases, more serious side effects can occur", "rare", None, None),
    ("Very rarely, liver problems", "very_rare", None, None),
    ("Serious side effects may include", "unknown", None, None),
])
def test_frequency_words_and_numbers(text, cls, low, high):
    found = frequency_of(text)
    assert (found.frequency_class, found.low_pct, found.high_pct) == (cls, low, high)
    if cls != "unknown":
        assert found.text and all(part in text for part in found.text.split("; "))


def test_item_numbers_beat_lead_words():
    assert frequency_of("nausea (4-12%)", "Less common effects:").frequency_class == "very_common"
    assert frequency_of("nausea", "Less common effects:").frequency_class == "uncommon"


@pytest.mark.parametrize("pct, cls", [(10, "very_common"), (9.9, "common"), (1, "common"),
                                      (0.5, "uncommon"), (0.05, "rare"), (0.001, "very_rare")])
def test_cioms_boundaries(pct, cls):
    assert class_for_pct(pct) == cls
