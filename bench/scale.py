"""Scale benchmark: the real build flow over generated corpora of 1k, 10k and 100k documents.

Each corpus mixes the real FDA label texts of ../shared/labels/tac2017_unannotated (as openFDA
JSON) with the sample pages of raw/ (one page in ten), varied by a seeded generator: drug names
get a numbered suffix, numbers are nudged, paragraphs shuffled within a section. For each size
it reports, and appends to bench/results.md with the machine and commit (first, a cold build of
the 2,208 real labels as they are, the corpus of the throughput target):

- the per-document stages in-process (no Prefect) on a sample: documents per second per stage;
- a cold build, an unchanged rerun and a rerun after 1% of the files changed, each run by the
  real flow in its own process: wall time, time inside the flow, documents per second after
  start-up, peak RSS of the flow's process, of its stage workers, of the process of the last
  steps and of every process;
- Prefect's share: start-up (temporary server, flow engine) and task runs x the measured cost
  of an empty task run;
- the size of the release (Parquet folder, DuckDB file).

Usage: python bench/scale.py [--sizes 1000,10000,100000] [--work DIR] [--sample 300] [--no-labels]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from drugdata.evaluate.tac import label_sections
from drugdata.fresh_process import how_it_ended

REPO = Path(__file__).resolve().parents[1]
TAC = REPO.parent / "shared" / "labels" / "tac2017_unannotated"
WEB_SHARE = 10  # one document in ten is a sample web page
_NUMBER = re.compile(r"(?<![\d.])(\d{1,3})(?:\.(\d))?(?=\s*%)")


def _labels() -> list[tuple[str, dict[str, list[str]]]]:
    return list(label_sections(TAC))


def _nudge(text: str, rng: random.Random) -> str:
    """Percentages moved by a little, so rows differ between copies of a label."""
    def move(m: re.Match[str]) -> str:
        value = max(0.1, float(m.group(0)) + rng.choice((-1, 0, 1)) * 0.5)
        return f"{value:.1f}" if m.group(2) else str(round(value) or 1)
    return _NUMBER.sub(move, text)


def _shuffled(text: str, rng: random.Random) -> str:
    parts = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    head, rest = parts[:1], parts[1:]
    rng.shuffle(rest)
    return "\n\n".join(head + rest)


def real_labels(root: Path) -> int:
    """The 2,208 real labels as openFDA JSON, one file each, unvaried: the corpus of the
    throughput target."""
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    labels = _labels()
    for i, (drug, sections) in enumerate(labels):
        record: dict[str, Any] = {"openfda": {"generic_name": [drug.lower()], "brand_name": [drug.upper()]}, **sections}
        (root / f"{i:04d}-{drug.lower()}.json").write_text(json.dumps(record), encoding="utf-8")
    return len(labels)


def make_corpus(root: Path, size: int, seed: int = 7) -> None:
    """`size` documents under `root`: openFDA label JSON and sample web pages, seeded."""
    rng = random.Random(seed)
    labels = _labels()
    pages = [p for p in sorted((REPO / "raw").rglob("*"))
             if p.is_file() and p.suffix in (".txt", ".md", ".html") and not p.name.endswith(".meta.json")]
    shutil.rmtree(root, ignore_errors=True)
    for i in range(size):
        folder = root / f"{i // 1000:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        if i % WEB_SHARE == WEB_SHARE - 1 and pages:
            page = pages[rng.randrange(len(pages))]
            text = _nudge(page.read_text(encoding="utf-8"), rng) + f"\n\nPage {i}.\n"
            (folder / f"web-{i:06d}{page.suffix}").write_text(text, encoding="utf-8")
            continue
        drug, sections = labels[rng.randrange(len(labels))]
        name = f"{drug.lower()}-{i:06d}"
        record: dict[str, Any] = {"openfda": {"generic_name": [name], "brand_name": [name.upper()]}}
        for field, texts in sections.items():
            record[field] = [_shuffled(_nudge(t, rng), rng) for t in texts]
        (folder / f"label-{i:06d}.json").write_text(json.dumps(record), encoding="utf-8")


def change_files(root: Path, share: float, seed: int = 11) -> int:
    """Append a sentence to `share` of the documents (what a weekly label refresh looks like)."""
    files = sorted(p for p in root.rglob("*") if p.is_file())
    chosen = random.Random(seed).sample(files, max(1, int(len(files) * share)))
    for path in chosen:
        if path.suffix == ".json":
            record = json.loads(path.read_text(encoding="utf-8"))
            record.setdefault("adverse_reactions", [""])[0] += "\n\nDry mouth was reported (2%)."
            path.write_text(json.dumps(record), encoding="utf-8")
        else:
            path.write_text(path.read_text(encoding="utf-8") + "\nUpdated page.\n", encoding="utf-8")
    return len(chosen)


def stage_rates(root: Path, sample: int) -> dict[str, float]:
    """Documents per second of each per-document stage, in this process, on a sample."""
    from drugdata import pipeline
    from drugdata.assemble import tabulate
    from drugdata.normalize import agent_lexicon, condition_lexicon, drug_lexicon, effect_lexicon

    effect_lexicon(), condition_lexicon(), agent_lexicon(), drug_lexicon()
    paths = pipeline.discover(root)[:sample]
    tabulate([pipeline.run_document(root, paths[0])])  # models and validators load on first use
    seconds = dict.fromkeys(("read", "clean", "sectionize", "extract", "normalize", "tabulate"), 0.0)
    states = []
    for path in paths:
        t0 = time.perf_counter()
        state = pipeline.read(root, path)
        seconds["read"] += time.perf_counter() - t0
        for stage in ("clean", "sectionize", "extract", "normalize"):
            t0 = time.perf_counter()
            state = getattr(pipeline, stage)(state)
            seconds[stage] += time.perf_counter() - t0
        states.append(state)
    t0 = time.perf_counter()
    for i in range(0, len(states), 64):
        tabulate(states[i:i + 64]).to_arrow()
    seconds["tabulate"] = time.perf_counter() - t0
    rates = {stage: len(paths) / s for stage, s in seconds.items() if s > 0}
    rates["all stages"] = len(paths) / sum(seconds.values())
    return rates


_RUN = r"""
import json, resource, sys, threading, time
import psutil
t0 = time.perf_counter()
me = psutil.Process()
peak = {"tree": 0, "workers": 0, "finish": 0}
timeline = open(sys.argv[5], "w")  # when the peaks happen: the workers' RSS drops to 0 when the stages end
timeline.write("seconds\tflow_mib\tworkers_mib\tfinish_mib\tall_mib\n")
# the build's processes when it made the one for the last steps (spawned after this): a pid not
# among them is that process. Not by start time: psutil's create_time counts from a boot time
# rounded to the second, and read as before the FreshProcess was made (the finish column stayed 0)
before_finish: list[set[int] | None] = [None]
def sample():  # every process of the build: this one, its stage workers, Prefect's temporary server
    ticks = 0
    while True:
        tree = workers = finish = 0
        for process in [me, *me.children(recursive=True)]:
            try:
                rss = process.memory_info().rss
                spawned = process.pid != me.pid and "spawn_main" in " ".join(process.cmdline())  # this script names it too
                last_steps = spawned and before_finish[0] is not None and process.pid not in before_finish[0]
            except psutil.Error:
                continue
            tree += rss
            workers += rss if spawned and not last_steps else 0
            finish += rss if last_steps else 0
        peak["tree"], peak["workers"] = max(peak["tree"], tree), max(peak["workers"], workers)
        peak["finish"] = max(peak["finish"], finish)
        if ticks % 10 == 0:
            flow_rss = me.memory_info().rss
            timeline.write(f"{time.perf_counter() - t0:.1f}\t{flow_rss / 2**20:.0f}\t{workers / 2**20:.0f}\t"
                           f"{finish / 2**20:.0f}\t{tree / 2**20:.0f}\n")
            timeline.flush()
        ticks += 1
        time.sleep(0.2)
import drugdata.fresh_process as fresh_process
_make = fresh_process.FreshProcess.__init__
def _marked(self, *args, **kwargs):
    if before_finish[0] is None:
        before_finish[0] = {child.pid for child in me.children(recursive=True)}
    _make(self, *args, **kwargs)
fresh_process.FreshProcess.__init__ = _marked
threading.Thread(target=sample, daemon=True).start()
from drugdata.cli import prefect_environment
prefect_environment()  # no telemetry, no analytics, a temporary local API
from flows.build import build
result = build(raw_dir=sys.argv[1], out_dir=sys.argv[2], full=sys.argv[3] == "full")
result["wall_in_process"] = time.perf_counter() - t0
result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
result["peak_tree_mib"], result["peak_workers_mib"] = peak["tree"] / 2**20, peak["workers"] / 2**20
result["peak_finish_mib"] = peak["finish"] / 2**20
json.dump(result, open(sys.argv[4], "w"), default=str)
"""


def failure(returncode: int, log: str) -> str:
    """Why a build failed, in a line: how it ended (a signal by name: the kernel's OOM killer
    sends SIGKILL) and the last error its log names (the last line is often Prefect's)."""
    ended = how_it_ended(returncode)
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    errors = [line for line in lines if re.match(r"^[\w.]*(Error|Exception)\b", line)]
    return f"{ended}: {(errors or lines or ['no output'])[-1]}"[:300]


def run_build(raw: Path, out: Path, full: bool, work: Path) -> dict[str, Any]:
    """One real build in a fresh process (the way an operator runs it). A build that fails is a
    result too (`failed`: its last line of stderr): the runs before it are still reported."""
    report = work / "result.json"
    report.unlink(missing_ok=True)
    timeline = work / f"rss-{raw.name}-{'full' if full else 'cached'}-{int(time.time())}.tsv"
    log = timeline.with_suffix(".log")
    env = {**os.environ, "PREFECT_LOGGING_LEVEL": "WARNING"}
    print(f"    build log: {log}", flush=True)
    t0 = time.perf_counter()
    with log.open("w", encoding="utf-8") as stderr:
        done = subprocess.run([sys.executable, "-c", _RUN, str(raw), str(out), "full" if full else "cached",
                               str(report), str(timeline)],
                              check=False, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    wall = time.perf_counter() - t0
    if done.returncode or not report.is_file():
        return {"failed": failure(done.returncode, log.read_text(encoding="utf-8", errors="replace")), "wall": wall}
    result = json.loads(report.read_text())
    result["wall"] = wall
    return result


def _report(label: str, name: str, run: dict[str, Any]) -> None:
    if "failed" in run:
        print(f"[{label}] {name}: FAILED after {run['wall']:.1f} s: {run['failed']}", flush=True)
    else:
        print(f"[{label}] {name}: {run['wall']:.1f} s wall, {run['seconds']:.1f} s in flow, "
              f"peak {run['peak_rss_mib']:.0f} MiB (workers {run.get('peak_workers_mib', 0):.0f}, "
              f"finish {run.get('peak_finish_mib', 0):.0f}, all {run.get('peak_tree_mib', 0):.0f})", flush=True)


def empty_task_cost(n: int = 200) -> float:
    """Seconds per task run of a task that does nothing, on this machine (the temporary server)."""
    code = f"""
import time
from drugdata.cli import prefect_environment
prefect_environment()
from prefect import flow, task
@task
def nothing(x): return x
@flow
def many():
    t0 = time.perf_counter()
    [f.result() for f in [nothing.submit(i) for i in range({n})]]
    print(time.perf_counter() - t0)
many()
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True, capture_output=True, text=True,
                         env={**os.environ, "PREFECT_LOGGING_LEVEL": "WARNING"})
    return float(out.stdout.strip().splitlines()[-1]) / n


def _size(path: Path) -> int:
    path = path.resolve()
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else path.stat().st_size


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def bench_size(size: int, work: Path, sample: int, task_cost: float, cold_only: bool = False) -> dict[str, Any]:
    from flows.build import auto_batch_size

    raw, out = work / f"raw-{size}", work / f"out-{size}"
    t0 = time.perf_counter()
    make_corpus(raw, size)
    print(f"[{size}] corpus written in {time.perf_counter() - t0:.0f} s", flush=True)
    rates = stage_rates(raw, min(sample, size))
    print(f"[{size}] stages: " + ", ".join(f"{k} {v:.0f}/s" for k, v in rates.items()), flush=True)
    shutil.rmtree(out, ignore_errors=True)
    runs: dict[str, dict[str, Any]] = {}
    changed = 0
    plan = (("cold", True), ("unchanged rerun", False), ("1% changed rerun", False))
    for name, full in plan[:1] if cold_only else plan:
        if name.startswith("1%"):
            changed = change_files(raw, 0.01)
            print(f"[{size}] {changed} files changed", flush=True)
        runs[name] = run_build(raw, out, full, work)
        _report(str(size), name, runs[name])
        if "failed" in runs[name]:
            break
    batches = -(-size // auto_batch_size(size))
    cold = runs["cold"]
    return {"size": size, "label": f"{size:,}", "rates": rates, "runs": runs, "changed_files": changed,
            "task_runs": batches, "task_overhead_s": batches * task_cost,  # one task run per batch
            "startup_s": cold["wall"] - cold.get("seconds", cold["wall"]),
            "parquet_mb": _size(out / "parquet") / 1e6 if (out / "parquet").exists() else 0.0,
            "duckdb_mb": _size(out / "drugdata.duckdb") / 1e6 if (out / "drugdata.duckdb").exists() else 0.0,
            "rows": cold.get("row_counts", {})}


def bench_real_labels(work: Path, sample: int) -> dict[str, Any]:
    """A cold build of the 2,208 real labels: the throughput target's figure."""
    raw, out = work / "raw-labels", work / "out-labels"
    size = real_labels(raw)
    rates = stage_rates(raw, min(sample, size))
    print("[labels] stages: " + ", ".join(f"{k} {v:.0f}/s" for k, v in rates.items()), flush=True)
    shutil.rmtree(out, ignore_errors=True)
    cold = run_build(raw, out, True, work)
    _report("labels", "cold", cold)
    if "failed" not in cold:
        print(f"[labels] {size / cold['seconds']:.0f} docs/s after start-up", flush=True)
    return {"size": size, "label": f"{size:,} real labels", "rates": rates, "runs": {"cold": cold}}


def markdown(results: list[dict[str, Any]], task_cost: float) -> str:
    lines = [f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {_commit()}", "",
             (f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"{platform.system()} {platform.release()}. An empty Prefect task run costs "
              f"{task_cost * 1000:.1f} ms here."), "",
             ("Peak RSS: of the flow's process; of its stage worker processes together; of the process that "
              "runs the last steps (summarizing the files, sorts, consolidation, publishing) where the stages had workers; of every "
              "process of the build (the flow, its workers and Prefect's temporary server), sampled every 0.2 s."), "",
             ("| documents | run | wall s | in flow s | docs/s after start-up | peak RSS MiB: flow | workers | finish "
              "| all | documents read again |"),
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        for name, run in r["runs"].items():
            if "failed" in run:
                lines.append(f"| {r['label']} | {name} | {run['wall']:.1f} | failed: {run['failed'].replace('|', '/')} "
                             "| | | | | | |")
                continue
            lines.append(f"| {r['label']} | {name} | {run['wall']:.1f} | {run['seconds']:.1f} | "
                         f"{r['size'] / run['seconds']:.0f} | {run['peak_rss_mib']:.0f} | "
                         f"{run.get('peak_workers_mib', 0):.0f} | {run.get('peak_finish_mib', 0):.0f} | "
                         f"{run.get('peak_tree_mib', 0):.0f} | "
                         f"{run['cache']['read']:,} |")
    sized = [r for r in results  # the labels' run is cold only
             if all("seconds" in r["runs"].get(name, {}) for name in ("cold", "unchanged rerun"))]
    if sized:
        lines += ["", ("| documents | unchanged / cold | Prefect start-up s | task runs | task overhead s | "
                       "Parquet MB | DuckDB MB | adverse effect rows |"), "|---|---|---|---|---|---|---|---|"]
    for r in sized:
        ratio = r["runs"]["unchanged rerun"]["seconds"] / r["runs"]["cold"]["seconds"]
        lines.append(f"| {r['label']} | {ratio:.1%} | {r['startup_s']:.1f} | {r['task_runs']:,} | "
                     f"{r['task_overhead_s']:.1f} | {r['parquet_mb']:.1f} | {r['duckdb_mb']:.1f} | "
                     f"{r['rows'].get('adverse_effects', 0):,} |")
    lines += ["", "Per-document stages in one process (no Prefect), documents per second on a sample:", "",
              "| documents | " + " | ".join(results[0]["rates"]) + " |", "|---|" + "---|" * len(results[0]["rates"])]
    for r in results:
        lines.append(f"| {r['label']} | " + " | ".join(f"{v:.0f}" for v in r["rates"].values()) + " |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "drugdata-bench")
    parser.add_argument("--sample", type=int, default=300, help="documents timed stage by stage")
    parser.add_argument("--no-labels", dest="labels", action="store_false",
                        help="skip the cold build of the 2,208 real labels")
    parser.add_argument("--results", type=Path, default=REPO / "bench" / "results.md")
    parser.add_argument("--cold-only", action="store_true", help="no reruns (a 100k cold build is over an hour)")
    args = parser.parse_args()
    if not TAC.is_dir():
        print(f"scale benchmark skipped: {TAC} is absent (the real label texts)")
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    task_cost = empty_task_cost()
    print(f"empty Prefect task run: {task_cost * 1000:.1f} ms", flush=True)
    results = [bench_real_labels(args.work, args.sample)] if args.labels else []
    results += [bench_size(int(s), args.work, args.sample, task_cost, args.cold_only)
                for s in args.sizes.split(",") if s]
    text = markdown(results, task_cost)
    print(text)
    header = "# Scale benchmark results\n\nWritten by `bench/scale.py` (`make bench`); newest first.\n\n"
    old = args.results.read_text(encoding="utf-8").removeprefix(header) if args.results.exists() else ""
    args.results.write_text(header + text + ("\n" + old if old else ""), encoding="utf-8")
    print(f"children peak RSS: {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MiB")
    failed = [f"{r['label']} {name}" for r in results for name, run in r.get("runs", {}).items() if "failed" in run]
    if failed:
        print(f"failed runs (reported in {args.results}): {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
