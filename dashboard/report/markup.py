"""The HTML report's building blocks: escaping, direction of mixed Arabic/Latin text, tables, images, queries
and the style sheet, for either edition.

Escaping happens here, in one place: every string that came from a feed or a config file goes through
`esc()`/`attr()`. Direction: each edition has a document direction (English left to right, Arabic
right to left); a name, title or line in the other script is its own element marked with its
direction and wrapped in Unicode isolates, so it is laid out in its own order (with its numbers and
punctuation) and never reorders its neighbours. Direction is taken from the text's first strong letter.
"""

from __future__ import annotations

import base64
import html
import re
import unicodedata
from collections.abc import Iterable, Sequence

from dashboard.report.words import LRI, PDI, RLI, Words

_ARABIC_LETTER = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")

LATIN = '"Noto Sans", "DejaVu Sans"'
ARABIC = '"Noto Naskh Arabic", "Noto Sans Arabic"'


def esc(text: object) -> str:
    return html.escape(str(text), quote=False)


def attr(text: object) -> str:
    return html.escape(str(text), quote=True)


def strong_direction(text: str) -> str | None:
    """'rtl' or 'ltr' from the first strong letter of `text`; None when it has none (digits, signs)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return None


def direction(text: str) -> str:
    """'rtl' when the first strong letter of `text` is Arabic or Hebrew, else 'ltr'."""
    return strong_direction(text) or "ltr"


def foreign(text: str, w: Words) -> bool:
    """Whether `text` runs against the edition's direction (a Latin name in the Arabic edition, an Arabic
    one in the English edition)."""
    found = strong_direction(text)
    return found is not None and found != w.direction


def isolate(text: str, w: Words, tag: str = "span", cls: str = "") -> str:
    """`text` escaped; in its own element, marked up for its direction and font, when it runs against
    the edition's direction."""
    klass = f' class="{cls}"' if cls else ""
    if foreign(text, w):
        if w.rtl:
            return f'<{tag}{klass} dir="ltr">{LRI}{esc(text)}{PDI}</{tag}>'
        return f'<{tag}{klass} lang="ar" dir="rtl">{RLI}{esc(text)}{PDI}</{tag}>'
    return f"<{tag}{klass}>{esc(text)}</{tag}>" if klass else esc(text)


def ltr(html_text: str) -> str:
    """Already-escaped text that must read left to right whatever surrounds it (a week label, a hash)."""
    return f'<span dir="ltr">{LRI}{html_text}{PDI}</span>'


def other_cell(text: str, w: Words) -> str:
    """A table cell holding a name in the other edition's script (the Arabic name in the English edition,
    the English one in the Arabic edition)."""
    if w.rtl:
        return f'<td dir="ltr">{LRI}{esc(text)}{PDI}</td>' if text else "<td></td>"
    return f'<td lang="ar" dir="rtl">{esc(text)}</td>'


def other_span(text: str, w: Words, cls: str = "") -> str:
    """An inline name in the other edition's script."""
    klass = f' class="{cls}"' if cls else ""
    if w.rtl:
        return f'<span{klass} dir="ltr">{LRI}{esc(text)}{PDI}</span>'
    return f'<span{klass} lang="ar" dir="rtl">{esc(text)}</span>'


def img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img class="chart" alt="{attr(alt)}" src="data:image/png;base64,{data}">'


def table(head: Sequence[str], rows: Iterable[Sequence[str]], numeric: Sequence[int] = ()) -> str:
    """Rows are already-escaped HTML cells; columns listed in `numeric` are aligned at the line's end."""
    th = "".join(f'<th class="n">{h}</th>' if i in numeric else f"<th>{h}</th>" for i, h in enumerate(head))
    body = []
    for row in rows:
        tds = []
        for i, c in enumerate(row):
            if i in numeric:
                tds.append(f'<td class="n">{c}</td>')
            elif c.startswith("<td"):
                tds.append(c)
            else:
                tds.append(f"<td>{c}</td>")
        body.append("<tr>" + "".join(tds) + "</tr>")
    return f"<table><thead><tr>{th}</tr></thead><tbody>{''.join(body)}</tbody></table>"


_QUERY_TOKEN = re.compile(r'"[^"]*"\*?|[^\s()"]+')


def query(text: str) -> str:
    """A query shown token by token in logical order: each Arabic word or phrase (with its * or
    quotes) is isolated right to left, so «وساط*» keeps its star at its end and the operators
    between the words stay in reading order. Queries are code: left to right in both editions."""
    out, pos = [], 0
    for m in _QUERY_TOKEN.finditer(text):
        out.append(esc(text[pos:m.start()]))
        token = m.group()
        if _ARABIC_LETTER.search(token):
            out.append(f'<span class="ar-token" lang="ar" dir="rtl">{RLI}{esc(token)}{PDI}</span>')
        else:
            out.append(esc(token))
        pos = m.end()
    out.append(esc(text[pos:]))
    return f'<pre dir="ltr">{"".join(out)}</pre>'


_CSS = """
@page {{ size: A4; margin: 16mm 15mm 18mm 15mm;
  @bottom-{start} {{ content: string(reportname); font: 8pt {footer_fonts}, sans-serif; color: #777;{footer_dir} }}
  @bottom-{end} {{ content: {page}; font: 8pt {footer_fonts}, sans-serif; color: #777;{footer_dir} }} }}
html {{ font-family: {body_fonts}, sans-serif; font-size: 10pt; color: #222; line-height: 1.4; }}
body {{ max-width: 60rem; margin: 0 auto; padding: 0 1rem; }}
{other_fonts}
h1 {{ font-size: 24pt; margin: 0 0 4pt; color: #113; string-set: reportname content(); }}
h2 {{ font-size: 15pt; margin: 18pt 0 6pt; border-bottom: 1.5pt solid #ccd; padding-bottom: 2pt; }}
h3 {{ font-size: 11pt; margin: 10pt 0 4pt; }}
.cover {{ padding-top: 6mm; }}
.cover .week {{ font-size: 16pt; margin: 0 0 16pt; }}
.cover table {{ margin: 12pt 0; }}
.note {{ background: #fff6dd; border-{start}: 3pt solid #e6a800; padding: 6pt 8pt; }}
.muted {{ color: #666; }}
.fp {{ font-family: "DejaVu Sans Mono", monospace; }}
table {{ border-collapse: collapse; margin: 4pt 0 8pt; }}
th, td {{ text-align: {start}; padding: {cell_padding}; vertical-align: top; border-bottom: 0.5pt solid #e3e3e3; }}
th {{ font-size: 8.5pt; color: #555; font-weight: 600; }}
tr {{ break-inside: avoid; }}
td.url {{ word-break: break-all; font-size: 8pt; }}
td.n, th.n {{ text-align: {end}; font-variant-numeric: tabular-nums; }}
td[dir={other}] {{ text-align: {end}; }}
/* table layout, not flex or floats: WeasyPrint lays them out several times faster */
.pair {{ display: table; width: 100%; }}
.pair > div {{ display: table-cell; width: 50%; padding-{end}: 14pt; }}
.topic {{ break-before: auto; }}
.topic h2 {{ display: table; width: 100%; }}
.topic h2 > span {{ display: table-cell; }}
.topic h2 > .{other_class} {{ text-align: {end}; }}
.swatch {{ display: inline-block; width: 9pt; height: 9pt; border-radius: 2pt; margin-{end}: 4pt; }}
img.chart {{ width: 100%; max-width: 17cm; }}
.story {{ margin: 0 0 5pt; padding: 0 6pt; border-{start}: 2pt solid #d8d8e0; break-inside: avoid;
  font-size: 10.5pt; line-height: 1.3; }}
.story[dir={other}] {{ border-{start}: none; border-{end}: 2pt solid #d8d8e0; }}
.meta {{ font-size: 8.5pt; color: #555; }}
a {{ color: #1a4f8a; text-decoration: none; }}
pre {{ white-space: pre-wrap; font-family: {LATIN}, {ARABIC}, monospace; font-size: 8.5pt; background: #f6f6f6;
  padding: 4pt 6pt; margin: 2pt 0 6pt; }}
.break {{ break-before: page; }}
.keep {{ break-inside: avoid; }}
p.outlets {{ font-size: 8.5pt; margin: 0 0 4pt; }}
"""


def css(w: Words) -> str:
    """The style sheet of an edition: the Arabic one is the English one mirrored, with the Arabic
    fonts first (Noto Arabic fonts have no Latin letters; Pango falls back to the Latin ones after them)."""
    if w.rtl:
        sides = {"start": "right", "end": "left", "other": "ltr", "other_class": "en", "cell_padding": "2pt 0 2pt 8pt",
                 "body_fonts": f"{ARABIC}, {LATIN}", "footer_fonts": f"{ARABIC}, {LATIN}", "footer_dir": " direction: rtl;",
                 "other_fonts": f"[dir=ltr] {{ font-family: {LATIN}, {ARABIC}, sans-serif; }}"}
    else:
        sides = {"start": "left", "end": "right", "other": "rtl", "other_class": "ar", "cell_padding": "2pt 8pt 2pt 0",
                 "body_fonts": f"{LATIN}, {ARABIC}", "footer_fonts": LATIN, "footer_dir": "",
                 "other_fonts": f":lang(ar) {{ font-family: {ARABIC}, {LATIN}, serif; }}"}
    return _CSS.format(page=w.page_t, LATIN=LATIN, ARABIC=ARABIC, **sides)
