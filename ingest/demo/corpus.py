"""The demo corpus: every item every demo outlet publishes over the demo window, generated from a seed.

Pure and deterministic: no clock, no I/O except reading the seed articles shipped beside this module;
the same (seed, today, weeks, outlets) always gives the same items in the same order. The random
streams are keyed by outlet and purpose, so adding an outlet does not change the others' news.
"""

from __future__ import annotations

import math
import random
import re
from collections import deque
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from ingest.demo import text_ar, text_en
from ingest.demo.outlets import DEFAULT_WEEKEND, WEEKEND, Outlet, select_outlets
from ingest.demo.places import PLACES, place_slots
from ingest.demo.seed import SEED_ARTICLES
from ingest.demo.stories import ANNOUNCEMENT, TOPIC_KINDS, event_day, kind_weights

# Bump when the generator's output changes, so a demo database built by an older version is rebuilt.
GENERATOR_VERSION = 1

# Scales every outlet's volume; tuned so the full demo (26 weeks, all outlets) holds about 20,000 items.
VOLUME_SCALE = 0.78
WIRE_SHARE = 0.06  # wire stories per outlet item, each carried by several outlets
FAILING_WEEK_AT = 0.4  # fraction of the window: the week in which the failing outlet answers 500


@dataclass(frozen=True)
class DemoItem:
    """One published item. `published_at` is the true time; `dated` False means the feed omits it."""

    outlet: str  # Outlet.key
    number: int  # the outlet's article number (unique per outlet)
    title: str
    summary: str
    link: str
    guid: str
    published_at: datetime  # UTC
    dated: bool
    kind: str  # story kind (a default topic id or an everyday strand)
    beat: str  # "general" or the arc event it belongs to
    wire: str | None = None  # id of the wire story it copies, if syndicated


@dataclass(frozen=True)
class Corpus:
    seed: int
    start: datetime  # first instant of the window (UTC midnight)
    end: datetime  # end of the window: `today` at 00:00 UTC
    weeks: int
    outlets: tuple[Outlet, ...]
    items: tuple[DemoItem, ...]  # sorted by (published_at, outlet, number)
    failing_outlet: str | None  # Outlet.key of the feed that fails for one week
    failing_week: int  # 0-based week index
    announcement_at: datetime  # first day of the US–Russia announcement arc (UTC midnight)

    def week_end(self, week: int) -> datetime:
        return self.start + timedelta(days=7 * (week + 1))

    def week_of(self, when: datetime) -> int:
        return min(self.weeks - 1, max(0, (when - self.start).days // 7))


def generate_corpus(*, seed: int = 7, today: date, weeks: int = 26, outlets: int | None = None) -> Corpus:
    """Every item of the demo window: the `weeks` weeks before `today` (00:00 UTC)."""
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    chosen = select_outlets(outlets)
    end = datetime.combine(today, time(0), tzinfo=UTC)
    days = weeks * 7
    start = end - timedelta(days=days)
    items: list[DemoItem] = []
    numbers = {o.key: _first_number(seed, o.key) for o in chosen}
    for outlet in chosen:
        if not outlet.seed_only:
            items.extend(_outlet_items(seed, outlet, start, days, numbers))
    items.extend(_wire_items(seed, chosen, start, days, numbers))
    announcement = start + timedelta(days=event_day(ANNOUNCEMENT, days))
    items.extend(_seed_items(chosen, announcement, numbers))
    items.sort(key=lambda i: (i.published_at, i.outlet, i.number))
    failing = next((o.key for o in chosen if o.fails), None)
    failing_week = min(weeks - 1, int(FAILING_WEEK_AT * weeks))
    return Corpus(seed, start, end, weeks, chosen, tuple(items), failing, failing_week, announcement)


# --- per-outlet news ---------------------------------------------------------------------------


def _first_number(seed: int, key: str) -> int:
    return random.Random(f"{seed}:number:{key}").randrange(100_000, 900_000)


def poisson_count(rng: random.Random, lam: float) -> int:
    """A Poisson-like draw: exact for small means, normal approximation for large ones."""
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _day_factor(outlet: Outlet, day: date) -> float:
    wd = day.weekday()
    if outlet.weekdays_only:
        return 7 / len(outlet.weekdays_only) if wd in outlet.weekdays_only else 0.0
    weekend = WEEKEND.get(outlet.country, DEFAULT_WEEKEND)
    # Five full days and two half days make the week's volume.
    return (7 / 6) * (0.5 if wd in weekend else 1.0)


# Local publishing hours: the morning and early-afternoon desk is busiest.
_HOURS = tuple(range(6, 24))
_HOUR_WEIGHTS = (2, 4, 7, 9, 10, 10, 9, 8, 7, 6, 6, 5, 5, 4, 4, 3, 2, 1)


def _publish_time(rng: random.Random, outlet: Outlet, day_start: datetime, lo: datetime, hi: datetime) -> datetime:
    hour = rng.choices(_HOURS, _HOUR_WEIGHTS)[0]
    local = day_start + timedelta(hours=hour, minutes=rng.randrange(60), seconds=rng.choice((0, 0, rng.randrange(60))))
    when = local - timedelta(hours=outlet.utc_offset_h)
    return min(max(when, lo), hi - timedelta(seconds=1))


def _outlet_items(seed: int, outlet: Outlet, start: datetime, days: int, numbers: dict[str, int]) -> list[DemoItem]:
    rng = random.Random(f"{seed}:outlet:{outlet.key}")
    end = start + timedelta(days=days)
    out: list[DemoItem] = []
    recent: deque[str] = deque(maxlen=150)
    week_mood = 1.0
    for d in range(days):
        if d % 7 == 0:  # each week an outlet is a little busier or quieter than usual
            week_mood = rng.uniform(0.85, 1.15) * (1 + 0.06 * math.sin(d / 23))
        day_start = start + timedelta(days=d)
        lam = outlet.weekly / 7 * VOLUME_SCALE * week_mood * _day_factor(outlet, day_start.date())
        n = poisson_count(rng, lam)
        if not n:
            continue
        weights, beats = kind_weights(d, days, outlet.lean)
        kinds = list(weights)
        for _ in range(n):
            kind = rng.choices(kinds, [weights[k] for k in kinds])[0]
            beat_names = list(beats[kind])
            beat = rng.choices(beat_names, [beats[kind][b] for b in beat_names])[0]
            when = _publish_time(rng, outlet, day_start, start, end)
            for _attempt in range(4):  # a desk does not run the same headline twice in a few weeks
                title, summary = compose(rng, outlet.language, kind, beat, outlet.country)
                if title not in recent:
                    break
            recent.append(title)
            out.append(_item(rng, outlet, numbers, title, summary, when, kind, beat))
    return out


def _item(rng: random.Random, outlet: Outlet, numbers: dict[str, int], title: str, summary: str, when: datetime,
          kind: str, beat: str, wire: str | None = None, link: str | None = None) -> DemoItem:
    number = numbers[outlet.key]
    numbers[outlet.key] = number + rng.randrange(1, 40)  # other sections' articles take numbers too
    own_link = article_link(outlet, number, title, kind, when)
    dated = not (outlet.undated_share and rng.random() < outlet.undated_share)
    guid = own_link if number % 2 else f"{outlet.domain}-{number}"
    return DemoItem(outlet.key, number, title, summary, link or own_link, guid, when, dated, kind, beat, wire)


_SECTIONS = {"economy": "business", "markets": "markets", "sport": "sport", "weather": "local", "culture": "culture",
             "politics": "local", "world": "world"}


def article_link(outlet: Outlet, number: int, title: str, kind: str, when: datetime) -> str:
    """The outlet's own URL for an article: dated slugs for English sites, numeric ids for Arabic ones."""
    if outlet.language == "ar":
        return f"https://{outlet.domain}/news/{number}"
    section = _SECTIONS.get(kind, "middle-east")
    slug = "-".join(re.findall(r"[a-z0-9]+", title.lower())[:8])
    return f"https://{outlet.domain}/{section}/{when:%Y/%m/%d}/{slug}-{number}"


# --- wire copy ----------------------------------------------------------------------------------

# Agencies whose copy outlets run. The English one is also a demo outlet; its canonical URLs are the
# ones syndicating outlets keep when they do not rewrite the link.
_WIRES = {"en": ("GDW", "gulfdailywire.example"), "ar": ("وكالة المشرق", "mashreqnews.example")}
_WIRE_KINDS = (*TOPIC_KINDS, "world")


def _wire_items(seed: int, chosen: tuple[Outlet, ...], start: datetime, days: int,
                numbers: dict[str, int]) -> list[DemoItem]:
    rng = random.Random(f"{seed}:wire")
    out: list[DemoItem] = []
    for language in ("en", "ar"):
        carriers = [o for o in chosen if o.language == language and not o.seed_only and not o.weekdays_only]
        if len(carriers) < 2:
            continue
        agency, domain = _WIRES[language]
        volume = sum(o.weekly for o in carriers) / 7 * VOLUME_SCALE * WIRE_SHARE
        for d in range(days):
            weights, beats = kind_weights(d, days, {})
            kinds = list(_WIRE_KINDS)
            for s in range(poisson_count(rng, volume)):
                kind = rng.choices(kinds, [weights[k] for k in kinds])[0]
                beat_names = list(beats[kind])
                beat = rng.choices(beat_names, [beats[kind][b] for b in beat_names])[0]
                title, summary = compose(rng, language, kind, beat, "QA" if language == "en" else "EG")
                wire_id = f"{language}-{d}-{s}"
                canonical = f"https://{domain}/story/{start:%Y}{d:03d}{s:02d}"
                base = start + timedelta(days=d, hours=rng.randrange(5, 20), minutes=rng.randrange(60))
                k = min(len(carriers), rng.choice((2, 3, 3, 4, 5)))
                for outlet in rng.sample(carriers, k):
                    when = min(base + timedelta(minutes=rng.randrange(3, 240)), start + timedelta(days=days, seconds=-1))
                    t, s_ = _edit_copy(rng, language, title, summary, agency)
                    link = canonical if rng.random() < 0.4 else None
                    out.append(_item(rng, outlet, numbers, t, s_, when, kind, beat, wire_id, link))
    return out


def _edit_copy(rng: random.Random, language: str, title: str, summary: str, agency: str) -> tuple[str, str]:
    """How an outlet runs wire copy: as is, with the agency credited, or lightly edited."""
    r = rng.random()
    if r < 0.5:
        return title, summary
    if r < 0.75:
        return title, (f"({agency}) - {summary}" if language == "en" else f"{agency} - {summary}")
    if language == "en":
        return ("UPDATE 1-" + title if rng.random() < 0.5 else title), summary.replace(" said.", " said on Monday.", 1)
    return title.replace("في ", "ب", 1) if "في " in title else title, summary


# --- the seed articles --------------------------------------------------------------------------


def _seed_items(chosen: tuple[Outlet, ...], day: datetime, numbers: dict[str, int]) -> list[DemoItem]:
    """The two real articles of صدى البلد, on the announcement day of the demo window.

    They were published on 1 April 2025; the demo moves them to the first day of the US–Russia arc
    so that they sit inside the window, whatever `today` is.
    """
    outlet = next((o for o in chosen if o.seed_only), None)
    if outlet is None:
        return []
    rng = random.Random("seed-articles")
    out = []
    for (title, body, kind), minutes in zip(SEED_ARTICLES, (8 * 60 + 15, 10 * 60 + 40), strict=True):
        out.append(_item(rng, outlet, numbers, title, body, day + timedelta(minutes=minutes), kind, "seed"))
    return out


# --- headlines ----------------------------------------------------------------------------------

_NUMERIC = {
    "pct": lambda r: f"{r.uniform(0.1, 3.9):.1f}",
    "pct_big": lambda r: str(r.randrange(5, 41)),
    "rate": lambda r: f"{r.uniform(1.5, 14.5):.1f}",
    "bn": lambda r: f"{r.uniform(1.2, 48):.1f}",
    "n": lambda r: str(r.randrange(40, 900, 10)),
    "few": lambda r: str(r.randrange(4, 10)),
    "years": lambda r: str(r.randrange(2, 6)),
    "price": lambda r: str(r.randrange(58, 86)),
    "kbpd": lambda r: str(r.choice((137, 137, 411, 548))),
    "trucks": lambda r: str(r.randrange(100, 650, 50)),
    "squad": lambda r: str(r.randrange(23, 29)),
    "bp": lambda r: str(r.choice((25, 25, 50, 75))),
    "score": lambda r: f"{r.randrange(1, 5)}-{r.randrange(0, 2)}",
    "mag": lambda r: f"{r.uniform(5.0, 7.4):.1f}",
    "year": lambda r: "2026",
}


def compose(rng: random.Random, language: str, kind: str, beat: str, country: str) -> tuple[str, str]:
    """A headline and lead for a story of `kind`/`beat` by an outlet from `country`."""
    module = text_ar if language == "ar" else text_en
    by_beat = module.TEMPLATES[kind]
    pairs = by_beat.get(beat) or by_beat["general"]
    if beat != "general" and rng.random() < 0.15:
        pairs = by_beat["general"]  # even in a busy week some coverage is routine
    title, lead = rng.choice(pairs)
    closers = [c for c in module.CLOSERS.get(kind, ("",)) if c]
    if closers and rng.random() < 0.55:
        lead = f"{lead} {rng.choice(closers)}"
    values = _slot_values(rng, module.SLOTS, language, country, title + lead)
    title = _capitalise(title.format_map(values))
    if kind in TOPIC_KINDS:
        frames = module.FRAMES
        title = rng.choices([f for f, _ in frames], [w for _, w in frames])[0].replace("{h}", title)
    return title, _capitalise(lead.format_map(values))


def _slot_values(rng: random.Random, slots: dict[str, tuple[str, ...]], language: str, country: str,
                 text: str) -> dict[str, str]:
    names = set(re.findall(r"{(\w+)}", text))
    home = place_slots(country, language)
    values: dict[str, str] = {}
    for name in sorted(names):
        if name in _NUMERIC:
            values[name] = _NUMERIC[name](rng)
        elif name in home:
            values[name] = rng.choice(home[name])
        elif name == "home_cap":
            values[name] = PLACES[country].en_name[:1].upper() + PLACES[country].en_name[1:]
        elif name == "currency_unit_ar":
            values[name] = PLACES[country].ar_currency.split()[0].removeprefix("ال")
        elif name in ("far2", "far2_ar", "club2"):
            continue  # drawn below, different from its first
        elif name == "temp":
            values[name] = str(rng.randrange(24, 47) if PLACES[country].hot else rng.randrange(2, 31))
        else:
            values[name] = rng.choice(slots[name])
    for second, first, pool in (("club2", "club", home.get("club", ())), ("far2", "far", slots.get("far", ())),
                                ("far2_ar", "far_ar", slots.get("far_ar", ()))):
        if second in names:
            values[second] = rng.choice([v for v in pool if v != values.get(first)])
    return values


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text[:1].islower() else text




