"""Turning untrusted feed fields into clean plain text and canonical links.

This module owns two definitions every later stage relies on:

- `clean_text()`: what a title or summary looks like once stored — no markup, entities decoded,
  no control characters, single spaces, a bounded length. The result is plain text meant to be
  displayed escaped; it is never HTML.
- `canonical_url()`: the one form of an article link — absolute http(s), lower-case scheme and host,
  no fragment, no tracking parameters — so the same article reached through a newsletter, a social
  post or the feed itself is recognised as one.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

TITLE_MAX = 500
SUMMARY_MAX = 2000
ELLIPSIS = "…"

# Elements whose content is not prose: their text would pollute a summary with code or CSS. Found
# as a flat sequence of open/close tags (one linear scan), never with a backtracking `.*?` that
# would rescan to the end for every unclosed tag.
_NON_PROSE_TAG = re.compile(r"<(/?)(script|style|noscript|template)\b[^<>]*>", re.IGNORECASE)
# Tags that separate words visually; removing them without a space would glue two words together.
_BLOCK_TAGS = (
    "address|article|aside|blockquote|br|caption|dd|div|dl|dt|figcaption|figure|footer|h[1-6]|header|hr|"
    "img|li|main|nav|ol|p|pre|section|table|tbody|td|tfoot|th|thead|tr|ul|iframe|video|audio|source"
)
_BLOCK_TAG = re.compile(rf"</?(?:{_BLOCK_TAGS})\b[^<>]*>", re.IGNORECASE)
# Any other tag, comment, CDATA opener, doctype or processing instruction. A tag must start with a
# letter (or / ! ?) so that prose such as "3 < 5" is left alone.
_ANY_TAG = re.compile(r"<!--.*?(?:-->|$)|<!\[CDATA\[|</?[A-Za-z][^<>]*>|<[!?][^<>]*>", re.DOTALL)
# A tag cut off by the end of the input (we cap raw input before stripping).
_OPEN_TAG_AT_END = re.compile(r"<[A-Za-z/!?][^<>]*$")
# An entity still present after one round of decoding: the feed escaped its text twice.
_LEFTOVER_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")

# C0/C1 control characters and DEL vanish (they break terminals, CSV exports and PDF rendering);
# the ones str.split() treats as whitespace (tab, line breaks, NEL) become spaces below instead.
# Lone surrogates go too: they cannot be encoded to UTF-8 by the store.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")

# Raw HTML longer than this many times the output cap is cut before stripping: a summary never needs
# more, and a 1 MB content:encoded should not cost more than a short one.
_RAW_FACTOR = 20


def html_to_text(raw: str | None) -> str:
    """Plain text of an HTML (or plain) fragment: tags removed, entities decoded, spaces collapsed.

    Feeds escape their text zero, one or two times (`AT&amp;amp;T`), and a double-escaped fragment may
    hide markup (`&lt;b&gt;`). So strip and decode alternately until nothing changes, at most three
    rounds; markup revealed by decoding is stripped too, so text never carries tags.
    """
    if not raw:
        return ""
    text = raw
    for _ in range(3):
        if "<" in text:
            text = _strip_tags(text)
        if "&" not in text:
            break
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
        if not _LEFTOVER_ENTITY.search(text) and "<" not in text:
            break
    else:
        if "<" in text:
            text = _strip_tags(text)
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    return " ".join(text.split())


def _strip_tags(text: str) -> str:
    text = _drop_non_prose(text)
    text = _BLOCK_TAG.sub(" ", text)
    text = _ANY_TAG.sub("", text)
    return _OPEN_TAG_AT_END.sub("", text)


def _drop_non_prose(text: str) -> str:
    """`text` without the content of closed script/style/noscript/template elements."""
    pieces: list[str] = []
    kept_until = 0
    open_at: int | None = None
    open_name = ""
    for m in _NON_PROSE_TAG.finditer(text):
        closing, name = m.group(1), m.group(2).lower()
        if not closing:
            if open_at is None:
                open_at, open_name = m.start(), name
        elif open_at is not None and name == open_name:
            pieces.append(text[kept_until:open_at])
            pieces.append(" ")
            kept_until, open_at = m.end(), None
    if not pieces:
        return text
    pieces.append(text[kept_until:])
    return "".join(pieces)


def clean_text(raw: str | None, limit: int) -> str:
    """`html_to_text(raw)` capped at `limit` characters (cut at a word boundary, marked with "…")."""
    if not raw:
        return ""
    if len(raw) > limit * _RAW_FACTOR:
        raw = raw[: limit * _RAW_FACTOR]
    return truncate(html_to_text(raw), limit)


def truncate(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else its longest word-bounded prefix plus "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)]
    space = cut.rfind(" ")
    # Prefer ending on a whole word unless that throws away a lot (one giant "word", e.g. a URL).
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


# --- links ------------------------------------------------------------------------------------

# Query parameters that identify a campaign or a click, never the article.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "_ga",
        "_gl", "ref_src", "cmpid", "ncid", "ocid", "sr_share", "spm", "wt_mc",
        "wt.mc_id", "mkt_tok", "_hsenc", "_hsmi", "hsctatracking", "oly_anon_id", "oly_enc_id",
        "vero_id", "rss_source", "xtor", "at_medium", "at_campaign", "s_cid", "twclid", "li_fat_id",
        "wbraid", "gbraid",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
_ALLOWED_SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": ":80", "https": ":443"}
# Characters left as they are when percent-encoding a path or query: the reserved set and "%" (so
# existing escapes survive). Everything else (spaces, raw Arabic) is encoded as UTF-8, so a link
# written raw and the same link written percent-encoded become one string.
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_SAFE_QUERY = _SAFE_PATH + "?"
_LOWER_ESCAPE = re.compile(r"%[0-9a-f][0-9A-Fa-f]|%[0-9A-F][a-f]")
# A link already in canonical form, as most feeds write them: lower-case http(s) scheme and host,
# no port, user, query, fragment or escapes, and a path of unreserved characters only.
_ALREADY_CANONICAL = re.compile(r"https?://[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(/[A-Za-z0-9/._~,;=:@+!$'()*-]*)?")


def canonical_url(link: str | None, base: str | None = None) -> str | None:
    """The canonical absolute http(s) form of `link`, resolved against `base`, or None.

    None for empty links and for any scheme other than http/https (javascript:, data:, mailto:,
    ftp:, …), and for links without a host.
    """
    if not link:
        return None
    link = link.strip()
    if not link:
        return None
    common = _ALREADY_CANONICAL.fullmatch(link)
    if common:
        return link if common.group(1) else link + "/"
    try:
        if base and not link.startswith(("https://", "http://")):
            link = urljoin(base, link)
        parts = urlsplit(link)
        scheme = parts.scheme.lower()
        if scheme not in _ALLOWED_SCHEMES:
            return None
        host = (parts.hostname or "").rstrip(".")
        port = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return None
    if not host:
        return None
    netloc = host
    if ":" in host:  # IPv6 literal
        netloc = f"[{host}]"
    if port is not None and f":{port}" != _DEFAULT_PORTS[scheme]:
        netloc += f":{port}"
    if parts.username is not None:
        userinfo = parts.netloc.rpartition("@")[0]
        netloc = f"{userinfo}@{netloc}"
    path = _encode(parts.path, _SAFE_PATH) or "/"
    query = _drop_tracking(parts.query)
    if query:
        query = _encode(query, _SAFE_QUERY)
    return urlunsplit((scheme, netloc, path, query, ""))


def _encode(part: str, safe: str) -> str:
    if not part.isascii() or " " in part or '"' in part or "<" in part or ">" in part:
        part = quote(part, safe=safe)
    if "%" in part and _LOWER_ESCAPE.search(part):
        part = _LOWER_ESCAPE.sub(lambda m: m.group(0).upper(), part)
    return part


def _drop_tracking(query: str) -> str:
    if not query:
        return ""
    kept = []
    for pair in query.split("&"):
        if not pair:
            continue
        name = unquote(pair.partition("=")[0]).strip().lower()
        if name in TRACKING_PARAMS or name.startswith(_TRACKING_PREFIXES):
            continue
        kept.append(pair)
    return "&".join(kept)
