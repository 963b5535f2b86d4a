"""What to fetch for a source: each kind turns its registry entry (and listing) into targets.

- `openfda_bulk`: openFDA's `download.json` lists the partitions of each dataset under
  `results.<dataset path>` (for drug labels `results.drug.label.partitions[].file`, zipped JSON).
- `dailymed_spl`: DailyMed's `spls.json` pages list `data[].setid` and `spl_version`; each SPL
  document comes from the `document_url` template (`.../spls/{setid}.xml`).
- `web_pages`: the pages named in the registry.

The listing reader is passed in, so this module is pure and tests feed it literal listings.
A listing that is not what it should be raises FetchError: the run reports it, never guesses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urljoin

from drugdata.fetch.registry import Source
from drugdata.fetch.safety import FetchError

__all__ = ["Target", "listing_targets", "page_targets"]

_SETID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_MAX_LISTING_PAGES = 1000

JsonReader = Callable[[str], Any]


@dataclass(frozen=True)
class Target:
    """One URL to fetch, with the provenance its sidecar will carry."""

    url: str
    publisher: str
    license: str
    title: str | None = None
    sha256: str | None = None  # expected checksum, when the registry gives one
    version: str | None = None  # the source's own version (SPL version, openFDA export date)
    listing_url: str | None = None


def _openfda(source: Source, listing_url: str, read_json: JsonReader) -> list[Target]:
    data = read_json(listing_url)
    node: Any = data.get("results") if isinstance(data, dict) else None
    for key in (source.dataset or "").split("/"):
        node = node.get(key) if isinstance(node, dict) else None
    partitions = node.get("partitions") if isinstance(node, dict) else None
    if not isinstance(partitions, list) or not partitions:
        raise FetchError(f"{listing_url} lists no partitions for {source.dataset}")
    export_date = node.get("export_date") if isinstance(node, dict) else None
    found = []
    for index, partition in enumerate(partitions[: source.max_documents]):
        url = partition.get("file") if isinstance(partition, dict) else None
        if not isinstance(url, str) or not url:
            raise FetchError(f"{listing_url}: partition {index} of {source.dataset} has no file URL")
        found.append(Target(url, str(source.publisher), source.license, partition.get("display_name"),
                            version=str(export_date) if export_date else None, listing_url=listing_url))
    return found


def _dailymed(source: Source, listing_url: str, read_json: JsonReader) -> list[Target]:
    limit = source.max_documents or float("inf")
    found: list[Target] = []
    page_url: str | None = listing_url
    for _ in range(_MAX_LISTING_PAGES):
        if page_url is None or len(found) >= limit:
            break
        data = read_json(page_url)
        entries = data.get("data") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise FetchError(f"{page_url} is not a DailyMed SPL listing (no 'data' list)")
        for entry in entries:
            setid = entry.get("setid") if isinstance(entry, dict) else None
            if not isinstance(setid, str) or not _SETID.match(setid):
                raise FetchError(f"{page_url}: listing entry without a valid setid: {str(entry)[:120]}")
            version = entry.get("spl_version")
            found.append(Target(str(source.document_url).format(setid=quote(setid)), str(source.publisher),
                                source.license, entry.get("title"),
                                version=str(version) if version is not None else None, listing_url=listing_url))
        following = (data.get("metadata") or {}).get("next_page_url")
        page_url = urljoin(page_url, following) if isinstance(following, str) and following not in ("", "null") else None
    return found[: source.max_documents]


def page_targets(source: Source) -> list[Target]:
    """The pages a `web_pages` source names, with their own publisher or the source's."""
    return [Target(page.url, str(page.publisher or source.publisher), page.license or source.license,
                   page.title, page.sha256) for page in source.pages]


def listing_targets(source: Source, listing_url: str, read_json: JsonReader) -> list[Target]:
    """The documents one listing of an `openfda_bulk` or `dailymed_spl` source names."""
    read = _openfda if source.kind == "openfda_bulk" else _dailymed
    return read(source, listing_url, read_json)
