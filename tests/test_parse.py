"""Parsing feed bodies into clean entries: fixture feeds in Arabic and English, encodings, hostile input."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from ingest.parse import parse_feed

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FEEDS = FIXTURES / "feeds"
NOW = datetime(2025, 4, 2, 12, 0, tzinfo=UTC)
RSS_TYPE = "application/rss+xml; charset=utf-8"


def test_parse_feed_seed_articles_come_out_with_exact_titles_dates_and_links() -> None:
    body = (FIXTURES / "seed" / "sada-elbalad.rss").read_bytes()
    feed = parse_feed(body, content_type=RSS_TYPE, url="https://www.elbalad.news/rss", now=NOW)
    assert (feed.kind, feed.title, feed.language) == ("feed", "صدى البلد", "ar")
    got = [(e.title, e.published_at, e.link, e.date_estimated) for e in feed.entries]
    assert got == [
        (
            "لافروف: موسكو وواشنطن تستعدان لعقد اجتماع بشأن حل الخلافات وتطبيع الاتصالات",
            datetime(2025, 4, 1, 10, 41, tzinfo=UTC),
            "https://www.elbalad.news/6471285",
            False,
        ),
        (
            "السيسي يؤكد لمستشار ترامب التزام مصر بدعم الاستقرار الإقليمي",
            datetime(2025, 4, 1, 13, 7, tzinfo=UTC),
            "https://www.elbalad.news/6471493",
            False,
        ),
    ]
    lavrov, sisi = feed.entries
    assert lavrov.summary.startswith("أعلن وزير الخارجية الروسي، سيرغي لافروف، أن موسكو وواشنطن")
    assert lavrov.summary.endswith("لتحقيق الاستقرار والأمن الدوليين.")
    # Paragraphs, headings and list items of the page stay separate words in the summary.
    assert "والحل السياسي في ليبيا كما شارك" in sisi.summary
    assert "عمق الشراكة وصرح السفير" in sisi.summary
    assert "مصر والولايات المتحدة وقطر في ملف الوساطة" in sisi.summary
    assert "<" not in lavrov.summary + sisi.summary
