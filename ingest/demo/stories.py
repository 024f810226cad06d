"""What the demo news is about, day by day: story kinds, their base shares and the story arcs.

A story kind is either one of Marsad's default topics (`gaza-mediation`, …) or a strand of everyday
news (`economy`, `sport`, …) that keeps normalised shares meaningful. Arcs are events — a round of
talks, a truce, an announcement — that lift one kind for a while and colour its headlines (the
event's `beat`). Event dates are fractions of the demo window, so a 4-week demo has the same story,
compressed, as the 26-week one.
"""

from __future__ import annotations

from dataclasses import dataclass

TOPIC_KINDS: tuple[str, ...] = (
    "gaza-mediation",
    "us-russia-relations",
    "ukraine-war",
    "iran-nuclear",
    "sudan-conflict",
    "libya-political-process",
    "red-sea-shipping",
    "egypt-us-relations",
    "syria-transition",
    "lebanon-israel",
    "oil-opec",
)
BASELINE_KINDS: tuple[str, ...] = ("economy", "markets", "politics", "sport", "weather", "culture", "world")
KINDS: tuple[str, ...] = (*TOPIC_KINDS, *BASELINE_KINDS)

# Share of an ordinary day's items per kind (before an outlet's lean). Topics are a minority, as in
# real feeds; most of what an outlet publishes is everyday news.
BASE_SHARE: dict[str, float] = {
    "gaza-mediation": 0.055,
    "us-russia-relations": 0.008,
    "ukraine-war": 0.04,
    "iran-nuclear": 0.01,
    "sudan-conflict": 0.012,
    "libya-political-process": 0.007,
    "red-sea-shipping": 0.006,
    "egypt-us-relations": 0.006,
    "syria-transition": 0.012,
    "lebanon-israel": 0.014,
    "oil-opec": 0.014,
    "economy": 0.2,
    "markets": 0.08,
    "politics": 0.19,
    "sport": 0.16,
    "weather": 0.05,
    "culture": 0.08,
    "world": 0.1,
}


@dataclass(frozen=True)
class Event:
    """A story arc: from `at` (fraction of the window) the kind's share is multiplied by
    1 + magnitude, decaying by half every `half_life_days`; headlines lean to `beat`."""

    kind: str
    at: float
    magnitude: float
    half_life_days: float
    beat: str


# The US–Russia announcement; the seed articles are published on its first day.
ANNOUNCEMENT = Event("us-russia-relations", 0.66, 16.0, 3.0, "announcement")

EVENTS: tuple[Event, ...] = (
    # Gaza mediation: rounds in Cairo and Doha, two truce announcements, a stall in between.
    Event("gaza-mediation", 0.08, 3.0, 3.0, "talks"),
    Event("gaza-mediation", 0.30, 4.0, 3.0, "talks"),
    Event("gaza-mediation", 0.36, 7.0, 2.5, "truce"),
    Event("gaza-mediation", 0.55, 2.5, 4.0, "stall"),
    Event("gaza-mediation", 0.80, 6.0, 2.5, "truce"),
    Event("gaza-mediation", 0.92, 2.0, 3.0, "talks"),
    # The Lavrov announcement, then the meeting itself about ten days later.
    ANNOUNCEMENT,
    Event("us-russia-relations", 0.70, 7.0, 2.0, "meeting"),
    Event("ukraine-war", 0.66, 1.0, 4.0, "diplomacy"),
    # Ukraine: steady coverage with a couple of offensives.
    Event("ukraine-war", 0.18, 1.5, 5.0, "fighting"),
    Event("ukraine-war", 0.86, 1.5, 4.0, "fighting"),
    # Iran nuclear talks rise over a few rounds and fade.
    Event("iran-nuclear", 0.40, 5.0, 5.0, "talks"),
    Event("iran-nuclear", 0.47, 4.0, 4.0, "talks"),
    Event("iran-nuclear", 0.58, 3.0, 3.0, "iaea"),
    # Sudan: a siege, later talks in Jeddah.
    Event("sudan-conflict", 0.14, 4.0, 5.0, "fighting"),
    Event("sudan-conflict", 0.72, 3.0, 4.0, "talks"),
    # Libya: a UN roadmap, then an election-law dispute.
    Event("libya-political-process", 0.25, 5.0, 4.0, "process"),
    Event("libya-political-process", 0.76, 3.0, 3.0, "process"),
    # Red Sea shipping: three short bursts of incidents.
    Event("red-sea-shipping", 0.10, 7.0, 1.5, "incident"),
    Event("red-sea-shipping", 0.45, 9.0, 1.5, "incident"),
    Event("red-sea-shipping", 0.88, 6.0, 1.5, "incident"),
    # Egypt–US: a Washington visit, the seed's adviser visit, an aid package.
    Event("egypt-us-relations", 0.22, 4.0, 3.0, "visit"),
    Event("egypt-us-relations", 0.66, 2.0, 3.0, "visit"),
    Event("egypt-us-relations", 0.78, 3.0, 3.0, "aid"),
    # Syria: sanctions relief, then a parliament and a constitution.
    Event("syria-transition", 0.33, 3.0, 4.0, "sanctions"),
    Event("syria-transition", 0.62, 3.0, 4.0, "politics"),
    # Lebanon–Israel: two flare-ups along the border.
    Event("lebanon-israel", 0.20, 3.0, 3.0, "strikes"),
    Event("lebanon-israel", 0.52, 2.5, 3.0, "strikes"),
    # Oil: OPEC+ meetings.
    Event("oil-opec", 0.27, 3.0, 2.0, "opec"),
    Event("oil-opec", 0.61, 2.5, 2.0, "opec"),
)


def event_day(event: Event, total_days: int) -> int:
    """The day index (0-based from the window's start) on which `event` begins."""
    return min(total_days - 1, max(0, round(event.at * total_days)))


def kind_weights(day: int, total_days: int, lean: dict[str, float]) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Each kind's weight on `day` for an outlet with `lean`, and per kind the weight of each beat.

    The beat weights say how much of a kind's weight comes from which event ("general" for the
    base share), so headlines in a truce week mostly speak of the truce.
    """
    weights: dict[str, float] = {}
    beats: dict[str, dict[str, float]] = {}
    for kind in KINDS:
        base = BASE_SHARE[kind] * lean.get(kind, 1.0)
        parts = {"general": base}
        for ev in EVENTS:
            if ev.kind != kind:
                continue
            age = day - event_day(ev, total_days)
            if age < 0:
                continue
            lift = base * ev.magnitude * 0.5 ** (age / ev.half_life_days)
            if lift > base * 0.05:
                parts[ev.beat] = parts.get(ev.beat, 0.0) + lift
        weights[kind] = sum(parts.values())
        beats[kind] = parts
    return weights, beats
