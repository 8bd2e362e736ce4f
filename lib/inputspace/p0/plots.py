"""The figure of p0-00: held-out accuracy of every zoo model against the 97 % bar."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from .knobs import MIN_CNN_ACCURACY


def zoo(table: pd.DataFrame, profile: str) -> plt.Figure:
    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    ax.barh(table["model"] + " / " + table["data"], table["held-out accuracy"], color="#1f77b4")
    ax.axvline(MIN_CNN_ACCURACY, color="#d62728", ls="--", label="97 % (quick CNNs)")
    ax.set(xlim=(0, 1), xlabel="held-out accuracy", title=f"Quick model zoo ({profile})")
    ax.legend(loc="lower left")
    return fig
