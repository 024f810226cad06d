"""A small realistic database built by the real ingest code: fixture feeds served on loopback, run_once.

Used by the dashboard, report and pipeline tests. The items are fixed; their dates are relative to
the day the tests run (the dashboard's default view is "the last 30 days"), so the numbers are
stable whatever the date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from ingest.fetch import FetchOptions
from ingest.models import FeedConfig
from ingest.pipeline import RunReport, run_once
from tests.httpserver import FeedServer, Response


@dataclass(frozen=True)
class Outlet:
    key: str
    source: str
    country: str
    language: str
    kind: str  # rss or atom


OUTLETS = (
    Outlet("nile", "Nile Gazette", "EG", "ar", "rss"),
    Outlet("gulf", "Gulf Wire", "QA", "en", "atom"),
    Outlet("levant", "Levant Monitor", "LB", "ar", "rss"),
    Outlet("thames", "Thames Post", "GB", "en", "rss"),
)

# (outlet, days before today, title, summary). Written like wire copy; some clearly on a topic,
# some plain background news.
ITEMS: tuple[tuple[str, int, str, str], ...] = (
    ("nile", 1, "لافروف: موسكو وواشنطن تستعدان لعقد اجتماع بشأن حل الخلافات",
     "أعلن وزير الخارجية الروسي سيرغي لافروف أن موسكو وواشنطن تستعدان لعقد اجتماع لتطبيع العلاقات."),
    ("nile", 2, "السيسي يؤكد لمستشار ترامب دعم جهود التهدئة في غزة",
     "أشاد الرئيس السيسي بجهود الوساطة المشتركة بين مصر والولايات المتحدة وقطر لوقف إطلاق النار في غزة."),
    ("nile", 3, "الوسطاء يستأنفون مفاوضات الهدنة في القاهرة",
     "يستأنف الوسطاء المصريون والقطريون مفاوضات وقف إطلاق النار وتبادل الأسرى في غزة."),
    ("nile", 5, "ارتفاع أسعار القطن في البورصة المصرية", "سجلت أسعار القطن ارتفاعا ملحوظا في تعاملات الأسبوع."),
    ("nile", 9, "الأهلي يفوز على الزمالك في قمة الدوري", "حقق الأهلي فوزا مثيرا على غريمه التقليدي."),
    ("nile", 12, "وفد حماس يصل القاهرة لبحث مقترح وقف إطلاق النار",
     "وصل وفد من حركة حماس إلى القاهرة لبحث مقترح الوسطاء بشأن الهدنة في غزة."),
    ("nile", 16, "افتتاح معرض القاهرة الدولي للكتاب", "يشارك في المعرض أكثر من ألف ناشر."),
    ("gulf", 1, "Kremlin says Putin and Trump could meet after envoys' talks",
     "Russia and the United States are preparing a summit, the Kremlin said, after talks between envoys."),
    ("gulf", 2, "Qatar and Egypt press on with Gaza ceasefire talks in Doha",
     "Mediators from Qatar, Egypt and the United States met Hamas negotiators to discuss a truce and hostage releases."),
    ("gulf", 4, "Doha hosts regional investment forum", "Investors gathered in Doha for the annual forum."),
    ("gulf", 6, "Gaza truce talks stall over hostage list, mediators say",
     "Negotiations in Cairo on a Gaza ceasefire stalled on Sunday, Egyptian and Qatari mediators said."),
    ("gulf", 10, "Oil prices edge higher on supply worries", "Brent crude rose 1% on Tuesday."),
    ("gulf", 13, "Lavrov and Rubio discuss prisoner exchange by phone",
     "Russian Foreign Minister Sergei Lavrov and US Secretary of State Marco Rubio discussed normalising relations."),
    ("gulf", 17, "Weather: heatwave expected across the Gulf", "Temperatures will reach 47C this week."),
    ("levant", 1, "واشنطن وموسكو تبحثان رفع العقوبات في جولة محادثات جديدة",
     "قال مسؤولون إن الولايات المتحدة وروسيا تبحثان تخفيف العقوبات في إطار تطبيع العلاقات."),
    ("levant", 3, "مهرجان بيروت للموسيقى يعود بعد غياب", "يعود المهرجان إلى العاصمة اللبنانية هذا الصيف."),
    ("levant", 7, "الوسطاء: تقدم في مفاوضات الهدنة في غزة",
     "قال الوسطاء المصريون والقطريون إن مفاوضات وقف إطلاق النار في غزة أحرزت تقدما."),
    ("levant", 11, "تراجع سعر صرف الليرة اللبنانية", "سجلت الليرة تراجعا جديدا أمام الدولار."),
    ("levant", 15, "بوتين يتلقى اتصالا من ترامب لبحث العلاقات الثنائية",
     "تلقى الرئيس الروسي فلاديمير بوتين اتصالا هاتفيا من الرئيس الأمريكي دونالد ترامب بحثا خلاله العلاقات بين موسكو وواشنطن."),
    ("thames", 0, "US and Russian delegations to meet in Istanbul, State Department says",
     "American and Russian diplomats will hold talks on embassy operations, the State Department said."),
    ("thames", 2, "Premier League: late goal lifts Arsenal", "Arsenal won 2-1 at home on Saturday."),
    ("thames", 4, "Hostage deal within reach as Gaza ceasefire talks resume in Cairo",
     "Egypt and Qatar are mediating between Israel and Hamas on a ceasefire and the release of hostages."),
    ("thames", 8, "Bank of England holds rates", "The central bank kept its main rate unchanged."),
    ("thames", 14, "London theatre ticket sales hit record", "West End attendance rose again."),
    ("thames", 19, "UK inflation falls to 2.1%", "Consumer prices rose less than expected."),
)


def today_utc() -> datetime:
    now = datetime.now(UTC)
    return now.replace(hour=12, minute=0, second=0, microsecond=0)


def item_date(days_ago: int, index: int) -> datetime:
    return today_utc() - timedelta(days=days_ago, hours=index % 5)


def _rss(outlet: Outlet, items: list[tuple[int, int, str, str]]) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>',
        f"<title>{escape(outlet.source)}</title><link>https://{outlet.key}.example/</link>",
        f"<language>{outlet.language}</language>",
    ]
    for index, days, title, summary in items:
        parts.append(
            f"<item><title>{escape(title)}</title><link>https://{outlet.key}.example/news/{index}</link>"
            f"<guid>{outlet.key}-{index}</guid><pubDate>{format_datetime(item_date(days, index))}</pubDate>"
            f"<description>{escape(summary)}</description></item>"
        )
    parts.append("</channel></rss>")
    return "".join(parts).encode("utf-8")


def _atom(outlet: Outlet, items: list[tuple[int, int, str, str]]) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{escape(outlet.source)}</title><id>urn:{outlet.key}</id>",
        f"<updated>{today_utc().isoformat()}</updated>",
    ]
    for index, days, title, summary in items:
        parts.append(
            f'<entry><title>{escape(title)}</title><link href="https://{outlet.key}.example/news/{index}"/>'
            f"<id>urn:{outlet.key}:{index}</id><updated>{item_date(days, index).isoformat()}</updated>"
            f"<summary>{escape(summary)}</summary></entry>"
        )
    parts.append("</feed>")
    return "".join(parts).encode("utf-8")


def feed_bodies() -> dict[str, bytes]:
    """Outlet key → feed document."""
    bodies = {}
    for outlet in OUTLETS:
        items = [(i, d, t, s) for i, (k, d, t, s) in enumerate(ITEMS) if k == outlet.key]
        bodies[outlet.key] = (_atom if outlet.kind == "atom" else _rss)(outlet, items)
    return bodies


def serve_feeds(server: FeedServer) -> list[FeedConfig]:
    feeds = []
    for outlet, body in zip(OUTLETS, feed_bodies().values(), strict=True):
        ctype = "application/atom+xml" if outlet.kind == "atom" else "application/rss+xml; charset=utf-8"
        url = server.add(f"/{outlet.key}.xml", Response(200, body, {"Content-Type": ctype}))
        feeds.append(FeedConfig(url, outlet.source, outlet.country, outlet.language))
    return feeds


def build_seeded_db(db_path: Path, server: FeedServer) -> RunReport:
    """Ingest the fixture feeds through the real pipeline into `db_path`; returns the run report."""
    feeds = serve_feeds(server)
    return run_once(db_path, feeds, options=FetchOptions(allow_private_hosts=True), now=datetime.now(UTC))
