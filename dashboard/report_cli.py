"""`python -m dashboard report`: write a week's report files, for cron and for scripts.

    python -m dashboard report --db data/marsad.duckdb --week 2025-W14 --format all --out reports/ \\
        [--topics gaza-mediation,us-russia-relations] [--tz Africa/Cairo] [--language ar]

Prints the path of each file written, one per line, and nothing else on stdout. Without --week the
report is for the last complete week (so a Monday-morning cron job gets the week just ended). Files
are written under a temporary name and renamed, so a reader never sees half a report. Exit status:
0 written, 2 bad arguments or configuration, 1 the database could not be read.

--language ar writes the Arabic edition of the PDF and HTML (…-ar.pdf, …-ar.html); the XLSX and CSV
are data files with English headers that scripts rely on, written the same in either language.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from dashboard.report import FORMATS, LANGUAGES, ReportWeek, build_report, render, report_file_name
from dashboard.report.model import check_tz
from ingest.config import default_db_path
from ingest.errors import ConfigError, MarsadError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m dashboard report",
                                description="Write Marsad's weekly report as PDF, HTML, XLSX and/or CSV.")
    p.add_argument("--db", type=Path, default=None, help="database file (default: $MARSAD_DB or data/marsad.duckdb)")
    p.add_argument("--week", default=None,
                   help="ISO week, e.g. 2025-W14 (default: the last complete week in --tz)")
    p.add_argument("--format", default="all", choices=[*FORMATS, "all"], help="file format (default: all)")
    p.add_argument("--out", type=Path, default=Path("."), help="directory to write into (created if missing)")
    p.add_argument("--topics", default="", help="comma-separated topic ids (default: every topic)")
    p.add_argument("--tz", default="UTC", help="time zone whose Monday–Sunday is the week (default: UTC)")
    p.add_argument("--language", default="en", choices=LANGUAGES,
                   help="edition of the PDF and HTML: en (English) or ar (Arabic, right to left); "
                        "XLSX and CSV are the same in both (default: en)")
    return p


def last_complete_week(tz: str, now: datetime | None = None) -> ReportWeek:
    """The ISO week before the one `now` falls in, in `tz`."""
    local = (now or datetime.now(UTC)).astimezone(ZoneInfo(tz)).date()
    return ReportWeek.containing(local - timedelta(days=7), tz)


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        tz = check_tz(args.tz)
        week = ReportWeek.parse(args.week, tz) if args.week else last_complete_week(tz)
        topics = [t for t in args.topics.split(",") if t.strip()]
        report = build_report(args.db or default_db_path(), week, topics)
    except ConfigError as e:
        print(f"marsad report: {e}", file=sys.stderr)
        return 2
    except MarsadError as e:
        print(f"marsad report: {e}", file=sys.stderr)
        return 1
    formats = FORMATS if args.format == "all" else (args.format,)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        for fmt in formats:
            path = args.out / report_file_name(report, fmt, args.language)
            _write(path, render(report, fmt, args.language))
            print(path, flush=True)
    except OSError as e:
        print(f"marsad report: cannot write into {args.out}: {e}", file=sys.stderr)
        return 1
    if report.empty:
        print(f"marsad report: no articles on these topics in {week.label}; the report says so", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
