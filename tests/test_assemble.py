"""Assembling the sources table: an older copy of a page fetched again is superseded."""

from drugdata.assemble import slim, summarize, superseded
from drugdata.models import Page
from drugdata.pipeline import DocState, blank_source

URL = "https://pages.example/baclofen"


def state(path: str, url: str | None, retrieved_at: str | None, status: str = "ok", doc_id: str = "") -> DocState:
    return DocState({"path": path, "url": url, "retrieved_at": retrieved_at, "status": status, "reason": None,
                     "doc_id": doc_id or f"{abs(hash(path)):016x}"[:16]})


def test_the_newest_readable_copy_of_a_url_counts_and_older_copies_are_superseded():
    states = [state("web/2026-05-08/baclofen.html", URL, "2026-05-08T03:00:07Z"),
              state("web/2026-05-01/baclofen.html", URL, "2026-05-01T03:00:05Z"),
              state("web/2026-05-15/baclofen.html", URL, "2026-05-15T03:00:02Z", status="quarantined"),
              state("mednook/baclofen.txt", "https://mednook.example/baclofen", "2026-01-15"),
              state("notes/baclofen.txt", None, None)]
    rows = {row["path"]: row for row in summarize(states).sources}
    old = rows["web/2026-05-01/baclofen.html"]
    assert old["status"] == "duplicate"
    assert old["reason"] == "superseded by web/2026-05-08/baclofen.html (same url, retrieved later)"
    assert rows["web/2026-05-08/baclofen.html"]["status"] == "ok"  # a broken newer copy does not win
    assert rows["web/2026-05-15/baclofen.html"]["status"] == "quarantined"
    assert rows["mednook/baclofen.txt"]["status"] == rows["notes/baclofen.txt"]["status"] == "ok"


def test_without_retrieval_dates_the_later_path_is_the_newer_copy():
    later, earlier = "web/2026-05-01T101500Z/a.html", "web/2026-05-01/a.html"
    assert superseded([state(later, URL, None), state(earlier, URL, None)]) == {earlier: later}


def test_a_slim_record_keeps_the_source_row_and_only_the_identity_the_drugs_table_reads():
    state = DocState(blank_source("labels/x.json"), drug_name="zetrozole")
    state.page = Page("labels/x.json", "openfda_json", [], {"brand_names": "Zetro", "rxcui": "123", "pharm_class": "",
                                                          "title": "ZETRO- zetrozole tablet", "publisher": "openFDA"})
    kept = slim(state)
    assert kept.source == state.source and kept.drug_name == "zetrozole"
    assert kept.page is not None and kept.page.format == "openfda_json" and not kept.page.blocks
    assert kept.page.meta == {"brand_names": "Zetro", "rxcui": "123"}  # what drug_record reads, when set
    assert summarize([kept]).drugs[0]["brand_names"] == ["Zetro"]
