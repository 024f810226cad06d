"""Configuration files: the feed list (feeds.toml, OPML) and the country table, validated on load.

Every problem raises ConfigError naming the file, the entry and the key, so a user can fix it without
reading code.
"""

from __future__ import annotations

import csv
import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ingest.errors import ConfigError
from ingest.models import FeedConfig

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
COUNTRIES_FILE = DATA / "countries.tsv"

FEED_KEYS = {"url", "source", "country", "language", "tags", "timezone"}
REQUIRED_FEED_KEYS = ("url", "source", "country", "language")


def default_db_path() -> Path:
    return Path(os.environ.get("MARSAD_DB") or DATA / "marsad.duckdb")


def default_feeds_path() -> Path:
    return Path(os.environ.get("MARSAD_FEEDS") or DATA / "feeds.toml")


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    iso3: str
    name_en: str
    name_ar: str


@lru_cache(maxsize=1)
def countries() -> dict[str, Country]:
    """ISO alpha-2 code → names, from data/countries.tsv."""
    with COUNTRIES_FILE.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f, delimiter="\t")
        return {r["code"]: Country(r["code"], r["iso3"], r["name_en"], r["name_ar"]) for r in rows}


def _feed_error(path: Path | str, index: int, entry: dict[str, object], key: str, problem: str) -> ConfigError:
    url = entry.get("url")
    label = f"feed #{index + 1}" + (f" ({url})" if isinstance(url, str) else "")
    return ConfigError(f"{path}: {label}: key '{key}': {problem}")


def validate_feed(entry: dict[str, object], *, path: Path | str, index: int) -> FeedConfig:
    """Turn one raw [[feed]] table into a FeedConfig, or raise ConfigError saying exactly what is wrong."""
    for key in entry:
        if key not in FEED_KEYS:
            raise _feed_error(path, index, entry, key, f"unknown key (valid keys: {', '.join(sorted(FEED_KEYS))})")
    for key in REQUIRED_FEED_KEYS:
        value = entry.get(key)
        if value is None:
            raise _feed_error(path, index, entry, key, "missing")
        if not isinstance(value, str) or not value.strip():
            raise _feed_error(path, index, entry, key, "must be a non-empty string")
    url = str(entry["url"]).strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _feed_error(path, index, entry, "url", f"{url!r} is not an http(s) URL")
    country = str(entry["country"]).strip().upper()
    if country not in countries():
        raise _feed_error(
            path, index, entry, "country", f"{entry['country']!r} is not an ISO 3166-1 alpha-2 code (e.g. EG, QA, US)"
        )
    language = str(entry["language"]).strip().lower()
    if not (2 <= len(language) <= 3 and language.isalpha()):
        raise _feed_error(path, index, entry, "language", f"{entry['language']!r} is not a language code (e.g. ar, en)")
    tags = entry.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise _feed_error(path, index, entry, "tags", "must be a list of strings")
    zone = entry.get("timezone")
    if zone is not None:
        if not isinstance(zone, str) or not zone.strip():
            raise _feed_error(path, index, entry, "timezone", "must be a time zone name such as Africa/Cairo")
        zone = zone.strip()
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise _feed_error(path, index, entry, "timezone",
                              f"{zone!r} is not a known time zone (use a name such as Africa/Cairo or Asia/Riyadh)") from None
    return FeedConfig(url=url, source=str(entry["source"]).strip(), country=country, language=language,
                      tags=tuple(t.strip() for t in tags if t.strip()), timezone=zone)


def load_feeds(path: Path | None = None) -> tuple[FeedConfig, ...]:
    """Read and validate a feeds.toml. Duplicate URLs are an error (one feed, one identity)."""
    path = path or default_feeds_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise ConfigError(f"{path}: file not found (set MARSAD_FEEDS or pass --feeds)") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from e
    entries = raw.get("feed", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: 'feed' must be an array of tables ([[feed]])")
    feeds: list[FeedConfig] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(entries):
        feed = validate_feed(entry, path=path, index=i)
        if feed.url in seen:
            raise _feed_error(path, i, entry, "url", f"duplicate of feed #{seen[feed.url] + 1}")
        seen[feed.url] = i
        feeds.append(feed)
    return tuple(feeds)


def _toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def feed_to_toml(feed: FeedConfig) -> str:
    lines = ["[[feed]]", f"url = {_toml_str(feed.url)}", f"source = {_toml_str(feed.source)}",
             f"country = {_toml_str(feed.country)}", f"language = {_toml_str(feed.language)}"]
    if feed.tags:
        lines.append("tags = [" + ", ".join(_toml_str(t) for t in feed.tags) + "]")
    if feed.timezone:
        lines.append(f"timezone = {_toml_str(feed.timezone)}")
    return "\n".join(lines) + "\n"


def append_feeds(path: Path, feeds: list[FeedConfig]) -> None:
    """Append feeds to a feeds.toml, keeping the file's comments and order."""
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    text = existing.rstrip("\n") + ("\n\n" if existing else "")
    text += "\n".join(feed_to_toml(f) for f in feeds)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


# --- OPML ---------------------------------------------------------------------------------------
# Marsad keeps its own fields as attributes in its namespace-free form (country, language, tags),
# which other readers ignore; feeds from other readers lack them and get defaults the user must give.


def read_opml(path: Path, *, default_country: str | None = None, default_language: str | None = None) -> list[FeedConfig]:
    try:
        tree = ET.parse(path)  # the standard library refuses external entities
    except (ET.ParseError, OSError) as e:
        raise ConfigError(f"{path}: not a readable OPML file: {e}") from e
    feeds = []
    for i, node in enumerate(n for n in tree.iter("outline") if n.get("xmlUrl")):
        entry: dict[str, object] = {
            "url": node.get("xmlUrl", ""),
            "source": node.get("title") or node.get("text") or "",
            "country": node.get("country") or default_country,
            "language": node.get("language") or default_language,
        }
        if node.get("tags"):
            entry["tags"] = [t for t in node.get("tags", "").split(",") if t.strip()]
        if node.get("timezone"):
            entry["timezone"] = node.get("timezone")
        feeds.append(validate_feed(entry, path=path, index=i))
    return feeds


def write_opml(feeds: list[FeedConfig] | tuple[FeedConfig, ...], title: str = "Marsad feeds") -> str:
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    for f in feeds:
        attrs = {"type": "rss", "text": f.source, "title": f.source, "xmlUrl": f.url,
                 "country": f.country, "language": f.language}
        if f.tags:
            attrs["tags"] = ",".join(f.tags)
        if f.timezone:
            attrs["timezone"] = f.timezone
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
