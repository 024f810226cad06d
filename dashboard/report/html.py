"""The report as one self-contained HTML document (also the source of the PDF), in English or in Arabic.

Self-contained: styles inline, charts as data: URIs, fonts named only (system fonts; WeasyPrint
embeds them in the PDF), no script, no external reference. The only links are `<a href>` to the
articles themselves, and only http(s) ones. Every string that came from a feed or a config file is
escaped by dashboard.report.markup.

Editions: the English document runs left to right, each Arabic title, name or query isolated right to
left inside it; the Arabic one is its mirror (`<html lang="ar" dir="rtl">`, Latin names and titles
isolated left to right). Both are built by the same functions from the same Report, with the fixed
words of dashboard.report.words: only the presentation differs, never a number.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from dashboard.report import fmt
from dashboard.report.charts import daily_chart, topics_chart
from dashboard.report.markup import (
    attr,
    css,
    direction,
    esc,
    img,
    isolate,
    ltr,
    other_cell,
    other_span,
    query,
    table,
)
from dashboard.report.model import (
    BASELINE_DAYS,
    SPIKE_MIN,
    SPIKE_SD,
    CountryCount,
    Report,
    SourceCount,
    Story,
    TopicInfo,
    TopicSection,
)
from dashboard.report.safe import http_url
from dashboard.report.stories import MIN_TITLE_TOKENS
from dashboard.report.words import ENGLISH, LRI, PDI, Words, words
from ingest.config import countries
from ingest.store.reads_report import FeedWeek

__all__ = ["NAMED_OUTLETS", "direction", "html_bytes", "render_html"]

# A wire story can run in seventy outlets a week at a million articles; naming them all made the
# PDF's stories the slowest part of its layout and the story unreadable. The XLSX Stories sheet
# names every outlet.
NAMED_OUTLETS = 5

CSS = css(ENGLISH)


def country_names(w: Words = ENGLISH) -> dict[str, str]:
    if w.rtl:
        return {code: c.name_ar or c.name_en for code, c in countries().items()}
    return {code: c.name_en for code, c in countries().items()}


def _label(t: TopicInfo, w: Words) -> str:
    """The topic's name in the edition's language (the English one when it has no Arabic name)."""
    return (t.label_ar or t.label) if w.rtl else t.label


def _other_label(t: TopicInfo, w: Words) -> str:
    """The topic's name in the other language ('' when the Arabic edition would repeat the English)."""
    return (t.label if t.label_ar else "") if w.rtl else t.label_ar


def _n(n: int) -> str:
    return fmt.number(n)


def _sources(rows: Sequence[SourceCount], w: Words) -> str:
    if not rows:
        return f'<p class="muted">{w.nothing}</p>'
    return table([w.source, w.country, w.articles_head, w.share],
                 [(isolate(s.source, w), esc(s.source_country), _n(s.articles), fmt.percent(s.share)) for s in rows],
                 numeric=(2, 3))


def _countries(rows: Sequence[CountryCount], w: Words) -> str:
    if not rows:
        return f'<p class="muted">{w.nothing}</p>'
    if w.rtl:
        body = [(isolate(c.name_ar or c.name, w), other_cell(c.name if c.name_ar else "", w), _n(c.articles))
                for c in rows]
    else:
        body = [(esc(c.name), other_cell(c.name_ar, w), _n(c.articles)) for c in rows]
    return table([w.country, "", w.articles_head], body, numeric=(2,))


def _story(rank: int, s: Story, w: Words) -> str:
    url = http_url(s.url)
    shown = isolate(s.title, w) if w.rtl else esc(s.title)
    title = f'<a href="{attr(url)}">{shown}</a>' if url else shown
    when = f"{esc(w.day(s.published.date()))} {s.published:%H:%M}"
    meta = f"{rank}. {isolate(s.source, w)} · {when}"
    if s.other_sources:
        names = w.join([isolate(o, w) for o in s.other_sources[:NAMED_OUTLETS]])
        hidden = len(s.other_sources) - NAMED_OUTLETS
        if hidden > 0:
            names += w.others_more_t.format(n=_n(hidden))
        meta += w.others_t.format(outlets=w.count(len(s.other_sources), w.other_outlets), names=names)
    if w.rtl:
        # Every story is a right-to-left paragraph, its border on the right; a Latin title inside it is
        # isolated left to right.
        return f'<p class="story">{title}<br><span class="meta">{meta}</span></p>'
    side = ' lang="ar" dir="rtl"' if direction(s.title) == "rtl" else ""
    return f'<p class="story"{side}>{title}<br><span class="meta" dir="ltr">{LRI}{meta}{PDI}</span></p>'


def _stories(stories: Sequence[Story], w: Words) -> str:
    return "".join(_story(i, s, w) for i, s in enumerate(stories, 1))


def _cover(r: Report, w: Words) -> str:
    wk = r.week
    label, span = ltr(esc(wk.label)) if w.rtl else esc(wk.label), esc(w.span(wk.start))
    topics = (w.all_topics_t.format(n=len(r.topics)) if r.all_topics_chosen
              else w.join([esc(_label(t, w)) for t in r.topics]))
    failing = r.feeds_failing

    def utc(ts: datetime) -> str:
        return w.utc_t.format(moment=esc(fmt.moment(ts)), utc="UTC")

    failing_value = (_n(len(failing)) + (
        " (" + w.join([isolate(f.source, w) for f in failing[:8]]) + (w.list_separator + "…" if len(failing) > 8 else "")
        + ")" if failing else "")) if r.failures_known else esc(w.unknown_failures)
    fp = f'<span class="fp">{esc(r.fingerprint.short)}</span>'
    rows = [
        (w.week, w.week_value_t.format(label=label, span=span, tz=ltr(esc(wk.tz)) if w.rtl else esc(wk.tz))),
        (w.topics, topics),
        (w.generated, utc(r.generated_at)),
        (w.newest, utc(r.data_until) if r.data_until else w.none),
        (w.feeds_monitored, _n(r.feeds_monitored)),
        (w.feeds_failing, failing_value),
        (w.on_topics, w.on_topics_value_t.format(n=_n(r.summary.articles), previous=_n(r.summary.previous),
                                                 change=esc(w.change_text(r.summary.articles, r.summary.previous)))),
        (w.all_articles, _n(r.summary.all_articles)),
        (w.fingerprint, w.fingerprint_value_t.format(fp=ltr(fp) if w.rtl else fp,
                                                     articles=w.count(r.fingerprint.articles, w.articles),
                                                     tags=w.count(r.fingerprint.tags, w.topic_tags))),
    ]
    rows_html = "<table>" + "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows) + "</table>"
    empty = f'<p class="note">{w.empty_note}</p>' if r.empty else ""
    return (f'<section class="cover"><h1>{w.title}</h1>'
            f'<p class="week">{label} · {span}</p>{empty}{rows_html}'
            f'<p class="muted">{w.cover_note}</p></section>')


def _summary(r: Report, w: Words) -> str:
    s = r.summary
    counts = sorted(s.topics, key=lambda c: (-c.articles, -c.previous, c.topic.label))
    rows = [(f'<span class="swatch" style="background:{attr(c.topic.color)}"></span>{esc(_label(c.topic, w))}',
             other_cell(_other_label(c.topic, w), w), _n(c.articles), _n(c.previous),
             esc(w.change_text(c.articles, c.previous))) for c in counts]
    head = table([w.topic, "", w.this_week, w.previous_week, w.change], rows, numeric=(2, 3, 4))
    chart = ""
    shown = [c for c in counts if c.articles or c.previous]
    if shown:
        chart = img(topics_chart(tuple(_label(c.topic, w) for c in shown), tuple(c.articles for c in shown),
                                 tuple(c.previous for c in shown), tuple(c.topic.color for c in shown),
                                 language=w.language),
                    w.topics_chart_alt)
    note = f'<p class="muted">{w.counts_note}</p>'
    return (f'<section class="summary"><h2>{w.summary}</h2>{head}{note}{chart}'
            f'<div class="pair keep"><div><h3>{w.leading_sources}</h3>{_sources(s.sources, w)}</div>'
            f'<div><h3>{w.source_countries}</h3>{_countries(s.source_countries, w)}</div></div>'
            f'<div class="keep"><h3>{w.countries_mentioned_most}</h3>{_countries(s.countries, w)}</div></section>')


def _section(r: Report, sec: TopicSection, w: Words) -> str:
    t, c = sec.topic, sec.count
    days = r.week.days
    prev_days = r.week.previous().days
    other = _other_label(t, w)
    other_html = f' {other_span(other, w, "en" if w.rtl else "ar")}' if other or not w.rtl else ""
    head = (f'<h2><span><span class="swatch" style="background:{attr(t.color)}"></span>{esc(_label(t, w))}</span>'
            f"{other_html}</h2>")
    stale = f'<p class="note">{w.stale_note}</p>' if t.stale else ""
    # The week's count in bold: the number in English, the whole phrase in Arabic ("مقالان" has no digits).
    articles = (f"<strong>{w.count(c.articles, w.articles)}</strong>" if w.rtl
                else w.count(c.articles, w.articles, f"<strong>{_n(c.articles)}</strong>"))
    line = "<p>" + w.topic_line_t.format(
        articles=articles, previous=_n(c.previous),
        change=esc(w.change_text(c.articles, c.previous)), stories=w.count(sec.story_count, w.stories)) + "</p>"
    chart = img(daily_chart(tuple(days), sec.daily, sec.daily_previous, t.color, language=w.language),
                w.daily_chart_alt_t.format(label=_label(t, w)))
    daily = table(["", *(esc(w.short_day(d)) for d in days), w.total],
                  [(w.this_week, *(_n(v) for v in sec.daily), _n(c.articles)),
                   (w.week_before_t.format(day=esc(w.day(prev_days[0]))), *(_n(v) for v in sec.daily_previous),
                    _n(c.previous))],
                  numeric=tuple(range(1, 9)))
    spikes = ""
    for sp in sec.spikes:
        heading = w.spike_t.format(day=esc(w.day(sp.day)), articles=w.count(sp.articles, w.articles))
        meta = w.spike_meta_t.format(mean=f"{sp.baseline_mean:.1f}", sd=f"{sp.baseline_sd:.1f}",
                                     threshold=f"{sp.threshold:.1f}")
        spikes += (f'<div class="keep"><h3>{heading}</h3>'
                   f'<p class="meta">{meta}</p>{_stories(sp.stories, w)}</div>')
    stories = (f"<h3>{w.top_stories}</h3>{_stories(sec.stories, w)}" if sec.stories
               else f'<p class="muted">{w.no_stories}</p>')
    more_n = sec.story_count - len(sec.stories)
    more = (f'<p class="meta">{w.more_stories_t.format(more=w.count(more_n, w.more_stories))}</p>'
            if more_n > 0 else "")
    pair = (f'<div class="pair keep"><div><h3>{w.top_sources}</h3>{_sources(sec.sources, w)}</div>'
            f"<div><h3>{w.countries_mentioned}</h3>{_countries(sec.countries, w)}</div></div>")
    return (f'<section class="topic"><div class="keep">{head}{stale}{line}{chart}{daily}</div>'
            f"{spikes}{stories}{more}{pair}</section>")


def _appendix(r: Report, w: Words) -> str:
    wk = r.week
    tz = ltr(esc(wk.tz)) if w.rtl else esc(wk.tz)
    digest = f'<span class="fp">{esc(r.fingerprint.digest)}</span>'
    paragraphs = (
        w.method_scope_t.format(start=esc(wk.start.isoformat()), end=esc(wk.days[-1].isoformat()), tz=tz),
        w.method_spikes_t.format(sd=f"{SPIKE_SD:g}", days=BASELINE_DAYS, minimum=w.count(SPIKE_MIN, w.articles)),
        w.method_stories_t.format(tokens=MIN_TITLE_TOKENS, named=NAMED_OUTLETS),
        w.method_fingerprint_t.format(digest=ltr(digest) if w.rtl else digest,
                                      articles=w.count(r.fingerprint.articles, w.articles),
                                      pairs=w.count(r.fingerprint.tags, w.pairs)),
    )
    method = "".join(f"<p>{p}</p>" for p in paragraphs)
    topics = "".join(
        f'<div class="keep"><h3>{esc(_label(t, w))} '
        + (f"{other_span(_other_label(t, w), w)} " if _other_label(t, w) or not w.rtl else "")
        + f'<span class="muted">({ltr(esc(t.id)) if w.rtl else esc(t.id)})</span></h3>{query(t.query_text)}'
        + (f'<p class="note">{w.stale_definition}</p>' if t.stale else "")
        + "</div>"
        for t in r.topics)
    return (f'<section class="appendix break"><h2>{w.method}</h2>{method}<h2>{w.definitions}</h2>{topics}'
            f"{_feeds(r, w)}</section>")


def _data(text: str, w: Words) -> str:
    """A message Marsad wrote in English (a fetch error, why a feed is off): isolated in the Arabic edition."""
    return isolate(text, w) if w.rtl else esc(text)


def _failing_period(feed: FeedWeek, w: Words) -> str:
    """'3 of 96 attempts failed, 2025-04-01 10:00 – 2025-04-02 14:00 UTC' in the edition's words ('' when none failed)."""
    if not feed.failures or feed.first_failure is None or feed.last_failure is None:
        return ""
    span = fmt.moment(feed.first_failure)
    if feed.last_failure != feed.first_failure:
        span += f" – {fmt.moment(feed.last_failure)}"
    # Raw numbers, not thousands-separated: the English wording has always printed them so.
    return w.failing_period_t.format(failures=w.count(feed.failures, w.attempts, str(feed.failures)),
                                     attempts=feed.attempts, span=span, utc="UTC")


def _feeds(r: Report, w: Words) -> str:
    """Failing feeds in detail; every monitored outlet by country, as text (a 600-row table took
    WeasyPrint 45 s to lay out; the XLSX Feeds sheet has one row per feed)."""
    failing = r.feeds_failing
    if not r.failures_known:
        detail = f'<p class="muted">{esc(w.unknown_failures_sentence)}</p>'
    else:
        detail = table([w.source, w.feed, w.articles_head, w.failures_this_week],
                       [(isolate(f.source, w), f'<td class="url" dir="ltr">{esc(f.url)}</td>' if w.rtl
                         else f'<td class="url">{esc(f.url)}</td>', _n(f.articles),
                         esc(_failing_period(f, w)) + (w.last_error_t.format(error=_data(f.last_error, w))
                                                       if f.last_error else ""))
                        for f in failing], numeric=(2,)) if failing else f'<p class="muted">{w.nothing}</p>'
    by_country: dict[str, dict[str, int]] = {}
    for f in r.feeds:
        outlets = by_country.setdefault(f.source_country, {})
        outlets[f.source] = outlets.get(f.source, 0) + f.articles
    names = country_names(w)
    groups = []
    for code in sorted(by_country, key=lambda c: (-len(by_country[c]), c)):
        outlets = by_country[code]
        listed = " · ".join(f"{isolate(s, w)} ({_n(n)})" for s, n in sorted(outlets.items()))
        groups.append(f'<p class="outlets"><strong>{esc(names.get(code, code))}</strong> '
                      f'<span class="muted">({len(outlets)})</span>: {listed}</p>')
    disabled = [f for f in r.feeds if not f.enabled]
    separator = "؛ " if w.rtl else "; "
    off = ('<p class="meta">' + w.disabled_t.format(feeds=separator.join(
        f"{isolate(f.source, w)} ({_data(f.disabled_reason, w) if f.disabled_reason else w.disabled})"
        for f in disabled)) + "</p>") if disabled else ""
    monitored = w.monitored_t.format(feeds=w.count(r.feeds_monitored, w.feeds),
                                     outlets=w.count(len({f.source for f in r.feeds}), w.outlets))
    return (f"<h2>{w.failing_heading}</h2>{detail}"
            f"<h2>{w.monitored_heading}</h2><p>{monitored}</p>{''.join(groups)}{off}")


def render_html(r: Report, language: str = "en") -> str:
    """The whole report as an HTML document (a str), in the edition `language` ("en" or "ar")."""
    w = words(language)
    active = [s for s in r.sections if s.count.articles]
    quiet = [s.topic for s in r.sections if not s.count.articles]
    quiet_html = ""
    if quiet:
        names = w.join([f"{esc(_label(t, w))} ({other_span(_other_label(t, w), w)})" if _other_label(t, w) or not w.rtl
                        else esc(_label(t, w)) for t in quiet])
        quiet_html = f'<p class="muted">{w.quiet_t.format(names=names)}</p>'
    body = (_cover(r, w) + _summary(r, w) + "".join(_section(r, s, w) for s in active) + quiet_html
            + _appendix(r, w))
    title = f"{w.title} {r.week.label}"
    return ("<!DOCTYPE html>\n"
            f'<html lang="{w.language}" dir="{w.direction}"><head><meta charset="utf-8"><title>{esc(title)}</title>'
            f'<meta name="generator" content="Marsad"><meta name="dcterms.created" content="{attr(r.generated_at.isoformat())}">'
            f"<style>{css(w)}</style></head><body>{body}</body></html>\n")


def html_bytes(r: Report, language: str = "en") -> bytes:
    return render_html(r, language).encode("utf-8")
