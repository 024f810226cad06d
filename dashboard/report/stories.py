"""Pure rules of the report: syndicated copies grouped into stories, and spike days.

Grouping: two articles are one story when their normalised titles are equal (ingest.text.normalize:
Arabic letter variants, diacritics, punctuation and case do not matter) or their links are equal;
the relation is transitive (A=B by title, B=C by link → one story). Titles of fewer than
MIN_TITLE_TOKENS words are grouped by link only: a bare "عاجل" or "Live updates" is not a story.
A story is shown as its earliest copy, with the other outlets that carried it.

Ranking: most outlets first (what the most newsrooms picked up), then earliest, then title, so the
order never depends on the database's row order.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import date

from dashboard.report.model import SPIKE_MIN, SPIKE_SD, ArticleRow, Story

MIN_TITLE_TOKENS = 3


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def group_stories(articles: Sequence[ArticleRow], title_keys: Sequence[str]) -> list[Story]:
    """The stories among `articles` (title_keys[i] is articles[i]'s normalised title), ranked."""
    n = len(articles)
    parent = list(range(n))
    first_by_key: dict[tuple[str, str], int] = {}
    for i, (row, key) in enumerate(zip(articles, title_keys, strict=True)):
        keys = []
        if len(key.split()) >= MIN_TITLE_TOKENS:
            keys.append(("title", key.strip()))
        if row.url:
            keys.append(("url", row.url))
        for k in keys:
            j = first_by_key.setdefault(k, i)
            if j != i:
                ri, rj = _find(parent, i), _find(parent, j)
                if ri != rj:
                    parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[ArticleRow]] = {}
    for i in range(n):
        groups.setdefault(_find(parent, i), []).append(articles[i])
    stories = []
    for members in groups.values():
        members.sort(key=lambda r: (r.published_utc, r.id))
        head = members[0]
        others: list[str] = []
        for r in members[1:]:
            if r.source != head.source and r.source not in others:
                others.append(r.source)
        stories.append(Story(head.title, head.language, head.source, head.url, head.published_local, tuple(others)))
    stories.sort(key=lambda s: (-s.outlets, s.published, s.title))
    return stories


def spike_days(days: Sequence[date], counts: Sequence[int], baseline: Sequence[int]) -> list[tuple[date, int, float, float]]:
    """(day, count, baseline mean, baseline sd) for each day whose count is above mean + SPIKE_SD·sd of
    `baseline` (the daily counts before the week; population standard deviation) and at least SPIKE_MIN.

    With no baseline (a new topic or a new database) nothing is called a spike: there is nothing to
    compare with.
    """
    if not baseline:
        return []
    mean = statistics.fmean(baseline)
    sd = statistics.pstdev(baseline)
    return [(d, c, mean, sd) for d, c in zip(days, counts, strict=True) if c >= SPIKE_MIN and c > mean + SPIKE_SD * sd]
