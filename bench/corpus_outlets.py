"""The outlets of the benchmark corpus: about 500 fictional sources over the demo's 13 countries.

The demo (ingest.demo) has two dozen outlets; a comms team that monitors a million articles a year
follows hundreds. This module multiplies them: each country gets a number of outlets in proportion
to how much of the region's news it makes, each outlet a language (Arabic, English, some French),
a volume drawn from a heavy-tailed law (a few agencies and big dailies publish most of the items,
most outlets publish a few a day), one or two feeds, and the editorial lean of the demo outlets of
its country. Everything is derived from the seed, so the same seed always gives the same outlets.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ingest.demo.outlets import OUTLETS, Outlet
from ingest.demo.places import PLACES

# Outlets per country (sums to 500) and the share of them writing in Arabic / English / French.
# Arab countries publish mostly in Arabic; the Russian, Turkish, US, British, French and German
# outlets are their Arabic and English services, as on the default feed list.
_COUNTRY_OUTLETS: dict[str, tuple[int, float, float, float]] = {
    "EG": (80, 0.80, 0.20, 0.00), "SA": (55, 0.80, 0.20, 0.00), "AE": (45, 0.65, 0.35, 0.00),
    "QA": (30, 0.65, 0.35, 0.00), "LB": (40, 0.65, 0.15, 0.20), "JO": (30, 0.75, 0.25, 0.00),
    "IQ": (35, 0.85, 0.15, 0.00), "RU": (20, 0.55, 0.45, 0.00), "TR": (25, 0.50, 0.50, 0.00),
    "US": (45, 0.25, 0.75, 0.00), "GB": (40, 0.40, 0.60, 0.00), "FR": (35, 0.30, 0.15, 0.55),
    "DE": (20, 0.45, 0.55, 0.00),
}
COUNTRIES: tuple[str, ...] = tuple(_COUNTRY_OUTLETS)
OUTLET_COUNT = sum(v[0] for v in _COUNTRY_OUTLETS.values())

_UTC_OFFSET = {"EG": 2, "SA": 3, "AE": 4, "QA": 3, "LB": 2, "JO": 3, "IQ": 3, "RU": 3, "TR": 3, "US": -5,
               "GB": 0, "FR": 1, "DE": 1}

_EN_NOUNS = ("Times", "Herald", "Post", "Daily", "Tribune", "Observer", "Chronicle", "Monitor", "Courier",
             "Gazette", "Review", "Express", "Star", "Mirror", "News", "Dispatch", "Record", "Journal",
             "Report", "Voice", "Sentinel", "Ledger", "Bulletin", "Wire")
_AR_NOUNS = ("صوت", "أخبار", "بوابة", "جريدة", "صحيفة", "منبر", "نافذة", "مرآة", "شمس", "نجم", "صدى", "وكالة",
             "أنباء", "فجر", "رسالة", "قناة", "موقع", "مجلة", "ضوء", "عين")
_FR_NOUNS = ("Le Courrier", "La Dépêche", "Le Journal", "L'Écho", "La Gazette", "Le Messager", "La Tribune",
             "Le Réveil", "L'Observateur", "Le Quotidien", "La Voix", "Le Matin")

# Share of outlets with a second feed (a section feed): their items are split between the two feeds.
TWO_FEED_SHARE = 0.25
# Volumes follow rank^-ZIPF_EXPONENT: the biggest outlet publishes 144x what the smallest does and the
# top 50 outlets half of all items.
ZIPF_EXPONENT = 0.8


@dataclass(frozen=True)
class BenchOutlet:
    """One source of the benchmark corpus and its feeds. `weight` is its share of all own items."""

    outlet: Outlet  # the demo's outlet type, so demo helpers (article_link, compose) accept it
    feeds: tuple[str, ...]  # feed URLs; with two, the first carries world/politics news, the second the rest
    weight: float

    @property
    def key(self) -> str:
        return self.outlet.key

    @property
    def language(self) -> str:
        return self.outlet.language

    @property
    def country(self) -> str:
        return self.outlet.country


def _leans() -> dict[str, dict[str, float]]:
    """The editorial lean of each country's first demo outlet (it is the country's house view)."""
    out: dict[str, dict[str, float]] = {}
    for o in OUTLETS:
        if o.lean and o.country not in out:
            out[o.country] = o.lean
    return out


def _name(rng: random.Random, country: str, language: str, taken: set[str]) -> str:
    p = PLACES[country]
    for attempt in range(200):
        if language == "ar":
            name = f"{rng.choice(_AR_NOUNS)} {rng.choice((p.ar_capital, p.ar_city, p.ar_name))}"
        elif language == "fr":
            name = f"{rng.choice(_FR_NOUNS)} de {rng.choice((p.en_capital, p.en_city))}"
        else:
            place = rng.choice((p.en_capital, p.en_city, p.en_adj))
            name = f"{'The ' if rng.random() < 0.3 else ''}{place} {rng.choice(_EN_NOUNS)}"
        if attempt > 50:
            name = f"{name} {attempt - 49}"  # pools run out in big countries: number the rest
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("could not name an outlet")  # unreachable with the pools above


def _slug(text: str, number: int) -> str:
    ascii_part = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in text.lower()).strip("-")
    ascii_part = "-".join(filter(None, ascii_part.split("-")))[:24]
    return f"{ascii_part or 'outlet'}-{number}"


def bench_outlets(seed: int, limit: int | None = None,
                  feed_base: str = "https://feeds.marsad-bench.example") -> tuple[BenchOutlet, ...]:
    """The corpus's outlets (OUTLET_COUNT of them, or an even sample of `limit` for quick tests),
    deterministic in `seed`, weights summing to 1."""
    rng = random.Random(f"{seed}:bench-outlets")
    leans = _leans()
    taken: set[str] = set()
    drafts = []
    number = 0
    for country, (count, ar, en, _fr) in _COUNTRY_OUTLETS.items():
        for _ in range(count):
            r = rng.random()
            language = "ar" if r < ar else "en" if r < ar + en else "fr"
            name = _name(rng, country, language, taken)
            number += 1
            key = _slug(f"{country}-{language}" if language == "ar" else name, number)
            drafts.append((key, name, country, language, rng.random() < TWO_FEED_SHARE))
    # Volume rank is independent of country and language: big outlets exist everywhere.
    ranks = list(range(1, len(drafts) + 1))
    rng.shuffle(ranks)
    raw = [rank ** -ZIPF_EXPONENT for rank in ranks]
    total = sum(raw)
    out = []
    for (key, name, country, language, two_feeds), w in zip(drafts, raw, strict=True):
        outlet = Outlet(key, name, country, language, weekly=0.0, domain=f"{key}.example",
                        utc_offset_h=_UTC_OFFSET[country], lean=leans.get(country, {}),
                        undated_share=0.08 if rng.random() < 0.03 else 0.0)
        feeds = (f"{feed_base}/{key}/rss.xml",) + ((f"{feed_base}/{key}/section.xml",) if two_feeds else ())
        out.append(BenchOutlet(outlet, feeds, w / total))
    if limit is not None and limit < len(out):
        step = len(out) / max(1, limit)
        sample = [out[int(i * step)] for i in range(max(1, limit))]
        kept = sum(o.weight for o in sample)
        out = [BenchOutlet(o.outlet, o.feeds, o.weight / kept) for o in sample]
    return tuple(out)
