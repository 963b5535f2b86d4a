"""`drugdata show`, `query` and `report` against a built release."""

import json

from drugdata.cli import main


def test_show_by_brand_name(built, capsys):
    _, out, _ = built
    assert main(["show", "Lioresal", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    for expected in ("baclofen", "Indications", "spasticity", "Adverse effects", "drowsiness", "Interactions",
                     "Where sources disagree", "120 mg/day"):
        assert expected in printed, expected


def test_show_unknown_drug_fails_clearly(built, capsys):
    _, out, _ = built
    assert main(["show", "laptop", "--out", str(out)]) == 1
    assert "no drug named 'laptop'" in capsys.readouterr().err


def test_query_formats(built, capsys):
    _, out, _ = built
    sql = "SELECT drug_id, n_documents FROM drugs WHERE drug_id = 'baclofen'"
    assert main(["query", sql, "--out", str(out), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"drug_id": "baclofen", "n_documents": 3}
    assert main(["query", sql, "--out", str(out), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["drug_id,n_documents", "baclofen,3"]
    assert main(["query", "SELECT * FROM drug_profile('baclofen')", "--out", str(out)]) == 0
    assert "adverse_effect" in capsys.readouterr().out


def test_query_is_read_only_and_errors_are_reported(built, capsys):
    _, out, _ = built
    assert main(["query", "DELETE FROM drugs", "--out", str(out)]) == 1
    assert "read-only" in capsys.readouterr().err
    assert main(["query", "SELECT * FROM no_such_table", "--out", str(out)]) == 1
    assert "no_such_table" in capsys.readouterr().err


def test_reading_commands_need_a_release(tmp_path, capsys):
    assert main(["show", "baclofen", "--out", str(tmp_path)]) == 1
    assert "run `drugdata build` first" in capsys.readouterr().err


def test_report_command(built, tmp_path, capsys):
    _, out, _ = built
    assert main(["report", "--out", str(out), "--dest", str(tmp_path / "site")]) == 0
    assert "pages in" in capsys.readouterr().out
    assert (tmp_path / "site" / "drugs" / "baclofen.html").is_file()
