"""feeds.toml and OPML: valid lists load; every mistake names the file, the entry and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.config import append_feeds, load_feeds, read_opml, write_opml
from ingest.errors import ConfigError
from ingest.models import FeedConfig

GOOD = """
# a comment
[[feed]]
url = "https://example.org/rss"
source = "Example Daily"
country = "eg"
language = "AR"
tags = ["daily"]

[[feed]]
url = "https://example.com/atom.xml"
source = "Example Wire"
country = "GB"
language = "en"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "feeds.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_feeds_reads_and_normalises_entries(tmp_path: Path) -> None:
    feeds = load_feeds(write(tmp_path, GOOD))
    assert feeds[0] == FeedConfig("https://example.org/rss", "Example Daily", "EG", "ar", ("daily",))
    assert feeds[1].tags == ()


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        pytest.param('url = "https://x.org/"\nsource = "X"\ncountry = "Egypt"\nlanguage = "ar"', "feed #1 (https://x.org/): key 'country'", id="country-not-iso"),
        pytest.param('url = "ftp://x.org/"\nsource = "X"\ncountry = "EG"\nlanguage = "ar"', "key 'url': 'ftp://x.org/' is not an http(s) URL", id="non-http-url"),
        pytest.param('url = "https://x.org/"\ncountry = "EG"\nlanguage = "ar"', "key 'source': missing", id="missing-source"),
        pytest.param('url = "https://x.org/"\nsource = "X"\ncountry = "EG"\nlanguage = "ar"\ncolour = "red"', "key 'colour': unknown key", id="unknown-key"),
        pytest.param('url = "https://x.org/"\nsource = "X"\ncountry = "EG"\nlanguage = "arabic!"', "key 'language'", id="bad-language"),
        pytest.param('url = "https://x.org/"\nsource = "X"\ncountry = "EG"\nlanguage = "ar"\ntags = "a"', "key 'tags'", id="tags-not-list"),
        pytest.param('url = "https://x.org/"\nsource = "X"\ncountry = "EG"\nlanguage = "ar"\ntimezone = "Cairo"', "key 'timezone': 'Cairo' is not a known time zone", id="bad-timezone"),
    ],
)
def test_load_feeds_names_file_entry_and_key(tmp_path: Path, entry: str, expected: str) -> None:
    path = write(tmp_path, "[[feed]]\n" + entry + "\n")
    with pytest.raises(ConfigError) as err:
        load_feeds(path)
    assert str(path) in str(err.value)
    assert expected in str(err.value)


def test_load_feeds_rejects_duplicate_urls(tmp_path: Path) -> None:
    entry = '[[feed]]\nurl = "https://x.org/"\nsource = "X"\ncountry = "EG"\nlanguage = "ar"\n'
    with pytest.raises(ConfigError, match="feed #2 .*duplicate of feed #1"):
        load_feeds(write(tmp_path, entry + entry))


def test_load_feeds_reports_toml_syntax_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_feeds(write(tmp_path, "[[feed]\nurl = "))


def test_opml_round_trip_keeps_marsad_fields(tmp_path: Path) -> None:
    feeds = load_feeds(write(tmp_path, GOOD))
    opml = tmp_path / "feeds.opml"
    opml.write_text(write_opml(feeds), encoding="utf-8")
    assert tuple(read_opml(opml)) == feeds


def test_read_opml_from_another_reader_needs_defaults(tmp_path: Path) -> None:
    opml = tmp_path / "other.opml"
    opml.write_text(
        '<opml version="1.0"><body><outline text="News"><outline text="Wire" xmlUrl="https://w.example/rss"/>'
        "</outline></body></opml>",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="key 'country': missing"):
        read_opml(opml)
    [feed] = read_opml(opml, default_country="US", default_language="en")
    assert (feed.source, feed.country, feed.language) == ("Wire", "US", "en")


def test_append_feeds_keeps_comments_and_stays_loadable(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    append_feeds(path, [FeedConfig('https://n.example/"rss"', 'The "New" Paper', "QA", "ar", ("x",))])
    assert "# a comment" in path.read_text(encoding="utf-8")
    assert load_feeds(path)[-1].source == 'The "New" Paper'


def test_shipped_feed_list_is_valid_and_broad() -> None:
    feeds = load_feeds(Path(__file__).resolve().parents[1] / "data" / "feeds.toml")
    assert len(feeds) >= 30
    assert len({f.country for f in feeds}) >= 10
    assert {"ar", "en"} <= {f.language for f in feeds}


def test_timezone_survives_toml_and_opml(tmp_path: Path) -> None:
    feed = FeedConfig("https://x.org/rss", "X", "EG", "ar", (), "Africa/Cairo")
    path = tmp_path / "feeds.toml"
    append_feeds(path, [feed])
    assert load_feeds(path) == (feed,)
    opml = tmp_path / "feeds.opml"
    opml.write_text(write_opml([feed]), encoding="utf-8")
    assert read_opml(opml) == [feed]
