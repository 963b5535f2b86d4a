"""openFDA drug label JSON: one label per file, or the bulk download `{"meta", "results": [...]}`.

Sections come from the label fields named in `vocab/label_sections.csv` (each field a list of
strings; `<field>_table` holds the section's tables as HTML); identity from the `openfda`
block. Bulk files are streamed record by record (`iter_records`), zipped or not, so a 130 MB
partition never sits in memory whole.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from bs4 import BeautifulSoup

from drugdata.models import Block, Page
from drugdata.readers.errors import UnreadableInput
from drugdata.readers.html import table_row
from drugdata.readers.spl import label_sections
from drugdata.readers.text import blocks_from_lines

__all__ = ["is_bulk", "iter_records", "parse", "record_page", "sniff"]

_HEAD = re.compile(r'^\s*\{\s*"(meta|results|openfda|set_id|id|effective_time|spl_product_data_elements|'
                   r'indications_and_usage|adverse_reactions|boxed_warning|warnings|package_label_principal_display_panel)"')
_CHUNK = 1 << 20


def _fields() -> list[tuple[str, str, str]]:
    """(openFDA field, section title, canonical type) in label order."""
    return [(row["openfda_field"], row["title"], row["section_type"])
            for row in label_sections().values() if row["openfda_field"]]


def sniff(text: str, path: str) -> float:
    head = text[:65536]
    if not _HEAD.match(head):
        return 0.0
    fields = {field for field, _, _ in _fields()}
    keys = set(re.findall(r'"([a-z_]+)"\s*:', head))
    return 1.0 if keys & (fields | {"openfda", "results"}) else 0.0


def _strings(value: Any) -> list[str]:
    """A field as strings: openFDA gives lists of strings; other shapes are tolerated, not trusted."""
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [str(v).strip() for v in values if isinstance(v, (str, int, float)) and str(v).strip()]


def _first(values: Any) -> str:
    strings = _strings(values)
    return strings[0] if strings else ""


def _identity(record: dict[str, Any]) -> dict[str, str]:
    found = record.get("openfda")
    ids: dict[str, Any] = found if isinstance(found, dict) else {}
    generic, brand = _first(ids.get("generic_name")), _first(ids.get("brand_name"))
    meta = {"generic_name": generic.lower(), "drug": generic.lower(),
            "brand_names": "|".join(sorted(set(_strings(ids.get("brand_name"))))),
            "pharm_class": re.sub(r"\s*\[EPC\]$", "", _first(ids.get("pharm_class_epc"))),
            "product_rxcuis": "|".join(_strings(ids.get("rxcui"))),  # product-level (SCD/SBD), not ingredient
            "unii": "|".join(_strings(ids.get("unii"))), "set_id": _first(record.get("set_id")),
            "labeler": _first(ids.get("manufacturer_name")), "publisher": "openFDA (FDA)",
            "title": f"{brand} ({generic.lower()})" if brand and generic else brand or generic}
    if meta["set_id"]:
        meta["url"] = f"https://dailymed.nlm.nih.gov/dailymed/lookup.cfm?setid={meta['set_id']}"
    return {k: v for k, v in meta.items() if v}


def _table_rows(markup: str) -> list[Block]:
    soup = BeautifulSoup(markup, "lxml")
    return [row for tr in soup.find_all("tr") if (row := table_row(tr))]


def record_page(record: dict[str, Any], path: str) -> Page:
    """One label record as a page: a heading per section field (typed by the field), its text
    with the line structure it has, then its tables row by row."""
    meta = _identity(record)
    blocks: list[Block] = [Block("heading", meta["title"], 1, section="other")] if meta.get("title") else []
    for field, title, type_ in _fields():
        texts, tables = _strings(record.get(field)), _strings(record.get(f"{field}_table"))
        if not texts and not tables:
            continue
        blocks.append(Block("heading", title, 2, section=type_))
        for text in texts:
            blocks += blocks_from_lines(text, column_gaps=True)
        for table in tables:
            blocks += _table_rows(table)
    return Page(path=path, format="openfda_json", blocks=blocks, meta=meta)


def parse(text: str, path: str) -> Page:
    """A single-record file (or a bulk file holding one record)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableInput(f"not valid JSON ({error.msg} at line {error.lineno})") from None
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        if len(data["results"]) != 1:
            raise UnreadableInput(f"openFDA bulk file with {len(data['results'])} records: "
                                  "bulk files are not read by the build yet")
        data = data["results"][0]
    if not isinstance(data, dict):
        raise UnreadableInput("JSON that is not a drug label (an openFDA label is an object)")
    return record_page(data, path)


def is_bulk(path: Path) -> bool:
    """A zip of JSON, or JSON that opens with the bulk download's "meta" or "results" key."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                return any(name.endswith(".json") for name in archive.namelist())
        except zipfile.BadZipFile:
            return False
    return bool(re.match(rb'\s*\{\s*"(meta|results)"', head.lstrip(b"\xef\xbb\xbf")))


class _Stream:
    """A text stream read in chunks, with the unread rest in a buffer."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle, self.buffer, self.pos = handle, "", 0

    def more(self) -> bool:
        chunk = self.handle.read(_CHUNK)
        self.buffer, self.pos = self.buffer[self.pos:] + chunk, 0
        return bool(chunk)

    def skip(self, chars: str) -> str:
        """Skip whitespace and `chars`; the next character ('' at the end)."""
        while True:
            while self.pos < len(self.buffer) and (self.buffer[self.pos].isspace() or self.buffer[self.pos] in chars):
                self.pos += 1
            if self.pos < len(self.buffer) or not self.more():
                return self.buffer[self.pos:self.pos + 1]

    def value(self, decoder: json.JSONDecoder) -> Any:
        while True:
            try:
                value, end = decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError:
                if not self.more():
                    raise
                continue
            if end == len(self.buffer) and self.more():  # a number may go on in the next chunk
                continue
            self.pos = end
            return value


def _records(handle: IO[str]) -> Iterator[dict[str, Any]]:
    stream, decoder = _Stream(handle), json.JSONDecoder()
    if stream.skip("") != "{":
        raise ValueError("openFDA bulk JSON must be an object")
    stream.pos += 1
    while stream.skip(",") == '"':
        key = stream.value(decoder)
        if stream.skip(":") == "[" and key == "results":
            stream.pos += 1
            while stream.skip(",") not in ("]", ""):
                record = stream.value(decoder)
                if isinstance(record, dict):
                    yield record
            stream.pos += 1
        else:
            stream.value(decoder)  # "meta" and anything else: read past it


def iter_records(path: Path) -> Iterator[dict[str, Any]]:
    """Label records of a bulk file, one at a time; a zip's JSON members in name order."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for name in sorted(n for n in archive.namelist() if n.endswith(".json")):
                with archive.open(name) as raw:
                    yield from _records(io.TextIOWrapper(raw, encoding="utf-8-sig"))
    else:
        with path.open(encoding="utf-8-sig") as handle:
            yield from _records(handle)
