"""The report as one self-contained HTML document (also the source of the PDF).

Self-contained: styles inline, charts as data: URIs, fonts named only (system fonts; WeasyPrint
embeds them in the PDF), no script, no external reference. The only links are `<a href>` to the
articles themselves, and only http(s) ones. Every string that came from a feed or a config file is
escaped here, in one place, by `_t()`/`_attr()`.

Direction: the document is English (left to right); each Arabic title, name or query is its own
element with lang="ar" dir="rtl", so it is laid out right to left with its numbers and Latin words in
the right order, and set in an Arabic font. Direction is taken from the text's first strong letter.
"""

from __future__ import annotations

import base64
import html
import re
import unicodedata
from collections.abc import Iterable, Sequence

from dashboard.report import fmt
from dashboard.report.charts import daily_chart, topics_chart
from dashboard.report.model import (
    BASELINE_DAYS,
    SPIKE_MIN,
    SPIKE_SD,
    CountryCount,
    Report,
    SourceCount,
    Story,
    TopicSection,
)
from dashboard.report.safe import http_url
from dashboard.report.stories import MIN_TITLE_TOKENS
from ingest.config import countries

_ARABIC_LETTER = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")

# Unicode isolates around a name or a line of the other direction, so that its direction never leaks
# into its neighbours ("(a, b, c)" keeps its order). WeasyPrint ignores CSS unicode-bidi: isolate but
# Pango honours these characters, as browsers do.
LRI, RLI, PDI = "\u2066", "\u2067", "\u2069"

LATIN = '"Noto Sans", "DejaVu Sans"'

# A wire story can run in seventy outlets a week at a million articles; naming them all made the
# PDF's stories the slowest part of its layout and the story unreadable. The XLSX Stories sheet
# names every outlet.
NAMED_OUTLETS = 5
ARABIC = '"Noto Naskh Arabic", "Noto Sans Arabic"'

CSS = f"""
@page {{ size: A4; margin: 16mm 15mm 18mm 15mm;
  @bottom-left {{ content: string(reportname); font: 8pt {LATIN}, sans-serif; color: #777; }}
  @bottom-right {{ content: "page " counter(page) " of " counter(pages); font: 8pt {LATIN}, sans-serif; color: #777; }} }}
html {{ font-family: {LATIN}, {ARABIC}, sans-serif; font-size: 10pt; color: #222; line-height: 1.4; }}
body {{ max-width: 60rem; margin: 0 auto; padding: 0 1rem; }}
:lang(ar) {{ font-family: {ARABIC}, {LATIN}, serif; }}
h1 {{ font-size: 24pt; margin: 0 0 4pt; color: #113; string-set: reportname content(); }}
h2 {{ font-size: 15pt; margin: 18pt 0 6pt; border-bottom: 1.5pt solid #ccd; padding-bottom: 2pt; }}
h3 {{ font-size: 11pt; margin: 10pt 0 4pt; }}
.cover {{ padding-top: 6mm; }}
.cover .week {{ font-size: 16pt; margin: 0 0 16pt; }}
.cover table {{ margin: 12pt 0; }}
.note {{ background: #fff6dd; border-left: 3pt solid #e6a800; padding: 6pt 8pt; }}
.muted {{ color: #666; }}
.fp {{ font-family: "DejaVu Sans Mono", monospace; }}
table {{ border-collapse: collapse; margin: 4pt 0 8pt; }}
th, td {{ text-align: left; padding: 2pt 8pt 2pt 0; vertical-align: top; border-bottom: 0.5pt solid #e3e3e3; }}
th {{ font-size: 8.5pt; color: #555; font-weight: 600; }}
tr {{ break-inside: avoid; }}
td.url {{ word-break: break-all; font-size: 8pt; }}
td.n, th.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
td[dir=rtl] {{ text-align: right; }}
/* table layout, not flex or floats: WeasyPrint lays them out several times faster */
.pair {{ display: table; width: 100%; }}
.pair > div {{ display: table-cell; width: 50%; padding-right: 14pt; }}
.topic {{ break-before: auto; }}
.topic h2 {{ display: table; width: 100%; }}
.topic h2 > span {{ display: table-cell; }}
.topic h2 > .ar {{ text-align: right; }}
.swatch {{ display: inline-block; width: 9pt; height: 9pt; border-radius: 2pt; margin-right: 4pt; }}
img.chart {{ width: 100%; max-width: 17cm; }}
.story {{ margin: 0 0 5pt; padding: 0 6pt; border-left: 2pt solid #d8d8e0; break-inside: avoid;
  font-size: 10.5pt; line-height: 1.3; }}
.story[dir=rtl] {{ border-left: none; border-right: 2pt solid #d8d8e0; }}
.meta {{ font-size: 8.5pt; color: #555; }}
a {{ color: #1a4f8a; text-decoration: none; }}
pre {{ white-space: pre-wrap; font-family: {LATIN}, {ARABIC}, monospace; font-size: 8.5pt; background: #f6f6f6;
  padding: 4pt 6pt; margin: 2pt 0 6pt; }}
.break {{ break-before: page; }}
.keep {{ break-inside: avoid; }}
p.outlets {{ font-size: 8.5pt; margin: 0 0 4pt; }}
"""


def country_names() -> dict[str, str]:
    return {code: c.name_en for code, c in countries().items()}


def _t(text: object) -> str:
    return html.escape(str(text), quote=False)


def _attr(text: object) -> str:
    return html.escape(str(text), quote=True)


def direction(text: str) -> str:
    """'rtl' when the first strong letter of `text` is Arabic or Hebrew, else 'ltr'."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def _bidi(text: str, tag: str = "span", cls: str = "") -> str:
    """`text` in its own element, marked up for its script's direction and font."""
    klass = f' class="{cls}"' if cls else ""
    if direction(text) == "rtl":
        return f'<{tag}{klass} lang="ar" dir="rtl">{RLI}{_t(text)}{PDI}</{tag}>'
    return f"<{tag}{klass}>{_t(text)}</{tag}>" if klass else _t(text)


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img class="chart" alt="{_attr(alt)}" src="data:image/png;base64,{data}">'


def _table(head: Sequence[str], rows: Iterable[Sequence[str]], numeric: Sequence[int] = ()) -> str:
    """Rows are already-escaped HTML cells; columns listed in `numeric` are right-aligned."""
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


def _ar_cell(text: str) -> str:
    return f'<td lang="ar" dir="rtl">{_t(text)}</td>'


def _sources(rows: Sequence[SourceCount]) -> str:
    if not rows:
        return '<p class="muted">None.</p>'
    return _table(["Source", "Country", "Articles", "Share"],
                  [(_bidi(s.source), _t(s.source_country), fmt.number(s.articles), fmt.percent(s.share)) for s in rows],
                  numeric=(2, 3))


def _countries(rows: Sequence[CountryCount], what: str = "Articles") -> str:
    if not rows:
        return '<p class="muted">None.</p>'
    return _table(["Country", "", what],
                  [(_t(c.name), _ar_cell(c.name_ar), fmt.number(c.articles)) for c in rows], numeric=(2,))


def _story(rank: int, s: Story) -> str:
    url = http_url(s.url)
    title = f'<a href="{_attr(url)}">{_t(s.title)}</a>' if url else _t(s.title)
    side = ' lang="ar" dir="rtl"' if direction(s.title) == "rtl" else ""
    meta = f"{rank}. {_bidi(s.source)} · {_t(fmt.day(s.published.date()))} {s.published:%H:%M}"
    if s.other_sources:
        names = ", ".join(_bidi(o) for o in s.other_sources[:NAMED_OUTLETS])
        hidden = len(s.other_sources) - NAMED_OUTLETS
        if hidden > 0:
            names += f" and {fmt.number(hidden)} more"
        word = "outlet" if len(s.other_sources) == 1 else "outlets"
        meta += f" · <strong>+ {len(s.other_sources)} other {word}</strong> ({names})"
    return f'<p class="story"{side}>{title}<br><span class="meta" dir="ltr">{LRI}{meta}{PDI}</span></p>'


def _stories(stories: Sequence[Story]) -> str:
    return "".join(_story(i, s) for i, s in enumerate(stories, 1))


_QUERY_TOKEN = re.compile(r'"[^"]*"\*?|[^\s()"]+')


def _query(text: str) -> str:
    """A query shown token by token in logical order: each Arabic word or phrase (with its * or
    quotes) is isolated right to left, so «وساط*» keeps its star at its end and the operators
    between the words stay in reading order."""
    out, pos = [], 0
    for m in _QUERY_TOKEN.finditer(text):
        out.append(_t(text[pos:m.start()]))
        token = m.group()
        if _ARABIC_LETTER.search(token):
            out.append(f'<span class="ar-token" lang="ar" dir="rtl">{RLI}{_t(token)}{PDI}</span>')
        else:
            out.append(_t(token))
        pos = m.end()
    out.append(_t(text[pos:]))
    return f'<pre dir="ltr">{"".join(out)}</pre>'


def _cover(r: Report) -> str:
    w = r.week
    topics = (f"all {len(r.topics)} topics" if r.all_topics_chosen
              else ", ".join(_t(t.label) for t in r.topics))
    failing = r.feeds_failing
    rows = [
        ("Week", f"{_t(w.label)}, {_t(w.span())} (days in {_t(w.tz)})"),
        ("Topics", topics),
        ("Generated", f"{_t(fmt.moment(r.generated_at))} UTC"),
        ("Newest article in the database", f"{_t(fmt.moment(r.data_until))} UTC" if r.data_until else "none"),
        ("Feeds monitored", fmt.number(r.feeds_monitored)),
        ("Feeds failing this week", (f"{fmt.number(len(failing))}" + (
            " (" + ", ".join(_bidi(f.source) for f in failing[:8]) + (", …" if len(failing) > 8 else "") + ")"
            if failing else "")) if r.failures_known else _t(_UNKNOWN_FAILURES)),
        ("Articles on these topics", f"{fmt.number(r.summary.articles)} "
         f"(previous week {fmt.number(r.summary.previous)}, change {_t(fmt.change(r.summary.articles, r.summary.previous))})"),
        ("All articles from monitored feeds", fmt.number(r.summary.all_articles)),
        ("Fingerprint", f'<span class="fp">{_t(r.fingerprint.short)}</span> · {fmt.number(r.fingerprint.articles)} '
         f"articles · {fmt.number(r.fingerprint.tags)} topic tags"),
    ]
    table = "<table>" + "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows) + "</table>"
    empty = ""
    if r.empty:
        empty = ('<p class="note">No articles on the chosen topics were published during this week by the '
                 "monitored feeds. The report is complete: there was nothing to count.</p>")
    return (f'<section class="cover"><h1>Marsad weekly report</h1>'
            f'<p class="week">{_t(w.label)} · {_t(w.span())}</p>{empty}{table}'
            '<p class="muted">Marsad (مرصد) monitors Arabic and English news feeds. Counts are articles '
            "(one per link); the method appendix at the end says exactly what was counted.</p></section>")


def _summary(r: Report) -> str:
    s = r.summary
    counts = sorted(s.topics, key=lambda c: (-c.articles, -c.previous, c.topic.label))
    rows = [(f'<span class="swatch" style="background:{_attr(c.topic.color)}"></span>{_t(c.topic.label)}',
             _ar_cell(c.topic.label_ar), fmt.number(c.articles), fmt.number(c.previous),
             _t(fmt.change(c.articles, c.previous))) for c in counts]
    table = _table(["Topic", "", "This week", "Previous week", "Change"], rows, numeric=(2, 3, 4))
    chart = ""
    shown = [c for c in counts if c.articles or c.previous]
    if shown:
        chart = _img(topics_chart(tuple(c.topic.label for c in shown), tuple(c.articles for c in shown),
                                  tuple(c.previous for c in shown), tuple(c.topic.color for c in shown)),
                     "Articles per topic, this week and the previous week")
    note = ("<p class=\"muted\">An article on two topics counts once in each topic's row and once in the "
            "total.</p>")
    return (f'<section class="summary"><h2>Summary in numbers</h2>{table}{note}{chart}'
            f'<div class="pair keep"><div><h3>Leading sources</h3>{_sources(s.sources)}</div>'
            f'<div><h3>Source countries</h3>{_countries(s.source_countries)}</div></div>'
            f'<div class="keep"><h3>Countries most mentioned</h3>{_countries(s.countries)}</div></section>')


def _section(r: Report, sec: TopicSection) -> str:
    t, c = sec.topic, sec.count
    days = r.week.days
    prev_days = r.week.previous().days
    head = (f'<h2><span><span class="swatch" style="background:{_attr(t.color)}"></span>{_t(t.label)}</span>'
            f' <span class="ar" lang="ar" dir="rtl">{_t(t.label_ar)}</span></h2>')
    stale = ('<p class="note">The stored articles were tagged with an earlier definition of this topic; '
             "they are retagged at the next ingest run.</p>" if t.stale else "")
    line = (f"<p><strong>{fmt.number(c.articles)}</strong> articles this week, {fmt.number(c.previous)} the week "
            f"before ({_t(fmt.change(c.articles, c.previous))}); {fmt.number(sec.story_count)} distinct stories.</p>")
    chart = _img(daily_chart(tuple(days), sec.daily, sec.daily_previous, t.color),
                 f"{t.label}: articles per day, this week and the previous week")
    daily = _table(["", *(f"{d:%a} {d.day}" for d in days), "Total"],
                   [("This week", *(fmt.number(v) for v in sec.daily), fmt.number(c.articles)),
                    (f"Week before ({_t(fmt.day(prev_days[0]))} –)", *(fmt.number(v) for v in sec.daily_previous),
                     fmt.number(c.previous))],
                   numeric=tuple(range(1, 9)))
    spikes = ""
    for sp in sec.spikes:
        spikes += (f'<div class="keep"><h3>Spike on {_t(fmt.day(sp.day))}: {fmt.number(sp.articles)} articles</h3>'
                   f'<p class="meta">Above the usual {sp.baseline_mean:.1f} ± {sp.baseline_sd:.1f} a day '
                   f"(threshold {sp.threshold:.1f}). The stories behind it:</p>{_stories(sp.stories)}</div>")
    stories = (f'<h3>Top stories</h3>{_stories(sec.stories)}' if sec.stories
               else '<p class="muted">No stories this week.</p>')
    more = (f'<p class="meta">{fmt.number(sec.story_count - len(sec.stories))} more stories in the XLSX/CSV '
            "article list.</p>" if sec.story_count > len(sec.stories) else "")
    pair = (f'<div class="pair keep"><div><h3>Top sources</h3>{_sources(sec.sources)}</div>'
            f'<div><h3>Countries mentioned</h3>{_countries(sec.countries)}</div></div>')
    return (f'<section class="topic"><div class="keep">{head}{stale}{line}{chart}{daily}</div>'
            f"{spikes}{stories}{more}{pair}</section>")


def _appendix(r: Report) -> str:
    w = r.week
    method = (
        f"<p>Scope: articles published from Monday {_t(w.start.isoformat())} 00:00 to Sunday "
        f"{_t(w.days[-1].isoformat())} 24:00 in {_t(w.tz)}, by the feeds Marsad monitors, that carry at least one of the "
        "topics in this report. A topic is a query in Marsad's query language, applied to each article's title "
        "and summary when it is stored (and again whenever the query changes). The previous week is the seven "
        "days before. The numbers are those the dashboard shows for the same week and topics.</p>"
        f"<p>Spike days: a day is a spike when its count is above the mean plus {SPIKE_SD:g} standard "
        f"deviations of the topic's daily counts over the {BASELINE_DAYS} days before the week, and at least "
        f"{SPIKE_MIN} articles.</p>"
        "<p>Stories: articles with the same normalised title (letters, digits and Arabic letter variants "
        f"compared, diacritics and punctuation ignored; titles of at least {MIN_TITLE_TOKENS} words) or the same "
        "link are one story, shown once with the other outlets that carried it. Stories are ranked by the "
        f"number of outlets, then by time. Each story names at most {NAMED_OUTLETS} of the other outlets that "
        "carried it, first seen first; the XLSX Stories sheet names them all.</p>"
        f"<p>Fingerprint: <span class=\"fp\">{_t(r.fingerprint.digest)}</span> — SHA-256 over the week, the time "
        "zone, each topic's id, labels and canonical query, and the sorted list of (article id, topic) pairs "
        f"({fmt.number(r.fingerprint.articles)} articles, {fmt.number(r.fingerprint.tags)} pairs). Two copies "
        "with the same fingerprint were made from the same articles and definitions.</p>"
    )
    topics = "".join(
        f'<div class="keep"><h3>{_t(t.label)} <span lang="ar" dir="rtl">{_t(t.label_ar)}</span> '
        f'<span class="muted">({_t(t.id)})</span></h3>{_query(t.query_text)}'
        + ("<p class=\"note\">Stored tags come from an earlier definition (retag pending).</p>" if t.stale else "")
        + "</div>"
        for t in r.topics)
    return (f'<section class="appendix break"><h2>Method appendix</h2>{method}<h2>Topic definitions</h2>{topics}'
            f"{_feeds(r)}</section>")


_UNKNOWN_FAILURES = ("not known: fetch attempts this old are no longer kept (the ingest job keeps "
                     "MARSAD_FETCH_LOG_DAYS days of them, 90 by default)")


def _feeds(r: Report) -> str:
    """Failing feeds in detail; every monitored outlet by country, as text (a 600-row table took
    WeasyPrint 45 s to lay out; the XLSX Feeds sheet has one row per feed)."""
    failing = r.feeds_failing
    if not r.failures_known:
        table = f'<p class="muted">{_t(_UNKNOWN_FAILURES[0].upper() + _UNKNOWN_FAILURES[1:])}.</p>'
    else:
        table = _table(["Source", "Feed", "Articles", "Failures this week"],
                       [(_bidi(f.source), f'<td class="url">{_t(f.url)}</td>', fmt.number(f.articles),
                         _t(fmt.failing_period(f) + (f" — last error: {f.last_error}" if f.last_error else "")))
                        for f in failing], numeric=(2,)) if failing else '<p class="muted">None.</p>'
    by_country: dict[str, dict[str, int]] = {}
    for f in r.feeds:
        outlets = by_country.setdefault(f.source_country, {})
        outlets[f.source] = outlets.get(f.source, 0) + f.articles
    names = country_names()
    groups = []
    for code in sorted(by_country, key=lambda c: (-len(by_country[c]), c)):
        outlets = by_country[code]
        listed = " · ".join(f"{_bidi(s)} ({fmt.number(n)})" for s, n in sorted(outlets.items()))
        groups.append(f'<p class="outlets"><strong>{_t(names.get(code, code))}</strong> '
                      f'<span class="muted">({len(outlets)})</span>: {listed}</p>')
    disabled = [f for f in r.feeds if not f.enabled]
    off = ("<p class=\"meta\">Disabled: " + "; ".join(
        f"{_bidi(f.source)} ({_t(f.disabled_reason or 'disabled')})" for f in disabled) + "</p>") if disabled else ""
    return (f"<h2>Feeds failing this week</h2>{table}"
            f"<h2>Sources monitored</h2><p>{fmt.number(r.feeds_monitored)} feeds from "
            f"{fmt.number(len({f.source for f in r.feeds}))} outlets; in brackets, each outlet's articles this week "
            f"(all topics or none).</p>{''.join(groups)}{off}")


def render_html(r: Report) -> str:
    """The whole report as an HTML document (a str)."""
    active = [s for s in r.sections if s.count.articles]
    quiet = [s.topic for s in r.sections if not s.count.articles]
    quiet_html = ""
    if quiet:
        names = ", ".join(f"{_t(t.label)} (<span lang=\"ar\" dir=\"rtl\">{_t(t.label_ar)}</span>)" for t in quiet)
        quiet_html = f'<p class="muted">No articles this week on: {names}.</p>'
    body = (_cover(r) + _summary(r) + "".join(_section(r, s) for s in active) + quiet_html + _appendix(r))
    title = f"Marsad weekly report {r.week.label}"
    return ("<!DOCTYPE html>\n"
            f'<html lang="en" dir="ltr"><head><meta charset="utf-8"><title>{_t(title)}</title>'
            f'<meta name="generator" content="Marsad"><meta name="dcterms.created" content="{_attr(r.generated_at.isoformat())}">'
            f"<style>{CSS}</style></head><body>{body}</body></html>\n")


def html_bytes(r: Report) -> bytes:
    return render_html(r).encode("utf-8")
