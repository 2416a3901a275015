"""Charts for the briefing as PNG data URIs: they render the same in browsers and WeasyPrint,
and without metadata the same data gives the same bytes."""

from __future__ import annotations

import base64
import io

import matplotlib

from nlp.vocabulary import LABEL_NL

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

# The Dutch label names (nlp.vocabulary), capitalised as legend and table entries.
TYPE_NL = {label: name[:1].upper() + name[1:] for label, name in LABEL_NL.items()}
_COLOURS = ("#1f4e79", "#c55a11", "#7f6000", "#a50021", "#548235", "#7030a0")


def _png_data_uri(fig: plt.Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, metadata={"Software": None}, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def grouped_bars(week_labels: list[str], series: dict[str, list[int]], title: str) -> str:
    return _png_data_uri(bars_figure(week_labels, series, title))


def bars_figure(week_labels: list[str], series: dict[str, list[int]], title: str) -> plt.Figure:
    """Counts per week as grouped bars, one colour per series."""
    fig, ax = plt.subplots(figsize=(7.2, 2.8), dpi=100)
    names = list(series)
    width = 0.8 / max(1, len(names))
    for i, name in enumerate(names):
        xs = [x + (i - (len(names) - 1) / 2) * width for x in range(len(week_labels))]
        ax.bar(
            xs,
            series[name],
            width=width,
            label=TYPE_NL.get(name, name),
            color=_COLOURS[i % len(_COLOURS)],
        )
    ax.set_xticks(range(len(week_labels)), week_labels)
    ax.set_title(title, fontsize=10)
    ax.set_ylabel("aantal signalen")
    # Counts: whole numbers from 0 up, and at least 0..1 so that weeks without signals do not
    # give matplotlib's default axis of -0.04..0.04.
    top = max((max(values, default=0) for values in series.values()), default=0)
    ax.set_ylim(0, max(1, top) * 1.1)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    if top == 0:
        ax.text(0.5, 0.5, "geen signalen in deze weken", transform=ax.transAxes,
                ha="center", va="center", fontsize=9, color="#555555")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=7, frameon=False, ncols=min(4, len(names)))
    return fig
