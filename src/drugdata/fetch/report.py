"""A fetch run described for people: the command line summary and the Prefect artifact."""

from __future__ import annotations

from typing import Any

from drugdata.fetch.run import STATUSES

__all__ = ["fetch_markdown", "fetch_summary", "problem_count", "refresh_markdown", "summarize"]

_LABELS = {"fetched": "fetched", "unchanged": "unchanged", "failed": "failed",
           "skipped_robots": "robots", "refused": "refused"}
_MAX_LISTED = 50  # URLs listed per status in the artifact; the counts cover everything


def summarize(reports: list[dict[str, Any]], seconds: float) -> dict[str, Any]:
    """The fetch flow's result: totals per status and each source's report."""
    totals = {status: sum(report["counts"][status] for report in reports) for status in STATUSES}
    return {"counts": totals, "sources": reports, "seconds": round(seconds, 2)}


def problem_count(result: dict[str, Any]) -> int:
    """URLs that failed or were refused (robots.txt skips are the sites' wish, not problems)."""
    return int(result["counts"]["failed"] + result["counts"]["refused"])


def _problems(result: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(report["source"], item["status"], item) for report in result["sources"]
            for item in report["results"] if item["status"] not in ("fetched", "unchanged")]


def fetch_summary(result: dict[str, Any]) -> str:
    """Plain text for the terminal: totals, a line per source, then every URL not fetched."""
    counts = result["counts"]
    lines = [f"drugdata fetch in {result['seconds']} s: "
             + ", ".join(f"{counts[s]} {_LABELS[s] if s != 'skipped_robots' else 'skipped by robots.txt'}"
                         for s in STATUSES),
             f"  {'source':<24}" + "".join(f"{_LABELS[s]:>10}" for s in STATUSES)]
    for report in result["sources"]:
        lines.append(f"  {report['source']:<24}" + "".join(f"{report['counts'][s]:>10}" for s in STATUSES))
    problems = _problems(result)
    if problems:
        lines.append("  not fetched:")
        lines += [f"    {status:<15} {source}: {item['url']}  ({item['reason']})" for source, status, item in problems]
    return "\n".join(lines)


def fetch_markdown(result: dict[str, Any]) -> str:
    """The fetch artifact: counts per source, what landed, and why the rest did not."""
    lines = ["## drugdata fetch", "", "| source | " + " | ".join(_LABELS[s] for s in STATUSES) + " |",
             "|---|" + "---:|" * len(STATUSES)]
    for report in result["sources"]:
        lines.append(f"| {report['source']} | " + " | ".join(str(report["counts"][s]) for s in STATUSES) + " |")
    lines.append("| **all** | " + " | ".join(f"**{result['counts'][s]}**" for s in STATUSES) + " |")
    fetched = [(r["source"], item) for r in result["sources"] for item in r["results"] if item["status"] == "fetched"]
    if fetched:
        lines += ["", "### Fetched", ""]
        lines += [f"- `{item['path']}` from {item['url']} ({item['n_bytes']} bytes)" for _, item in fetched[:_MAX_LISTED]]
        if len(fetched) > _MAX_LISTED:
            lines.append(f"- ... and {len(fetched) - _MAX_LISTED} more")
    problems = _problems(result)
    if problems:
        lines += ["", "### Not fetched", "", "| source | status | url | reason |", "|---|---|---|---|"]
        lines += [f"| {source} | {status} | {item['url']} | {item['reason']} |" for source, status, item in problems]
    return "\n".join(lines) + "\n"


def refresh_markdown(fetched: dict[str, Any], built: dict[str, Any]) -> str:
    """The refresh artifact: the fetch, then the release it built."""
    counts = built.get("row_counts", {})
    build_lines = ["## drugdata build", "",
                   (f"Release `{built.get('build_id')}`: {built.get('files_seen')} files seen, "
                   f"{built.get('documents_read')} documents read, {built.get('documents_quarantined')} "
                   f"quarantined, {built.get('documents_duplicate')} duplicate or superseded."), "",
                   "| table | rows |", "|---|---:|"]
    build_lines += [f"| {table} | {rows} |" for table, rows in counts.items()]
    return fetch_markdown(fetched) + "\n" + "\n".join(build_lines) + "\n"
