"""End to end: the real Prefect flow on a small corpus (the `built` fixture in conftest.py),
then the files users read."""

import re
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from drugdata.cli import main
from drugdata.contracts import TABLES
from drugdata.schema_export import arrow_schema

REPO = Path(__file__).resolve().parents[1]


def test_summary(built):
    _, _, result = built
    assert result["files_seen"] == 10 and result["metadata_files"] == 3  # manifest.csv and two sidecars
    assert result["documents_read"] == 6 and result["documents_quarantined"] == 1
    assert all(result["row_counts"][t] > 0 for t in ("indications", "adverse_effects", "interactions", "dosing"))


def test_parquet_and_duckdb_hold_the_contract(built):
    _, out, result = built
    con = duckdb.connect(str(out / "drugdata.duckdb"), read_only=True)
    for table in TABLES:
        parquet = pq.read_table(out / "parquet" / f"{table}.parquet")
        assert parquet.schema.remove_metadata().equals(arrow_schema(table).remove_metadata())
        columns = [row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()]
        assert columns == parquet.schema.names
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == parquet.num_rows == result["row_counts"][table]


def test_spans_lie_inside_evidence(built):
    _, out, _ = built
    con = duckdb.connect(str(out / "drugdata.duckdb"), read_only=True)
    for table in ("indications", "adverse_effects", "interactions", "dosing", "products"):
        bad = con.execute(f"""
            SELECT count(*) FROM {table} f JOIN documents d USING (doc_id)
            WHERE position(substr(d.clean_text, f.span_start + 1, f.span_end - f.span_start) IN f.evidence) = 0
               OR position(f.evidence IN d.clean_text) = 0""").fetchone()[0]
        assert bad == 0, table


def test_sources_and_known_facts(built):
    _, out, _ = built
    con = duckdb.connect(str(out / "drugdata.duckdb"), read_only=True)
    status = dict(con.execute("SELECT path, status FROM sources").fetchall())
    assert status["broken.html"] == "quarantined" and status["mednook/baclofen.txt"] == "ok"
    formats = dict(con.execute("SELECT path, format FROM sources").fetchall())
    assert formats["rxbriefs/tizanidine.txt"] == "markdown" and formats["nursenotes/levothyroxine.txt"] == "html"
    publishers = dict(con.execute("SELECT path, publisher FROM sources").fetchall())
    assert publishers["nursenotes/levothyroxine.txt"] == "NurseNotes Hub"  # from the page's own markup
    assert publishers["mednook/baclofen.txt"] == "MedNook"  # from manifest.csv
    assert con.execute("SELECT reason FROM quarantine WHERE path = 'broken.html'").fetchone()[0] == "binary content (PDF)"
    drowsy = con.execute("""SELECT frequency_class, effect_id FROM adverse_effects
                            WHERE drug_id = 'baclofen' AND effect_name = 'drowsiness' AND frequency_low_pct = 10""").fetchall()
    assert ("very_common", "HP:0002329") in drowsy
    maxima = con.execute("SELECT list(DISTINCT max_daily_dose ORDER BY max_daily_dose) FROM dosing "
                         "WHERE drug_id = 'baclofen' AND max_daily_dose_unit = 'mg'").fetchone()[0]
    assert maxima == [80, 120]  # 80 on every page; carepulse adds "some patients may need up to 120 mg"
    assert con.execute("SELECT brand_names FROM drugs WHERE drug_id = 'baclofen'").fetchone()[0]


def test_readme_queries_run(built):
    _, out, _ = built
    readme = (REPO / "README.md").read_text()
    queries = re.findall(r"```sql\n(.*?)```", readme, re.DOTALL)
    assert len(queries) >= 2
    con = duckdb.connect(str(out / "drugdata.duckdb"), read_only=True)
    for query in queries:
        assert con.execute(query).fetchall(), query


def test_cli_builds_and_reports(built, capsys, tmp_path):
    raw, _, _ = built
    assert main(["build", "--raw", str(raw), "--out", str(tmp_path / "cli")]) == 0
    printed = capsys.readouterr().out
    assert "documents read:         6" in printed and "documents quarantined:  1" in printed
    assert (tmp_path / "cli" / "drugdata.duckdb").is_file()


def test_cli_fails_clearly_when_the_run_fails(built, capsys, tmp_path):
    assert main(["build", "--raw", str(tmp_path / "missing"), "--out", str(tmp_path / "o")]) == 1
    assert "raw folder not found" in capsys.readouterr().err
