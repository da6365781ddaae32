"""Figures shared by the notebooks: diverging item bars, scree plots, loading heat maps."""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.collections import PolyCollection

if TYPE_CHECKING:  # pandas only in annotations: a report's kernel draws without it
    import pandas as pd

__all__ = ["despine", "diverging_bars", "scree_plot", "loadings_heatmap", "fit_margins", "LIKERT_COLOURS"]

#: Red-to-blue, colour-blind safe (ColorBrewer RdBu), neutral in grey.
LIKERT_COLOURS = ["#ca0020", "#f4a582", "#d9d9d9", "#92c5de", "#0571b0"]


def despine(ax, left: bool = False) -> None:
    """Hide the top and right axis lines (and the left one), as ``seaborn.despine`` does."""
    for side in ("top", "right") + (("left",) if left else ()):
        ax.spines[side].set_visible(False)


def diverging_bars(shares: pd.DataFrame | np.ndarray, labels: list[str], title: str = "", ax=None,
                   items: list[str] | None = None):
    """Diverging stacked bars of answer shares per item, centred on the neutral category.

    ``shares`` has one row per item and one column per answer category (shares summing to 1,
    missing excluded), in scale order; ``labels`` names the categories for the legend; ``items``
    names the rows (default: the DataFrame's index).
    """
    items = list(shares.index) if items is None else items
    values = np.asarray(shares, dtype=float) * 100
    k = values.shape[1]
    middle = k // 2
    ax = ax or plt.subplots(figsize=(9, 0.35 * len(values) + 1.5))[1]
    left = -(values[:, :middle].sum(axis=1) + values[:, middle] / 2)
    y = np.arange(len(values))[::-1]
    # One collection of rectangles per category, not ax.barh's one patch per bar: the same bars,
    # drawn in a fraction of the time (matplotlib updates the axes' limits patch by patch).
    for c in range(k):
        right = left + values[:, c]
        bars = np.stack([np.column_stack([left, y - 0.4]), np.column_stack([right, y - 0.4]),
                         np.column_stack([right, y + 0.4]), np.column_stack([left, y + 0.4])], axis=1)
        ax.add_collection(PolyCollection(bars, facecolors=LIKERT_COLOURS[c] if k == 5 else f"C{c}",
                                         edgecolors="white", linewidths=0.5, label=labels[c]))
        left = right
    ax.autoscale_view()
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, items)
    ax.set_xlabel("%")
    ax.set_xlim(-100, 100)
    ax.xaxis.set_major_formatter(lambda v, _pos: f"{abs(v):.0f}")
    ax.legend(ncols=k, loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False, fontsize="small")
    ax.set_title(title)
    despine(ax, left=True)
    return ax


def scree_plot(table: pd.DataFrame, n_factors: int, labels: dict[str, str], ax=None):
    """Observed factor and component eigenvalues against resampled and simulated data."""
    ax = ax or plt.subplots(figsize=(7, 4))[1]
    x = table.index
    ax.plot(x, table["observed_pc"], "o-", color="#0571b0", label=labels["observed_pc"])
    ax.plot(x, table["observed_fa"], "s-", color="#ca0020", label=labels["observed_fa"])
    ax.plot(x, table["resampled_pc"], "--", color="#0571b0", alpha=0.7, label=labels["resampled_pc"])
    ax.plot(x, table["resampled_fa"], "--", color="#ca0020", alpha=0.7, label=labels["resampled_fa"])
    ax.axvline(n_factors + 0.5, color="grey", linestyle=":", linewidth=1)
    ax.axhline(1, color="grey", linewidth=0.5)
    ax.set_xlabel(labels["position"])
    ax.set_ylabel(labels["eigenvalue"])
    ax.legend(frameon=False, fontsize="small")
    despine(ax)
    return ax


def loadings_heatmap(loadings: pd.DataFrame, primary_cut: float = 0.40, cross_cut: float = 0.30,
                     title: str = "", ax=None):
    """Heat map of a loading matrix; weak primary loadings and cross-loadings are boxed."""
    ax = ax or plt.subplots(figsize=(1.1 * loadings.shape[1] + 3, 0.32 * len(loadings) + 1.5))[1]
    import seaborn as sns  # only here: a report's kernel never draws a heat map

    sns.heatmap(loadings, annot=True, fmt=".2f", cmap="RdBu_r", vmin=-1, vmax=1, center=0, cbar=False,
                annot_kws={"fontsize": 7}, ax=ax, linewidths=0.3, linecolor="white")
    absolute = loadings.abs().to_numpy()
    primary = absolute.argmax(axis=1)
    for i in range(absolute.shape[0]):
        for j in range(absolute.shape[1]):
            weak = j == primary[i] and absolute[i, j] < primary_cut
            cross = j != primary[i] and absolute[i, j] >= cross_cut
            if weak or cross:
                ax.add_patch(plt.Rectangle((j, i), 1, 1, fill=False, edgecolor="black", linewidth=1.5))
    ax.set_title(title)
    ax.set_ylabel("")
    ax.tick_params(axis="x", rotation=45)
    return ax


def fit_margins(fig, labels: list[str], bottom: float = 0.12, top: float = 0.95, right: float = 0.95):
    """Leave room on the left for the longest label (fast alternative to tight_layout)."""
    width = fig.get_size_inches()[0]
    longest = max((len(str(label)) for label in labels), default=10)
    fig.subplots_adjust(left=min(0.5, (0.075 * longest + 0.3) / width), bottom=bottom, top=top, right=right)
