"""Command line: `drugdata build [--raw DIR] [--out DIR]` runs the Prefect build flow."""

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
    counts = result["row_counts"]
    lines = [
        f"drugdata build {result['build_id']} in {result['seconds']} s",
        f"  files seen:             {result['files_seen']}",
        f"  documents read:         {result['documents_read']}",
        f"  documents quarantined:  {result['documents_quarantined']}",
        f"  documents duplicate:    {result['documents_duplicate']}",
        "  rows per table:",
    ]
    lines += [f"    {name:<16} {count:>6}" for name, count in counts.items()]
    lines += [f"  duckdb:  {result['duckdb']}", f"  parquet: {result['parquet']}/<table>.parquet"]
    return "\n".join(lines)


def _build(args: argparse.Namespace) -> int:
    prefect_environment("INFO" if args.verbose else "WARNING")
    from flows.build import build  # imported late so the environment above applies

    try:
        result = build(raw_dir=args.raw, out_dir=args.out, batch_size=args.batch_size)
    except Exception as error:  # noqa: BLE001 - the run itself failed: say why, exit non-zero
        print(f"drugdata build failed: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    print(_summary(result))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="drugdata", description="Build the open drug dataset.")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build Parquet and DuckDB from raw pages")
    build.add_argument("--raw", default="raw", help="folder of raw pages (default: raw)")
    build.add_argument("--out", default="output", help="output folder (default: output)")
    build.add_argument("--batch-size", type=int, default=16, help="documents per task (default: 16)")
    build.add_argument("-v", "--verbose", action="store_true", help="show Prefect's run logs")
    build.set_defaults(handler=_build)
    args = parser.parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    raise SystemExit(main())
