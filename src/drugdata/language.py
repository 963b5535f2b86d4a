"""Which language a page is written in: the extractors and vocabularies are English-only, so a
page in another language is quarantined rather than mined for English words."""

from __future__ import annotations

import functools
import re
import threading

from py3langid.langid import MODEL_FILE, LanguageIdentifier

__all__ = ["foreign_language"]

_SAMPLE_CHARS = 4_000  # enough for a confident answer; classification cost grows with length
_MIN_LETTERS = 200  # shorter texts (a stub page) are too little to judge
_CONFIDENCE = 0.95
_LETTERS = re.compile(r"[^\W\d_]")
_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    """One identifier per process: the model takes ~0.9 s and 74 MiB to load. (One per thread
    cost 2 GiB once Prefect's thread pool had grown to a thread per submitted task.)"""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def foreign_language(text: str) -> str | None:
    """The ISO 639-1 code of the page's language when it is confidently not English, else None."""
    sample = text[:_SAMPLE_CHARS]
    if len(_LETTERS.findall(sample)) < _MIN_LETTERS:
        return None
    identifier = _identifier()
    with _lock:  # classify keeps its working state on the identifier
        language, probability = identifier.classify(sample)
    # "zxx" (no linguistic content) is what numbers and codes look like, not another language
    return language if language not in ("en", "zxx") and probability >= _CONFIDENCE else None
