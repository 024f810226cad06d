"""Feed bytes → a `ParsedFeed` of clean entries. The only module that imports feedparser.

Pure: no I/O and no clock (`now` is passed in). The steps:

1. decide the character encoding ourselves (`ingest.decode`), so mislabelled Arabic feeds read right;
2. remove entity declarations: feedparser's lenient fallback parser expands a declared entity every
   time it is referenced (a 100 KB body becomes a 100 MB title);
3. let feedparser read the structure (HTML sanitising and relative-URI rewriting inside content are
   off: we reduce every field to plain text and resolve links ourselves, at half the cost);
4. turn each item into an `Entry`: plain-text title and summary (`ingest.clean`), canonical link,
   guid, publication date with Marsad's clamping rules (`ingest.dates`).

Within one body, exact repeats of an item (same guid, link and title) are kept once, and a guid shared by
items with different links or titles is dropped from those items (it does not identify them).
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from typing import Any

import feedparser

from ingest.clean import SUMMARY_MAX, TITLE_MAX, canonical_url, clean_text
from ingest.dates import entry_date
from ingest.decode import decode_body
from ingest.errors import ParseError
from ingest.models import Entry, ParsedFeed

# The internal subset of a DOCTYPE ("[ … ]"), quote-aware so a "]" inside an entity value does not
# end it early. Each alternative starts with a different character, so matching stays linear.
_DOCTYPE_SUBSET = re.compile(r"""(<!DOCTYPE\b[^\[>]*)\[(?:[^\]"']|"[^"]*"|'[^']*')*\]""", re.IGNORECASE)
_ENTITY_DECL = re.compile(r"""<!ENTITY\b(?:[^>"']|"[^"]*"|'[^']*')*>?""", re.IGNORECASE)
_ENTITY_WORD = re.compile(r"<!ENTITY", re.IGNORECASE)
# Numeric character references that make feedparser raise instead of parse (beyond U+10FFFF,
# surrogates, NUL). The pattern only pre-selects candidates (long numbers, the surrogate block) so the
# common, valid "&#1575;" costs no Python callback; `_fix_char_ref` decides.
_SUSPECT_CHAR_REF = re.compile(
    r"&#(?:0*(?P<dec>\d{7,}|5[5-7]\d{3}|0)|[xX]0*(?P<hex>[0-9A-Fa-f]{6,}|[dD][89a-fA-F][0-9A-Fa-f]{2}|0))(?![0-9A-Fa-f])"
)
_ROOT_ELEMENT = re.compile(r"<([A-Za-z_][\w.:\-]*)")
_PROLOG_JUNK = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>|\s)*", re.DOTALL | re.IGNORECASE)

_BOZO_MAX = 300
_GUID_MAX = 1000
_LANGUAGE_MAX = 35


def parse_feed(body: bytes, *, content_type: str | None, url: str, now: datetime,
               default_tz: tzinfo | None = None) -> ParsedFeed:
    """Parse one fetched body.

    kind is "feed" when the body is an RSS, Atom or RDF feed (even with no items), "empty" for an
    empty or blank body, "not_a_feed" for anything else, with `error` saying what it looked like.
    Raises ParseError when the feed parser itself fails on the body. Dates without an offset are
    read in `default_tz` (the feed's configured zone), else as UTC.
    """
    if not body or not body.strip():
        return ParsedFeed(kind="empty", error="the response body is empty")
    decoded = decode_body(body, content_type)
    text = neutralise_char_refs(neutralise_entities(decoded.text))
    if not text.strip():
        return ParsedFeed(kind="empty", error="the response body is blank")
    mime = (content_type or "").split(";")[0].strip().lower() or "application/xml"
    try:
        # No content-location on purpose: feedparser would also "resolve" guids against it, turning
        # a guid such as "12345" into a URL that changes whenever the feed moves. Links are
        # resolved against `url` below instead.
        result = feedparser.parse(
            text.encode("utf-8"),
            response_headers={"content-type": f"{mime}; charset=utf-8"},
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as e:  # feedparser raises assorted errors (ValueError, OverflowError, …) on hostile input
        raise ParseError(f"the feed parser failed: {type(e).__name__}: {str(e)[:200]}") from e
    bozo = _bozo_message(result)
    if not result.get("version"):
        return ParsedFeed(kind="not_a_feed", error=describe_non_feed(text, body), bozo=bozo)
    channel = result.get("feed") or {}
    entries = [_entry(item, url, now, default_tz) for item in result.get("entries") or ()]
    return ParsedFeed(
        kind="feed",
        entries=_dedupe(entries),
        title=clean_text(channel.get("title"), TITLE_MAX) or None,
        language=_language(channel.get("language")),
        bozo=bozo,
    )


def neutralise_entities(text: str) -> str:
    """`text` without a DOCTYPE internal subset or any `<!ENTITY` declaration.

    References to the removed entities stay as literal text ("&name;"), which costs nothing.
    """
    if not _ENTITY_WORD.search(text):
        return text
    text = _DOCTYPE_SUBSET.sub(r"\1", text, count=1)
    text = _ENTITY_DECL.sub("", text)
    # An unterminated or oddly quoted declaration can survive the patterns above; make it inert.
    return _ENTITY_WORD.sub("", text)


def neutralise_char_refs(text: str) -> str:
    """`text` with character references to code points that cannot exist replaced by U+FFFD."""
    if "&#" not in text:
        return text
    return _SUSPECT_CHAR_REF.sub(_fix_char_ref, text)


def _fix_char_ref(m: re.Match[str]) -> str:
    dec, hexa = m.group("dec"), m.group("hex")
    value = int(dec) if dec is not None else int(hexa, 16)
    if value == 0 or value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        return "&#xFFFD"
    return m.group(0)


def describe_non_feed(text: str, body: bytes = b"") -> str:
    """A short description of what a body that is not a feed looks like, for the run report."""
    if body.startswith(b"\x1f\x8b"):
        return "gzip-compressed data that was not decompressed, not a feed"
    head = text[:2000].lstrip().lstrip("\ufeff")
    if "\x00" in head[:512]:
        return "binary data, not a feed"
    lowered = head.lower()
    if head.startswith(("{", "[")):
        if "jsonfeed.org" in lowered:
            return "a JSON Feed document, not an RSS or Atom feed (JSON Feed is not supported)"
        return "a JSON document, not a feed"
    if "<html" in lowered or "<!doctype html" in lowered or "<body" in lowered or "<head" in lowered:
        return "an HTML page, not a feed"
    if head.startswith("<"):
        rest = head[_PROLOG_JUNK.match(head).end() :]  # type: ignore[union-attr]
        m = _ROOT_ELEMENT.match(rest)
        if m:
            return f"an XML document with root <{m.group(1)[:40]}>, not an RSS, Atom or RDF feed"
        return "markup that is not an RSS, Atom or RDF feed"
    return "plain text, not a feed"


def _entry(item: Any, base: str, now: datetime, default_tz: tzinfo | None) -> Entry:
    # feedparser's entries are dicts with alias lookups (and a DeprecationWarning for "updated" when
    # only "published" exists); the canonical keys are read directly, which is several times cheaper.
    get = dict.get
    summary = clean_text(get(item, "summary"), SUMMARY_MAX)
    if not summary:
        content = get(item, "content") or ()
        if content:
            summary = clean_text(content[0].get("value"), SUMMARY_MAX)
    when = entry_date(
        (
            (get(item, "published"), get(item, "published_parsed")),
            (get(item, "updated"), get(item, "updated_parsed")),
            (get(item, "created"), get(item, "created_parsed")),
        ),
        now,
        default_tz,
    )
    guid = (get(item, "id") or "").strip()[:_GUID_MAX] or None
    return Entry(
        guid=guid,
        link=canonical_url(get(item, "link"), base),
        title=clean_text(get(item, "title"), TITLE_MAX),
        summary=summary,
        published_at=when.at,
        date_estimated=when.estimated,
        date_note=when.note,
    )


def _dedupe(entries: list[Entry]) -> tuple[Entry, ...]:
    variants_by_guid: dict[str, set[tuple[str | None, str]]] = {}
    for e in entries:
        if e.guid is not None:
            variants_by_guid.setdefault(e.guid, set()).add((e.link, e.title))
    shared = {guid for guid, variants in variants_by_guid.items() if len(variants) > 1}
    seen: set[tuple[str | None, ...]] = set()
    out: list[Entry] = []
    for e in entries:
        if e.guid in shared:
            # One guid on several different articles (a CMS bug, e.g. the home page as every guid):
            # it identifies none of them, so let the link and title identify each.
            e = Entry(None, e.link, e.title, e.summary, e.published_at, e.date_estimated, e.date_note)
        # Without a guid, the link alone is not enough: some feeds give every item the home page.
        key = (e.guid, e.link, e.title)
        if key in seen:
            continue
        seen.add(key)
        out.append(e)
    return tuple(out)


def _language(raw: Any) -> str | None:
    if not isinstance(raw, str):
        return None
    lang = raw.strip().lower().replace("_", "-")[:_LANGUAGE_MAX]
    return lang or None


def _bozo_message(result: Any) -> str | None:
    if not result.get("bozo"):
        return None
    exc = result.get("bozo_exception")
    if exc is None:
        return "malformed feed"
    return f"{type(exc).__name__}: {exc}"[:_BOZO_MAX]
