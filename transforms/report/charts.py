"""The report's charts: their geometry here, their SVG in templates/ (no library, nothing fetched)."""
from __future__ import annotations

import math

import pandas as pd
from markupsafe import Markup

from newsetl.transforms.report.templating import render

PALETTE = ["#2b6cb0", "#c05621", "#2f855a", "#b83280", "#6b46c1", "#718096"]
CHART_W, CHART_H, PAD_L, PAD_B, PAD_T = 640, 220, 48, 44, 16
PLOT_H = CHART_H - PAD_B - PAD_T


def _color(k: int) -> str:
    return PALETTE[k % len(PALETTE)]


def _nice_max(value: float) -> float:
    """The smallest 4 x (1, 2, 2.5 or 5 x 10^k) at or above value, so that the four grid steps read well."""
    step = max(value, 1) / 4
    magnitude = 10 ** math.floor(math.log10(step))
    return 4 * magnitude * next(m for m in (1, 2, 2.5, 5, 10) if m * magnitude >= step)


def _slot(labels: list[str]) -> float:
    return (CHART_W - PAD_L) / max(len(labels), 1)


def _axes(y_max: float, labels: list[str], percent: bool) -> dict:
    """Five grid lines with their values, and at most about eight run labels under the axis."""
    grid = []
    for step in range(5):
        value, y = y_max * step / 4, CHART_H - PAD_B - PLOT_H * step / 4
        grid.append({"y": f"{y:.1f}", "text_y": f"{y + 4:.1f}", "text": f"{value:.0%}" if percent else f"{value:,.4g}"})
    every = max(1, len(labels) // 8)
    ticks = [{"x": f"{PAD_L + _slot(labels) * (i + 0.5):.1f}", "text": label}
             for i, label in enumerate(labels) if i % every == 0]
    return {"grid": grid, "ticks": ticks, "x1": PAD_L, "x2": CHART_W, "text_x": PAD_L - 4, "ticks_y": CHART_H - PAD_B + 16}


def _chart(template: str, title: str, **parts) -> Markup:
    return render(template, title=title, width=CHART_W, height=CHART_H, **parts)


def stacked_bars(title: str, labels: list[str], series: dict[str, list[float]]) -> Markup:
    """Bars per run, one stacked segment per series."""
    totals = [sum(values[i] or 0 for values in series.values()) for i in range(len(labels))]
    y_max = _nice_max(max(totals + [1]))
    slot = _slot(labels)
    bars = []
    for i, label in enumerate(labels):
        base = CHART_H - PAD_B
        for k, (name, values) in enumerate(series.items()):
            height = PLOT_H * (values[i] or 0) / y_max
            base -= height
            bars.append({"x": f"{PAD_L + slot * i + slot * 0.15:.1f}", "y": f"{base:.1f}", "width": f"{slot * 0.7:.1f}",
                         "height": f"{height:.1f}", "color": _color(k), "tip": f"{label}: {name} {values[i] or 0:,.0f}"})
    return _chart("stacked_bars.svg.j2", title, axes=_axes(y_max, labels, False), bars=bars, legend=_legend(series))


def share_lines(title: str, labels: list[str], series: dict[str, list[float | None]]) -> Markup:
    """A line per series of shares (0..1) over the runs; runs without a value break the line."""
    known = [v for values in series.values() for v in values if v is not None and not pd.isna(v)]
    y_max = min(1.0, _nice_max(100 * max(known + [0.0])) / 100)
    slot = _slot(labels)
    drawn = []  # per series: its points, then the lines through them (SVG paints in this order)
    for k, (name, values) in enumerate(series.items()):
        points, segments, segment = [], [], []
        for i, value in enumerate(values):
            if value is None or pd.isna(value):
                segments.append(segment)
                segment = []
                continue
            x, y = PAD_L + slot * (i + 0.5), CHART_H - PAD_B - PLOT_H * value / y_max
            segment.append(f"{x:.1f},{y:.1f}")
            points.append({"x": f"{x:.1f}", "y": f"{y:.1f}", "tip": f"{labels[i]}: {name} {value:.1%}"})
        lines = [" ".join(s) for s in [*segments, segment] if len(s) > 1]
        drawn.append({"color": _color(k), "points": points, "lines": lines})
    return _chart("share_lines.svg.j2", title, axes=_axes(y_max, labels, True), series=drawn, legend=_legend(series))


def horizontal_bars(title: str, items: list[tuple[str, int]]) -> Markup:
    """One bar per item, longest first (the caller sorts)."""
    row_h, label_w = 20, 200
    top = max([v for _, v in items] + [1])
    rows = []
    for i, (label, value) in enumerate(items):
        width = (CHART_W - label_w - 60) * value / top
        y = 4 + i * row_h
        rows.append({"label": label, "short": label[:32], "value": f"{value:,}", "text_y": y + 14, "bar_y": y + 3,
                     "width": f"{width:.1f}", "value_x": f"{label_w + width + 4:.1f}"})
    return render("horizontal_bars.svg.j2", title=title, width=CHART_W, height=row_h * len(items) + 8, rows=rows,
                  label_x=label_w - 6, bar_x=label_w, bar_h=row_h - 6, color=PALETTE[0])


def _legend(series: dict) -> list[dict]:
    return [{"name": name, "color": _color(k)} for k, name in enumerate(series)]
