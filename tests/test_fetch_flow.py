"""End to end: the real `refresh` flow against a loopback server, run three times on one raw
folder: a first fetch and build, a second fetch that downloads nothing (through the CLI), and a
refresh after one page changed, whose build counts only the newest copy."""

import io
import json
import zipfile

import duckdb
import pytest
import yaml
from fetch_site import FIXTURES, LoopbackSite, Route

from drugdata.cli import main

SETID = "7d1c6b0e-3f55-4d5c-9d33-2a1f7e9c4b10"
LABEL_ZIP = "/openfda/drug-label-0001-of-0001.json.zip"
BACLOFEN = "/pages/baclofen.html"


def label_zip() -> bytes:
    """A one-label openFDA partition, zipped as openFDA ships it."""
    label = {"meta": {"results": {"total": 1}}, "results": [{"set_id": SETID, "openfda": {"generic_name": ["BACLOFEN"]},
                                                             "indications_and_usage": ["Baclofen is indicated for spasticity."]}]}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("drug-label-0001-of-0001.json", json.dumps(label))
    return buffer.getvalue()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The loopback sources, a registry pointing at them, and empty raw/ and output/ folders."""
    root = tmp_path_factory.mktemp("refresh")
    with LoopbackSite() as site:
        site.serve_fixture("/robots.txt", "robots.txt", content_type="text/plain")
        site.serve_fixture(BACLOFEN, "pages/baclofen.html", etag='"b1"')
        site.serve_fixture("/pages/metformin.html", "pages/metformin.html", last_modified="Tue, 28 Apr 2026 10:00:00 GMT")
        site.serve_fixture("/dailymed/spls.json", "dailymed/spls.json", content_type="application/json")
        site.serve_fixture(f"/dailymed/spls/{SETID}.xml", f"dailymed/{SETID}.xml", content_type="text/xml")
        site.serve_fixture("/openfda/download.json", "openfda/download.json", content_type="application/json")
        site.routes[LABEL_ZIP] = Route(label_zip(), etag='"z1"', content_type="application/zip")
        registry = root / "registry"
        registry.mkdir()
        for entry in (FIXTURES / "registry").glob("*.yaml"):
            (registry / entry.name).write_text(entry.read_text().replace("{base}", site.base))
        yield site, root / "raw", root / "output", registry


def raw_files(raw):
    return sorted(p.relative_to(raw).as_posix() for p in raw.rglob("*") if p.is_file() and ".partial" not in p.parts)


def sources_table(out):
    con = duckdb.connect(str(out / "drugdata.duckdb"), read_only=True)
    names = ("path", "status", "reason", "url", "retrieved_at", "publisher", "format")
    rows = con.execute(f"SELECT {', '.join(names)} FROM sources").fetchall()
    return {row[0]: dict(zip(names, row, strict=True)) for row in rows}


@pytest.fixture(scope="module")
def first(world, prefect_harness):
    from flows.fetch import refresh

    _, raw, out, registry = world
    return refresh(raw_dir=str(raw), out_dir=str(out), registry_dir=str(registry), batch_size=4)


@pytest.fixture(scope="module")
def second(world, first):
    """A plain fetch through the CLI, --strict: the 404 page makes it exit 1."""
    site, raw, _, registry = world
    before, mark = raw_files(raw), len(site.requests)
    capture = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdout", capture)
        code = main(["fetch", "--raw", str(raw), "--registry", str(registry), "--strict"])
    return code, capture.getvalue(), before, raw_files(raw), site.requests[mark:]


@pytest.fixture(scope="module")
def third(world, second):
    """The publisher revises the baclofen page; refresh fetches it again and rebuilds."""
    from flows.fetch import refresh

    site, raw, out, registry = world
    route = site.routes[BACLOFEN]
    route.body, route.etag = (FIXTURES / "pages/baclofen-revised.html").read_bytes(), '"b2"'
    return refresh(raw_dir=str(raw), out_dir=str(out), registry_dir=str(registry), batch_size=4)


def statuses(result):
    return {item["url"].split("/", 3)[-1]: item["status"] for s in result["sources"] for item in s["results"]}


def test_the_first_refresh_fetches_every_source_and_builds(world, first):
    site, raw, out, _ = world
    assert statuses(first["fetch"]) == {
        "pages/baclofen.html": "fetched", "pages/metformin.html": "fetched", "pages/gone.html": "failed",
        "private/drafts.html": "skipped_robots", f"dailymed/spls/{SETID}.xml": "fetched",
        "openfda/drug-label-0001-of-0001.json.zip": "fetched"}
    assert site.hits("/private/drafts.html") == [] and len(site.hits("/pages/gone.html")) == 1  # 404: no retry
    zipped = next(raw.glob("openfda_labels/*/drug-label-0001-of-0001.json.zip"))
    assert zipped.read_bytes() == site.routes[LABEL_ZIP].body  # kept as downloaded
    rows = sources_table(out)
    pages = {path: row for path, row in rows.items() if path.startswith("web/") and not path.endswith(".meta.json")}
    assert {row["status"] for row in pages.values()} == {"ok"} and len(pages) == 2
    sidecars = [row for path, row in rows.items() if path.endswith(".meta.json")]
    assert sidecars and {row["status"] for row in sidecars} == {"metadata"}  # every file is in sources
    for row in pages.values():
        assert row["url"].startswith(site.base + "/pages/") and row["publisher"] == "Loopback Pharmacy Notes"
        assert row["retrieved_at"].endswith("Z") and len(row["retrieved_at"]) == 20
    assert not [path for path, row in rows.items() if row["status"] == "quarantined"]
    assert rows[str(zipped.relative_to(raw))]["status"] == "container"  # a bulk partition: its records are read
    assert rows[f"{zipped.relative_to(raw)}#000000"]["status"] == "ok"
    assert rows[next(path for path in rows if path.startswith("dailymed/") and path.endswith(".xml"))]["format"] == "spl_xml"
    assert first["build"]["documents_read"] == 4  # two pages, the SPL, the zipped label


def test_the_second_fetch_sends_conditional_requests_and_downloads_nothing(second):
    code, printed, before, after, requests = second
    assert after == before
    pages = {seen.path: seen for seen in requests if seen.path.startswith("/pages/") and seen.path != "/pages/gone.html"}
    assert {path: seen.status for path, seen in pages.items()} == {BACLOFEN: 304, "/pages/metformin.html": 304}
    assert pages[BACLOFEN].headers["if-none-match"] == '"b1"'
    assert pages["/pages/metformin.html"].headers["if-modified-since"] == "Tue, 28 Apr 2026 10:00:00 GMT"
    assert not [seen for seen in requests if seen.path in (LABEL_ZIP, f"/dailymed/spls/{SETID}.xml")]  # versions listed unchanged
    assert code == 1  # --strict, and gone.html is still 404
    assert "0 fetched, 4 unchanged, 1 failed, 1 skipped by robots.txt, 0 refused" in printed
    assert "HTTP 404 Not Found" in printed


def test_a_changed_page_is_fetched_again_and_supersedes_its_old_copy(world, third):
    site, raw, out, _ = world
    assert statuses(third["fetch"])["pages/baclofen.html"] == "fetched"
    assert [status for url, status in statuses(third["fetch"]).items() if url != "pages/baclofen.html"].count("fetched") == 0
    copies = sorted(path for path in raw_files(raw) if path.endswith("/baclofen.html"))
    assert len(copies) == 2  # the old copy stays as history
    rows = sources_table(out)
    old, new = rows[copies[0]], rows[copies[1]]
    assert new["status"] == "ok" and new["url"] == site.url(BACLOFEN)
    assert old["status"] == "duplicate"
    assert old["reason"] == f"superseded by {copies[1]} (same url, retrieved later)"
    assert third["build"]["documents_read"] == 4 and third["build"]["documents_duplicate"] == 1  # 3 pages, 1 label
    con = duckdb.connect(str(out / "drugdata.duckdb"), read_only=True)
    text = con.execute("""SELECT clean_text FROM documents JOIN sources USING (doc_id)
                          WHERE documents.drug_id = 'baclofen' AND path LIKE 'web/%'""").fetchall()
    assert len(text) == 1 and "Abrupt discontinuation" in text[0][0]


def test_the_refresh_artifact_says_what_was_fetched_and_what_failed(third):
    from prefect.artifacts import Artifact

    artifact = Artifact.get("drugdata-refresh")
    assert artifact is not None
    markdown = str(artifact.data)
    assert "| web | 1 | 1 | 1 | 1 | 0 |" in markdown and "HTTP 404 Not Found" in markdown
    assert "## drugdata build" in markdown and "4 documents read" in markdown


def test_the_scheduled_deployment_runs_refresh(repo):
    from prefect.cli.deploy._models import PrefectYamlModel
    from prefect.flows import load_flow_from_entrypoint

    config = PrefectYamlModel.model_validate(yaml.safe_load((repo / "prefect.yaml").read_text()))
    [deployment] = [d for d in config.deployments if d.schedules]  # the build deployment has none
    assert deployment.entrypoint == "flows/fetch.py:refresh"
    assert load_flow_from_entrypoint(str(repo / deployment.entrypoint)).name == "drugdata-refresh"
    assert deployment.schedules and deployment.schedules[0].cron == "0 3 * * *"


def test_refresh_serve_hands_the_schedule_to_prefect(monkeypatch, tmp_path):
    from flows import fetch

    served = {}
    monkeypatch.setattr(fetch.refresh, "serve", lambda **options: served.update(options), raising=False)
    assert main(["refresh", "--serve", "--cron", "30 2 * * 1", "--raw", str(tmp_path), "web_pages"]) == 0
    assert served["cron"] == "30 2 * * 1" and served["parameters"]["sources"] == ["web_pages"]
