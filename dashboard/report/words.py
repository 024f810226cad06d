"""Every fixed word of the PDF and HTML reports, in English and in Arabic, and how each edition writes dates.

One `Words` value per edition (`ENGLISH`, `ARABIC`; `words(language)` picks one). Both fill the same
fields, so the two editions cannot drift apart in structure: a phrase added to one and not the other
fails at import. Templates use `str.format` fields; the values put into them are already-escaped HTML
(numbers, names, dates), so a template may carry trusted markup such as <strong>.

Counted nouns (`Noun`) follow Arabic number agreement: 1 and 2 are written as words (مقال واحد،
مقالان), 3–10 take the plural (5 مقالات), 11–99 the singular in the accusative (13 مقالاً), and
hundreds and thousands ending in 00–02 the singular (100 مقال). English nouns take the singular
after 1 only ("1 article", "0 articles").

Digits are Western (0–9) in both editions, as Egyptian and Gulf newsrooms print them; a negative
change keeps the real minus sign "−". Months are the Gregorian names used in Egypt and the Gulf.

The XLSX and CSV files do not read this module: their sheet names and column headers are English and
stable for the scripts and formulas that read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dashboard.report import fmt

LANGUAGES = ("en", "ar")

# Unicode isolates: a run of the other direction in its own box, so its neighbours never reorder it.
LRI, RLI, PDI = "\u2066", "\u2067", "\u2069"


@dataclass(frozen=True)
class Noun:
    """How a noun is written after a count: each form is a template with {n} (the formatted number)."""

    one: str  # 1
    two: str  # 2 (the Arabic dual)
    few: str  # 3–10
    many: str  # 11–99
    hundred: str  # 100, 101, 102, 1000 … (the last two digits 00–02, above 99)

    def form(self, n: int) -> str:
        if n == 1:
            return self.one
        if n == 2:
            return self.two
        rest = n % 100
        if 3 <= rest <= 10:
            return self.few
        if 11 <= rest <= 99:
            return self.many
        return self.hundred  # 0, 100, 101, 102, 1000 …


def _english(one: str, other: str) -> Noun:
    """An English noun: `one` after 1, `other` after every other count (0 included)."""
    return Noun(one, other, other, other, other)


@dataclass(frozen=True)
class Words:
    """The fixed text of one edition. Fields ending in _t are str.format templates."""

    language: str
    direction: str  # of the document: "ltr" or "rtl"
    months: tuple[str, ...]  # January first
    weekdays: tuple[str, ...]  # Monday first
    list_separator: str
    new: str  # after a change from nothing: "+4 (new)"

    title: str
    page_t: str  # CSS content of the page number box
    week: str
    week_value_t: str
    topics: str
    all_topics_t: str
    generated: str
    utc_t: str
    newest: str
    none: str
    feeds_monitored: str
    feeds_failing: str
    on_topics: str
    on_topics_value_t: str
    all_articles: str
    fingerprint: str
    fingerprint_value_t: str
    empty_note: str
    cover_note: str
    unknown_failures: str  # inside the cover table
    unknown_failures_sentence: str  # on its own

    summary: str
    topic: str
    this_week: str
    previous_week: str
    change: str
    topics_chart_alt: str
    counts_note: str
    leading_sources: str
    source_countries: str
    countries_mentioned_most: str
    source: str
    country: str
    articles_head: str
    share: str
    nothing: str

    stale_note: str
    topic_line_t: str
    daily_chart_alt_t: str
    total: str
    this_week_chart: str  # legend of the charts
    previous_week_chart: str
    articles_axis: str
    week_before_t: str
    spike_t: str
    spike_meta_t: str
    top_stories: str
    no_stories: str
    more_stories_t: str
    top_sources: str
    countries_mentioned: str
    others_more_t: str
    others_t: str
    quiet_t: str

    method: str
    method_scope_t: str
    method_spikes_t: str
    method_stories_t: str
    method_fingerprint_t: str
    definitions: str
    stale_definition: str
    failing_heading: str
    monitored_heading: str
    monitored_t: str
    feed: str
    failures_this_week: str
    last_error_t: str
    failing_period_t: str
    disabled_t: str
    disabled: str

    articles: Noun  # "13 articles" in running text
    stories: Noun  # "4 distinct stories"
    more_stories: Noun
    other_outlets: Noun
    topic_tags: Noun
    pairs: Noun
    feeds: Noun
    outlets: Noun  # after "from"
    attempts: Noun  # failed attempts

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"

    def count(self, n: int, noun: Noun, number: str | None = None) -> str:
        """`n` with its noun; `number` replaces the formatted number (e.g. wrapped in <strong>)."""
        return noun.form(n).format(n=fmt.number(n) if number is None else number)

    def join(self, items: list[str]) -> str:
        return self.list_separator.join(items)

    def day(self, d: date) -> str:
        """'Mon 31 Mar' / 'الاثنين 31 مارس'."""
        return f"{self.weekday(d)} {d.day} {self.month(d)}"

    def short_day(self, d: date) -> str:
        """A daily table's column: 'Mon 31' / 'الاثنين 31'."""
        return f"{self.weekday(d)} {d.day}"

    def weekday(self, d: date) -> str:
        return self.weekdays[d.weekday()]

    def month(self, d: date) -> str:
        return self.months[d.month - 1]

    def span(self, start: date) -> str:
        """The week starting Monday `start`: '31 Mar – 6 Apr 2025' / '31 مارس – 6 أبريل 2025'."""
        last = start + timedelta(days=6)
        first = f"{start.day} {self.month(start)}" + (f" {start.year}" if start.year != last.year else "")
        return f"{first} – {last.day} {self.month(last)} {last.year}"

    def change_text(self, current: int, previous: int) -> str:
        """'+3 (+60%)', '−2 (−40%)', '0', '+4 (new)'; in Arabic each signed number is isolated left to
        right, so that its sign stays in front of it ('+10' would otherwise print as '10+')."""
        text = fmt.change(current, previous)
        if not self.rtl:
            return text
        if text == "0":
            return text
        head, _, tail = text.partition(" (")
        tail = tail.rstrip(")")
        inner = self.new if tail == "new" else f"{LRI}{tail}{PDI}"
        return f"{LRI}{head}{PDI} ({inner})"


def words(language: str) -> Words:
    """The edition's words; ValueError for a language Marsad has no edition in."""
    if language not in _EDITIONS:
        raise ValueError(f"unknown report language {language!r} (expected one of {', '.join(LANGUAGES)})")
    return _EDITIONS[language]


ENGLISH = Words(
    language="en",
    direction="ltr",
    months=("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    weekdays=("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    list_separator=", ",
    new="new",
    title="Marsad weekly report",
    page_t='"page " counter(page) " of " counter(pages)',
    week="Week",
    week_value_t="{label}, {span} (days in {tz})",
    topics="Topics",
    all_topics_t="all {n} topics",
    generated="Generated",
    utc_t="{moment} UTC",
    newest="Newest article in the database",
    none="none",
    feeds_monitored="Feeds monitored",
    feeds_failing="Feeds failing this week",
    on_topics="Articles on these topics",
    on_topics_value_t="{n} (previous week {previous}, change {change})",
    all_articles="All articles from monitored feeds",
    fingerprint="Fingerprint",
    fingerprint_value_t="{fp} · {articles} · {tags}",
    empty_note=("No articles on the chosen topics were published during this week by the monitored feeds. "
                "The report is complete: there was nothing to count."),
    cover_note=("Marsad (مرصد) monitors Arabic and English news feeds. Counts are articles (one per link); the "
                "method appendix at the end says exactly what was counted."),
    unknown_failures=("not known: fetch attempts this old are no longer kept (the ingest job keeps "
                      "MARSAD_FETCH_LOG_DAYS days of them, 90 by default)"),
    unknown_failures_sentence=("Not known: fetch attempts this old are no longer kept (the ingest job keeps "
                               "MARSAD_FETCH_LOG_DAYS days of them, 90 by default)."),
    summary="Summary in numbers",
    topic="Topic",
    this_week="This week",
    previous_week="Previous week",
    change="Change",
    topics_chart_alt="Articles per topic, this week and the previous week",
    counts_note="An article on two topics counts once in each topic's row and once in the total.",
    leading_sources="Leading sources",
    source_countries="Source countries",
    countries_mentioned_most="Countries most mentioned",
    source="Source",
    country="Country",
    articles_head="Articles",
    share="Share",
    nothing="None.",
    stale_note=("The stored articles were tagged with an earlier definition of this topic; they are retagged at "
                "the next ingest run."),
    topic_line_t="{articles} this week, {previous} the week before ({change}); {stories}.",
    daily_chart_alt_t="{label}: articles per day, this week and the previous week",
    total="Total",
    this_week_chart="this week",
    previous_week_chart="previous week",
    articles_axis="articles",
    week_before_t="Week before ({day} –)",
    spike_t="Spike on {day}: {articles}",
    spike_meta_t="Above the usual {mean} ± {sd} a day (threshold {threshold}). The stories behind it:",
    top_stories="Top stories",
    no_stories="No stories this week.",
    more_stories_t="{more} in the XLSX/CSV article list.",
    top_sources="Top sources",
    countries_mentioned="Countries mentioned",
    others_more_t=" and {n} more",
    others_t=" · <strong>+ {outlets}</strong> ({names})",
    quiet_t="No articles this week on: {names}.",
    method="Method appendix",
    method_scope_t=(
        "Scope: articles published from Monday {start} 00:00 to Sunday {end} 24:00 in {tz}, by the feeds Marsad "
        "monitors, that carry at least one of the topics in this report. A topic is a query in Marsad's query "
        "language, applied to each article's title and summary when it is stored (and again whenever the query "
        "changes). The previous week is the seven days before. The numbers are those the dashboard shows for the "
        "same week and topics."),
    method_spikes_t=(
        "Spike days: a day is a spike when its count is above the mean plus {sd} standard deviations of the "
        "topic's daily counts over the {days} days before the week, and at least {minimum}."),
    method_stories_t=(
        "Stories: articles with the same normalised title (letters, digits and Arabic letter variants compared, "
        "diacritics and punctuation ignored; titles of at least {tokens} words) or the same link are one story, "
        "shown once with the other outlets that carried it. Stories are ranked by the number of outlets, then by "
        "time. Each story names at most {named} of the other outlets that carried it, first seen first; the XLSX "
        "Stories sheet names them all."),
    method_fingerprint_t=(
        "Fingerprint: {digest} — SHA-256 over the week, the time zone, each topic's id, labels and canonical "
        "query, and the sorted list of (article id, topic) pairs ({articles}, {pairs}). Two copies with the "
        "same fingerprint were made from the same articles and definitions."),
    definitions="Topic definitions",
    stale_definition="Stored tags come from an earlier definition (retag pending).",
    failing_heading="Feeds failing this week",
    monitored_heading="Sources monitored",
    monitored_t="{feeds} from {outlets}; in brackets, each outlet's articles this week (all topics or none).",
    feed="Feed",
    failures_this_week="Failures this week",
    last_error_t=" — last error: {error}",
    failing_period_t="{failures} of {attempts} attempts failed, {span} UTC",
    disabled_t="Disabled: {feeds}",
    disabled="disabled",
    articles=_english("{n} article", "{n} articles"),
    stories=_english("{n} distinct story", "{n} distinct stories"),
    more_stories=_english("{n} more story", "{n} more stories"),
    other_outlets=_english("{n} other outlet", "{n} other outlets"),
    topic_tags=_english("{n} topic tag", "{n} topic tags"),
    pairs=_english("{n} pair", "{n} pairs"),
    feeds=_english("{n} feed", "{n} feeds"),
    outlets=_english("{n} outlet", "{n} outlets"),
    attempts=_english("{n}", "{n}"),
)

ARABIC = Words(
    language="ar",
    direction="rtl",
    months=("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر",
            "ديسمبر"),
    weekdays=("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"),
    list_separator="، ",
    new="جديد",
    title="تقرير مرصد الأسبوعي",
    page_t='"صفحة " counter(page) " من " counter(pages)',
    week="الأسبوع",
    week_value_t="{label}، {span} (الأيام بتوقيت {tz})",
    topics="الموضوعات",
    all_topics_t="الموضوعات كلها ({n})",
    generated="تاريخ الإعداد",
    utc_t="{moment} بتوقيت {utc}",
    newest="أحدث مقال في قاعدة البيانات",
    none="لا يوجد",
    feeds_monitored="الخلاصات المرصودة",
    feeds_failing="خلاصات تعذّر جلبها هذا الأسبوع",
    on_topics="المقالات في هذه الموضوعات",
    on_topics_value_t="{n} (الأسبوع السابق {previous}، التغيّر {change})",
    all_articles="كل المقالات من الخلاصات المرصودة",
    fingerprint="البصمة",
    fingerprint_value_t="{fp} · {articles} · {tags}",
    empty_note=("لم تنشر الخلاصات المرصودة أي مقال في الموضوعات المختارة خلال هذا الأسبوع. "
                "التقرير مكتمل: لم يكن هناك ما يُحصى."),
    cover_note=("يرصد مرصد (Marsad) الخلاصات الإخبارية العربية والإنجليزية. الأعداد أعداد مقالات (مقال واحد لكل "
                "رابط)، ويبيّن الملحق المنهجي في آخر التقرير ما أُحصي بالضبط."),
    unknown_failures=("غير معروف: لم تعد محاولات الجلب القديمة إلى هذا الحد محفوظة (تحتفظ مهمة الجلب بسجلّها "
                      "عدد الأيام المحدد في MARSAD_FETCH_LOG_DAYS، وهو 90 يوماً ما لم يُغيَّر)"),
    unknown_failures_sentence=("غير معروف: لم تعد محاولات الجلب القديمة إلى هذا الحد محفوظة (تحتفظ مهمة الجلب "
                               "بسجلّها عدد الأيام المحدد في MARSAD_FETCH_LOG_DAYS، وهو 90 يوماً ما لم يُغيَّر)."),
    summary="ملخص بالأرقام",
    topic="الموضوع",
    this_week="هذا الأسبوع",
    previous_week="الأسبوع السابق",
    change="التغيّر",
    topics_chart_alt="المقالات في كل موضوع، هذا الأسبوع والأسبوع السابق",
    counts_note="المقال الذي يتناول موضوعين يُحسب مرة في صف كل منهما، ومرة واحدة في المجموع.",
    leading_sources="أبرز المصادر",
    source_countries="دول المصادر",
    countries_mentioned_most="الدول الأكثر ذكراً",
    source="المصدر",
    country="الدولة",
    articles_head="المقالات",
    share="النسبة",
    nothing="لا يوجد.",
    stale_note=("وُسمت المقالات المحفوظة وفق تعريف سابق لهذا الموضوع، وسيُعاد وسمها في الدورة التالية "
                "لجلب الأخبار."),
    topic_line_t="{articles} هذا الأسبوع، و{previous} في الأسبوع السابق ({change})؛ {stories}.",
    daily_chart_alt_t="{label}: المقالات في كل يوم، هذا الأسبوع والأسبوع السابق",
    total="المجموع",
    this_week_chart="هذا الأسبوع",
    previous_week_chart="الأسبوع السابق",
    articles_axis="عدد المقالات",
    week_before_t="الأسبوع السابق (من {day})",
    spike_t="ذروة يوم {day}: {articles}",
    spike_meta_t="أعلى من المعدل اليومي المعتاد البالغ {mean} ± {sd} (العتبة {threshold}). الأخبار التي كانت وراءها:",
    top_stories="أبرز الأخبار",
    no_stories="لا أخبار هذا الأسبوع.",
    more_stories_t="{more} في قائمة المقالات بملفَّي XLSX وCSV.",
    top_sources="أبرز المصادر",
    countries_mentioned="الدول المذكورة",
    others_more_t=" و{n} غيرها",
    others_t=" · <strong>+ {outlets}</strong> ({names})",
    quiet_t="لا مقالات هذا الأسبوع في: {names}.",
    method="الملحق المنهجي",
    method_scope_t=(
        "النطاق: المقالات المنشورة من يوم الاثنين {start} الساعة 00:00 حتى يوم الأحد {end} الساعة 24:00 بتوقيت "
        "{tz}، في الخلاصات التي يرصدها مرصد، والتي تحمل موضوعاً واحداً على الأقل من موضوعات هذا التقرير. "
        "والموضوع استعلام مكتوب بلغة الاستعلام في مرصد، يُطبَّق على عنوان كل مقال وملخصه عند حفظه (ومن جديد كلما "
        "تغيّر الاستعلام). والأسبوع السابق هو الأيام السبعة التي تسبقه. والأرقام هي نفسها التي تعرضها لوحة "
        "المتابعة للأسبوع نفسه والموضوعات نفسها."),
    method_spikes_t=(
        "أيام الذروة: يُعدّ اليوم يوم ذروة إذا زاد عدد مقالاته على متوسط الأعداد اليومية للموضوع خلال الأيام "
        "الـ{days} السابقة للأسبوع مضافاً إليه الانحراف المعياري لتلك الأعداد مضروباً في {sd}، وبلغ "
        "{minimum} على الأقل."),
    method_stories_t=(
        "الأخبار: المقالات التي تتطابق عناوينها بعد توحيد كتابتها (تُقارَن الحروف والأرقام مع توحيد صور الحروف "
        "العربية، وتُهمَل الحركات وعلامات الترقيم؛ وذلك في العناوين المؤلفة من {tokens} كلمات على الأقل) أو "
        "تتطابق روابطها تُعدّ خبراً واحداً، يُعرض مرة واحدة مع وسائل الإعلام الأخرى التي نشرته. وتُرتَّب الأخبار "
        "بحسب عدد وسائل الإعلام التي نشرتها، ثم بحسب الوقت. ويُذكر مع كل خبر {named} على الأكثر من وسائل الإعلام "
        "الأخرى التي نشرته، بدءاً بأسبقها نشراً؛ أما ورقة Stories في ملف XLSX فتذكرها كلها."),
    method_fingerprint_t=(
        "البصمة: {digest} — قيمة SHA-256 محسوبة على الأسبوع والمنطقة الزمنية، وعلى معرّف كل موضوع واسمَيه "
        "واستعلامه بصيغته المعيارية، وعلى القائمة المرتَّبة لأزواج (معرّف المقال، الموضوع) ({articles}، "
        "{pairs}). والنسختان اللتان تحملان البصمة نفسها أُعدّتا من المقالات نفسها والتعريفات نفسها."),
    definitions="تعريفات الموضوعات",
    stale_definition="الوسوم المحفوظة مأخوذة من تعريف سابق (إعادة الوسم لم تتم بعد).",
    failing_heading="خلاصات تعذّر جلبها هذا الأسبوع",
    monitored_heading="المصادر المرصودة",
    monitored_t=("{feeds} من {outlets}؛ وبين القوسين عدد مقالات كل وسيلة إعلام هذا الأسبوع (في الموضوعات كلها "
                 "أو خارجها)."),
    feed="الخلاصة",
    failures_this_week="الإخفاقات هذا الأسبوع",
    last_error_t=" — آخر خطأ: {error}",
    failing_period_t="فشلت {failures} من أصل {attempts}، {span} بتوقيت {utc}",
    disabled_t="معطّلة: {feeds}",
    disabled="معطّلة",
    articles=Noun("مقال واحد", "مقالان", "{n} مقالات", "{n} مقالاً", "{n} مقال"),
    stories=Noun("خبر واحد", "خبران مختلفان", "{n} أخبار مختلفة", "{n} خبراً مختلفاً", "{n} خبر مختلف"),
    more_stories=Noun("خبر آخر", "خبران آخران", "{n} أخبار أخرى", "{n} خبراً آخر", "{n} خبر آخر"),
    other_outlets=Noun("وسيلة إعلام أخرى", "وسيلتا إعلام أخريان", "{n} وسائل إعلام أخرى", "{n} وسيلة إعلام أخرى",
                       "{n} وسيلة إعلام أخرى"),
    topic_tags=Noun("وسم موضوعي واحد", "وسمان موضوعيان", "{n} وسوم موضوعية", "{n} وسماً موضوعياً", "{n} وسم موضوعي"),
    pairs=Noun("زوج واحد", "زوجان", "{n} أزواج", "{n} زوجاً", "{n} زوج"),
    feeds=Noun("خلاصة واحدة", "خلاصتان", "{n} خلاصات", "{n} خلاصة", "{n} خلاصة"),
    outlets=Noun("وسيلة إعلام واحدة", "وسيلتَي إعلام", "{n} وسائل إعلام", "{n} وسيلة إعلام", "{n} وسيلة إعلام"),
    attempts=Noun("محاولة واحدة", "محاولتان", "{n} محاولات", "{n} محاولة", "{n} محاولة"),
)

_EDITIONS = {"en": ENGLISH, "ar": ARABIC}
