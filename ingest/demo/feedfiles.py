"""Demo items → the bytes of an RSS 2.0 or Atom feed, written the way real news sites write them.

Every outlet keeps its own habits: its time zone and date style (numeric offsets, GMT, a US zone
name, ISO 8601 with an offset or Z), its guid style, and items without any date when the outlet
omits them. Output is deterministic: the channel's build date is the newest item's time, never the
clock, so an unchanged feed is byte-identical (and so gets the same ETag) on the next poll.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from xml.sax.saxutils import escape, quoteattr

from ingest.demo.corpus import DemoItem
from ingest.demo.outlets import Outlet

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
CONTENT_TYPES = {"rss": "application/rss+xml; charset=utf-8", "atom": "application/atom+xml; charset=utf-8"}


def format_date(when: datetime, style: str, utc_offset_h: int) -> str:
    """`when` (UTC) as the outlet writes it.

    rfc_offset  Tue, 01 Apr 2025 14:05:00 +0200     rfc_gmt   Tue, 01 Apr 2025 12:05:00 GMT
    rfc_short   Tue, 1 Apr 2025 14:05 +0200         rfc_us    Tue, 01 Apr 2025 07:05:00 EST
    iso_offset  2025-04-01T15:05:00+03:00           iso_z     2025-04-01T12:05:00Z
    """
    if style in ("rfc_gmt", "iso_z"):
        utc_offset_h = 0
    if style == "rfc_us":
        utc_offset_h = -5  # written with the zone name, which every feed reader knows
    local = when.astimezone(timezone(timedelta(hours=utc_offset_h)))
    sign = "+" if utc_offset_h >= 0 else "-"
    hh = abs(utc_offset_h)
    day, month = _DAYS[local.weekday()], _MONTHS[local.month - 1]
    if style == "rfc_gmt":
        return f"{day}, {local:%d} {month} {local:%Y %H:%M:%S} GMT"
    if style == "rfc_short":
        return f"{day}, {local.day} {month} {local:%Y %H:%M} {sign}{hh:02d}00"
    if style == "rfc_us":
        return f"{day}, {local:%d} {month} {local:%Y %H:%M:%S} EST"
    if style == "iso_offset":
        return f"{local:%Y-%m-%dT%H:%M:%S}{sign}{hh:02d}:00"
    if style == "iso_z":
        return f"{local:%Y-%m-%dT%H:%M:%S}Z"
    return f"{day}, {local:%d} {month} {local:%Y %H:%M:%S} {sign}{hh:02d}00"


def _rss_style(outlet: Outlet) -> str:
    return outlet.date_style if outlet.date_style.startswith("rfc") else "rfc_offset"


def _atom_style(outlet: Outlet) -> str:
    return outlet.date_style if outlet.date_style.startswith("iso") else "iso_offset"


def render_feed(outlet: Outlet, fmt: str, items: Sequence[DemoItem], self_url: str) -> bytes:
    """The feed document (UTF-8 bytes) of `outlet` in `fmt` ("rss" or "atom") listing `items` newest first."""
    ordered = sorted(items, key=lambda i: (i.published_at, i.number), reverse=True)
    if fmt == "atom":
        return _atom(outlet, ordered, self_url).encode("utf-8")
    return _rss(outlet, ordered, self_url).encode("utf-8")


def _newest(items: Sequence[DemoItem]) -> datetime | None:
    return max((i.published_at for i in items), default=None)


def _rss(outlet: Outlet, items: Sequence[DemoItem], self_url: str) -> str:
    style = _rss_style(outlet)
    home = f"https://{outlet.domain}/"
    newest = _newest(items)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">',
        "<channel>",
        f"<title>{escape(outlet.name)}</title>",
        f"<link>{escape(home)}</link>",
        f"<description>{escape(_tagline(outlet))}</description>",
        f"<language>{outlet.language}</language>",
        f'<atom:link href={quoteattr(self_url)} rel="self" type="application/rss+xml"/>',
    ]
    if newest is not None:
        out.append(f"<lastBuildDate>{format_date(newest, style, outlet.utc_offset_h)}</lastBuildDate>")
    for item in items:
        permalink = item.guid == item.link
        out.append("<item>")
        out.append(f"<title>{escape(item.title)}</title>")
        out.append(f"<link>{escape(item.link)}</link>")
        out.append(f'<guid isPermaLink="{"true" if permalink else "false"}">{escape(item.guid)}</guid>')
        if item.dated:
            out.append(f"<pubDate>{format_date(item.published_at, style, outlet.utc_offset_h)}</pubDate>")
        out.append(f"<description>{escape(item.summary)}</description>")
        out.append(f"<category>{escape(_section(item))}</category>")
        out.append("</item>")
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out)


def _atom(outlet: Outlet, items: Sequence[DemoItem], self_url: str) -> str:
    style = _atom_style(outlet)
    home = f"https://{outlet.domain}/"
    newest = _newest(items)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{outlet.language}">',
        f"<title>{escape(outlet.name)}</title>",
        f"<subtitle>{escape(_tagline(outlet))}</subtitle>",
        f"<id>tag:{outlet.domain},2020:feed</id>",
        f'<link rel="alternate" type="text/html" href={quoteattr(home)}/>',
        f'<link rel="self" type="application/atom+xml" href={quoteattr(self_url)}/>',
    ]
    if newest is not None:
        out.append(f"<updated>{format_date(newest, style, outlet.utc_offset_h)}</updated>")
    for item in items:
        out.append("<entry>")
        out.append(f'<title type="text">{escape(item.title)}</title>')
        out.append(f'<link rel="alternate" type="text/html" href={quoteattr(item.link)}/>')
        out.append(f"<id>tag:{outlet.domain},{item.published_at:%Y}:{item.number}</id>")
        if item.dated:
            stamp = format_date(item.published_at, style, outlet.utc_offset_h)
            out.append(f"<published>{stamp}</published>")
            out.append(f"<updated>{stamp}</updated>")
        out.append(f"<author><name>{escape(outlet.name)}</name></author>")
        out.append(f'<summary type="text">{escape(item.summary)}</summary>')
        out.append(f'<category term={quoteattr(_section(item))}/>')
        out.append("</entry>")
    out += ["</feed>", ""]
    return "\n".join(out)


def _tagline(outlet: Outlet) -> str:
    return "آخر الأخبار" if outlet.language == "ar" else "Latest news"


_SECTION_NAMES = {
    "en": {"economy": "Business", "markets": "Markets", "politics": "Local", "sport": "Sport", "weather": "Local",
           "culture": "Culture", "world": "World"},
    "ar": {"economy": "اقتصاد", "markets": "بورصة", "politics": "محليات", "sport": "رياضة", "weather": "محليات",
           "culture": "ثقافة وفنون", "world": "عربي ودولي"},
}


def _section(item: DemoItem) -> str:
    language = "ar" if any("\u0600" <= ch <= "\u06ff" for ch in item.title) else "en"
    default = "سياسة" if language == "ar" else "Middle East"
    return _SECTION_NAMES[language].get(item.kind, default)


def items_for_poll(items: Sequence[DemoItem], now: datetime, *, days: int = 7, carry: int = 2) -> list[DemoItem]:
    """What an outlet's feed lists when polled at `now`: the last `days` days' items plus the
    `carry` items before them (real feeds overlap from one poll to the next)."""
    since = now - timedelta(days=days)
    recent = [i for i in items if since <= i.published_at < now]
    older = [i for i in items if i.published_at < since]
    return older[-carry:] + recent if carry else recent
