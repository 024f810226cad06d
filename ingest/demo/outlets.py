"""The demo's outlets: fictional news sites (plus the one real outlet of the seed articles).

Each outlet has a home country, a language, a typical weekly volume, a feed format, a way of writing
dates and an editorial lean (which topics it covers more than others). The order matters: a small
demo (`outlets=N`) takes the first N, so the first few together show the seed articles, the failing
feed and both languages.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Outlet:
    key: str  # URL-safe slug; also the path of its feeds on the demo server
    name: str
    country: str  # ISO 3166-1 alpha-2 of the outlet
    language: str  # "ar" or "en"
    weekly: float  # typical items per week
    domain: str  # links point here (reserved .example names: nothing real is ever linked)
    formats: tuple[str, ...] = ("rss",)  # "rss" and/or "atom"; both means two feeds with the same items
    date_style: str = "rfc_offset"  # see feedfiles.format_date
    utc_offset_h: int = 0  # the zone the outlet writes its dates in
    lean: dict[str, float] = field(default_factory=dict)  # story kind → weight multiplier
    undated_share: float = 0.0  # share of items published without any date
    seed_only: bool = False  # carries only the two real seed articles
    fails: bool = False  # answers HTTP 500 for one week of the demo
    weekdays_only: tuple[int, ...] = ()  # publishes only on these weekdays (0 = Monday); empty = any day


# Editorial leans by home country. Values multiply the base share of a story kind.
_ARAB_GULF = {"gaza-mediation": 1.5, "iran-nuclear": 1.3, "red-sea-shipping": 1.4, "sudan-conflict": 1.2,
              "oil-opec": 1.8, "syria-transition": 1.3}
_EGYPT = {"gaza-mediation": 1.7, "egypt-us-relations": 2.5, "libya-political-process": 1.6,
          "sudan-conflict": 1.6, "red-sea-shipping": 1.3}
_LEVANT = {"gaza-mediation": 1.5, "iran-nuclear": 1.2, "lebanon-israel": 2.5, "syria-transition": 2.0}
_IRAQ = {"iran-nuclear": 1.8, "gaza-mediation": 1.2}
_RUSSIA = {"us-russia-relations": 2.6, "ukraine-war": 2.4, "gaza-mediation": 0.8, "oil-opec": 1.4}
_TURKEY = {"ukraine-war": 1.4, "libya-political-process": 1.5, "gaza-mediation": 1.2, "syria-transition": 2.0}
_US = {"us-russia-relations": 1.6, "iran-nuclear": 1.5, "ukraine-war": 1.5, "egypt-us-relations": 1.3}
_EUROPE = {"ukraine-war": 1.7, "libya-political-process": 1.3, "us-russia-relations": 1.2}
_BUSINESS = {"economy": 2.6, "markets": 3.0, "sport": 0.2, "culture": 0.4, "weather": 0.5,
             "red-sea-shipping": 1.8, "politics": 0.5, "oil-opec": 3.0}

OUTLETS: tuple[Outlet, ...] = (
    # The Egyptian site the two seed articles come from (real name, real text, nothing else).
    Outlet("sada-elbalad", "صدى البلد", "EG", "ar", 0.0, "sada-elbalad.example", date_style="rfc_offset",
           utc_offset_h=2, seed_only=True),
    Outlet("nile-gazette-ar", "جريدة النيل", "EG", "ar", 70, "nilegazette.example", date_style="rfc_offset",
           utc_offset_h=2, lean=_EGYPT),
    Outlet("levant-monitor", "Levant Monitor", "LB", "en", 26, "levantmonitor.example", ("rss", "atom"),
           date_style="rfc_gmt", lean=_LEVANT, fails=True),
    Outlet("moscow-today-ar", "موسكو اليوم", "RU", "ar", 34, "moscowtoday.example", ("atom",),
           date_style="iso_offset", utc_offset_h=3, lean=_RUSSIA),
    Outlet("gulf-daily-wire", "Gulf Daily Wire", "QA", "en", 46, "gulfdailywire.example", ("rss",),
           date_style="rfc_offset", utc_offset_h=3, lean=_ARAB_GULF),
    Outlet("nile-gazette", "Nile Gazette", "EG", "en", 34, "en.nilegazette.example", ("rss",),
           date_style="rfc_offset", utc_offset_h=2, lean=_EGYPT),
    Outlet("sawt-riyadh", "صوت الرياض", "SA", "ar", 52, "sawtriyadh.example", date_style="rfc_offset",
           utc_offset_h=3, lean=_ARAB_GULF),
    Outlet("capitol-wire", "Capitol Wire", "US", "en", 30, "capitolwire.example", ("atom",),
           date_style="iso_z", lean=_US),
    Outlet("cairo-gate", "بوابة القاهرة", "EG", "ar", 60, "cairogate.example", date_style="rfc_short",
           utc_offset_h=2, lean=_EGYPT),
    Outlet("doha-today", "الدوحة اليوم", "QA", "ar", 44, "dohatoday.example", date_style="rfc_offset",
           utc_offset_h=3, lean={**_ARAB_GULF, "gaza-mediation": 1.9}),
    Outlet("riyadh-observer", "Riyadh Observer", "SA", "en", 24, "riyadhobserver.example",
           date_style="rfc_gmt", lean=_ARAB_GULF),
    Outlet("al-sahel", "صحيفة الساحل", "AE", "ar", 36, "alsahel.example", date_style="rfc_offset",
           utc_offset_h=4, lean=_ARAB_GULF),
    Outlet("emirates-business", "Emirates Business Daily", "AE", "en", 22, "emiratesbusiness.example",
           ("atom",), date_style="iso_offset", utc_offset_h=4, lean=_BUSINESS),
    Outlet("beirut-minbar", "منبر بيروت", "LB", "ar", 30, "minbarbeirut.example", date_style="rfc_offset",
           utc_offset_h=2, lean=_LEVANT),
    Outlet("petra-today", "البتراء اليوم", "JO", "ar", 26, "petratoday.example", date_style="rfc_offset",
           utc_offset_h=3, lean=_LEVANT),
    Outlet("amman-courier", "Amman Courier", "JO", "en", 12, "ammancourier.example", date_style="rfc_gmt",
           lean=_LEVANT),
    Outlet("rafidain-post", "الرافدين بوست", "IQ", "ar", 30, "rafidainpost.example", date_style="rfc_offset",
           utc_offset_h=3, lean=_IRAQ, undated_share=0.12),
    Outlet("moscow-dispatch", "Moscow Dispatch", "RU", "en", 22, "moscowdispatch.example",
           date_style="rfc_offset", utc_offset_h=3, lean=_RUSSIA),
    Outlet("bosphorus-herald", "Bosphorus Herald", "TR", "en", 25, "bosphorusherald.example", ("rss", "atom"),
           date_style="rfc_offset", utc_offset_h=3, lean=_TURKEY),
    Outlet("istanbul-post-ar", "إسطنبول بوست", "TR", "ar", 18, "istanbulpost.example", date_style="rfc_offset",
           utc_offset_h=3, lean=_TURKEY),
    Outlet("potomac-times", "Potomac Times", "US", "en", 25, "potomactimes.example", date_style="rfc_us",
           utc_offset_h=-5, lean=_US),
    Outlet("manarat-washington", "منارة واشنطن", "US", "ar", 15, "manaratwashington.example",
           date_style="rfc_offset", utc_offset_h=-5, lean=_US),
    Outlet("thames-chronicle", "Thames Chronicle", "GB", "en", 28, "thameschronicle.example",
           date_style="rfc_gmt", lean=_EUROPE),
    Outlet("al-sharq-london", "الشرق اللندني", "GB", "ar", 30, "alsharqlondon.example", date_style="rfc_gmt",
           lean={**_EUROPE, "gaza-mediation": 1.4}),
    Outlet("paris-international-ar", "باريس الدولية", "FR", "ar", 30, "parisinternational.example",
           ("atom",), date_style="iso_offset", utc_offset_h=1, lean=_EUROPE),
    Outlet("paris-global", "Paris Global", "FR", "en", 15, "parisglobal.example", date_style="rfc_offset",
           utc_offset_h=1, lean=_EUROPE),
    Outlet("sawt-berlin", "صوت برلين", "DE", "ar", 25, "sawtberlin.example", date_style="rfc_offset",
           utc_offset_h=1, lean=_EUROPE),
    Outlet("rhine-post", "Rhine Post", "DE", "en", 14, "rhinepost.example", ("atom",), date_style="iso_z",
           lean=_EUROPE),
    # A weekly policy review: a few long pieces on Thursdays, nothing the rest of the week, so most of
    # its polls are answered 304 Not Modified.
    Outlet("beirut-policy-review", "Beirut Policy Review", "LB", "en", 1.4, "beirutpolicyreview.example",
           date_style="rfc_gmt", lean={"politics": 0.3, "sport": 0.0, "weather": 0.0, "culture": 0.6,
                                       "markets": 0.0, "gaza-mediation": 3, "iran-nuclear": 3,
                                       "libya-political-process": 3, "sudan-conflict": 3},
           weekdays_only=(3,)),
)

# Weekend days by home country (0 = Monday): Friday–Saturday in most Arab states, Saturday–Sunday
# elsewhere. Weekend output is about half a weekday's.
WEEKEND: dict[str, tuple[int, ...]] = {
    "EG": (4, 5), "QA": (4, 5), "SA": (4, 5), "AE": (5, 6), "JO": (4, 5), "IQ": (4, 5), "LB": (5, 6),
}
DEFAULT_WEEKEND = (5, 6)


def select_outlets(count: int | None) -> tuple[Outlet, ...]:
    """The first `count` outlets (all of them for None); at least one."""
    if count is None:
        return OUTLETS
    return OUTLETS[: max(1, count)]
