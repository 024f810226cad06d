"""An entry → its language, normalised text, countries mentioned and topics. Pure: no I/O, no clock."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ingest.language import detect_language
from ingest.models import Entry, Tags
from ingest.query import MatchDoc, matches
from ingest.query.signature import signature_of_tokens
from ingest.text import fold_case, normalize, pad

if TYPE_CHECKING:
    from ingest.countries import CountryMatcher
    from ingest.topics import Topic


def searchable_text(title: str, summary: str) -> tuple[str, str]:
    """(text_norm, title_norm): the stored forms the query language searches.

    " | " separates title from summary so that a phrase or a NEAR never spans the two.
    """
    title_n = normalize(title)
    return f" {title_n} | {normalize(summary)} ", pad(title_n)


def tag_entry(
    entry: Entry,
    *,
    source: str,
    source_country: str,
    declared_language: str | None,
    topics: Sequence[Topic],
    matcher: CountryMatcher,
    source_norm: str | None = None,
) -> Tags:
    """`source_norm` may pass normalize(source) when the caller tags many entries of one source."""
    # Normalised once with case kept (the gazetteer tells "US" from "us"), then folded for search.
    title_cased, summary_cased = normalize(entry.title, casefold=False), normalize(entry.summary, casefold=False)
    title_n = fold_case(title_cased)
    text_norm, title_norm = f" {title_n} | {fold_case(summary_cased)} ", pad(title_n)
    language = detect_language(f"{entry.title} {entry.summary}", declared_language, norm=text_norm)
    # The outlet's country settles ambiguous names (a Lebanese paper's "Tripoli"); it is never counted.
    both = f"{title_cased} {summary_cased}" if title_cased and summary_cased else title_cased or summary_cased
    countries = matcher.find_normalized(both, home=source_country)
    doc = MatchDoc(
        text_norm=text_norm,
        title_norm=title_norm,
        countries=frozenset(countries),
        source_norm=normalize(source) if source_norm is None else source_norm,
        source_country=source_country,
        language=language,
    )
    found = tuple(t.id for t in topics if matches(t.query, doc))
    # The token set the topic matchers already split (every title token is one of them).
    word_sig = signature_of_tokens(doc.text_tokens)
    return Tags(language=language, text_norm=text_norm, title_norm=title_norm, countries=countries, topics=found,
                word_sig=word_sig)
