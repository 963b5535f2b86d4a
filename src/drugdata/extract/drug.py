"""Which drug a page is about: the drug its title and text name most often."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from drugdata.normalize import drug_lexicon, drug_names
from drugdata.vocabulary import read_csv

__all__ = ["drug_record", "identify_drug", "name_pattern"]


@lru_cache(maxsize=1)
def _by_name() -> dict[str, dict[str, str]]:
    return {row["name"]: row for row in read_csv("drugs.csv")}


def drug_record(name: str) -> dict[str, object]:
    """The `drugs` table row for a generic name from the drug vocabulary."""
    row = _by_name()[name]
    return {
        "drug_id": row["drug_id"],
        "name": row["name"],
        "brand_names": [b.strip() for b in row.get("brand_names", "").split("|") if b.strip()],
        "drug_class": row.get("drug_class") or None,
        "rxcui": row.get("rxcui") or None,
    }


def identify_drug(text: str, title: str = "", declared: str = "") -> str | None:
    """Generic name of the page's drug, or None when no known drug is named.

    A declared drug (front matter) and the title weigh more than body mentions.
    """
    lexicon = drug_lexicon()
    votes: Counter[str] = Counter()
    for source, weight in ((declared, 10), (title, 5), (text, 1)):
        for match in lexicon.scan(source):
            votes[match.concept.name] += weight
    if not votes:
        return None
    name, count = votes.most_common(1)[0]
    return name if count >= 2 and name in _by_name() else None


def name_pattern(name: str) -> re.Pattern[str]:
    """Regex matching a drug's generic, brand and other names as whole words."""
    names = drug_names(_by_name()[name])
    alternatives = "|".join(sorted({re.escape(n.strip()) for n in names}, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)
