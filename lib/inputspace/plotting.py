"""One plotting style and a ``savefig`` that writes PNG + PDF with stable metadata.

Figures are build products: ``savefig(fig, "p2-fig04", profile)`` writes
``figures/p2-fig04.png`` and ``.pdf`` (quick), ``figures/paper/...`` (paper) or
``build/smoke/figures/...`` (smoke). Dates and software versions are stripped from the file
metadata so a rerun with the same numbers does not churn the repository.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt

from . import paths

STYLE = {
    "figure.dpi": 110, "savefig.dpi": 150, "figure.figsize": (6.4, 4.0),
    "axes.spines.top": False, "axes.spines.right": False, "axes.grid": True, "grid.alpha": 0.3,
    "font.size": 10, "axes.titlesize": 11, "legend.frameon": False, "image.cmap": "viridis",
    "svg.hashsalt": "inputspace", "pdf.fonttype": 42,
}
# Categorical colours: CL1..CL4 (P3), normal vs AT (P2), within vs adversarial (P1).
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")


def use_style() -> None:
    """Apply the project's matplotlib style (called by every notebook's setup)."""
    plt.rcParams.update(STYLE)


class Saved(list):
    """The paths :func:`savefig` wrote; shown relative to the repository (a notebook that ends a cell
    with ``savefig(...)`` then carries ``saved figures/p0-00.png, figures/p0-00.pdf``, not the absolute
    path of the machine it ran on)."""

    def __repr__(self) -> str:
        def short(p: Path) -> str:
            try:
                return str(Path(p).relative_to(paths.ROOT))
            except ValueError:
                return str(p)
        return "saved " + ", ".join(short(p) for p in self)


def savefig(fig: plt.Figure, notebook_id: str, profile: str = "quick", suffix: str = "") -> Saved:
    """Save ``fig`` as PNG and PDF named after the notebook (plus an optional suffix).

    Returns the written paths (a list of :class:`~pathlib.Path`).
    """
    out = paths.figures_dir(profile)
    out.mkdir(parents=True, exist_ok=True)
    stem = notebook_id + (f"-{suffix}" if suffix else "")
    written = Saved()
    for ext, meta in (("png", {"Software": None}),
                      ("pdf", {"Creator": None, "Producer": None, "CreationDate": None})):
        path = out / f"{stem}.{ext}"
        fig.savefig(path, format=ext, metadata=meta, bbox_inches="tight")
        written.append(path)
    return written
