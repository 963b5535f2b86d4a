"""Which drug a page is about: the drug its title and text name most often."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from drugdata.normalize import drug_lexicon, drug_names
from drugdata.vocabulary import read_csv

__all__ = ["LABEL_IDENTITY", "SeveralDrugs", "drug_record", "identify_drug", "label_drug", "name_pattern"]

# The metadata a label gives about its own drug that `drug_record` reads for a drug outside the vocabulary.
LABEL_IDENTITY = ("brand_names", "pharm_class", "rxcui")

# Salt and hydrate words a label's generic name carries ("atorvastatin calcium trihydrate").
_SALTS = re.compile(
    r"\b(hydrochloride|hcl|hydrobromide|sodium|potassium|calcium|magnesium|sulfate|bisulfate|sulphate|"
    r"maleate|mesylate|besylate|tartrate|bitartrate|citrate|phosphate|acetate|succinate|fumarate|"
    r"dihydrate|trihydrate|monohydrate|hydrate|anhydrous|disodium|dipropionate|propionate|bromide)\b",
    re.IGNORECASE)


@lru_cache(maxsize=1)
def _by_name() -> dict[str, dict[str, str]]:
    return {row["name"]: row for row in read_csv("drugs.csv")}


def label_drug(meta: dict[str, str]) -> str | None:
    """The generic name a regulatory label gives itself, without salts ("diphenhydramine and
    phenylephrine" for a combination), or None for a page that does not declare one."""
    parts = re.split(r",\s*|\s+and\s+", meta.get("generic_name", "").lower())
    names = [re.sub(r"\s+", " ", _SALTS.sub(" ", part)).strip(" .;") for part in parts]
    names = [name for name in dict.fromkeys(names) if re.search(r"[a-z]{3}", name)]
    return " and ".join(names) or None


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def drug_record(name: str, label: dict[str, str] | None = None) -> dict[str, object]:
    """The `drugs` table row for a generic name: from the drug vocabulary, else from the
    identity the label itself gives (brand names, class, RxCUI)."""
    if name not in _by_name():
        label = label or {}
        rxcui = label.get("rxcui", "")
        return {"drug_id": _slug(name), "name": name,
                "brand_names": sorted({b.strip() for b in label.get("brand_names", "").split("|") if b.strip()}),
                "drug_class": label.get("pharm_class") or None, "rxcui": rxcui if rxcui.isdigit() else None}
    row = _by_name()[name]
    return {
        "drug_id": row["drug_id"],
        "name": row["name"],
        "brand_names": [b.strip() for b in row.get("brand_names", "").split("|") if b.strip()],
        "drug_class": row.get("drug_class") or None,
        "rxcui": row.get("rxcui") or None,
    }


class SeveralDrugs(ValueError):
    """The page names two or more drugs about equally: a comparison, not one drug's monograph."""


def identify_drug(text: str, title: str = "", declared: str = "") -> str | None:
    """Generic name of the page's drug, or None when no known drug is named.

    A declared drug (front matter) and the title weigh more than body mentions. Raises
    SeveralDrugs when the runner-up has at least 80% of the votes of the first (and 5 or more),
    unless the page declares its drug.
    """
    lexicon = drug_lexicon()
    votes: Counter[str] = Counter()
    for source, weight in ((declared, 10), (title, 5), (text, 1)):
        for match in lexicon.scan(source):
            votes[match.concept.name] += weight
    ranked = [(name, count) for name, count in votes.most_common() if name in _by_name()]
    if not ranked or ranked[0][1] < 2:
        return None
    (first, top), runner_up = ranked[0], ranked[1] if len(ranked) > 1 else ("", 0)
    if not declared and runner_up[1] >= max(5, 0.8 * top):
        raise SeveralDrugs(f"names several drugs about equally ({first}, {runner_up[0]})")
    return first


def name_pattern(name: str, label: dict[str, str] | None = None) -> re.Pattern[str]:
    """Regex matching a drug's generic, brand and other names as whole words."""
    known = _by_name().get(name)
    brands = (label or {}).get("brand_names", "")
    names = drug_names(known) if known else [name, *name.split(" and "), *brands.split("|")]
    names = [n for n in names if n.strip()]
    alternatives = "|".join(sorted({re.escape(n.strip()) for n in names}, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)
