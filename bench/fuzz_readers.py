"""Fuzz the readers and the per-document stages with Hypothesis (`make fuzz`).

Generates raw files of every shape the pipeline meets (random bytes, broken HTML, XML with
entity declarations, JSON of any shape) and checks that each either becomes a page or is refused
with a reason, and that no stage fails with an internal error. Prints what it saw.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from strategies import raw_files

from drugdata import pipeline


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=3000, help="files to generate (default: 3000)")
    args = parser.parse_args()
    outcomes: Counter[str] = Counter()
    folder = Path(tempfile.mkdtemp(prefix="drugdata-fuzz-"))

    @settings(max_examples=args.examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=raw_files)
    def run(data: bytes) -> None:
        (folder / "f").write_bytes(data)
        state = pipeline.run_document(folder, "f")
        reason = state.source["reason"] or ""
        assert not reason.startswith(("internal error", "could not parse")), reason
        outcomes["ok" if state.ok else reason.split(":")[0].split("(")[0].strip()] += 1

    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    total = sum(outcomes.values())
    print(f"fuzzed {total} generated files in {seconds:.1f} s ({total / seconds:.0f}/s): no crash, no internal error")
    for outcome, count in outcomes.most_common():
        print(f"  {count:>6}  {outcome}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
