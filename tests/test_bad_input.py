"""Bad input: every file of a nasty raw folder is accounted for with a reason a person
understands, nothing from a page leaks into the data as markup, and a build never crashes."""

import re
import time

import pandas as pd
import pytest
from nasty import make_nasty_raw

from drugdata import pipeline
from drugdata.assemble import build_tables
from drugdata.cli import main

TAG = re.compile(r"<\s*/?\s*(script|b|p|a|div|span|iframe|style)\b|javascript:", re.IGNORECASE)


@pytest.fixture(scope="module")
def nasty(tmp_path_factory):
    root = tmp_path_factory.mktemp("nasty")
    expected = make_nasty_raw(root / "raw", root / "outside")
    started = time.perf_counter()
    frames = build_tables(pipeline.run_folder(root / "raw"))
    return root, expected, frames, time.perf_counter() - started


def test_every_file_is_in_sources_with_the_expected_status_and_reason(nasty):
    _, expected, frames, _ = nasty
    sources = frames["sources"].set_index("path")
    assert set(sources.index) == set(expected)
    for path, (status, reason) in expected.items():
        row = sources.loc[path]
        if status is not None:
            assert row["status"] == status, (path, row["status"], row["reason"])
        if reason is not None:
            said = row["reason"] if status in ("quarantined", "duplicate") else row["notes"]
            assert said and reason in said, (path, said)
    quarantined = set(sources.index[sources["status"] == "quarantined"])
    assert quarantined == set(frames["quarantine"]["path"])  # each with its reason in quarantine too


def test_no_markup_or_script_reaches_the_tables(nasty):
    _, _, frames, _ = nasty
    assert len(frames["documents"]) >= 8
    for table in ("documents", "indications", "adverse_effects", "interactions", "dosing", "products"):
        frame = frames[table]
        for column in frame.columns:
            if frame[column].dtype == object:
                leaked = [v for v in frame[column].dropna() if isinstance(v, str) and TAG.search(v)]
                assert not leaked, (table, column, leaked[:2])
    page = frames["sources"].set_index("path").loc["good/baclofen.txt"]  # its sidecar says javascript:
    assert pd.isna(page["url"]) and page["publisher"] == "Evil Inc"
    assert "url ignored: not an http(s) address" in page["notes"]


def test_the_nasty_folder_reads_in_bounded_time(nasty):
    assert nasty[3] < 60


def test_the_build_reports_bad_pages_and_strict_mode_refuses_them(nasty, prefect_harness, capsys):
    root, expected, _, _ = nasty
    assert main(["build", "--raw", str(root / "raw"), "--out", str(root / "out")]) == 0
    printed = capsys.readouterr().out
    n_quarantined = sum(status == "quarantined" for status, _ in expected.values())
    assert f"documents quarantined:  {n_quarantined}" in printed
    current = (root / "out" / "current").resolve()
    assert main(["build", "--strict", "--raw", str(root / "raw"), "--out", str(root / "out")]) == 1
    assert "quarantined in strict mode" in capsys.readouterr().err  # nothing changed, still refused
    assert (root / "out" / "current").resolve() == current
    assert main(["build", "--strict", "--raw", str(root / "raw"), "--out", str(root / "strict")]) == 1
    assert "quarantined in strict mode, nothing published" in capsys.readouterr().err
    assert not (root / "strict" / "current").exists()
