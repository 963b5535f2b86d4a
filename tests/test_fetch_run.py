"""Fetching one source end to end (no Prefect): landing paths and sidecars, what counts as
unchanged, history kept on change, listings of each kind, failures reported per URL."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fetch_site import FIXTURES, LoopbackSite, Route

from drugdata.fetch.landing import landing_path, previous_fetches, safe_name
from drugdata.fetch.listings import listing_targets
from drugdata.fetch.registry import parse_entry
from drugdata.fetch.run import fetch_source
from drugdata.fetch.safety import FetchError

SETID = "7d1c6b0e-3f55-4d5c-9d33-2a1f7e9c4b10"
MAY_1, MAY_8 = datetime(2026, 5, 1, 3, 0, 5, tzinfo=UTC), datetime(2026, 5, 8, 3, 0, 7, tzinfo=UTC)
POLITE = {"license": "test licence", "refresh": "daily", "user_agent": "drugdata-test/0.1",
          "allow_private": ["127.0.0.1/32"], "rate_limit_seconds": 0, "retries": 1, "backoff_seconds": 0}


@pytest.fixture
def site():
    with LoopbackSite() as running:
        yield running


def web_source(*urls: str, **extra):
    pages = [{"url": url, "publisher": "Loopback Pharmacy Notes"} for url in urls]
    return parse_entry({"name": "web", "kind": "web_pages", "pages": pages, **POLITE, **extra}, "test")


def files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize(("url", "name"), [
    ("https://medlineplus.gov/druginfo/meds/a682530.html", "a682530.html"),
    ("https://www.nhs.uk/medicines/baclofen/", "baclofen"),
    ("https://example.org/", "example.org"),
    ("https://example.org/a/..%2F..%2F..%2Fetc%2Fpasswd", "etc_passwd"),
    ("https://example.org/%2e%2e", "example.org"),
    ("https://example.org/.hidden", "hidden"),
])
def test_file_names_come_from_the_url_and_never_leave_their_folder(url, name):
    assert safe_name(url) == name


def test_a_query_string_gives_each_listing_page_its_own_name():
    first, second = safe_name("https://x.org/spls.json?page=1"), safe_name("https://x.org/spls.json?page=2")
    assert first != second and first.startswith("spls-") and first.endswith(".json")


def test_landing_never_overwrites(tmp_path):
    first = landing_path(tmp_path, "web", "https://a.org/x/baclofen", MAY_1)
    assert first == tmp_path / "web/2026-05-01/baclofen"
    first.parent.mkdir(parents=True)
    first.write_text("a")
    Path(f"{first}.meta.json").write_text(json.dumps({"url": "https://a.org/x/baclofen"}))
    other_url = landing_path(tmp_path, "web", "https://b.org/baclofen", MAY_1)
    assert other_url.parent == first.parent and other_url.name.startswith("baclofen-")
    same_url_again = landing_path(tmp_path, "web", "https://a.org/x/baclofen", MAY_1)
    assert same_url_again == tmp_path / "web/2026-05-01T030005Z/baclofen"
    assert sorted(["2026-05-01T030005Z", "2026-05-01", "2026-05-02"]) == ["2026-05-01", "2026-05-01T030005Z", "2026-05-02"]


def test_a_first_fetch_lands_files_with_their_provenance(site, tmp_path):
    site.serve_fixture("/pages/baclofen.html", "pages/baclofen.html", etag='"b1"')
    report = fetch_source(web_source(site.url("/pages/baclofen.html")), tmp_path, clock=lambda: MAY_1)
    [result] = report.results
    assert (result.status, result.path) == ("fetched", "web/2026-05-01/baclofen.html")
    meta = json.loads((tmp_path / "web/2026-05-01/baclofen.html.meta.json").read_text())
    assert meta["url"] == site.url("/pages/baclofen.html") and meta["retrieved_at"] == "2026-05-01T03:00:05Z"
    assert (meta["publisher"], meta["license"], meta["http_status"], meta["etag"]) == (
        "Loopback Pharmacy Notes", "test licence", 200, '"b1"')
    assert meta["sha256"] and meta["n_bytes"] == len((FIXTURES / "pages/baclofen.html").read_bytes())
    assert files_under(tmp_path) == ["web/2026-05-01/baclofen.html", "web/2026-05-01/baclofen.html.meta.json"]


def test_unchanged_by_304_or_by_sha256_writes_nothing(site, tmp_path):
    site.serve_fixture("/etag.html", "pages/baclofen.html", etag='"b1"')
    site.serve_fixture("/plain.html", "pages/metformin.html")  # no validators: compared by sha256
    source = web_source(site.url("/etag.html"), site.url("/plain.html"))
    fetch_source(source, tmp_path, clock=lambda: MAY_1)
    before = files_under(tmp_path)
    report = fetch_source(source, tmp_path, clock=lambda: MAY_8)
    assert [(r.status, r.reason) for r in report.results] == [
        ("unchanged", "not modified (HTTP 304)"), ("unchanged", "same sha256 as the last copy")]
    assert report.results[0].path == "web/2026-05-01/etag.html"
    assert files_under(tmp_path) == before
    assert site.hits("/etag.html")[-1].headers["if-none-match"] == '"b1"'


def test_a_changed_page_lands_in_a_new_folder_and_the_old_copy_stays(site, tmp_path):
    route = site.serve_fixture("/pages/baclofen.html", "pages/baclofen.html", etag='"b1"')
    source = web_source(site.url("/pages/baclofen.html"))
    fetch_source(source, tmp_path, clock=lambda: MAY_1)
    route.body, route.etag = (FIXTURES / "pages/baclofen-revised.html").read_bytes(), '"b2"'
    [result] = fetch_source(source, tmp_path, clock=lambda: MAY_8).results
    assert (result.status, result.path) == ("fetched", "web/2026-05-08/baclofen.html")
    assert (tmp_path / "web/2026-05-01/baclofen.html").read_bytes() == (FIXTURES / "pages/baclofen.html").read_bytes()
    newest = previous_fetches(tmp_path, "web")[site.url("/pages/baclofen.html")]
    assert newest.path == tmp_path / "web/2026-05-08/baclofen.html" and newest.get("etag") == '"b2"'


def test_each_url_fails_alone_with_its_reason(site, tmp_path):
    site.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /private/\n")
    site.serve_fixture("/ok.html", "pages/metformin.html")
    site.routes["/broken.html"] = Route(fail_first=99)
    site.routes["/away.html"] = Route(location="file:///etc/passwd")
    urls = [site.url(p) for p in ("/gone.html", "/broken.html", "/away.html", "/private/x.html", "/ok.html")]
    report = fetch_source(web_source(*urls), tmp_path, clock=lambda: MAY_1)
    assert [r.status for r in report.results] == ["failed", "failed", "refused", "skipped_robots", "fetched"]
    assert report.results[0].reason == "HTTP 404 Not Found"
    assert report.results[1].reason == "HTTP 500 Internal Server Error (after 2 attempts)"
    assert report.counts() == {"fetched": 1, "unchanged": 0, "failed": 2, "skipped_robots": 1, "refused": 1}
    assert not (tmp_path / "web" / ".partial").exists() or not any((tmp_path / "web" / ".partial").iterdir())


def dailymed_source(site, **extra):
    return parse_entry({"name": "dailymed", "kind": "dailymed_spl", "publisher": "DailyMed",
                        "listing_urls": [site.url("/dailymed/spls.json")],
                        "document_url": site.url("/dailymed/spls/{setid}.xml"), **POLITE, **extra}, "test")


def test_dailymed_labels_whose_listed_version_was_fetched_are_not_requested_again(site, tmp_path):
    site.serve_fixture("/dailymed/spls.json", "dailymed/spls.json", content_type="application/json")
    site.serve_fixture(f"/dailymed/spls/{SETID}.xml", f"dailymed/{SETID}.xml", content_type="text/xml")
    source = dailymed_source(site)
    [first] = fetch_source(source, tmp_path, clock=lambda: MAY_1).results
    assert (first.status, first.path) == ("fetched", f"dailymed/2026-05-01/{SETID}.xml")
    meta = json.loads((tmp_path / f"dailymed/2026-05-01/{SETID}.xml.meta.json").read_text())
    assert meta["version"] == "3" and meta["listing_url"] == site.url("/dailymed/spls.json")
    [again] = fetch_source(source, tmp_path, clock=lambda: MAY_8).results
    assert (again.status, again.reason) == ("unchanged", "listed version 3 already fetched")
    assert len(site.hits(f"/dailymed/spls/{SETID}.xml")) == 1 and len(site.hits("/dailymed/spls.json")) == 2


def test_a_listing_that_fails_is_reported_as_that_listing(site, tmp_path):
    site.routes["/dailymed/spls.json"] = Route(b"<html>maintenance</html>")
    [result] = fetch_source(dailymed_source(site), tmp_path).results
    assert result.url == site.url("/dailymed/spls.json") and result.status == "failed"
    assert result.reason.startswith(f"listing {site.url('/dailymed/spls.json')} is not JSON")


def openfda_source(**extra):
    return parse_entry({"name": "openfda", "kind": "openfda_bulk", "publisher": "openFDA", "dataset": "drug/label",
                        "listing_urls": ["https://api.fda.gov/download.json"], **POLITE, **extra}, "test")


DOWNLOAD_JSON = {"results": {"drug": {"label": {"export_date": "2026-04-28", "partitions": [
    {"display_name": f"part {n}", "file": f"https://download.open.fda.gov/drug/label/drug-label-000{n}-of-0003.json.zip"}
    for n in (1, 2, 3)]}}, "device": {}}}


def test_openfda_partitions_come_from_download_json():
    found = listing_targets(openfda_source(max_documents=2), "https://api.fda.gov/download.json", lambda url: DOWNLOAD_JSON)
    assert [t.url.rsplit("/", 1)[1] for t in found] == ["drug-label-0001-of-0003.json.zip", "drug-label-0002-of-0003.json.zip"]
    assert {(t.version, t.publisher, t.listing_url) for t in found} == {("2026-04-28", "openFDA", "https://api.fda.gov/download.json")}
    with pytest.raises(FetchError, match="lists no partitions for drug/event"):
        listing_targets(openfda_source(dataset="drug/event"), "https://api.fda.gov/download.json", lambda url: DOWNLOAD_JSON)


def test_dailymed_listings_are_followed_page_by_page(site):
    pages = {"https://dm.example/spls.json?page=1": {"data": [{"setid": SETID, "spl_version": 3}],
                                                     "metadata": {"next_page_url": "spls.json?page=2"}},
             "https://dm.example/spls.json?page=2": {"data": [{"setid": SETID.replace("7", "8"), "spl_version": 1}],
                                                     "metadata": {"next_page_url": "null"}}}
    found = listing_targets(dailymed_source(site), "https://dm.example/spls.json?page=1", pages.__getitem__)
    assert [t.version for t in found] == ["3", "1"]
    assert found[1].url == site.url(f"/dailymed/spls/{SETID.replace('7', '8')}.xml")
    with pytest.raises(FetchError, match="listing entry without a valid setid"):
        listing_targets(dailymed_source(site), "https://x/", lambda url: {"data": [{"setid": "../../etc"}]})
