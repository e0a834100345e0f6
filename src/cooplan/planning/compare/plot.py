"""A picture of a comparison (matplotlib, Agg backend: no display needed).

Left: fulfilment of each product under each mechanism (grouped bars up to
``BAR_LIMIT`` products, otherwise each mechanism's fulfilment ratios sorted, a distribution).
Right: labour used against mean fulfilment, one point per mechanism, with the coops' labour.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

from cooplan.planning.compare.runner import Comparison

BAR_LIMIT = 30
WIDE_RATIO = 3.0  # above this largest fulfilment the axis turns logarithmic beyond 1
STYLES = ("-", "--", ":", "-.")


def plot_comparison(comparison: Comparison, path: str | os.PathLike[str]) -> Path:
    """Draw ``comparison`` (first seed of each mechanism) into a PNG at ``path``, atomically."""
    summaries = comparison.summaries()
    products = list(comparison.products)
    colours = plt.get_cmap("tab10")
    many = len(products) > BAR_LIMIT
    height = 4.5 if many else max(4.5, 0.32 * len(products) + 1.5)
    figure, (left, right) = plt.subplots(
        1, 2, figsize=(13, height), gridspec_kw={"width_ratios": [1.6, 1]}
    )
    if many:
        for k, summary in enumerate(summaries):
            ratios = np.sort([summary.first.fulfilment.get(p, 0.0) for p in products])
            share = np.arange(1, len(ratios) + 1) / len(ratios)
            left.step(
                ratios,
                share,
                where="post",
                color=colours(k % 10),
                label=summary.mechanism,
                linestyle=STYLES[k % len(STYLES)],
                linewidth=2.2 - 0.3 * (k % 4),
            )
        left.set_xlabel("fulfilment (delivered / demand)")
        left.set_ylabel("share of products at or below")
        left.set_title(f"Fulfilment of {len(products)} products")
        left.axvline(1.0, color="grey", linewidth=0.8, linestyle="--")
    else:
        positions = np.arange(len(products))
        width = 0.8 / max(len(summaries), 1)
        for k, summary in enumerate(summaries):
            bars = [summary.first.fulfilment.get(p, 0.0) for p in products]
            left.barh(
                positions + (k - (len(summaries) - 1) / 2) * width,
                bars,
                height=width,
                color=colours(k % 10),
                label=summary.mechanism,
            )
        left.set_yticks(positions, products, fontsize=8)
        left.invert_yaxis()
        left.axvline(1.0, color="grey", linewidth=0.8, linestyle="--")
        left.set_xlabel("fulfilment (delivered / demand)")
        left.set_title("Fulfilment per product")
    largest = max((max(s.first.fulfilment.values(), default=0.0) for s in summaries), default=0.0)
    if largest > WIDE_RATIO:
        left.set_xscale("symlog", linthresh=1.0)
        left.set_xlim(left=0.0)
        left.set_xlabel(left.get_xlabel() + " — logarithmic above 1")
    left.legend(fontsize=8, loc="best")

    available = summaries[0].first.labour_available if summaries else 0.0
    for k, summary in enumerate(summaries):
        run = summary.first
        right.scatter(
            run.labour_used,
            run.mean_fulfilment if run.mean_fulfilment is not None else 0.0,
            s=60,
            color=colours(k % 10),
            zorder=3,
        )
        right.annotate(
            summary.mechanism,
            (run.labour_used, run.mean_fulfilment or 0.0),
            fontsize=8,
            xytext=(6, 6 + 11 * k),
            textcoords="offset points",
        )
    right.axvline(available, color="grey", linewidth=0.8, linestyle="--")
    right.text(
        available,
        0.02,
        " coops' labour",
        rotation=90,
        fontsize=7,
        color="grey",
        transform=right.get_xaxis_transform(),
    )
    right.set_xlabel(f"labour used ({comparison.labour_unit})")
    right.set_ylabel("mean fulfilment (each product capped at 1)")
    right.set_title("Labour against fulfilment")
    right.set_ylim(0, 1.15)
    figure.suptitle(f"{comparison.economy}: {', '.join(comparison.mechanisms)}", fontsize=10)
    figure.tight_layout()

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=".png", dir=target.parent)
    os.close(fd)
    try:
        figure.savefig(tmp, dpi=120, format="png")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        plt.close(figure)
    return target
