"""`python -m ingest …`: the ingest job's command line (argument parsing only; the work is in the package)."""

from __future__ import annotations

import argparse
import logging
import os
import re
import signal
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

from ingest.config import (
    append_feeds,
    default_db_path,
    default_feeds_path,
    load_feeds,
    read_opml,
    validate_feed,
    write_opml,
)
from ingest.errors import ConfigError, MarsadError, StoreError


def _duration(text: str) -> float:
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration such as 90s, 15m, 2h")
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


def _allow_private(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "allow_private_hosts", False)) or os.environ.get("MARSAD_ALLOW_PRIVATE_HOSTS") == "1"


class _ProgressLine:
    """A one-line progress bar on a terminal; plain log lines otherwise."""

    def __init__(self, stream=sys.stderr) -> None:  # type: ignore[no-untyped-def]
        self.stream = stream
        self.tty = stream.isatty()

    def __call__(self, done: int, total: int, outcome) -> None:  # type: ignore[no-untyped-def]
        if self.tty:
            width = 30
            filled = int(width * done / max(total, 1))
            line = f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} feeds  {outcome.source[:30]:<30}"
            self.stream.write(line)
            if done == total:
                self.stream.write("\n")
            self.stream.flush()
        else:
            extra = f" — {outcome.error}" if outcome.failed and outcome.error else ""
            self.stream.write(f"{done}/{total} {outcome.source}: {outcome.outcome}, {outcome.items_new} new{extra}\n")


def _run(args: argparse.Namespace, stop: threading.Event | None = None) -> int:
    from ingest.fetch import FetchOptions
    from ingest.pipeline import run_once
    from ingest.store.writes import fetch_log_retention_days
    from ingest.topics import load_topics

    feeds = load_feeds(args.feeds)
    topics = load_topics(args.topics) if args.topics else load_topics()
    options = FetchOptions(allow_private_hosts=_allow_private(args))
    keep_days = fetch_log_retention_days()  # a bad MARSAD_FETCH_LOG_DAYS stops here, before any fetch
    report = run_once(args.db, feeds, options=options, topics=topics, progress=_ProgressLine(), stop=stop,
                      fetch_log_days=keep_days)
    print(report.summary())
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    return _run(args)


def cmd_loop(args: argparse.Namespace) -> int:
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        print(f"\nreceived {signal.Signals(signum).name}: finishing the current write, then exiting", file=sys.stderr)
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    while not stop.is_set():
        try:
            _run(args, stop)
        except StoreError as e:  # e.g. the database is briefly locked by a retag: try again next round
            print(f"this round was skipped: {e}", file=sys.stderr)
        stop.wait(args.every)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from ingest.store import reader
    from ingest.store.reads import feed_health

    with reader(args.db) as con:
        df = feed_health(con)
    if df.empty:
        print("no feeds yet: run `python -m ingest run` first")
        return 0
    cols = ["state", "source", "source_country", "consecutive_failures", "last_success_at", "last_status", "last_error"]
    view = df[cols].copy()
    view["last_success_at"] = view["last_success_at"].map(lambda t: "never" if t is None or t != t else f"{t:%Y-%m-%d %H:%M}")
    view["last_error"] = view["last_error"].fillna("").map(lambda s: s[:60])
    view.columns = ["state", "source", "country", "failures", "last success (UTC)", "last status", "last error"]
    print(view.to_string(index=False))
    failing = int((df["state"] == "failing").sum())
    disabled = int((df["state"] == "disabled").sum())
    print(f"\n{len(df)} feeds: {failing} failing, {disabled} disabled")
    return 0


def cmd_retag(args: argparse.Namespace) -> int:
    from ingest.store import publish_snapshot, writer
    from ingest.store.retag import retag
    from ingest.topics import load_topics

    topics = load_topics(args.topics) if args.topics else load_topics()
    with writer(args.db) as con:
        counts = retag(con, topics, datetime.now(UTC))
        con.execute("CHECKPOINT")
        publish_snapshot(con, args.db)
    for topic, n in counts.items():
        print(f"{topic}: {n} articles")
    return 0


def cmd_add_feed(args: argparse.Namespace) -> int:
    from ingest.fetch import FetchOptions, fetch_feed
    from ingest.models import FetchRequest
    from ingest.parse import parse_feed

    entry: dict[str, object] = {"url": args.url, "source": args.source, "country": args.country,
                                "language": args.language}
    if args.tags:
        entry["tags"] = [t.strip() for t in args.tags.split(",")]
    if args.timezone:
        entry["timezone"] = args.timezone
    feed = validate_feed(entry, path="command line", index=0)
    existing = load_feeds(args.feeds) if args.feeds.exists() else ()
    if any(f.url == feed.url for f in existing):
        raise ConfigError(f"{args.feeds}: {feed.url} is already in the list")
    result = fetch_feed(FetchRequest(feed.url), FetchOptions(allow_private_hosts=_allow_private(args)))
    if result.outcome != "ok" or result.body is None:
        raise ConfigError(f"{feed.url} could not be fetched: {result.error or result.outcome} — not added")
    parsed = parse_feed(result.body, content_type=result.content_type, url=result.final_url, now=datetime.now(UTC))
    if parsed.kind != "feed":
        raise ConfigError(f"{feed.url} is not a feed ({parsed.error or parsed.kind}) — not added")
    append_feeds(args.feeds, [feed])
    print(f"added {feed.source} ({feed.country}, {feed.language}): {len(parsed.entries)} items now in the feed")
    return 0


def cmd_import_opml(args: argparse.Namespace) -> int:
    incoming = read_opml(args.file, default_country=args.country, default_language=args.language)
    existing = {f.url for f in load_feeds(args.feeds)} if args.feeds.exists() else set()
    new = [f for f in incoming if f.url not in existing]
    append_feeds(args.feeds, new)
    print(f"imported {len(new)} feeds into {args.feeds} ({len(incoming) - len(new)} already there)")
    return 0


def cmd_export_opml(args: argparse.Namespace) -> int:
    text = write_opml(load_feeds(args.feeds))
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from ingest.demo.build import build_demo, console_progress

    report = build_demo(args.db, seed=args.seed, weeks=args.weeks, outlets=args.outlets, force=args.force,
                        progress=console_progress())
    print(report)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m ingest", description="Marsad's ingest job: news feeds into DuckDB.")
    sub = p.add_subparsers(dest="command", required=True)

    def common(sp: argparse.ArgumentParser, *, feeds: bool = True, db: bool = True) -> None:
        if db:
            sp.add_argument("--db", type=Path, default=default_db_path(), help="database file (env MARSAD_DB)")
        if feeds:
            sp.add_argument("--feeds", type=Path, default=default_feeds_path(), help="feed list (env MARSAD_FEEDS)")

    for name, helptext in (("run", "poll every due feed once"), ("loop", "keep polling until stopped")):
        sp = sub.add_parser(name, help=helptext)
        common(sp)
        sp.add_argument("--topics", type=Path, default=None, help="topics file (env MARSAD_TOPICS)")
        sp.add_argument("--allow-private-hosts", action="store_true",
                        help="allow feeds on private/loopback addresses (env MARSAD_ALLOW_PRIVATE_HOSTS=1)")
        if name == "loop":
            sp.add_argument("--every", type=_duration, default=_duration("15m"), help="pause between runs (e.g. 15m)")
        sp.set_defaults(func=cmd_run if name == "run" else cmd_loop)

    sp = sub.add_parser("status", help="feed health as a table")
    common(sp, feeds=False)
    sp.set_defaults(func=cmd_status)

    sp = sub.add_parser("retag", help="recompute every article's topics after topics.toml changed")
    common(sp, feeds=False)
    sp.add_argument("--topics", type=Path, default=None)
    sp.set_defaults(func=cmd_retag)

    sp = sub.add_parser("add-feed", help="add a feed to the list after checking it once")
    common(sp, db=False)
    sp.add_argument("url")
    sp.add_argument("--source", required=True, help="outlet name")
    sp.add_argument("--country", required=True, help="ISO 3166-1 alpha-2 code of the outlet")
    sp.add_argument("--language", required=True, help="declared language, e.g. ar or en")
    sp.add_argument("--tags", default="", help="comma-separated tags")
    sp.add_argument("--timezone", default=None,
                    help="time zone of the feed's dates that carry no offset, e.g. Africa/Cairo (default UTC)")
    sp.add_argument("--allow-private-hosts", action="store_true")
    sp.set_defaults(func=cmd_add_feed)

    sp = sub.add_parser("import-opml", help="add the feeds of an OPML file to the list")
    common(sp, db=False)
    sp.add_argument("file", type=Path)
    sp.add_argument("--country", default=None, help="country for feeds the OPML gives none")
    sp.add_argument("--language", default=None, help="language for feeds the OPML gives none")
    sp.set_defaults(func=cmd_import_opml)

    sp = sub.add_parser("export-opml", help="write the feed list as OPML")
    common(sp, db=False)
    sp.add_argument("--out", type=Path, default=None, help="file to write (default: standard output)")
    sp.set_defaults(func=cmd_export_opml)

    sp = sub.add_parser("demo", help="build the sample database from built-in feeds")
    common(sp, feeds=False)
    sp.add_argument("--seed", type=int, default=7)
    sp.add_argument("--weeks", type=int, default=26)
    sp.add_argument("--outlets", type=int, default=None)
    sp.add_argument("--force", action="store_true", help="rebuild even if an up-to-date demo database exists")
    sp.set_defaults(func=cmd_demo, db=Path("data/demo.duckdb"))
    return p


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ConfigError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except MarsadError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
