"""Static chart images for the PDF and HTML reports: matplotlib → PNG bytes, no browser, no st.* calls.

PNG at 150 dpi is sharp in print and is embedded as a data: URI. (SVG was tried: with text drawn
as paths WeasyPrint took 0.7 s per chart to draw it, more than the rest of the page.) The output
carries no date or software stamp, so the same report gives the same image bytes. Labels are in
the edition's language (dashboard.report.words): matplotlib shapes Arabic and lays it out right to
left, and the Arabic charts are mirrored (they read from the right).
"""

from __future__ import annotations

import io
from datetime import date
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")  # before any other matplotlib import: no display on servers and in cron

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402  (matplotlib's own dependency)

from dashboard.report.words import words  # noqa: E402

PREVIOUS_COLOR = "#BBBBBB"
INK = "#333333"
_FONT = ["Noto Sans", "DejaVu Sans", "Noto Sans Arabic"]
# Arabic first in the Arabic charts: its letters and digits in one face, Latin names from the fonts after it.
_FONT_AR = ["Noto Sans Arabic", "Noto Sans", "DejaVu Sans"]


DPI = 150  # 150 dpi at the width the report prints them (17 cm); twice the pixels cost twice the time


def _png(fig: Figure) -> bytes:
    """The figure as an opaque RGB PNG with no metadata (the same chart gives the same bytes).

    Not savefig(): it writes RGBA, and WeasyPrint re-encodes every PNG it embeds, an RGBA one twice
    (colour, then the alpha as a mask): 0.5 s of a million-article report's PDF went there. The
    charts are opaque, so RGB loses nothing; the fast compression level suits both the HTML report
    and WeasyPrint, which recompresses anyway. Fixed margins instead of bbox_inches="tight", which
    draws the figure twice (3× slower).
    """
    canvas = FigureCanvasAgg(fig)
    fig.set_dpi(DPI)
    canvas.draw()
    width, height = canvas.get_width_height()
    rgb = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")
    buf = io.BytesIO()
    rgb.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def _margins(fig: Figure, *, left: float, right: float, bottom: float, top: float) -> None:
    """Margins in inches (room for tick labels, axis title and legend), whatever the figure's size."""
    w, h = fig.get_size_inches()
    fig.subplots_adjust(left=left / w, right=1 - right / w, bottom=bottom / h, top=1 - top / h)


def _style(fig: Figure, grid: str, rtl: bool) -> None:
    """Light axes; in a right-to-left chart the value axis is on the right."""
    for ax in fig.axes:
        ax.spines[["top", "left" if rtl else "right"]].set_visible(False)
        ax.spines[["right" if rtl else "left", "bottom"]].set_color("#999999")
        ax.tick_params(colors=INK, labelsize=8)
        ax.grid(axis=grid, color="#E5E5E5", linewidth=0.6)
        ax.set_axisbelow(True)


def clear_cache() -> None:
    """Forget drawn charts (benchmarks time the drawing)."""
    daily_chart.cache_clear()
    topics_chart.cache_clear()


# Memoised: writing "all" formats draws each chart once for the HTML and the PDF (about 0.1 s each).
# The key is every argument, the language included: it decides every word drawn and the direction.
@lru_cache(maxsize=64)
def daily_chart(days: tuple[date, ...], this_week: tuple[int, ...], previous_week: tuple[int, ...], color: str,
                language: str = "en") -> bytes:
    """PNG: grouped bars: articles per day this week (topic colour) next to the same weekday a week before (grey).

    The Arabic chart reads right to left: Monday on the right, the count axis on the right, the days
    written in Arabic on two lines (weekday, then day and month)."""
    w = words(language)
    with matplotlib.rc_context({"font.family": _FONT_AR if w.rtl else _FONT}):
        # Two lines of Arabic tick labels, and Arabic letters reach further below the line than Latin.
        fig = Figure(figsize=(6.6, 2.45 if w.rtl else 2.1))
        if w.rtl:
            _margins(fig, left=0.1, right=0.5, bottom=0.62, top=0.35)
        else:
            _margins(fig, left=0.5, right=0.1, bottom=0.3, top=0.35)
        ax = fig.add_subplot()
        xs = range(len(days))
        width = 0.4
        ax.bar([x - width / 2 for x in xs], previous_week, width, color=PREVIOUS_COLOR, label=w.previous_week_chart)
        bars = ax.bar([x + width / 2 for x in xs], this_week, width, color=color, label=w.this_week_chart)
        ax.bar_label(bars, labels=[str(v) if v else "" for v in this_week], fontsize=7, color=INK, padding=1)
        if w.rtl:
            ax.set_xticks(list(xs), [f"{w.weekday(d)}\n{d.day} {w.month(d)}" for d in days])
            ax.set_xlim(len(days) - 0.5, -0.5)  # inverted: Monday on the right
            ax.yaxis.tick_right()
            ax.yaxis.set_label_position("right")
        else:
            ax.set_xticks(list(xs), [w.day(d) for d in days])  # the edition's names, not the locale's
        ax.set_ylabel(w.articles_axis, fontsize=8, color=INK)
        top = max([*this_week, *previous_week, 1])
        ax.set_ylim(0, top * 1.2)
        ax.yaxis.get_major_locator().set_params(integer=True)
        if w.rtl:
            ax.legend(fontsize=7, frameon=False, loc="lower right", ncols=2, bbox_to_anchor=(1, 1.0))
        else:
            ax.legend(fontsize=7, frameon=False, loc="lower left", ncols=2, bbox_to_anchor=(0, 1.0))
        _style(fig, "y", w.rtl)
        return _png(fig)


@lru_cache(maxsize=8)
def topics_chart(labels: tuple[str, ...], this_week: tuple[int, ...], previous_week: tuple[int, ...],
                 colors: tuple[str, ...], language: str = "en") -> bytes:
    """Horizontal bars per topic: this week (topic colour) over last week (grey), largest first as given.

    The Arabic chart grows from the right, its topic names on the right."""
    w = words(language)
    with matplotlib.rc_context({"font.family": _FONT_AR if w.rtl else _FONT}):
        height = (0.82 if w.rtl else 0.7) + 0.32 * max(1, len(labels))
        fig = Figure(figsize=(6.6, height))
        if w.rtl:
            _margins(fig, left=0.15, right=1.75, bottom=0.62, top=0.1)
        else:
            _margins(fig, left=1.75, right=0.15, bottom=0.5, top=0.1)
        ax = fig.add_subplot()
        ys = list(range(len(labels)))[::-1]
        bar = 0.38
        ax.barh([y - bar / 2 for y in ys], previous_week, bar, color=PREVIOUS_COLOR, label=w.previous_week_chart)
        bars = ax.barh([y + bar / 2 for y in ys], this_week, bar, color=list(colors), label=w.this_week_chart)
        if w.rtl:
            # bar_label would put the count inside the bar's end on an inverted axis: beyond it, by hand.
            for y, v in zip(ys, this_week, strict=True):
                ax.annotate(str(v), (v, y + bar / 2), xytext=(-2, 0), textcoords="offset points", ha="right",
                            va="center", fontsize=7, color=INK)
        else:
            ax.bar_label(bars, labels=[str(v) for v in this_week], fontsize=7, color=INK, padding=2)
        ax.set_yticks(ys, list(labels))
        ax.set_xlabel(w.articles_axis, fontsize=8, color=INK)
        right = max([*this_week, *previous_week, 1]) * 1.15
        if w.rtl:
            ax.set_xlim(right, 0)  # inverted: bars grow from the right
            ax.yaxis.tick_right()
        else:
            ax.set_xlim(0, right)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.legend(fontsize=7, frameon=False, loc="lower left" if w.rtl else "lower right")
        _style(fig, "x", w.rtl)
        return _png(fig)
