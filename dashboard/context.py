"""What every page needs from the entry point for this run: the sidebar's view, topic styles, options.

The entry point (app.py) builds it once per run and leaves it in session state; pages read it with
`current()`. It holds small frozen values only (no DataFrame, no connection).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from dashboard.data import TopicStyle
from dashboard.filters import View
from ingest.store.reads import Options

_KEY = "marsad_context"


@dataclass(frozen=True)
class Context:
    view: View
    topics: dict[str, TopicStyle]
    options: Options
    today: date

    def topic_label(self, topic_id: str) -> str:
        style = self.topics.get(topic_id)
        return style.label if style else topic_id

    @property
    def topic_names(self) -> dict[str, str]:
        return {t.id: t.label for t in self.topics.values()}

    @property
    def topic_colors(self) -> dict[str, str]:
        return {t.id: t.color for t in self.topics.values()}


def publish(ctx: Context) -> None:
    st.session_state[_KEY] = ctx


def current() -> Context:
    return st.session_state[_KEY]  # type: ignore[no-any-return]
