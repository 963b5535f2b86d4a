"""The source registry: the shipped entries name the real endpoints; a bad entry is refused
with every problem named."""

import tomllib
from urllib.parse import urlsplit

import pytest

from drugdata.fetch.registry import KINDS, RegistryError, load_registry, parse_entry, select

VALID = {"name": "pages", "kind": "web_pages", "license": "publisher's copyright", "refresh": "weekly",
         "user_agent": "drugdata/0.1", "pages": [{"url": "https://example.org/baclofen", "publisher": "Example"}]}


def test_the_shipped_registry_describes_the_real_sources():
    registry = load_registry()
    assert {source.kind for source in registry.values()} == set(KINDS)
    hosts = {urlsplit(url).hostname for s in registry.values() for url in s.listing_urls}
    assert {"api.fda.gov", "dailymed.nlm.nih.gov"} <= hosts
    openfda = next(s for s in registry.values() if s.kind == "openfda_bulk")
    assert openfda.dataset == "drug/label" and "CC0" in openfda.license
    dailymed = next(s for s in registry.values() if s.kind == "dailymed_spl")
    assert dailymed.document_url == "https://dailymed.nlm.nih.gov/dailymed/services/v2/spls/{setid}.xml"
    for source in registry.values():
        assert source.allow_private == () and source.license and source.user_agent.startswith("drugdata/")
        urls = list(source.listing_urls) + [page.url for page in source.pages]
        assert urls and all(url.startswith("https://") for url in urls)
    web = next(s for s in registry.values() if s.kind == "web_pages")
    assert web.robots and all(page.publisher for page in web.pages) and web.rate_limit_seconds >= 1


def test_the_registry_files_ship_with_the_package(repo):
    package_data = tomllib.loads((repo / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert "fetch/sources/*.yaml" in package_data["drugdata"]


@pytest.mark.parametrize(("change", "problem"), [
    ({"kind": "rss"}, "'kind' must be one of openfda_bulk, dailymed_spl, web_pages (got 'rss')"),
    ({"name": "Web Pages!"}, "'name' must be lowercase letters"),
    ({"refresh": "hourly"}, "'refresh' must be one of daily, weekly, monthly"),
    ({"licence": "CC0"}, "unknown field 'licence'"),
    ({"license": ""}, "'license' must be a non-empty string"),
    ({"rate_limit_seconds": -1}, "'rate_limit_seconds' must be a number >= 0.0"),
    ({"retries": 2.5}, "'retries' must be an integer >= 0"),
    ({"robots": False}, "web_pages always obey robots.txt"),
    ({"allow_private": ["10.0.0.0/8", "intranet"]}, "'allow_private' has an invalid network 'intranet'"),
    ({"pages": [{"url": "file:///etc/passwd", "publisher": "x"}]}, "pages[0].url must be an http(s) URL"),
    ({"pages": [{"url": "https://example.org/a"}]}, "pages[0] needs a publisher"),
    ({"pages": [{"url": "https://example.org/a", "publisher": "x", "sha": "1"}]}, "pages[0] has unknown fields: sha"),
    ({"pages": []}, "'pages' must be a non-empty list"),
])
def test_a_bad_entry_is_refused_with_the_field_named(change, problem):
    with pytest.raises(RegistryError) as error:
        parse_entry({**VALID, **change}, "sources/pages.yaml")
    assert problem in str(error.value) and str(error.value).startswith("sources/pages.yaml: ")


def test_every_problem_of_an_entry_is_reported_at_once():
    with pytest.raises(RegistryError) as error:
        parse_entry({"name": "dm", "kind": "dailymed_spl", "refresh": "daily", "license": "PD", "user_agent": "x",
                     "publisher": "NLM", "listing_urls": ["ftp://dailymed/spls.json"],
                     "document_url": "https://dailymed.example/spls/{id}.xml"}, "dm.yaml")
    message = str(error.value)
    assert "listing_urls[0] must be an http(s) URL" in message
    assert "'document_url' must use exactly the placeholder {setid}" in message


def test_allow_private_true_means_every_network():
    assert parse_entry({**VALID, "allow_private": True}, "x").allow_private == ("0.0.0.0/0", "::/0")


def test_a_registry_folder_is_read_whole_and_checked(tmp_path):
    (tmp_path / "a.yaml").write_text("name: same\nkind: web_pages\nlicense: x\nrefresh: daily\nuser_agent: u\n"
                                     "pages: [{url: 'https://e.org/', publisher: E}]\n")
    (tmp_path / "b.yaml").write_text((tmp_path / "a.yaml").read_text())
    with pytest.raises(RegistryError, match="source name 'same' is also used by"):
        load_registry(tmp_path)
    (tmp_path / "b.yaml").write_text("name: [unclosed\n")
    with pytest.raises(RegistryError, match="b.yaml: cannot read"):
        load_registry(tmp_path)
    with pytest.raises(RegistryError, match="registry folder not found"):
        load_registry(tmp_path / "missing")


def test_unknown_source_names_are_refused():
    registry = load_registry()
    assert [s.name for s in select(registry, None)] == sorted(registry)
    with pytest.raises(RegistryError, match="unknown source 'dailymed'; known: "):
        select(registry, ["dailymed"])
