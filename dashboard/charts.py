"""DataFrames → plotly Figures. No Streamlit calls; colours and labels are passed in.

Every clickable mark carries customdata [kind, key, bucket start or ""] first, which
`dashboard.filters.drill_from_point` turns into a drill-down; hover texts are preformatted in Python
so they show exact numbers ("12 articles — 3.4 % of 352").

Figures are written as plain plotly specs (dicts of traces and layout) and handed to Streamlit as
they are (`SpecFigure`): plotly's property validation cost 15–40 ms per chart, and even an
unvalidated `go.Figure` still cost its object tree plus a deep copy of every trace when Streamlit
asks for its dict, a third of a cached page's run (py-spy, Countries page at 1M articles). The specs
are fixed in this module and checked by the tests: tests/test_dashboard_app.py runs every chart of
every page through plotly's own validator.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import pandas as pd
import plotly.graph_objects as go

NEUTRAL = "#0f766e"  # the theme's primary colour, for single-series charts
_FONT = "sans-serif"
# Named scales are plotly.py's, not plotly.js's: expanded to stops once, as the validator would.
_TEAL = [list(stop) for stop in go.Heatmap(colorscale="Teal").to_plotly_json()["colorscale"]]


class SpecFigure(go.Figure):
    """A plotly spec this module wrote, as the `go.Figure` that st.plotly_chart takes, at no cost.

    plotly.tools.return_figure_from_figure_or_data (what st.plotly_chart calls) accepts a Figure
    without validating it again and asks it only for `to_dict()`; this one answers with the spec
    itself instead of building plotly's object tree and deep-copying it. Each spec is built for one
    page run and not shared, so handing it over uncopied is safe. Nothing else of go.Figure is
    available: build a real `go.Figure(fig.to_dict())` to inspect or change one.
    """

    def __init__(self, spec: dict[str, Any]) -> None:  # no super().__init__: that is the cost avoided
        self._spec = spec

    def to_dict(self) -> dict[str, Any]:
        return self._spec

    def to_plotly_json(self) -> dict[str, Any]:
        return self._spec

    def __repr__(self) -> str:
        return f"SpecFigure({len(self._spec.get('data', ()))} traces)"


def _figure(traces: list[dict[str, Any]], layout: dict[str, Any]) -> go.Figure:
    """The chart of a spec this module wrote (see SpecFigure)."""
    return SpecFigure({"data": traces, "layout": layout})


def _layout(*, height: int, legend: bool = True, **axes: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "height": height, "margin": {"l": 8, "r": 8, "t": 36, "b": 8}, "font": {"family": _FONT},
        "hoverlabel": {"align": "left"}, "clickmode": "event+select", "dragmode": False, "showlegend": legend,
    }
    layout["legend"] = ({"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0}
                        if legend else {})
    layout.update(axes)
    return layout


def time_series(df: pd.DataFrame, *, share: bool, bucket: str, colors: Mapping[str, str],
                names: Mapping[str, str], kind: str = "topic", x: str = "bucket", height: int = 380,
                drill_keys: Mapping[str, tuple[str, str]] | None = None) -> go.Figure:
    """One line per series over time: raw counts, or the share of all articles (`share`).

    A point drills down to (kind, series) unless `drill_keys` maps the series to another (kind, key).
    """
    traces = []
    for series, part in df.groupby("series", sort=False):
        kind_s, key_s = (drill_keys or {}).get(str(series), (kind, str(series)))
        part = part.sort_values(x)
        label = names.get(str(series), str(series))
        hover = [
            f"<b>{plain(label)}</b><br>{period_label(b, bucket)}<br>{count_text(m, t)}"
            for b, m, t in zip(part[x], part["matching"], part["total"], strict=True)
        ]
        line: dict[str, Any] = {"width": 2}
        if colors.get(str(series)) is not None:
            line["color"] = colors[str(series)]
        traces.append({
            "type": "scatter", "x": _plain_list(part[x]), "y": _plain_list(part["ratio"] if share else part["matching"]),
            "mode": "lines+markers", "name": plain(label), "line": line, "marker": {"size": 7},
            "customdata": [[kind_s, key_s, _iso(b), h] for b, h in zip(part[x], hover, strict=True)],
            "hovertemplate": "%{customdata[3]}<extra></extra>", "connectgaps": False,
        })
    yaxis = {"tickformat": ".1%" if share else ",d", "rangemode": "tozero",
             "title": {"text": "share of all articles" if share else "articles"}}
    return _figure(traces, _layout(height=height, xaxis={"title": {}, **_date_ticks(df[x], bucket)}, yaxis=yaxis))


def _date_ticks(values: pd.Series, bucket: str) -> dict[str, Any]:
    """Ticks on bucket starts (weeks on their Monday), not on plotly's own round dates."""
    if values.empty:
        return {}
    first = min(values)
    if bucket == "week":
        n = len(set(values))
        return {"tick0": _iso(first), "dtick": 7 * 86_400_000 * max(1, -(-n // 12)), "tickformat": "%d %b\n%Y"}
    if bucket == "month":
        return {"tick0": _iso(first), "dtick": "M1", "tickformat": "%b %Y"}
    return {"tickformat": "%d %b\n%Y"}


def ranked_bars(df: pd.DataFrame, *, label: str, value: str, kind: str, key: str | None = None,
                hover: Callable[[Mapping[str, Any]], str] | None = None, color: str | Mapping[str, str] = NEUTRAL,
                percent: bool = False, height: int | None = None) -> go.Figure:
    """Horizontal bars, largest on top. `key` is the column the drill-down uses (default: label)."""
    key = key or label
    labels = [plain(v) for v in df[label]]
    colors = [color.get(str(k), NEUTRAL) for k in df[key]] if isinstance(color, Mapping) else color
    if hover:
        texts = [hover(row) for row in df.to_dict("records")]  # plain dicts: iterrows() builds a Series per row
    else:
        texts = [f"{plain(lab)}: {v:,}" for lab, v in zip(df[label], df[value], strict=True)]
    bar = {
        "type": "bar", "x": _plain_list(df[value]), "y": labels, "orientation": "h", "marker": {"color": colors},
        "customdata": [[kind, str(k), "", t] for k, t in zip(df[key], texts, strict=True)],
        "hovertemplate": "%{customdata[3]}<extra></extra>",
        "texttemplate": "%{x:.1%}" if percent else "%{x:,}", "textposition": "outside", "cliponaxis": False,
    }
    return _figure([bar], _layout(
        height=height or max(220, 34 * len(df) + 60), legend=False,
        yaxis={"autorange": "reversed", "title": {}, "automargin": True, "type": "category"},
        xaxis={"tickformat": ".0%" if percent else ",d", "title": {}},
    ))


def heatmap(df: pd.DataFrame, *, x: str, y: str, z: str, bucket: str | None = None,
            y_names: Mapping[str, str] | None = None, x_names: Mapping[str, str] | None = None,
            height: int | None = None, show_values: bool = False, x_by_total: bool = False,
            y_kind: str | None = None, x_kind: str | None = None) -> go.Figure:
    """A grid of counts (e.g. source × week, topic × country), exact numbers on hover.

    Rows and columns keep their order of appearance; `x_by_total` orders columns by their sums instead.
    With `y_kind` (e.g. "source", "topic") a click on a non-empty cell drills down to its articles:
    its row's value, and its column's (a `bucket` period, or a value of kind `x_kind`).
    """
    xs = list(dict.fromkeys(df[x]))
    if x_by_total:
        xs = list(df.groupby(x, sort=False)[z].sum().sort_values(ascending=False, kind="stable").index)
    ys = list(dict.fromkeys(df[y]))
    cells: dict[tuple[object, object], int] = {}
    for yv, xv, n in zip(df[y], df[x], df[z], strict=True):
        cells[yv, xv] = cells.get((yv, xv), 0) + int(n)
    values = [[cells.get((yv, xv), 0) for xv in xs] for yv in ys]

    def xl(v: object) -> str:
        if bucket:
            return period_label(v, bucket)
        return (x_names or {}).get(str(v), str(v))

    def yl(v: object) -> str:
        return plain((y_names or {}).get(str(v), str(v)))

    x_labels = [xl(v) for v in xs]
    y_labels = [yl(v) for v in ys]
    hover = [[f"<b>{yv}</b><br>{xv}<br>{n:,} articles" for xv, n in zip(x_labels, row, strict=True)]
             for yv, row in zip(y_labels, values, strict=True)]
    # Category labels must be unique: add the year when the columns span more than one.
    years = len({v.year for v in xs if isinstance(v, date)}) > 1
    x_ticks = [_short_period(v, bucket, years) if bucket else xl(v) for v in xs]
    trace: dict[str, Any] = {
        "type": "heatmap", "z": values, "x": x_ticks,
        "y": y_labels, "colorscale": _TEAL, "customdata": hover, "hovertemplate": "%{customdata}<extra></extra>",
        "xgap": 1, "ygap": 1, "colorbar": {"title": {"text": "articles"}},
    }
    if show_values:
        trace["texttemplate"] = "%{z:,}"
    traces = [trace]
    layout = _layout(
        height=height or max(260, 28 * len(ys) + 110), legend=False,
        yaxis={"autorange": "reversed", "type": "category", "automargin": True},
        xaxis={"type": "category", "side": "top" if not bucket else "bottom"},
    )
    if y_kind:
        # plotly.js cannot select a heat map's cells, so each cell gets an invisible marker at its centre
        # that can be: the pointer anywhere picks the nearest centre, i.e. the cell under it (hover shows
        # that cell; a click on an empty cell drills nowhere).
        points = [(xi, yi) for yi in range(len(ys)) for xi in range(len(xs))]
        trace["hoverinfo"] = "skip"
        trace.pop("hovertemplate")
        invisible = {"opacity": 0}
        traces.append({
            "type": "scatter", "mode": "markers", "x": [x_ticks[xi] for xi, _ in points],
            "y": [y_labels[yi] for _, yi in points],
            "marker": {"size": 18, "symbol": "square", "opacity": 0},
            "selected": {"marker": invisible}, "unselected": {"marker": invisible},
            "customdata": [[y_kind, str(ys[yi]), _iso(xs[xi]) if bucket else "", hover[yi][xi],
                            x_kind or "", "" if bucket else str(xs[xi])] if values[yi][xi] else
                           ["", "", "", hover[yi][xi], "", ""] for xi, yi in points],
            "hovertemplate": "%{customdata[3]}<extra></extra>", "showlegend": False,
        })
        layout["hoverdistance"] = -1  # the nearest centre, however large the cells are drawn
        # The markers would widen the axes' automatic ranges by a margin: keep the grid's own extent.
        layout["xaxis"]["range"] = [-0.5, len(xs) - 0.5]
        layout["yaxis"].pop("autorange")
        layout["yaxis"]["range"] = [len(ys) - 0.5, -0.5]  # first row on top
    return _figure(traces, layout)


def choropleth(df: pd.DataFrame, *, iso3: Mapping[str, str], names: Mapping[str, str], value: str = "articles",
               kind: str = "country", height: int = 420) -> go.Figure:
    """A world map shaded by `value` per ISO alpha-2 `country`; countries without an ISO-3 code are left out."""
    rows = df[df["country"].isin(list(iso3))]
    hover = [f"<b>{plain(names.get(c, c))}</b><br>{n:,} articles" for c, n in zip(rows["country"], rows[value],
                                                                                    strict=True)]
    trace = {
        "type": "choropleth", "locations": [iso3[c] for c in rows["country"]], "z": _plain_list(rows[value]),
        "locationmode": "ISO-3", "colorscale": _TEAL, "marker": {"line": {"width": 0.4, "color": "#888"}},
        "customdata": [[kind, c, "", h] for c, h in zip(rows["country"], hover, strict=True)],
        "hovertemplate": "%{customdata[3]}<extra></extra>", "colorbar": {"title": {"text": "articles"}},
    }
    geo = {"showframe": False, "showcoastlines": False, "projection": {"type": "natural earth"},
           "bgcolor": "rgba(0,0,0,0)", "showland": True, "landcolor": "rgba(160,160,160,0.15)"}
    return _figure([trace], _layout(height=height, legend=False, geo=geo))


def _plain_list(values: pd.Series) -> list[Any]:
    """A column as Python values (numpy scalars are not JSON; plotly's validator used to convert them)."""
    return values.tolist()


def period_label(start: object, bucket: str) -> str:
    """"Week of Mon 3 Mar 2025", "12 Mar 2025", "March 2025" for a bucket's first day."""
    if not isinstance(start, date):
        return str(start)
    if bucket == "day":
        return f"{start:%a} {start.day} {start:%b %Y}"
    if bucket == "week":
        return f"Week of {start:%a} {start.day} {start:%b %Y}"
    return f"{start:%B %Y}"


def count_text(matching: int, total: int) -> str:
    """Exact numbers for a hover: "12 articles — 3.4 % of 352"."""
    n = f"{int(matching):,} article{'s' if matching != 1 else ''}"
    if total and total > 0:
        return f"{n} — {matching / total:.1%} of {int(total):,}"
    return f"{n} (nothing published)" if not matching else n


def _short_period(v: object, bucket: str, with_year: bool = False) -> str:
    """Axis label of a bucket: "3 Mar" (day, week's Monday; "3 Mar 2025" with_year) or "Mar 2025"."""
    if not isinstance(v, date):
        return str(v)
    if bucket == "month":
        return f"{v:%b %Y}"
    return f"{v.day} {v:%b %Y}" if with_year else f"{v.day} {v:%b}"


def _iso(v: object) -> str:
    return v.isoformat() if isinstance(v, date) else str(v)


def plain(text: object) -> str:
    """Feed-derived text inside plotly's hover/label markup: plotly reads a few HTML tags there, so
    angle brackets and ampersands are neutralised."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
