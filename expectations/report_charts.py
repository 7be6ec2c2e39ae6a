"""The report's charts: inline SVG, no library, nothing fetched."""
from __future__ import annotations

import math

import pandas as pd

from newsetl.expectations.report_format import esc

PALETTE = ["#2b6cb0", "#c05621", "#2f855a", "#b83280", "#6b46c1", "#718096"]
CHART_W, CHART_H, PAD_L, PAD_B, PAD_T = 640, 220, 48, 44, 16


def _legend(names: list[str]) -> str:
    return "".join(f'<span class="key"><i style="background:{PALETTE[i % len(PALETTE)]}"></i>{esc(n)}</span>'
                   for i, n in enumerate(names))


def _nice_max(value: float) -> float:
    """The smallest 4 x (1, 2, 2.5 or 5 x 10^k) at or above value, so that the four grid steps read well."""
    step = max(value, 1) / 4
    magnitude = 10 ** math.floor(math.log10(step))
    return 4 * magnitude * next(m for m in (1, 2, 2.5, 5, 10) if m * magnitude >= step)


def _axes(y_max: float, labels: list[str], percent: bool) -> str:
    plot_h = CHART_H - PAD_B - PAD_T
    parts = []
    for step in range(5):
        value = y_max * step / 4
        y = CHART_H - PAD_B - plot_h * step / 4
        text = f"{value:.0%}" if percent else f"{value:,.4g}"
        parts.append(f'<line x1="{PAD_L}" x2="{CHART_W}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{PAD_L - 4}" y="{y + 4:.1f}" text-anchor="end">{text}</text>')
    slot = (CHART_W - PAD_L) / max(len(labels), 1)
    every = max(1, len(labels) // 8)  # at most about eight labels under the axis
    for i, label in enumerate(labels):
        if i % every == 0:
            parts.append(f'<text x="{PAD_L + slot * (i + 0.5):.1f}" y="{CHART_H - PAD_B + 16}" '
                         f'text-anchor="middle">{esc(label)}</text>')
    return "".join(parts)


def _svg(title: str, inner: str) -> str:
    return (f'<svg class="chart" viewBox="0 0 {CHART_W} {CHART_H}" role="img" aria-label="{esc(title)}">'
            f"<title>{esc(title)}</title>{inner}</svg>")


def stacked_bars(title: str, labels: list[str], series: dict[str, list[float]]) -> str:
    """Bars per run, one stacked segment per series."""
    totals = [sum(values[i] or 0 for values in series.values()) for i in range(len(labels))]
    y_max = _nice_max(max(totals + [1]))
    plot_h = CHART_H - PAD_B - PAD_T
    slot = (CHART_W - PAD_L) / max(len(labels), 1)
    bars = []
    for i, label in enumerate(labels):
        base = CHART_H - PAD_B
        for k, (name, values) in enumerate(series.items()):
            height = plot_h * (values[i] or 0) / y_max
            base -= height
            bars.append(f'<rect x="{PAD_L + slot * i + slot * 0.15:.1f}" y="{base:.1f}" width="{slot * 0.7:.1f}" '
                        f'height="{height:.1f}" fill="{PALETTE[k % len(PALETTE)]}">'
                        f"<title>{esc(label)}: {esc(name)} {values[i] or 0:,.0f}</title></rect>")
    return _svg(title, _axes(y_max, labels, False) + "".join(bars)) + f'<div class="legend">{_legend(list(series))}</div>'


def share_lines(title: str, labels: list[str], series: dict[str, list[float | None]]) -> str:
    """A line per series of shares (0..1) over the runs; runs without a value break the line."""
    known = [v for values in series.values() for v in values if v is not None and not pd.isna(v)]
    y_max = min(1.0, _nice_max(100 * max(known + [0.0])) / 100)
    plot_h = CHART_H - PAD_B - PAD_T
    slot = (CHART_W - PAD_L) / max(len(labels), 1)
    paths = []
    for k, (name, values) in enumerate(series.items()):
        color = PALETTE[k % len(PALETTE)]
        points, segments = [], []
        for i, value in enumerate(values):
            if value is None or pd.isna(value):
                segments.append(points)
                points = []
                continue
            x, y = PAD_L + slot * (i + 0.5), CHART_H - PAD_B - plot_h * value / y_max
            points.append((x, y))
            paths.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}">'
                         f"<title>{esc(labels[i])}: {esc(name)} {value:.1%}</title></circle>")
        segments.append(points)
        for segment in segments:
            if len(segment) > 1:
                paths.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="'
                             + " ".join(f"{x:.1f},{y:.1f}" for x, y in segment) + '"/>')
    return _svg(title, _axes(y_max, labels, True) + "".join(paths)) + f'<div class="legend">{_legend(list(series))}</div>'


def horizontal_bars(title: str, items: list[tuple[str, int]]) -> str:
    """One bar per item, longest first (the caller sorts)."""
    row_h, label_w = 20, 200
    height = row_h * len(items) + 8
    top = max([v for _, v in items] + [1])
    rows = []
    for i, (label, value) in enumerate(items):
        width = (CHART_W - label_w - 60) * value / top
        y = 4 + i * row_h
        rows.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{esc(label[:32])}</text>'
                    f'<rect x="{label_w}" y="{y + 3}" width="{width:.1f}" height="{row_h - 6}" fill="{PALETTE[0]}">'
                    f"<title>{esc(label)}: {value:,}</title></rect>"
                    f'<text x="{label_w + width + 4:.1f}" y="{y + 14}">{value:,}</text>')
    return (f'<svg class="chart" viewBox="0 0 {CHART_W} {height}" role="img" aria-label="{esc(title)}">'
            f"<title>{esc(title)}</title>{''.join(rows)}</svg>")

