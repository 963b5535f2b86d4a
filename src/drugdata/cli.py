"""Command line: `drugdata build [--raw DIR] [--out DIR]` runs the Prefect build flow (`serve`
runs it on a schedule); `drugdata fetch` / `drugdata refresh` fetch from the sources (then build);
`show`, `query` and `report` read the current release; `releases` and `rollback` manage releases."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

__all__ = ["main", "prefect_environment"]

# Prefect reads these at import: no server needed (temporary local API), nothing sent out.
_PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ALLOW_EPHEMERAL_MODE": "true",
    "PREFECT_UI_ENABLED": "false",
}


def prefect_environment(log_level: str = "WARNING") -> None:
    """Set Prefect's environment before it is imported; a user's own settings win."""
    for key, value in {**_PREFECT_DEFAULTS, "PREFECT_LOGGING_LEVEL": log_level}.items():
        os.environ.setdefault(key, value)


def _summary(result: dict[str, Any]) -> str:
    counts, cache = result["row_counts"], result.get("cache", {})
    lines = [
        f"drugdata build {result['build_id']} in {result['seconds']} s",
        f"  files seen:             {result['files_seen']}",
        f"  documents read:         {result['documents_read']}",
        f"  documents quarantined:  {result['documents_quarantined']}",
        f"  documents duplicate:    {result['documents_duplicate']}",
        f"  metadata files:         {result.get('metadata_files', 0)}",
        (f"  pages from the cache:   {cache.get('reused', 0)} (read: {cache.get('read', 0)}, "
         f"corrupt entries rebuilt: {cache.get('corrupt_rebuilt', 0)}, rows copied from the previous "
         f"release: {cache.get('rows_from_previous_release', 0)} pages)"),
        "  rows per table:",
    ]
    lines += [f"    {name:<22} {count:>6}" for name, count in counts.items()]
    lines += [f"  duckdb:  {result['duckdb']}", f"  parquet: {result['parquet']}/<table>.parquet"]
    return "\n".join(lines)


def _build(args: argparse.Namespace) -> int:
    """Take the output lock before Prefect starts (a busy folder fails in a second, not after the
    server's start-up); the flow takes it again in this thread, at no cost."""
    from pathlib import Path

    from drugdata.lock import LockBusy, output_lock

    prefect_environment("INFO" if args.verbose else "WARNING")
    from flows.build import build  # imported late so the environment above applies
    from flows.runners import task_runner

    try:
        runner = task_runner(args.task_runner, args.dask_address)
        flow = build.with_options(task_runner=runner) if runner is not None else build
        with output_lock(Path(args.out), wait=args.wait, timeout=args.wait_timeout):
            result = flow(raw_dir=args.raw, out_dir=args.out, batch_size=args.batch_size, strict=args.strict,
                          keep_releases=args.keep, full=args.full, workers=args.workers)
    except LockBusy as error:
        print(f"drugdata build: {error}" + ("" if args.wait else " (use --wait to wait for it)"), file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl-C: a message, not a traceback; a half-built release is never current
        print("drugdata build: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - the run itself failed: say why, exit non-zero
        print(f"drugdata build failed: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(_summary(result))
    return 0


def _serve(args: argparse.Namespace) -> int:
    """Serve the build flow as a deployment on a cron schedule until stopped (Ctrl-C, SIGTERM)."""
    prefect_environment("INFO")
    from flows.build import build

    parameters = {"raw_dir": args.raw, "out_dir": args.out, "batch_size": args.batch_size,
                  "keep_releases": args.keep, "wait_for_lock": args.wait}
    build.serve(name="drugdata-build", cron=args.cron, parameters=parameters,
                description="Build a release from raw/ on a schedule (drugdata serve)")
    return 0


def _releases(args: argparse.Namespace) -> int:
    """`releases` lists them; `rollback [ID]` points `current` back (default: the one before)."""
    from pathlib import Path

    from drugdata.lock import LockBusy
    from drugdata.releases import ReleaseError, list_releases, rollback

    out = Path(args.out)
    if args.command == "rollback":
        try:
            before, after = rollback(out, args.release_id)
        except (ReleaseError, LockBusy) as error:
            print(f"drugdata rollback: {error}", file=sys.stderr)
            return 1
        print(f"drugdata rollback: current release is {after}" + (f" (was {before})" if before != after else
                                                                   " (it already was)"))
        return 0
    found = list_releases(out)
    if not found:
        print(f"drugdata releases: no releases in {out}", file=sys.stderr)
        return 1
    print(f"{'':2}{'release':<28} {'created (UTC)':<26} {'documents':>9} {'rows':>8}  state")
    for release in found:
        state = "ok" if release.complete else f"incomplete: {release.problem}"
        print(f"{'*' if release.current else ' ':2}{release.release_id:<28} {release.created_at or '?':<26} "
              f"{release.documents if release.documents is not None else '?':>9} "
              f"{release.rows if release.rows is not None else '?':>8}  {state}")
    return 0


def _add_operation_commands(commands: Any, build: argparse.ArgumentParser) -> None:
    """build's locking, retention and runner options; `serve`, `releases`, `rollback`."""
    build.add_argument("--wait", action="store_true", help="wait for a build already running on --out")
    build.add_argument("--wait-timeout", type=float, metavar="SECONDS", help="with --wait: give up after this long")
    build.add_argument("--task-runner", choices=["default", "dask"], default="default",
                       help="where the document batches run (dask needs prefect-dask)")
    build.add_argument("--dask-address", help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster)")
    build.add_argument("--workers", type=int, metavar="N",
                       help="processes running the document stages (default: one per core; 0: in the flow's "
                            "process; ignored with --task-runner dask, whose workers are the processes)")
    serve = commands.add_parser("serve", help="serve the build flow on a cron schedule (needs PREFECT_API_URL)")
    serve.add_argument("--cron", default=os.environ.get("DRUGDATA_CRON", "0 3 * * *"),
                       help="schedule (default: DRUGDATA_CRON, else 03:00 daily)")
    serve.add_argument("--raw", default="raw", help="folder of raw pages (default: raw)")
    serve.add_argument("--out", default="output", help="output folder (default: output)")
    serve.add_argument("--batch-size", type=int, default=0,
                       help="documents per task (default: 16, larger for large corpora)")
    serve.add_argument("--wait", action="store_true", help="a scheduled build waits for one already running")
    serve.set_defaults(handler=_serve)
    for command in (build, serve):
        command.add_argument("--keep", type=int, metavar="N",
                             help="releases to keep (default: DRUGDATA_KEEP_RELEASES, else 3)")
    for name, text in (("releases", "list the releases in --out (* marks the current one)"),
                       ("rollback", "point the current release back (default: to the one before it)")):
        command = commands.add_parser(name, help=text)
        if name == "rollback":
            command.add_argument("release_id", nargs="?", metavar="ID", help="release id (see `drugdata releases`)")
        command.add_argument("--out", default="output", help="output folder (default: output)")
        command.set_defaults(handler=_releases)


def _fetch(args: argparse.Namespace) -> int:
    """`fetch` and `refresh`: check the registry before Prefect starts, then run the flow."""
    from pathlib import Path

    from drugdata.fetch.registry import RegistryError, load_registry, select
    from drugdata.fetch.report import fetch_summary, problem_count

    try:
        select(load_registry(Path(args.registry) if args.registry else None), args.sources)
    except RegistryError as error:
        print(f"drugdata {args.command} failed: {error}", file=sys.stderr)
        return 1
    prefect_environment("INFO" if args.verbose else "WARNING")
    from flows.fetch import fetch, refresh  # imported late so the environment above applies

    options: dict[str, Any] = {"sources": args.sources or None, "raw_dir": args.raw, "registry_dir": args.registry}
    if args.command == "refresh":
        options["out_dir"] = args.out
        if args.serve:  # runs until stopped; needs a Prefect server (PREFECT_API_URL)
            refresh.serve(name="drugdata-refresh", cron=args.cron, parameters=options)
            return 0
    try:
        result = refresh(**options) if args.command == "refresh" else fetch(**options)
    except Exception as error:  # noqa: BLE001 - the run itself failed: say why, exit non-zero
        print(f"drugdata {args.command} failed: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    fetched = result["fetch"] if args.command == "refresh" else result
    print(fetch_summary(fetched))
    if args.command == "refresh":
        print(_summary(result["build"]))
    return 1 if args.strict and problem_count(fetched) else 0


def _add_fetch_commands(commands: Any) -> None:
    """`fetch` and `refresh` share their options; refresh adds the build's --out and --serve."""
    for name, text in (("fetch", "download what changed at the sources into raw/<source>/<date>/"),
                       ("refresh", "fetch, then build (what the scheduled deployment runs)")):
        command = commands.add_parser(name, help=text)
        command.add_argument("sources", nargs="*", metavar="SOURCE", help="registry names (default: all)")
        command.add_argument("--raw", default="raw", help="folder of raw pages (default: raw)")
        command.add_argument("--registry", help="folder of source YAML files (default: the shipped registry)")
        command.add_argument("--strict", action="store_true", help="exit 1 when any URL failed or was refused")
        command.add_argument("-v", "--verbose", action="store_true", help="show Prefect's run logs")
        if name == "refresh":
            command.add_argument("--out", default="output", help="output folder (default: output)")
            command.add_argument("--serve", action="store_true", help="stay running and refresh on --cron")
            command.add_argument("--cron", default="0 3 * * *", help="schedule for --serve (default: 03:00 daily)")
        command.set_defaults(handler=_fetch)


def _reading(args: argparse.Namespace) -> int:
    """`show`, `query` and `report` read the current release; no Prefect needed."""
    from pathlib import Path

    import duckdb
    from rich.console import Console

    from drugdata.publish import open_current

    try:
        con = open_current(Path(args.out))
    except (FileNotFoundError, duckdb.Error) as error:
        print(f"drugdata {args.command}: {error}", file=sys.stderr)
        return 1
    console = Console()
    try:
        if args.command == "show":
            from drugdata.show import drug_profile, find_drug

            drug_id = find_drug(con, args.drug)
            if drug_id is None:
                print(f"drugdata show: no drug named {args.drug!r} in this release", file=sys.stderr)
                return 1
            console.print(drug_profile(con, drug_id))
        elif args.command == "query":
            from drugdata.show import query_result

            result = query_result(con, args.sql, args.format, args.limit)
            if isinstance(result, str):
                sys.stdout.write(result)
            else:
                console.print(result)
        else:
            from drugdata.report import write_report

            dest = Path(args.dest) if args.dest else Path(args.out) / "report"
            pages = write_report(con, dest)
            print(f"drugdata report: {len(pages)} pages in {dest} (open {dest / 'index.html'})")
    except duckdb.Error as error:  # a bad query, or a write refused by the read-only connection
        print(f"drugdata {args.command}: {error}", file=sys.stderr)
        return 1
    finally:
        con.close()
    return 0


def _add_reading_commands(commands: Any) -> None:
    show = commands.add_parser("show", help="print a drug's profile (generic or brand name)")
    show.add_argument("drug", help="generic or brand name, e.g. baclofen or Lioresal")
    query = commands.add_parser("query", help="run a read-only SQL query against the current release")
    query.add_argument("sql", help='e.g. "SELECT * FROM drug_profile(\'baclofen\')"')
    query.add_argument("--format", choices=["table", "csv", "json"], default="table", help="output (default: table)")
    query.add_argument("--limit", type=int, default=100, help="rows shown as a table (default: 100)")
    report = commands.add_parser("report", help="write the static HTML report (OUT/report/)")
    report.add_argument("--dest", help="folder for the site (default: OUT/report)")
    for command in (show, query, report):
        command.add_argument("--out", default="output", help="output folder holding the release (default: output)")
        command.set_defaults(handler=_reading)


def _eval(args: argparse.Namespace) -> int:
    """`eval tac|ddi|labeledin|all|gold`: run the real pipeline on third-party gold and score it."""
    import json
    from pathlib import Path

    from drugdata.evaluate.runner import BENCHMARKS, accuracy_markdown, run_benchmark

    if args.benchmark == "gold":
        from drugdata.evaluate.gold import run_gold

        return run_gold(Path(args.gold_dir), Path(args.seeds), args.write)
    names = list(BENCHMARKS) if args.benchmark == "all" else [args.benchmark]
    results = {}
    for name in names:
        result = results[name] = run_benchmark(name, Path(args.gold), args.limit)
        if result is None:
            print(f"drugdata eval {name}: skipped, no gold under {args.gold}", file=sys.stderr)
        else:
            shown = {k: v for k, v in result.items() if k != "quarantined"}
            print(f"{name}: {json.dumps(shown, default=str)}")
    if args.write:
        command = f"drugdata eval {args.benchmark}" + (f" --limit {args.limit}" if args.limit else "")
        Path(args.write).write_text(accuracy_markdown(results, Path.cwd(), command) + "\n", encoding="utf-8")
        print(f"wrote {args.write}")
    return 0


def _train_tagger(args: argparse.Namespace) -> int:
    """`train-tagger`: fit the learnt taggers on the gold where it is present, the adverse-reaction
    tagger on TAC 2017 and the interaction precipitant tagger on NLM DDI; the pipeline reads labels
    with them from then on (rules only while there is none)."""
    import time
    from pathlib import Path

    from drugdata.evaluate import ddi, tac
    from drugdata.extract import mention_tagger, precipitant_tagger

    if args.model and args.tagger == "all":
        print("drugdata train-tagger: --model needs --tagger ae or --tagger ddi", file=sys.stderr)
        return 2
    unlabeled = Path(args.unlabeled)

    def train_effects(texts: list[mention_tagger.TrainingText], out: Path) -> Path:
        """Word statistics from the unannotated labels where present, else from the gold sections."""
        return mention_tagger.train_tagger(texts, out, stats=tac.unannotated_stats(unlabeled) if unlabeled.is_dir() else None)

    # name -> (gold path, what it reads, training texts, trainer, default model file)
    taggers: dict[str, tuple[Path, str, Any, Any, str]] = {
        "ae": (Path(args.gold) / "tac2017_adr" / "train.json", "adverse-reaction tagger on {n} label sections",
               tac.training_texts, train_effects, mention_tagger.DEFAULT_MODEL),
        "ddi": (Path(args.gold) / "nlm_ddi", "interaction precipitant tagger on {n} labels",
                ddi.training_texts, precipitant_tagger.train_precipitant_tagger, precipitant_tagger.DEFAULT_MODEL),
    }
    for name, (gold, what, texts_of, train, default) in taggers.items():
        if args.tagger not in (name, "all"):
            continue
        if not gold.exists():
            print(f"drugdata train-tagger: skipped the {what.split(' on ')[0]}, no {gold}; labels are read by rules",
                  file=sys.stderr)
            continue
        out = Path(args.model) if args.model else mention_tagger.default_model_path(default)
        started = time.perf_counter()
        texts = texts_of(gold)
        train(texts, out)
        print(f"trained the {what.format(n=len(texts))} in {time.perf_counter() - started:.0f} s: wrote {out}")
    return 0


def _add_eval_commands(commands: Any) -> None:
    train = commands.add_parser("train-tagger", help="train the label taggers on ../shared/gold (TAC 2017, NLM DDI)")
    train.add_argument("--gold", default="../shared/gold", help="gold folder (default: ../shared/gold)")
    train.add_argument("--tagger", choices=["ae", "ddi", "all"], default="all",
                       help="ae: adverse reactions (TAC 2017); ddi: interaction precipitants (NLM DDI); default all")
    train.add_argument("--model", help="where to write the model, with --tagger ae or ddi (default: inside the "
                                       "package, where builds find it)")
    train.add_argument("--unlabeled", default="../shared/labels/tac2017_unannotated",
                       help="unannotated TAC labels the adverse-reaction tagger's word statistics are counted on "
                            "(default: %(default)s)")
    train.set_defaults(handler=_train_tagger)
    command = commands.add_parser("eval", help="score extraction against third-party gold (../shared/gold)")
    command.add_argument("benchmark", choices=["tac", "ddi", "labeledin", "all", "gold"],
                         help="which benchmark; gold = our own gold for raw/ and the seeds (tests/gold)")
    command.add_argument("--gold-dir", default="tests/gold", help="our own gold, for `eval gold` (default: tests/gold)")
    command.add_argument("--seeds", default="../shared/seeds", help="seed pages, for `eval gold` (default: ../shared/seeds)")
    command.add_argument("--gold", default="../shared/gold", help="gold folder (default: ../shared/gold)")
    command.add_argument("--limit", type=int, help="only the first N documents (a quick check)")
    command.add_argument("--write", help="write the figures as markdown here, e.g. bench/accuracy.md")
    command.set_defaults(handler=_eval)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="drugdata", description="Build the open drug dataset.")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build Parquet and DuckDB from raw pages")
    build.add_argument("--raw", default="raw", help="folder of raw pages (default: raw)")
    build.add_argument("--out", default="output", help="output folder (default: output)")
    build.add_argument("--batch-size", type=int, default=0,
                       help="documents per task (default: 16, larger for large corpora)")
    build.add_argument("--full", action="store_true",
                       help="read every page again, ignoring the document cache in OUT/.cache")
    build.add_argument("--strict", action="store_true",
                       help="fail (exit 1, publish nothing) when any file or row is quarantined")
    build.add_argument("-v", "--verbose", action="store_true", help="show Prefect's run logs")
    build.set_defaults(handler=_build)
    _add_operation_commands(commands, build)
    _add_fetch_commands(commands)
    _add_reading_commands(commands)
    _add_eval_commands(commands)
    args = parser.parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
