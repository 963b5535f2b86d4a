"""Throughput of the per-document stages (read -> clean -> sections -> extract -> normalize)
on real and sample pages, without Prefect. Prints pages/s, MB/s and peak memory.

Corpora: raw/ (the sample corpus), ../shared/seeds (real web pages) and
../shared/gold/nlm_ddi/*.txt (91 real FDA label sections as plain text), each skipped with a
message when absent.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

from drugdata import pipeline
from drugdata.normalize import agent_lexicon, condition_lexicon, drug_lexicon, effect_lexicon
from drugdata.vocabulary import hpo_terms

REPO = Path(__file__).resolve().parents[1]
CORPORA = {
    "raw (sample corpus)": REPO / "raw",
    "shared/seeds (real web pages)": REPO.parent / "shared" / "seeds",
    "shared/gold/nlm_ddi (real label text)": REPO.parent / "shared" / "gold" / "nlm_ddi",
}


def main() -> int:
    started = time.perf_counter()
    hpo_terms(), effect_lexicon(), condition_lexicon(), agent_lexicon(), drug_lexicon()
    print(f"vocabulary load: {time.perf_counter() - started:.2f} s (once per process)")
    for name, root in CORPORA.items():
        if not root.is_dir():
            print(f"{name}: skipped, {root} absent")
            continue
        paths = [p for p in pipeline.discover(root) if not p.endswith(".xml")]
        size = sum((root / p).stat().st_size for p in paths)
        t0 = time.perf_counter()
        states = [pipeline.run_document(root, p) for p in paths]
        seconds = time.perf_counter() - t0
        ok = sum(s.ok for s in states)
        rows = sum(len(r) for s in states for r in s.facts.values())
        print(f"{name}: {len(paths)} pages ({size / 1e6:.2f} MB), {ok} ok, {rows} fact rows, "
              f"{seconds:.2f} s = {len(paths) / seconds:.1f} pages/s, {size / 1e6 / seconds:.3f} MB/s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
