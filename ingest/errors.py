"""The one error tree of Marsad. Library errors are translated at the boundary (`raise … from e`)."""

from __future__ import annotations


class MarsadError(Exception):
    """Base of every error Marsad raises on purpose."""


class ConfigError(MarsadError):
    """A configuration file (feeds.toml, topics.toml, OPML) is unusable; the message names file, entry and key."""


class FeedError(MarsadError):
    """Something went wrong with one feed; never stops a run."""


class FetchError(FeedError):
    """The feed could not be fetched."""


class ParseError(FeedError):
    """The feed's body could not be parsed."""


class StoreError(MarsadError):
    """The database could not be read or written."""


class StoreLockedError(StoreError):
    """Another process holds the database lock; retry later."""


class QueryError(MarsadError):
    """A query in Marsad's query language is malformed.

    `position` is the 0-based character offset in the query where the problem is (or None), so a
    user interface can point at it.
    """

    def __init__(self, message: str, position: int | None = None, query: str | None = None) -> None:
        self.message = message
        self.position = position
        self.query = query
        super().__init__(self.describe())

    def describe(self) -> str:
        if self.position is None:
            return self.message
        return f"{self.message} (at character {self.position + 1})"
