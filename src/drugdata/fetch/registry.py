"""The source registry: one YAML file per source, read into checked dataclasses.

Shipped entries live in `drugdata/fetch/sources/`; `load_registry(folder)` reads another
folder instead (tests point every kind at a loopback server that way). Every problem in a
file is reported at once, with the file and the field, so a typo never fetches the wrong thing.
"""

from __future__ import annotations

import ipaddress
import re
import string
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

__all__ = ["CADENCES", "KINDS", "RegistryError", "Source", "WebPage", "load_registry", "select"]

KINDS = ("openfda_bulk", "dailymed_spl", "web_pages")
CADENCES = ("daily", "weekly", "monthly")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")  # also the folder name under raw/
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_DOCUMENT_FIELDS = {"setid"}  # placeholders a dailymed_spl document_url may use
_NUMBERS = {  # field: (default, smallest allowed)
    "rate_limit_seconds": (1.0, 0.0), "max_mb": (100.0, 0.0), "timeout_seconds": (30.0, 0.01),
    "retries": (3, 0), "backoff_seconds": (2.0, 0.0), "max_redirects": (5, 0),
}
_FIELDS = {"name", "kind", "publisher", "license", "refresh", "user_agent", "robots", "allow_private",
           "listing_urls", "dataset", "document_url", "max_documents", "pages", *_NUMBERS}
_PAGE_FIELDS = {"url", "publisher", "title", "license", "sha256"}


class RegistryError(ValueError):
    """A registry entry that cannot be used, with every problem found in it."""


@dataclass(frozen=True)
class WebPage:
    """One page of a `web_pages` source; publisher and license fall back to the source's."""

    url: str
    publisher: str | None = None
    title: str | None = None
    license: str | None = None
    sha256: str | None = None  # when given, a download with another checksum is refused


@dataclass(frozen=True)
class Source:
    """Where one source's files come from and how politely to fetch them."""

    name: str
    kind: str
    license: str
    refresh: str  # how often the source publishes; informational, the schedule runs daily
    user_agent: str
    publisher: str | None = None
    rate_limit_seconds: float = 1.0  # least time between two requests to one host
    max_mb: float = 100.0
    timeout_seconds: float = 30.0
    retries: int = 3  # extra attempts after a 5xx, a timeout or a broken connection
    backoff_seconds: float = 2.0  # first wait; doubled each retry
    max_redirects: int = 5
    robots: bool = False  # obey robots.txt (always on for web_pages)
    allow_private: tuple[str, ...] = ()  # networks that may be private/loopback addresses
    listing_urls: tuple[str, ...] = ()  # openfda_bulk: download.json; dailymed_spl: spls.json pages
    dataset: str | None = None  # openfda_bulk: path in download.json's results, e.g. drug/label
    document_url: str | None = None  # dailymed_spl: template with {setid}
    max_documents: int | None = None  # per listing; None takes everything listed
    pages: tuple[WebPage, ...] = ()
    origin: str = ""  # the file this entry was read from, for messages


def _http_url(value: Any, template: bool = False) -> str | None:
    """The problem with a URL, or None: only absolute http(s) URLs are allowed."""
    if not isinstance(value, str) or not value.strip():
        return "must be an http(s) URL"
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"must be an http(s) URL (got {value!r})"
    if not template and "{" in value:
        return f"must not contain a placeholder (got {value!r})"
    return None


def _text(entry: dict[str, Any], key: str, problems: list[str], required: bool = True) -> str | None:
    value = entry.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(f"'{key}' must be a non-empty string")
        return None
    return value.strip()


def _networks(value: Any, problems: list[str]) -> tuple[str, ...]:
    if value is True:
        return ("0.0.0.0/0", "::/0")
    if value in (False, None):
        return ()
    if not isinstance(value, list):
        problems.append("'allow_private' must be true, false or a list of networks")
        return ()
    networks = []
    for item in value:
        try:
            networks.append(str(ipaddress.ip_network(str(item), strict=False)))
        except ValueError:
            problems.append(f"'allow_private' has an invalid network {item!r}")
    return tuple(networks)


def _pages(value: Any, default_publisher: str | None, problems: list[str]) -> tuple[WebPage, ...]:
    if not isinstance(value, list) or not value:
        problems.append("'pages' must be a non-empty list of {url, publisher}")
        return ()
    pages = []
    for index, item in enumerate(value):
        where = f"pages[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{where} must be a mapping with url and publisher")
            continue
        unknown = sorted(set(item) - _PAGE_FIELDS)
        if unknown:
            problems.append(f"{where} has unknown fields: {', '.join(unknown)}")
        if problem := _http_url(item.get("url")):
            problems.append(f"{where}.url {problem}")
        if not (item.get("publisher") or default_publisher):
            problems.append(f"{where} needs a publisher (or the source one)")
        if item.get("sha256") is not None and not _SHA256.match(str(item["sha256"])):
            problems.append(f"{where}.sha256 must be 64 lowercase hex digits")
        pages.append(WebPage(**{k: str(v).strip() for k, v in item.items() if k in _PAGE_FIELDS and v is not None}))
    return tuple(pages)


def _kind_fields(entry: dict[str, Any], kind: str, problems: list[str]) -> dict[str, Any]:
    """The fields only one kind uses, checked for that kind."""
    fields: dict[str, Any] = {}
    if kind in ("openfda_bulk", "dailymed_spl"):
        urls = entry.get("listing_urls")
        if not isinstance(urls, list) or not urls:
            problems.append("'listing_urls' must be a non-empty list of URLs")
            urls = []
        problems.extend(f"listing_urls[{i}] {p}" for i, u in enumerate(urls) if (p := _http_url(u)))
        fields["listing_urls"] = tuple(str(u).strip() for u in urls)
        limit = entry.get("max_documents")
        if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
            problems.append("'max_documents' must be a positive integer or absent")
        fields["max_documents"] = limit
    if kind == "openfda_bulk":
        fields["dataset"] = _text(entry, "dataset", problems)
    if kind == "dailymed_spl":
        template = _text(entry, "document_url", problems)
        if template is not None:
            if problem := _http_url(template, template=True):
                problems.append(f"'document_url' {problem}")
            used = {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}
            if used != _DOCUMENT_FIELDS:
                problems.append(f"'document_url' must use exactly the placeholder {{setid}} (found {sorted(used)})")
        fields["document_url"] = template
    if kind == "web_pages":
        fields["pages"] = _pages(entry.get("pages"), entry.get("publisher"), problems)
    return fields


def parse_entry(entry: Any, origin: str) -> Source:
    """One registry entry as a Source; raises RegistryError listing every problem."""
    if not isinstance(entry, dict):
        raise RegistryError(f"{origin}: a source must be a YAML mapping")
    problems = [f"unknown field '{key}'" for key in sorted(set(entry) - _FIELDS)]
    name = _text(entry, "name", problems)
    if name is not None and not _NAME.match(name):
        problems.append(f"'name' must be lowercase letters, digits, '_' or '-' (got {name!r})")
    kind = entry.get("kind")
    if kind not in KINDS:
        problems.append(f"'kind' must be one of {', '.join(KINDS)} (got {kind!r})")
    refresh = entry.get("refresh")
    if refresh not in CADENCES:
        problems.append(f"'refresh' must be one of {', '.join(CADENCES)} (got {refresh!r})")
    fields: dict[str, Any] = {
        "license": _text(entry, "license", problems),
        "user_agent": _text(entry, "user_agent", problems),
        "publisher": _text(entry, "publisher", problems, required=kind != "web_pages"),
        "allow_private": _networks(entry.get("allow_private"), problems),
    }
    for key, (default, least) in _NUMBERS.items():
        value = entry.get(key, default)
        wanted = int if isinstance(default, int) else int | float
        if isinstance(value, bool) or not isinstance(value, wanted) or value < least:
            problems.append(f"'{key}' must be {'an integer' if wanted is int else 'a number'} >= {least} (got {value!r})")
        fields[key] = type(default)(value) if isinstance(value, int | float) else default
    robots = entry.get("robots", kind == "web_pages")
    if not isinstance(robots, bool) or (kind == "web_pages" and robots is False):
        problems.append("'robots' must be true or false, and web_pages always obey robots.txt")
    if isinstance(kind, str) and kind in KINDS:
        fields.update(_kind_fields(entry, kind, problems))
    if problems:
        raise RegistryError(f"{origin}: " + "; ".join(problems))
    return Source(name=str(name), kind=str(kind), refresh=str(refresh), robots=bool(robots),
                  origin=origin, **fields)


def _default_folder() -> Path:
    return Path(str(resources.files("drugdata.fetch").joinpath("sources")))


def load_registry(folder: Path | None = None) -> dict[str, Source]:
    """Every `*.yaml` source in the folder (default: the shipped registry), by name."""
    folder = folder or _default_folder()
    if not folder.is_dir():
        raise RegistryError(f"registry folder not found: {folder}")
    sources: dict[str, Source] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            entry = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as error:
            raise RegistryError(f"{path}: cannot read: {error}") from error
        source = parse_entry(entry, str(path))
        if source.name in sources:
            raise RegistryError(f"{path}: source name '{source.name}' is also used by {sources[source.name].origin}")
        sources[source.name] = source
    if not sources:
        raise RegistryError(f"no source entries (*.yaml) in {folder}")
    return sources


def select(registry: dict[str, Source], names: list[str] | None) -> list[Source]:
    """The named sources (all when none are named), refusing names not in the registry."""
    if not names:
        return list(registry.values())
    unknown = [name for name in names if name not in registry]
    if unknown:
        raise RegistryError(f"unknown source {', '.join(map(repr, unknown))}; known: {', '.join(registry)}")
    return [registry[name] for name in dict.fromkeys(names)]
