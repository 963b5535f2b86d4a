import pytest

from drugdata.clean import layout
from drugdata.models import Block
from drugdata.sections import classify_heading, find_sections, section_types


@pytest.mark.parametrize("heading, expected", [
    ("What's Baclofen Used for?", "indications"),
    ("FDA-Approved Uses", "indications"),
    ("Off-Label Uses", "off_label"),
    ("Dosage and Administration", "dosing"),
    ("How should I take baclofen?", "dosing"),
    ("Side Effects", "adverse_effects"),
    ("What is Baclofen Side Effects", "adverse_effects"),
    ("What are the health risks of Baclofen?", "adverse_effects"),
    ("Serious side effects", "serious_adverse_effects"),
    ("Withdrawal Risk", "withdrawal"),
    ("Overdose", "overdose"),
    ("What Other Drugs Will Affect Baclofen", "interactions"),
    ("Drug Interactions", "interactions"),
    ("Contraindications and Precautions", "contraindications"),
    ("Pregnancy and Breastfeeding", "pregnancy"),
    ("Mechanism of Action", "mechanism"),
    ("How it Works", "mechanism"),
    ("FAQs", "faq"),
    ("TL; DR: Baclofen Summary", "summary"),
    ("Conclusion", "summary"),
    ("5 WARNINGS AND PRECAUTIONS", "precautions"),
    ("Is Baclofen a Narcotic?", "faq"),
    ("6 Baclofen (Lioresal) Uses – Side Effects, Risks & Dosage", "other"),
    ("Oral Baclofen", None),
])
def test_heading_lexicon(heading, expected):
    assert classify_heading(heading) == expected


def _sections(blocks):
    text, lines = layout(blocks)
    sections = find_sections(lines, len(text))
    return lines, sections


def test_unknown_headings_inherit_and_numbered_uses_stay_uses():
    lines, sections = _sections([
        Block("heading", "Off-Label Uses"), Block("para", "Sometimes used for other things."),
        Block("heading", "3) Alcohol Withdrawal"), Block("para", "Some small studies."),
        Block("heading", "Baclofen Dosage"), Block("heading", "Oral Baclofen"), Block("para", "10 mg."),
    ])
    assert [(s.heading, s.type) for s in sections] == [
        ("Off-Label Uses", "off_label"), ("3) Alcohol Withdrawal", "off_label"),
        ("Baclofen Dosage", "dosing"), ("Oral Baclofen", "dosing")]
    assert section_types(lines, sections)[-1] == ("dosing", "Oral Baclofen")


def test_levels_nest_and_close():
    lines, sections = _sections([
        Block("heading", "Side effects", 2), Block("heading", "Common", 3), Block("item", "Nausea", 1),
        Block("heading", "Interactions", 2), Block("item", "Alcohol", 1),
    ])
    types = section_types(lines, sections)
    assert types[2] == ("adverse_effects", "Common")
    assert types[4] == ("interactions", "Interactions")
    side = sections[0]
    assert side.span_end < lines[3].start  # closes before the next level-2 heading


def test_sub_headings_inside_a_coded_label_section_stay_in_it():
    """'General Disorders and Administration Site Conditions' under Adverse Reactions is a body
    system, not dosing; a withdrawal subsection may narrow the type, a new coded section resets it."""
    _lines, sections = _sections([
        Block("heading", "Adverse Reactions", section="adverse_effects"),
        Block("heading", "Summary of Clinical Trials"), Block("para", "Rash (3%)."),
        Block("heading", "General Disorders and Administration Site Conditions"), Block("para", "Fatigue."),
        Block("heading", "Withdrawal Symptoms"), Block("para", "Anxiety."),
        Block("heading", "Dosage and Administration", section="dosing"), Block("heading", "Overdosage Table"),
    ])
    assert [s.type for s in sections] == ["adverse_effects", "adverse_effects", "adverse_effects", "withdrawal",
                                          "dosing", "dosing"]
    assert classify_heading("General Disorders and Administration Site Conditions") == "dosing"  # uncoded pages
