"""openFDA bulk files in a build: every record a document `<file>#<n>`, the file itself a
`container` row, plain and zipped, a broken one quarantined with the records before the break."""

import json
import shutil
import zipfile
from pathlib import Path

from drugdata import pipeline
from drugdata.assemble import build_tables
from drugdata.bulk import unpack
from drugdata.extract.adverse_effects import effect_tagger

LABELS = Path(__file__).parent / "fixtures" / "labels"


def _raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    (raw / "openfda").mkdir(parents=True)
    shutil.copy(LABELS / "openfda_bulk.json", raw / "openfda" / "drug-label-0001-of-0002.json")
    records = json.loads((LABELS / "openfda_bulk.json").read_text())["results"]
    other = {"meta": {}, "results": [{**r, "set_id": r["set_id"] + "-z",
                                      "adverse_reactions": [r.get("adverse_reactions", [""])[0] + " Nausea (3%)."]}
                                     for r in records[:2]]}
    with zipfile.ZipFile(raw / "openfda" / "drug-label-0002-of-0002.json.zip", "w") as archive:
        archive.writestr("drug-label-0002-of-0002.json", json.dumps(other))
    return raw


def test_every_record_of_a_bulk_file_is_a_document(tmp_path):
    with effect_tagger(None):  # rules: which records give effects must not hinge on a trained model
        frames = build_tables(pipeline.run_folder(_raw(tmp_path)))
    sources = frames["sources"].set_index("path")
    assert sources.loc["openfda/drug-label-0001-of-0002.json", "status"] == "container"
    assert sources.loc["openfda/drug-label-0002-of-0002.json.zip", "status"] == "container"
    records = sources[sources.index.str.contains("#")]
    assert list(records.index) == [f"openfda/drug-label-0001-of-0002.json#00000{i}" for i in range(3)] + \
        [f"openfda/drug-label-0002-of-0002.json.zip#00000{i}" for i in range(2)]
    assert set(records["status"]) == {"ok"} and set(records["format"]) == {"openfda_json"}
    assert set(records["drug_id"]) == {"baclofen", "ondansetron"}
    effects = frames["adverse_effects"].merge(frames["sources"][["doc_id", "path"]], on="doc_id")
    assert effects["path"].str.contains("#").all() and len(effects["path"].unique()) >= 4
    assert {path.split("#")[0] for path in effects["path"]} == {"openfda/drug-label-0001-of-0002.json",
                                                                "openfda/drug-label-0002-of-0002.json.zip"}
    assert frames["quarantine"].empty, frames["quarantine"].to_dict("records")


def test_a_broken_bulk_file_keeps_the_records_before_the_break(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    text = (LABELS / "openfda_bulk.json").read_text()
    cut = text.index('"set_id"', text.index('"set_id"') + 1)  # inside the second record
    (raw / "bulk.json").write_text(text[:cut])
    frames = build_tables(pipeline.run_folder(raw))
    sources = frames["sources"].set_index("path")
    assert sources.loc["bulk.json", "status"] == "quarantined"
    assert sources.loc["bulk.json", "reason"].startswith("bulk file unreadable after 1 records (those are kept)")
    assert sources.loc["bulk.json#000000", "status"] == "ok"


def test_unpacking_is_kept_per_content_and_stale_folders_go(tmp_path):
    raw, work = _raw(tmp_path), tmp_path / "work"
    first = unpack(raw, pipeline.discover(raw), work)
    record = first.locations["openfda/drug-label-0001-of-0002.json#000000"]
    stamp = record.stat().st_mtime_ns
    (raw / "openfda" / "drug-label-0002-of-0002.json.zip").unlink()
    second = unpack(raw, pipeline.discover(raw), work)
    assert record.stat().st_mtime_ns == stamp  # not written again
    assert len(second.paths) == 3 and len(list(work.iterdir())) == 1


def test_the_flow_reads_bulk_records_and_reuses_them_on_a_rerun(prefect_harness, tmp_path):
    from flows.build import build

    raw = _raw(tmp_path)
    cold = build(raw_dir=str(raw), out_dir=str(tmp_path / "out"))
    assert cold["documents_read"] == 5 and cold["row_counts"]["adverse_effects"] > 0
    warm = build(raw_dir=str(raw), out_dir=str(tmp_path / "out"))
    assert warm["cache"]["read"] == 0 and warm["cache"]["rows_from_previous_release"] == 5
    assert warm["row_counts"] == cold["row_counts"]
