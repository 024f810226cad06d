"""Feed bytes → text: deciding the character encoding before the feed parser sees the body.

Arabic feeds are often served in windows-1256 or ISO-8859-6, labelled wrongly or not at all, and a
wrong guess turns every headline into mojibake that no later stage can repair. The rules, in order:

1. A byte-order mark or the UTF-16/UTF-32/EBCDIC pattern of `<?xml` decides (as the XML spec says).
2. Valid UTF-8 wins over any declared charset: servers and CMSs often label UTF-8 as windows-1256 or
   ISO-8859-1, while non-UTF-8 Arabic text is practically never valid UTF-8 by accident.
3. Nearly valid UTF-8 (a few stray bytes among many good multi-byte characters) is UTF-8 with the
   stray bytes replaced, not a single-byte encoding.
4. A declared charset (the HTTP header, then the XML declaration) is used when it decodes the body —
   except that Western labels (ISO-8859-1, windows-1252, ASCII, UTF-8) are overruled when the bytes
   look like single-byte Arabic (see `looks_single_byte_arabic`); those labels are server defaults.
5. Unlabelled non-UTF-8 bytes that look like Arabic are windows-1256 or ISO-8859-6, whichever gives
   more Arabic letters; otherwise windows-1252 (what unlabelled Western feeds are in practice).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_BOMS = (
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)
# "<?" in encodings that are not ASCII-compatible, for bodies without a byte-order mark.
_MARKERS = (
    (b"\x00\x00\x00\x3c", "utf-32-be"),
    (b"\x3c\x00\x00\x00", "utf-32-le"),
    (b"\x00\x3c\x00\x3f", "utf-16-be"),
    (b"\x3c\x00\x3f\x00", "utf-16-le"),
    (b"\x4c\x6f\xa7\x94", "cp037"),
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:\-]{1,40})["']""")
_XML_DECLARATION = re.compile(r"^\s*<\?xml\b[^>]{0,300}\?>")
_UTF8_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'
_HIGH_RUN = re.compile(rb"[\x80-\xff]{3,}")
_HIGH_BYTES = bytes(range(0x80, 0x100))
_ASCII_BYTES = bytes(range(0x80))

# Labels servers send by default; they say little about the actual bytes.
_WEAK_LABELS = frozenset({"ascii", "latin-1", "iso8859-1", "cp1252", "iso8859-15", "utf-8"})
_ARABIC_CODECS = ("cp1256", "iso8859-6")


@dataclass(frozen=True)
class DecodedBody:
    """A feed body as text with an XML declaration that says UTF-8, and how it was decoded."""

    text: str
    encoding: str  # Python codec name actually used, e.g. "utf-8", "cp1256", "iso8859-6"
    declared: str | None = None  # the label the server or document gave, if any


def decode_body(body: bytes, content_type: str | None = None) -> DecodedBody:
    """Decode `body` following the module's rules; the result re-declares itself as UTF-8."""
    declared = _codec_name(_charset_param(content_type)) or _codec_name(_xml_label(body))
    text, encoding = _decode(body, declared)
    if text.startswith("\ufeff"):
        text = text[1:]
    return DecodedBody(_redeclare(text), encoding, declared)


def _decode(body: bytes, declared: str | None) -> tuple[str, str]:
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return _lenient(body[len(bom) :], codec), codec
    for marker, codec in _MARKERS:
        if body.startswith(marker):
            return _lenient(body, codec), codec
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(body):
        return body.decode("utf-8", "replace"), "utf-8"
    arabic = looks_single_byte_arabic(body)
    if declared in _ARABIC_CODECS or (arabic and (declared is None or declared in _WEAK_LABELS)):
        codec = choose_arabic_codec(body, prefer=declared if declared in _ARABIC_CODECS else "cp1256")
        return body.decode(codec, "replace"), codec
    if declared and declared != "utf-8":
        try:
            return body.decode(declared), declared
        except (UnicodeDecodeError, LookupError):
            pass
    if arabic:
        codec = choose_arabic_codec(body)
        return body.decode(codec, "replace"), codec
    return body.decode("cp1252", "replace"), "cp1252"


def _lenient(body: bytes, codec: str) -> str:
    return body.decode(codec, "replace")


def _mostly_utf8(body: bytes) -> bool:
    """True when at most 1 in 50 non-ASCII characters is an invalid UTF-8 sequence."""
    text = body.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    good = non_ascii - bad
    return good >= 10 and bad * 50 <= good


def looks_single_byte_arabic(body: bytes) -> bool:
    """Whether the non-ASCII bytes of `body` look like Arabic in a single-byte encoding.

    In windows-1256 and ISO-8859-6 every Arabic letter is one byte ≥ 0x80, so Arabic words are runs of
    three or more such bytes. In Western single-byte text accented letters sit alone between ASCII
    letters ("café", "Größe"). So: most high bytes in runs of ≥ 3 means Arabic.
    """
    high = len(body) - len(body.translate(None, _HIGH_BYTES))
    if high < 3:
        return False
    in_runs = sum(len(run) for run in _HIGH_RUN.findall(body))
    return in_runs * 2 >= high


def choose_arabic_codec(body: bytes, prefer: str = "cp1256") -> str:
    """windows-1256 or ISO-8859-6, whichever decodes `body` into more Arabic letters.

    The two put Arabic letters at different byte values: text in one decoded with the other yields
    Latin accented letters (windows-1256 keeps à, é, ç … in its Arabic range) or undefined bytes
    (ISO-8859-6 leaves 0xDB–0xDF and 0xF3–0xFF empty). Ties go to `prefer`.
    """
    high = body.translate(None, _ASCII_BYTES)
    scores = {}
    for codec in _ARABIC_CODECS:
        try:
            text = high.decode(codec)
        except UnicodeDecodeError:
            continue
        arabic = sum(1 for ch in text if "\u0621" <= ch <= "\u064a")
        latin = sum(1 for ch in text if "\u00c0" <= ch <= "\u00ff")
        scores[codec] = arabic - latin
    if not scores:
        return prefer
    best = max(scores.values())
    if scores.get(prefer) == best:
        return prefer
    return max(scores, key=lambda c: scores[c])


def _charset_param(content_type: str | None) -> str | None:
    if not content_type:
        return None
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def _xml_label(body: bytes) -> str | None:
    m = _XML_ENCODING.match(body[:300])
    return m.group(1).decode("ascii") if m else None


def _codec_name(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return {"us-ascii": "ascii", "iso8859-1": "latin-1", "iso-8859-1": "latin-1"}.get(name, name)


def _redeclare(text: str) -> str:
    """`text` with its XML declaration replaced by a UTF-8 one (and no blank lines before it)."""
    m = _XML_DECLARATION.match(text)
    if m:
        return _UTF8_DECLARATION + text[m.end() :]
    return text
