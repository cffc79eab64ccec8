"""Draw the charts as PNG bytes with matplotlib (Agg, no display), for Slack and email.

Only the object-oriented API (a Figure and its own Agg canvas, no pyplot): no global state, so
two threads may draw at once. The picture has its own opaque light card with a border, so it
reads the same on Slack's light and dark themes; 1200×750 px with 13-point DejaVu Sans (it ships
with matplotlib) stays legible when a phone shrinks it to the screen's width. Colours are the
Okabe–Ito set, told apart with the common colour blindnesses; labels come from the translator.
"""

from __future__ import annotations

import io
import os

os.environ.setdefault("MPLBACKEND", "Agg")  # before matplotlib loads: never look for a display

from collections.abc import Callable, Mapping

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patheffects import withStroke
from matplotlib.ticker import MaxNLocator, PercentFormatter

from handlers.blocks.charts import PRIORITIES, breakdown_title, day_label, trend_title
from storage.charts import WEEK, Breakdown, Trend

Tr = Callable[..., str]

WIDTH, HEIGHT, DPI = 8.0, 5.0, 150  # inches: 1200×750 pixels
SIZE = (int(WIDTH * DPI), int(HEIGHT * DPI))
CARD, BORDER, INK, MUTED, GRID = "#FFFFFF", "#C9CCD1", "#1D1C1D", "#5E6066", "#E3E5E8"
OPENED, CLOSED, BACKLOG, SLA = "#0072B2", "#E69F00", "#1D1C1D", "#009E73"
PRIORITY_COLOURS = {"critical": "#C0392B", "high": "#E69F00", "medium": "#0072B2", "low": "#9AA0A6"}
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 13,
    "axes.titlesize": 16,
    "axes.titleweight": "bold",
    "axes.labelcolor": MUTED,
    "axes.edgecolor": BORDER,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "text.color": INK,
}


def _figure() -> Figure:
    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI, facecolor=CARD, edgecolor=BORDER, linewidth=2)
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor=CARD, edgecolor=BORDER)
    return buffer.getvalue()


def _tidy(axes, ylabel: str | None = None) -> None:
    axes.set_facecolor(CARD)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.grid(axis="y", color=GRID, linewidth=1)
    axes.set_axisbelow(True)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    if ylabel:
        axes.set_ylabel(ylabel)


def _legend(axes, columns: int) -> None:
    axes.legend(
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        ncols=columns,
        frameon=False,
        fontsize=12,
        handlelength=1.2,
        columnspacing=1.2,
        borderaxespad=0.2,
    )


def no_data(tr: Tr, title: str) -> bytes:
    """An honest empty picture: the chart's title and that there is nothing to draw yet."""
    with _style():
        figure = _figure()
        figure.text(0.5, 0.62, title, ha="center", fontsize=17, weight="bold", color=INK)
        figure.text(0.5, 0.45, tr("chart.no_data"), ha="center", fontsize=22, color=MUTED)
        figure.text(0.5, 0.33, tr("chart.no_data_hint"), ha="center", fontsize=12, color=MUTED)
        return _png(figure)


def _style():
    import matplotlib

    return matplotlib.rc_context(STYLE)


def _labels(tr: Tr, trend: Trend, every: int = 2) -> list[str]:
    """Dates under the bars; of 14 days only every other (or third) one, counted back from
    today, or they overlap (Spanish dates are the longer)."""
    labels = [day_label(tr, b.start) for b in trend.buckets]
    if trend.unit != WEEK:
        last = len(labels) - 1
        labels = [label if (last - i) % every == 0 else "" for i, label in enumerate(labels)]
    return labels


def _flow(axes, tr: Tr, trend: Trend, *, backlog: bool = True) -> None:
    """Opened and closed side by side per bucket, the backlog as a line over them."""
    xs = range(len(trend.buckets))
    width = 0.38
    opened = [b.opened for b in trend.buckets]
    closed = [b.closed for b in trend.buckets]
    axes.bar([x - width / 2 for x in xs], opened, width, color=OPENED, label=tr("chart.opened"))
    axes.bar([x + width / 2 for x in xs], closed, width, color=CLOSED, label=tr("chart.closed"))
    if backlog:
        values = [b.backlog for b in trend.buckets]
        axes.plot(
            xs, values, color=BACKLOG, linewidth=2.5, marker="o", markersize=5, label=tr("chart.backlog")
        )
        axes.annotate(
            str(values[-1]),
            (len(values) - 1, values[-1]),
            textcoords="offset points",
            xytext=(0, 8),
            ha="center",
            fontsize=12,
            weight="bold",
            path_effects=[withStroke(linewidth=4, foreground=CARD)],  # readable over a bar
        )
    axes.set_xticks(list(xs), _labels(tr, trend))
    axes.set_xlim(-0.6, len(trend.buckets) - 0.4)
    _tidy(axes, tr("chart.tickets"))
    handles, names = axes.get_legend_handles_labels()
    order = sorted(range(len(names)), key=lambda i: i == 0 and backlog)  # the bars first, as drawn
    axes.legend(
        [handles[i] for i in order],
        [names[i] for i in order],
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        ncols=3,
        frameon=False,
        fontsize=12,
        handlelength=1.2,
        columnspacing=1.2,
        borderaxespad=0.2,
    )


def trend_png(tr: Tr, trend: Trend) -> bytes:
    """Admin charts: 8 weeks (with the SLA share below) or 14 days (opened, closed, backlog)."""
    title = trend_title(tr, trend)
    if trend.empty:
        return no_data(tr, title)
    if trend.engineer_id:
        return engineer_png(tr, trend)
    with _style():
        figure = _figure()
        if trend.unit == WEEK:
            grid = figure.add_gridspec(2, 1, height_ratios=(3, 1.15), hspace=0.55)
            top, bottom = figure.add_subplot(grid[0]), figure.add_subplot(grid[1])
        else:
            top, bottom = figure.add_subplot(), None
        figure.suptitle(title, x=0.04, ha="left", fontsize=16, weight="bold")
        _flow(top, tr, trend)
        if bottom is not None:
            _sla(bottom, tr, trend)
        figure.subplots_adjust(left=0.09, right=0.97, top=0.82, bottom=0.09)
        return _png(figure)


def _sla(axes, tr: Tr, trend: Trend) -> None:
    xs = list(range(len(trend.buckets)))
    shares = [b.sla_share for b in trend.buckets]
    known = [(x, s) for x, s in zip(xs, shares, strict=True) if s is not None]
    if known:
        axes.plot([x for x, _ in known], [s for _, s in known], color=SLA, linewidth=2.5, marker="o")
        for x, share in known:
            axes.annotate(
                f"{round(share * 100)}%",
                (x, share),
                textcoords="offset points",
                xytext=(0, 7),
                ha="center",
                fontsize=11,
                color=INK,
            )
    else:
        axes.text(0.5, 0.5, tr("chart.sla_none"), transform=axes.transAxes, ha="center", color=MUTED)
    axes.set_ylim(0, 1.25)
    axes.set_yticks([0, 0.5, 1.0])
    axes.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    axes.set_xticks(xs, [""] * len(xs))
    axes.set_xlim(-0.6, len(xs) - 0.4)
    axes.set_title(tr("chart.sla_met"), loc="left", fontsize=13, weight="normal", color=MUTED)
    axes.set_facecolor(CARD)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.grid(axis="y", color=GRID, linewidth=1)


def engineer_png(tr: Tr, trend: Trend) -> bytes:
    """An engineer's Home: what they closed each day, and their open queue by priority."""
    title = trend_title(tr, trend)
    if trend.empty:
        return no_data(tr, title)
    with _style():
        figure = _figure()
        grid = figure.add_gridspec(1, 2, width_ratios=(2.3, 1), wspace=0.35)
        days, queue = figure.add_subplot(grid[0]), figure.add_subplot(grid[1])
        figure.suptitle(title, x=0.04, ha="left", fontsize=16, weight="bold")
        xs = range(len(trend.buckets))
        days.bar(
            list(xs), [b.closed for b in trend.buckets], 0.65, color=CLOSED, label=tr("chart.closed_by_you")
        )
        days.set_xticks(list(xs), _labels(tr, trend, every=3))
        days.set_xlim(-0.6, len(trend.buckets) - 0.4)
        _tidy(days, tr("chart.tickets"))
        _legend(days, 1)
        by_priority = trend.open_by_priority or {}
        names = [tr(f"priority.{p}") for p in reversed(PRIORITIES)]
        counts = [by_priority.get(p, 0) for p in reversed(PRIORITIES)]
        colours = [PRIORITY_COLOURS[p] for p in reversed(PRIORITIES)]
        queue.barh(names, counts, color=colours, height=0.6)
        for y, n in enumerate(counts):
            queue.annotate(
                str(n), (n, y), textcoords="offset points", xytext=(5, 0), va="center", fontsize=12
            )
        queue.set_title(tr("chart.queue"), loc="left", fontsize=12, weight="normal", color=MUTED, wrap=True)
        queue.set_xlim(0, max([*counts, 1]) * 1.35)
        queue.xaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
        queue.set_facecolor(CARD)
        for side in ("top", "right"):
            queue.spines[side].set_visible(False)
        figure.subplots_adjust(left=0.08, right=0.97, top=0.8, bottom=0.09)
        return _png(figure)


def breakdown_png(tr: Tr, breakdown: Breakdown, labels: Mapping[str, str]) -> bytes:
    """The past week's tickets: one horizontal bar per category, stacked by priority."""
    title = breakdown_title(tr, breakdown)
    if not breakdown.total:
        return no_data(tr, title)
    rows = sorted(breakdown.counts.items(), key=lambda kv: (sum(kv[1].values()), kv[0]))[-8:]
    with _style():
        figure = _figure()
        axes = figure.add_subplot()
        figure.suptitle(title, x=0.04, ha="left", fontsize=16, weight="bold")
        names = [labels.get(category, category) for category, _ in rows]
        left = [0] * len(rows)
        for priority in PRIORITIES:
            counts = [by.get(priority, 0) for _, by in rows]
            axes.barh(
                names,
                counts,
                left=left,
                color=PRIORITY_COLOURS[priority],
                height=0.62,
                label=tr(f"priority.{priority}"),
            )
            left = [a + b for a, b in zip(left, counts, strict=True)]
        for y, total in enumerate(left):
            axes.annotate(
                str(total),
                (total, y),
                textcoords="offset points",
                xytext=(6, 0),
                va="center",
                fontsize=12,
                weight="bold",
            )
        axes.set_xlim(0, max(left) * 1.15)
        axes.set_facecolor(CARD)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        axes.grid(axis="x", color=GRID, linewidth=1)
        axes.set_axisbelow(True)
        axes.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        _legend(axes, 4)
        figure.subplots_adjust(left=0.3, right=0.96, top=0.8, bottom=0.09)
        return _png(figure)
