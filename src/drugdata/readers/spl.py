"""DailyMed SPL XML (HL7 v3 structured product labels): sections by LOINC code, tables by cell.

Each `<section>` becomes a heading (its title, or the LOINC name when it has none) carrying the
canonical type its code gives, then its paragraphs, list items and table rows; nested sections
nest one level deeper. Identity (product name, generic name, dosage form, strengths) comes from
the manufactured product. XML is parsed without DTDs, entity expansion or network access.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from lxml import etree

from drugdata.models import Block, Page
from drugdata.readers.errors import UnreadableInput
from drugdata.readers.html import row_block
from drugdata.readers.text import normalize
from drugdata.vocabulary import read_csv

__all__ = ["label_sections", "parse", "products", "sniff"]

_V3 = "urn:hl7-org:v3"
_NS = {"v3": _V3}
_LOINC = "2.16.840.1.113883.6.1"
_SPL = re.compile(r"<document\b[^>]*\burn:hl7-org:v3")
_PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}
_SKIP_CODES = {"48780-1", "51945-4"}  # product data elements and package label: no prose facts
_UNCLASSIFIED = "42229-5"  # a subsection ("6.1 Clinical Trials"): its type comes from its parent
_ACTIVE = {"ACTIB", "ACTIM", "ACTIR"}  # active ingredient by basis of strength, moiety, reference


@lru_cache(maxsize=1)
def label_sections() -> dict[str, dict[str, str]]:
    """LOINC code -> row of the label section table (`vocab/label_sections.csv`)."""
    return {row["loinc_code"]: row for row in read_csv("label_sections.csv")}


def sniff(text: str, path: str) -> float:
    return 1.0 if _SPL.search(text[:4096]) else 0.0


def _tag(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _text(element: etree._Element | None) -> str:
    return _squash(" ".join(element.itertext())) if element is not None else ""


def _child(element: etree._Element, path: str) -> etree._Element | None:
    found = element.find(path, _NS)
    return found


def _rows(table: etree._Element) -> Iterator[Block]:
    for tr in table.iter(f"{{{_V3}}}tr"):
        cells: list[str] = []
        for cell in tr:
            if _tag(cell) in ("td", "th"):
                span = str(cell.get("colspan") or "1")
                cells += [_text(cell)] + [""] * (min(int(span), 20) - 1 if span.isdigit() else 0)
        block = row_block(cells)
        if block:
            yield block


def _content(text: etree._Element, depth: int) -> Iterator[Block]:
    """Blocks of a section's <text>: paragraphs, list items (nested lists deeper), table rows."""
    loose: list[str] = [text.text or ""]
    for child in text:
        name = _tag(child)
        if name in ("paragraph", "list", "table"):
            if _squash("".join(loose)):
                yield Block("para", _squash("".join(loose)))
            loose = []
        if name == "paragraph":
            if _text(child):
                yield Block("para", _text(child))
        elif name == "list":
            for item in child.findall("v3:item", _NS):
                nested = [n for n in item if _tag(n) == "list"]
                own = _squash(" ".join(t for n in [item] for t in _own_text(n, skip=nested)))
                if own:
                    yield Block("item", own, depth)
                for sub in nested:
                    wrapper = etree.Element(f"{{{_V3}}}text")
                    wrapper.append(sub)
                    yield from _content(wrapper, depth + 1)
        elif name == "table":
            caption = _child(child, "v3:caption")
            if _text(caption):
                yield Block("para", _text(caption))
            yield from _rows(child)
        else:
            loose.append(" ".join(child.itertext()))
        loose.append(child.tail or "")
    if _squash("".join(loose)):
        yield Block("para", _squash("".join(loose)))


def _own_text(element: etree._Element, skip: list[etree._Element]) -> Iterator[str]:
    """Text of an element without the subtrees in `skip` (an item's nested lists)."""
    yield element.text or ""
    for child in element:
        if child not in skip:
            yield from child.itertext()
        yield child.tail or ""


def _section_blocks(section: etree._Element, level: int) -> Iterator[Block]:
    code = _child(section, "v3:code")
    loinc = code.get("code", "") if code is not None and code.get("codeSystem") == _LOINC else ""
    if loinc in _SKIP_CODES:
        return
    known = label_sections().get(loinc)
    title = _text(_child(section, "v3:title"))
    if not title and known and known["section_type"] != "other":
        title = known["title"]  # an untitled unclassified section continues its parent
    if title:
        coded = known["section_type"] if known and loinc != _UNCLASSIFIED else None
        yield Block("heading", title, min(level, 6), section=coded)
    text = _child(section, "v3:text")
    if text is not None:
        yield from _content(text, 1)
    for sub in section.findall("v3:component/v3:section", _NS):
        yield from _section_blocks(sub, level + 1)


def _product_name(product: etree._Element) -> tuple[str, str]:
    name = _text(_child(product, "v3:name"))
    generic = _text(_child(product, "v3:asEntityWithGeneric/v3:genericMedicine/v3:name"))
    return name, generic


def products(root: etree._Element) -> list[dict[str, str]]:
    """Manufactured products: name, generic name, form and active ingredients with strength."""
    found = []
    for product in root.iterfind(".//v3:manufacturedProduct/v3:manufacturedProduct", _NS):
        name, generic = _product_name(product)
        form = _child(product, "v3:formCode")
        strengths = []
        for ingredient in product.findall("v3:ingredient", _NS):
            if ingredient.get("classCode") not in _ACTIVE:
                continue
            numerator = _child(ingredient, "v3:quantity/v3:numerator")
            denominator = _child(ingredient, "v3:quantity/v3:denominator")
            substance = _text(_child(ingredient, "v3:ingredientSubstance/v3:name"))
            if numerator is None:
                continue
            per = "" if denominator is None or denominator.get("unit") in (None, "1") else \
                f" per {denominator.get('value', '')} {denominator.get('unit')}"
            strengths.append(f"{substance.lower()} {numerator.get('value')} {numerator.get('unit')}{per}")
        found.append({"name": name, "generic_name": generic.lower(),
                      "form": (form.get("displayName") or "").lower() if form is not None else "",
                      "strengths": "; ".join(strengths)})
    return found


def _identity(root: etree._Element, items: list[dict[str, str]]) -> dict[str, str]:
    meta: dict[str, str] = {}
    title = _text(_child(root, "v3:title"))
    generics = [p["generic_name"] for p in items if p["generic_name"]]
    brands = sorted({p["name"] for p in items if p["name"] and p["name"].lower() not in generics})
    if generics:
        meta["generic_name"] = generics[0]
        meta["drug"] = generics[0]
    if brands:
        meta["brand_names"] = "|".join(brands)
    meta["title"] = title or " ".join(filter(None, [items[0]["name"] if items else "", f"({generics[0]})" if generics else ""]))
    set_id = _child(root, "v3:setId")
    if set_id is not None and set_id.get("root"):
        meta["set_id"] = set_id.get("root", "")
        meta.setdefault("url", f"https://dailymed.nlm.nih.gov/dailymed/lookup.cfm?setid={meta['set_id']}")
    publisher = _text(_child(root, "v3:author/v3:assignedEntity/v3:representedOrganization/v3:name"))
    if publisher:
        meta["labeler"] = publisher
    meta["publisher"] = "DailyMed (NLM)"
    return {k: v for k, v in meta.items() if v}


def parse(text: str, path: str) -> Page:
    parser = etree.XMLParser(**_PARSER_OPTIONS)
    body = re.sub(r"^\s*<\?xml[^>]*\?>", "", normalize(text))  # str input must not declare an encoding
    try:
        root = etree.fromstring(body.encode("utf-8"), parser)
    except etree.XMLSyntaxError as error:
        raise UnreadableInput(f"not well-formed XML ({error.msg})") from None
    if _tag(root) != "document":
        raise UnreadableInput(f"not an SPL document (root element <{_tag(root)}>)")
    items = products(root)
    blocks: list[Block] = []
    meta = _identity(root, items)
    if meta.get("title"):
        blocks.append(Block("heading", meta["title"], 1, section="other"))
    strengths = sorted({f"{p['name']} {p['form']} strength: {p['strengths']}" for p in items if p["strengths"]})
    if strengths:  # the product data as text, where the products extractor reads strengths
        blocks.append(Block("heading", "Products and strengths", 2, section="dosing"))
        blocks += [Block("item", line, 1) for line in strengths]
    for section in root.iterfind("v3:component/v3:structuredBody/v3:component/v3:section", _NS):
        blocks.extend(_section_blocks(section, 2))
    return Page(path=path, format="spl_xml", blocks=blocks, meta=meta)
