"""Precision, recall and F1 over mention strings, strict and lenient, micro-averaged over documents."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Score", "norm", "overlaps", "score_sets"]

_STOP = {"of", "the", "a", "an", "and", "or", "in", "on", "to", "with", "for", "at", "by", "as", "from",
         "increased", "decreased", "disorder", "disease", "syndrome", "reaction", "reactions"}


def norm(text: str) -> str:
    """Lowercase, punctuation to spaces, single spaces: "Nausea/ vomiting" -> "nausea vomiting"."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _words(text: str) -> set[str]:
    return {w.rstrip("s") if len(w) > 3 else w for w in norm(text).split() if w not in _STOP}


def overlaps(a: str, b: str) -> bool:
    """Lenient match: the two mentions share a content word."""
    return bool(_words(a) & _words(b))


@dataclass
class Score:
    tp_p: int = 0  # predictions matched
    n_pred: int = 0
    tp_r: int = 0  # gold mentions matched
    n_gold: int = 0

    def add(self, other: Score) -> None:
        self.tp_p += other.tp_p
        self.n_pred += other.n_pred
        self.tp_r += other.tp_r
        self.n_gold += other.n_gold

    @property
    def precision(self) -> float:
        return self.tp_p / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp_r / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def figures(self) -> dict[str, float]:
        return {"precision": round(self.precision, 3), "recall": round(self.recall, 3), "f1": round(self.f1, 3),
                "n_pred": self.n_pred, "n_gold": self.n_gold}


def score_sets(predicted: Iterable[str], gold: Iterable[str]) -> tuple[Score, Score]:
    """(strict, lenient) for one document's unique normalized predicted and gold mentions."""
    pred = {norm(p) for p in predicted if norm(p)}
    true = {norm(g) for g in gold if norm(g)}
    strict = Score(len(pred & true), len(pred), len(pred & true), len(true))
    lenient = Score(sum(any(overlaps(p, g) for g in true) for p in pred), len(pred),
                    sum(any(overlaps(g, p) for p in pred) for g in true), len(true))
    return strict, lenient
