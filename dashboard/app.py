"""Marsad's dashboard entry point: page setup, the shared sidebar, navigation and the page boundary.

`streamlit run dashboard/app.py` or `python -m dashboard`; MARSAD_DB chooses the database. Each page
is a short script in app_pages/ that reads the view this script leaves in session state
(dashboard.context). No traceback reaches the page: errors are caught at the page boundary and said
in words (first run, busy database, unreadable database, anything else).
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

# `streamlit run dashboard/app.py` puts dashboard/ on sys.path, not the repository root.
_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import streamlit as st  # noqa: E402
from streamlit.navigation.page import StreamlitPage  # noqa: E402

from dashboard import context, data, filters, ui  # noqa: E402
from ingest.errors import MarsadError, QueryError, StoreError, StoreLockedError  # noqa: E402

log = logging.getLogger("marsad.dashboard")

# A local icon: a Material icon as favicon would be fetched from Google by the browser.
st.set_page_config(page_title="Marsad", page_icon=str(Path(__file__).parent / "static" / "marsad-icon.png"), layout="wide",
                   initial_sidebar_state="expanded")
ui.inject_css()

PAGES = {
    "overview": st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", url_path="overview",
                        default=True),
    "compare": st.Page("app_pages/compare.py", title="Compare", icon=":material/stacked_line_chart:",
                       url_path="compare"),
    "sources": st.Page("app_pages/sources.py", title="Sources", icon=":material/newspaper:", url_path="sources"),
    "countries": st.Page("app_pages/countries.py", title="Countries", icon=":material/public:",
                         url_path="countries"),
    "articles": st.Page("app_pages/articles.py", title="Articles", icon=":material/article:", url_path="articles"),
    "feeds": st.Page("app_pages/feeds.py", title="Feeds", icon=":material/rss_feed:", url_path="feeds"),
    "reports": st.Page("app_pages/reports.py", title="Reports", icon=":material/summarize:", url_path="reports"),
}


BUSY = ("The database is busy: another program is holding it open (an ingest run writing without publishing "
        "the readers' copy, or an analyst's session). Marsad retried for a few seconds; reload the page in a minute.")


def run_page(page: StreamlitPage) -> None:
    """Run the page; whatever goes wrong is explained on the page, never shown as a traceback."""
    try:
        page.run()
    except StoreLockedError as e:
        log.warning("database busy: %s", e)
        st.warning(BUSY, icon=":material/hourglass_top:")
    except QueryError as e:
        st.error(f"The keyword query could not be read: {e.describe()}", icon=":material/error:")
    except StoreError as e:
        log.error("database unreadable: %s", e)
        st.error(f"Marsad could not read the database: {e}", icon=":material/error:")
    except MarsadError as e:
        st.error(str(e), icon=":material/error:")
    except Exception:  # the page boundary: log it for the operator, say it plainly to the reader
        log.exception("page %s failed", getattr(page, "title", "?"))
        st.error("This page could not be drawn because of an internal error (details are in the dashboard's "
                 "log). Other pages may still work; changing a filter may help.", icon=":material/error:")


def main() -> None:
    nav = st.navigation(list(PAGES.values()))
    status = data.status()
    if status.state == "busy":
        st.warning(BUSY, icon=":material/hourglass_top:")
        return
    if status.state in ("missing", "error"):
        ui.first_run(status.message, str(data.db_path()))
        return
    today = datetime.now(UTC).date()
    try:
        options = data.filter_options()
    except StoreError as e:
        ui.first_run(str(e), str(data.db_path()))
        return
    styles, topics_error = data.topic_styles(options.topics)
    if topics_error:
        st.sidebar.warning(f"topics.toml could not be read, so topics show without their labels: {topics_error}")
    filters.restore_from_url(today)
    view = filters.draw_sidebar(options, {t.id: t.label for t in styles.values()}, ui.country_label, today)
    context.publish(context.Context(view, styles, options, today))
    if st.session_state.pop(filters.GOTO_ARTICLES, False):
        st.switch_page(PAGES["articles"])
    on_articles = nav.url_path == PAGES["articles"].url_path
    if not on_articles:
        st.session_state.pop(filters.DRILL, None)  # a drill-down belongs to the visit that made it
    filters.write_url(view.state, st.session_state.get(filters.DRILL) if on_articles else None)
    if status.state == "empty" and nav.url_path != PAGES["feeds"].url_path:
        ui.first_run(status.message, str(data.db_path()))
        return
    run_page(nav)


main()  # Streamlit executes this file as a script on every run
