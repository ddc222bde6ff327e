"""Bar charts for the report page, computed here and drawn as inline SVG by the template.

No chart library: the machine may be offline and the page must work without a build step, and
a bar chart is a handful of rectangles whose widths are fractions of the largest value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_BARS = 24


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    display: str
    fraction: float  # of the largest bar, 0 … 1


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    bars: list[Bar]

    @property
    def height(self) -> int:
        return 24 * max(1, len(self.bars)) + 8


def human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"


def _chart(slug: str, title: str, rows: list[dict[str, Any]], field: str, fmt: str) -> Chart:
    rows = rows[-MAX_BARS:] if slug.endswith("month") else rows[:MAX_BARS]
    values = [float(r.get(field) or 0) for r in rows]
    top = max(values, default=0.0) or 1.0
    bars = []
    for row, value in zip(rows, values, strict=True):
        if fmt == "bytes":
            display = human_bytes(value)
        elif fmt == "usd":
            display = f"${value:,.2f}"
        else:
            display = f"{value:,.0f}"
        bars.append(Bar(str(row.get("key")), value, display, value / top))
    return Chart(slug, title, bars)


def report_charts(report: dict[str, Any]) -> list[Chart]:
    months = report.get("by_month", [])
    models = report.get("by_model", [])
    people = report.get("by_creator", [])
    return [
        _chart("images-by-month", "Images by month", months, "images", "count"),
        _chart("bytes-by-month", "Bytes by month", months, "bytes", "bytes"),
        _chart("cost-by-month", "Estimated cost by month", months, "cost_usd", "usd"),
        _chart("images-by-model", "Images by model", models, "images", "count"),
        _chart("bytes-by-model", "Bytes by model", models, "bytes", "bytes"),
        _chart("cost-by-model", "Estimated cost by model", models, "cost_usd", "usd"),
        _chart("images-by-person", "Images by person", people, "images", "count"),
        _chart("cost-by-person", "Estimated cost by person", people, "cost_usd", "usd"),
    ]
