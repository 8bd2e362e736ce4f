"""The figure of p0-00: held-out accuracy of every zoo model against the 97 % bar."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .knobs import MIN_CNN_ACCURACY


def zoo(table: pd.DataFrame, profile: str) -> plt.Figure:
    """Held-out accuracy of every zoo model. The axis starts just below the worst model (not at 0:
    every quick model is above 0.9, so a 0–1 axis hides their differences) and says so; each bar
    carries its value, and the legend sits outside the bars."""
    acc = table["held-out accuracy"].astype(float)
    lo = max(0.0, min(0.9, float(np.floor((acc.min() - 0.02) * 20) / 20)))
    fig, ax = plt.subplots(figsize=(7.2, 0.35 * len(table) + 1.4))
    labels = table["model"] + " / " + table["data"]
    ax.barh(labels, acc - lo, left=lo, color="#1f77b4")
    for y, a in enumerate(acc):
        ax.text(a + 0.002, y, f"{a:.1%}", va="center", fontsize=8)
    ax.axvline(
        MIN_CNN_ACCURACY,
        color="#d62728",
        ls="--",
        label=f"{MIN_CNN_ACCURACY:.0%} (quick CNNs' bar)",
    )
    ax.set(
        xlim=(lo, 1.0 + 0.03 * (1 - lo)),
        xlabel=f"held-out accuracy (axis starts at {lo:.2f})",
        title=f"Quick model zoo ({profile})",
    )
    ax.invert_yaxis()
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    return fig
