"""Term normalization: map phrases to concepts, and find known terms inside sentences.

Lexicons come from the vocabulary files and HPO; matching is on normalized word keys with
simple plural folding, so "Spinal cord injuries" finds "spinal cord injury".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from drugdata.vocabulary import Concept, hpo_terms, read_csv

__all__ = ["Lexicon", "Match", "agent_lexicon", "condition_lexicon", "drug_lexicon",
           "effect_lexicon", "key"]

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
_MAX_WORDS = 8
_MODIFIERS = {"severe", "mild", "serious", "extreme", "very", "some", "other", "certain",
              "occasional", "persistent", "sudden", "possible", "rare", "significant",
              "increased", "excessive", "unusual", "general", "widespread", "moderate", "chronic", "acute"}


def _fold(word: str) -> str:
    """Crude singular form: injuries -> injury, spasms -> spasm, but not 'sepsis'."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "is", "us", "os")):
        return word[:-1]
    return word


def key(phrase: str) -> str:
    """Normalized lookup key: lowercase words, plural-folded, punctuation dropped."""
    words = _WORD.findall(phrase.lower().replace("’", "'"))
    return " ".join(_fold(w) for w in words)


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    surface: str
    concept: Concept


class Lexicon:
    """Phrase -> concept lookup plus longest-match scanning over text."""

    def __init__(self, entries: list[tuple[str, Concept]], min_chars: int = 3) -> None:
        self._index: dict[str, Concept] = {}
        self._longest: dict[str, int] = {}  # first word -> most words of a term starting with it
        for phrase, concept in entries:
            k = key(phrase)
            if len(k) >= min_chars:
                self._index.setdefault(k, concept)  # first source wins: curated before HPO
                words = k.split(" ")
                self._longest[words[0]] = max(self._longest.get(words[0], 0), min(len(words), _MAX_WORDS))

    def __len__(self) -> int:
        return len(self._index)

    def lookup(self, phrase: str) -> Concept | None:
        """Concept for a whole phrase; leading modifiers such as 'severe' may be dropped."""
        k = key(phrase)
        if k in self._index:
            return self._index[k]
        words = k.split()
        while len(words) > 1 and words[0] in _MODIFIERS:
            words = words[1:]
            if " ".join(words) in self._index:
                return self._index[" ".join(words)]
        return None

    def scan(self, text: str) -> list[Match]:
        """Non-overlapping longest matches of known terms, left to right."""
        tokens = [(m.start(), m.end(), _fold(m.group().lower().replace("’", "'")))
                  for m in _WORD.finditer(text)]
        found: list[Match] = []
        i = 0
        while i < len(tokens):
            longest = self._longest.get(tokens[i][2], 0)  # most positions start no term: skip fast
            for n in range(min(longest, len(tokens) - i), 0, -1):
                k = " ".join(t[2] for t in tokens[i:i + n])
                concept = self._index.get(k)
                if concept is not None:
                    start, end = tokens[i][0], tokens[i + n - 1][1]
                    found.append(Match(start, end, text[start:end], concept))
                    i += n
                    break
            else:
                i += 1
        return found


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def _hpo_entries(kind: str) -> list[tuple[str, Concept]]:
    entries = []
    for term_id, name, synonyms in hpo_terms():
        concept = Concept(term_id, name, kind)
        entries.append((name, concept))
        entries.extend((synonym, concept) for synonym in synonyms)
    return entries


@lru_cache(maxsize=1)
def effect_lexicon() -> Lexicon:
    hpo = {tid: name for tid, name, _ in hpo_terms()}
    curated = [(row["term"], Concept(row["hpo_id"], hpo.get(row["hpo_id"], row["term"]), "effect"))
               for row in read_csv("effect_synonyms.csv") if row.get("hpo_id") in hpo]
    return Lexicon(curated + _hpo_entries("effect"), min_chars=4)


@lru_cache(maxsize=1)
def condition_lexicon() -> Lexicon:
    return Lexicon(_named_entries("conditions.csv", "condition_id", "condition") + _hpo_entries("condition"),
                   min_chars=4)


def _named_entries(file: str, id_column: str, kind: str) -> list[tuple[str, Concept]]:
    """(name or synonym, concept) for every row of a vocabulary with name and synonyms columns."""
    entries = []
    for row in read_csv(file):
        concept = Concept(row.get(id_column) or None, row["name"], kind)
        entries += [(name, concept) for name in [row["name"], *_split(row.get("synonyms", ""))]]
    return entries


def drug_names(row: dict[str, str]) -> list[str]:
    """Every name a drug row answers to: generic, brands, synonyms."""
    return [row["name"]] + _split(row.get("brand_names", "")) + _split(row.get("synonyms", ""))


def _drug_concept(row: dict[str, str]) -> Concept:
    return Concept(f"RXCUI:{row['rxcui']}" if row.get("rxcui") else None, row["name"], "drug")


@lru_cache(maxsize=1)
def drug_lexicon() -> Lexicon:
    """Generic names, brand names and synonyms of drugs; concept name is the generic name."""
    return Lexicon(_drug_entries(), min_chars=3)


def _drug_entries() -> list[tuple[str, Concept]]:
    return [(name, _drug_concept(row)) for row in read_csv("drugs.csv") for name in drug_names(row)]


@lru_cache(maxsize=1)
def agent_lexicon() -> Lexicon:
    """Interacting agents: substances, drug classes and drugs."""
    return Lexicon(_named_entries("substances.csv", "substance_id", "substance")
                   + _named_entries("drug_classes.csv", "class_id", "drug_class") + _drug_entries(),
                   min_chars=3)
