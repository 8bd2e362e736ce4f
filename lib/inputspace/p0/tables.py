"""The accuracy table of p0-00."""

from __future__ import annotations

import pandas as pd

from ..models import QUICK_CNNS
from .knobs import MIN_CNN_ACCURACY


def below_bar(table: pd.DataFrame, profile: str) -> pd.DataFrame:
    """Rows of quick CNNs below the required 97 % held-out accuracy (empty = all fine)."""
    cnn = table["model"].str.split(" ").str[0].isin(QUICK_CNNS) & (table["data"] == "digits")
    return (
        table[cnn & (table["held-out accuracy"] < MIN_CNN_ACCURACY)]
        if profile == "quick"
        else table.iloc[:0]
    )


def summary(table: pd.DataFrame, profile: str) -> str:
    """The printed table, the total training time and the quick CNNs below the bar."""
    below = below_bar(table, profile)
    return "\n".join(
        [
            table.round(
                {"parameters (M)": 2, "held-out accuracy": 4, "train time (s)": 0}
            ).to_string(index=False),
            f"total training time: {table['train time (s)'].sum() / 60:.1f} min",
            "quick CNNs below 97 %: " + ("none" if below.empty else str(list(below["model"]))),
        ]
    )
