"""Regulatory label readers (DailyMed SPL XML, openFDA JSON) and the tables inside sections:
one test per fixture quirk, then the real DailyMed labels in ../shared when present."""

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from drugdata import pipeline
from drugdata.extract.ae_tables import NOT_AN_EFFECT_CELL, arms, cell_pct
from drugdata.readers import read_page
from drugdata.readers.openfda import is_bulk, iter_records
from drugdata.readers.text import label_identity

LABELS = Path(__file__).parent / "fixtures" / "labels"
SHARED_SPL = Path(__file__).resolve().parents[2] / "shared" / "labels" / "spl"


def run(name: str, tmp_path: Path) -> pipeline.DocState:
    shutil.copy(LABELS / name, tmp_path / name)
    return pipeline.run_document(tmp_path, name)


def test_spl_sections_are_typed_by_loinc_code_and_nest():
    page = read_page((LABELS / "spl_placebo_table.xml").read_bytes(), "label.xml")
    assert page.format == "spl_xml"
    headings = [(b.text, b.level, b.section) for b in page.blocks if b.kind == "heading"]
    assert ("WARNING: SERIOUS INFECTIONS", 2, "serious_adverse_effects") in headings
    assert ("5 WARNINGS AND PRECAUTIONS", 2, "precautions") in headings
    assert ("5.1 Hepatitis B Virus Reactivation", 3, None) in headings  # unclassified: inherits its parent
    assert page.meta["generic_name"] == "tezumab" and page.meta["brand_names"] == "Tezavo"
    assert "Tezavo injection, solution strength: tezumab 40 mg per 0.8 mL" in [b.text for b in page.blocks]
    assert "MANNITOL" not in " ".join(b.text for b in page.blocks)  # inactive ingredients are no strength


def test_spl_table_with_placebo_arm_gives_effect_rows_by_column(tmp_path):
    state = run("spl_placebo_table.xml", tmp_path)
    assert state.ok and state.source["drug_id"] == "tezumab"  # not in the vocabulary: the label's own name
    table = {r["effect"]: r for r in state.facts["adverse_effects"] if "placebo_pct" in r}
    assert set(table) == {"Headache", "Dizziness", "Injection site reaction", "Nausea"}  # no header/body-system rows
    headache = table["Headache"]
    assert (headache["frequency_low_pct"], headache["frequency_high_pct"], headache["placebo_pct"]) == (12, 14, 8)
    assert headache["frequency_class"] == "very_common" and headache["section"] == "adverse_effects"
    assert table["Injection site reaction"]["placebo_pct"] == 1.0  # "<1": up to 1%
    assert table["Injection site reaction"]["frequency_low_pct"] == 3.0  # "20 (3)": n and percent
    assert table["Nausea"]["frequency_class"] == "common"
    text = state.document.clean_text
    for row in table.values():
        assert text[row["span_start"]:row["span_end"]] == row["effect"]
        assert row["evidence"] in text and row["effect"] in row["evidence"]
    agents = {r["agent_name"]: r for r in state.facts["interactions"]}
    assert agents["methotrexate"]["recommendation"] == "monitor"  # its own advice, not the paragraph's


def test_spl_without_title_takes_identity_from_the_product(tmp_path):
    state = run("spl_no_title.xml", tmp_path)
    assert state.page.meta["title"] == "Haloperidol (haloperidol)"
    assert state.source["drug_id"] == "haloperidol"
    assert {"tardive dyskinesia", "tachycardia", "hypotension"} <= {r["effect"].lower() for r in state.facts["adverse_effects"]}


def test_repackaged_spl_names_the_repackager_and_strips_salts(tmp_path):
    state = run("spl_repackaged.xml", tmp_path)
    assert state.page.meta["labeler"] == "PD-Rx Pharmaceuticals, Inc."
    assert state.source["drug_id"] == "atorvastatin"
    assert [(r["strength"], r["strength_unit"]) for r in state.facts["products"]] == [(20, "mg")]
    assert "cyclosporine" in {r["agent_name"] for r in state.facts["interactions"]}


def test_otc_drug_facts_sections(tmp_path):
    page = read_page((LABELS / "spl_otc.xml").read_bytes(), "otc.xml")
    headings = {b.text: b.section for b in page.blocks if b.kind == "heading"}
    assert headings["Uses"] == "indications" and headings["Do not use"] == "contraindications"
    assert headings["Stop Use"] == "serious_adverse_effects"  # untitled: the LOINC name stands in
    state = run("spl_otc.xml", tmp_path)
    assert state.source["drug_id"] == "diphenhydramine"


def test_openfda_single_record_fields_tables_and_identity(tmp_path):
    page = read_page((LABELS / "openfda_single.json").read_bytes(), "label.json")
    assert page.format == "openfda_json"
    assert page.meta["title"] == "Lyrica (pregabalin)" and page.meta["pharm_class"] == "Gamma-Aminobutyric Acid Analog"
    state = run("openfda_single.json", tmp_path)
    assert state.source["drug_id"] == "pregabalin"
    table = {r["effect"]: r for r in state.facts["adverse_effects"] if "placebo_pct" in r}
    assert set(table) == {"Dizziness", "Somnolence", "Headache"}
    assert (table["Dizziness"]["frequency_low_pct"], table["Dizziness"]["frequency_high_pct"],
            table["Dizziness"]["placebo_pct"]) == (31, 38, 9)
    prose = {r["effect"].lower() for r in state.facts["adverse_effects"] if "placebo_pct" not in r}
    assert {"dry mouth", "blurred vision", "weight gain"} <= prose
    assert {"opioids", "alcohol"} & {r["agent_name"] for r in state.facts["interactions"]}
    assert any(r["max_daily_dose"] == 300 for r in state.facts["dosing"])


def test_openfda_bulk_file_streams_records_plain_and_zipped(tmp_path, monkeypatch):
    monkeypatch.setattr("drugdata.readers.openfda._CHUNK", 64)  # records cross chunk boundaries
    plain = LABELS / "openfda_bulk.json"
    zipped = tmp_path / "drug-label-0001-of-0001.json.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.write(plain, "drug-label-0001-of-0001.json")
    expected = [r["set_id"] for r in json.loads(plain.read_text())["results"]]
    for path in (plain, zipped):
        assert is_bulk(path)
        assert [r["set_id"] for r in iter_records(path)] == expected
    assert not is_bulk(LABELS / "openfda_single.json")


def test_table_cells_and_arms():
    assert cell_pct("12") == (12, 12) and cell_pct("9%") == (9, 9) and cell_pct("<1") == (0, 1)
    assert cell_pct("20 (3)") == (3, 3) and cell_pct("N=705") is None and cell_pct("150") is None
    assert arms(["Reaction", "Drug 10 mg %", "Drug 20 mg %", "Placebo %", "Relative risk"], 5) == ([1, 2], 3)


@pytest.mark.skipif(not SHARED_SPL.is_dir(), reason="../shared/labels/spl not present")
@pytest.mark.parametrize("name,drug_id", [("lipitor-orig.xml", "atorvastatin"), ("lipitor-repack.xml", "atorvastatin"),
                                          ("humira.xml", "adalimumab"), ("cough.xml", "diphenhydramine"),
                                          ("no-title.xml", "haloperidol")])
def test_real_dailymed_labels(name, drug_id):
    state = pipeline.run_document(SHARED_SPL, name)
    assert state.ok, state.source["reason"]
    assert state.source["drug_id"] == drug_id
    assert state.facts["adverse_effects"] and not state.errors
    if name.startswith("lipitor"):
        table = {r["effect"]: r for r in state.facts["adverse_effects"] if "placebo_pct" in r}
        assert (table["Nasopharyngitis"]["frequency_high_pct"], table["Nasopharyngitis"]["placebo_pct"]) == (12.9, 8.2)


def test_a_folder_mixing_labels_and_web_pages_fills_every_table(tmp_path):
    """SPL, openFDA JSON, a text label and a web page through the stages and the validated tables."""
    from drugdata.assemble import build_tables

    for name in ("spl_placebo_table.xml", "spl_repackaged.xml", "openfda_single.json"):
        shutil.copy(LABELS / name, tmp_path / name)
    (tmp_path / "plavix.txt").write_text(
        "PLAVIX (clopidogrel bisulfate) tablet, film coated\n\n1 INDICATIONS AND USAGE\n\n"
        "Plavix is indicated to reduce the rate of myocardial infarction and stroke.\n\n7 DRUG INTERACTIONS\n\n"
        "Avoid concomitant use of Plavix with omeprazole or esomeprazole.\n")
    (tmp_path / "page.html").write_text(
        "<html><head><title>Baclofen</title></head><body><h1>Baclofen</h1><p>Baclofen is used to treat "
        "spasticity. Side effects include drowsiness and dizziness.</p></body></html>")
    states = [pipeline.run_document(tmp_path, path) for path in pipeline.discover(tmp_path)]
    frames = build_tables(states)
    sources = frames["sources"].set_index("path")
    assert set(sources["status"]) == {"ok"}, sources["reason"].to_dict()
    assert sources.loc["spl_placebo_table.xml", "format"] == "spl_xml"
    assert sources.loc["openfda_single.json", "publisher"] == "openFDA (FDA)"
    assert sources.loc["plavix.txt", "drug_id"] == "clopidogrel"
    for table in ("drugs", "indications", "adverse_effects", "interactions", "dosing", "products"):
        assert len(frames[table]), table
    assert frames["quarantine"].empty, frames["quarantine"].to_dict("records")
    assert "tezumab" in set(frames["drugs"]["drug_id"])
    assert frames["adverse_effects"]["placebo_pct"].notna().sum() >= 7


def test_openfda_text_laid_out_in_columns_keeps_its_column_breaks():
    """openFDA flattens a two-column list into one line of wide gaps; the gaps stay cell breaks
    (" | "), so "Hypothermia" and "Investigations:" are not read as one phrase."""
    record = {"openfda": {"generic_name": ["zentramab"]}, "adverse_reactions": [
        ("     Eye Disorders:    Diplopia, vision blurred    General Disorders:    Hypothermia    Investigations:    "
         "Hepatic enzyme increased\n  Hepatotoxicity [see  Warnings and Precautions (      5.1      )  ]")]}
    page = read_page(json.dumps(record).encode(), "label.json")
    texts = [b.text for b in page.blocks]
    assert "Eye Disorders: | Diplopia, vision blurred | General Disorders: | Hypothermia | Investigations: | " \
           "Hepatic enzyme increased" in texts
    assert any("(      5.1      )" in t for t in texts)  # gaps before a figure or a bracket are no column break


def test_row_titles_naming_a_body_system_are_groupings_not_effects():
    assert NOT_AN_EFFECT_CELL.match("Skin and Subcutaneous Tissue Disorders")
    assert NOT_AN_EFFECT_CELL.match("Nervous system") and NOT_AN_EFFECT_CELL.match("Other")
    assert not NOT_AN_EFFECT_CELL.match("Sleep disorders") and not NOT_AN_EFFECT_CELL.match("Severe hypoglycemia")


@pytest.mark.parametrize("page, identity", [
    ("ZENTRA (zentramab sodium) tablet, film coated\n\n7 DRUG INTERACTIONS\n",
     {"title": "ZENTRA (zentramab sodium) tablet, film coated", "generic_name": "zentramab sodium", "brand_names": "ZENTRA"}),
    ("Zentra HCT\nzentramab sodium USP and hydrochlorothiazide USP\n\nZentra HCT lowers blood pressure.\n",
     {"title": "Zentra HCT (zentramab sodium and hydrochlorothiazide)",
      "generic_name": "zentramab sodium and hydrochlorothiazide", "brand_names": "Zentra HCT"}),
    ("DESCRIPTION\n\nZENTRA (zentramab) is an antiarrhythmic drug.\n",
     {"title": "ZENTRA (zentramab)", "generic_name": "zentramab", "brand_names": "ZENTRA"}),
    ("DESCRIPTION SECTION\n\n<paragraph>\nZentra, zentramab tartrate USP, is a beta blocker.\n",
     {"title": "Zentra (zentramab tartrate)", "generic_name": "zentramab tartrate", "brand_names": "Zentra"}),
    (("INDICATIONS  -  USAGE SECTION\n\n<paragraph>\n<main>ZENTRA injection is a beta blocker for:\n<item>\n"
     "<item>Angina (1.1)\nZENTRA (Zentramab Hydrochloride) is indicated for angina.\n"),
     {"title": "ZENTRA (zentramab hydrochloride)", "generic_name": "zentramab hydrochloride", "brand_names": "ZENTRA"}),
    ("Zentra\nzentramab is used to treat angina.\n", {}),  # a web page: the second line is a sentence
    ("Description\n\nZentra (zentramab) is a pill.\n", {}),  # a page's heading, not a label's section
])
def test_text_label_identity_from_its_first_lines(page, identity):
    assert label_identity(page) == identity


def test_text_label_starting_with_a_section_loses_spl_markup_words():
    page = read_page(b"INDICATIONS  -  USAGE SECTION\n\n<paragraph>\n<main>Zentra is indicated for angina.\n", "z.txt")
    assert [b.text for b in page.blocks if b.kind != "heading"] == ["Zentra is indicated for angina."]
