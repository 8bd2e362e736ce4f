"""One plotting style and a ``savefig`` that writes PNG + PDF with stable metadata.

Figures are build products: ``savefig(fig, cfg)`` writes ``figures/p2-triangles.png`` and ``.pdf``
(quick), ``figures/paper/...`` (paper) or ``build/smoke/figures/...`` (smoke) for the reference run
of a notebook, and ``build/explore/...`` for a run with other parameters
(:mod:`inputspace.outputs`: exploring never overwrites a committed figure). Dates and software
versions are stripped from the file metadata so a rerun with the same numbers does not churn the
repository.

Explorers (ipywidgets) save their first view the same way (:func:`static_view`,
``figures/<notebook-id>-explorer.png``) and show it where no live page draws widgets.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from . import outputs
from .outputs import RunOutputs
from .progress import headless

if TYPE_CHECKING:
    from .config import Config

STYLE = {
    "figure.dpi": 110,
    "savefig.dpi": 150,
    "figure.figsize": (6.4, 4.0),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "font.size": 10,
    "axes.titlesize": 11,
    "legend.frameon": False,
    "image.cmap": "viridis",
    "svg.hashsalt": "inputspace",
    "pdf.fonttype": 42,
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
        return "saved " + ", ".join(outputs.repo_relative(Path(p)) for p in self)


def savefig(
    fig: plt.Figure,
    cfg: Config | RunOutputs | str,
    legacy_profile: str | None = None,
    /,
    *,
    suffix: str = "",
    formats: Sequence[str] = ("png", "pdf"),
) -> Saved:
    """Save ``fig`` as PNG and PDF named after the notebook (plus an optional suffix), into the
    folder of the run of ``cfg`` (:meth:`inputspace.outputs.RunOutputs.figures_dir`).

    ``savefig(fig, cfg.notebook_id, cfg.profile)`` (the form notebooks used before) still works
    inside a notebook whose :func:`inputspace.notebook.setup` ran: it writes where that run
    writes. Returns the written paths (a list of :class:`~pathlib.Path`).
    """
    run = _run_of(cfg, legacy_profile)
    out = run.figures_dir()
    out.mkdir(parents=True, exist_ok=True)
    stem = run.notebook_id + (f"-{suffix}" if suffix else "")
    metadata = {
        "png": {"Software": None},
        "pdf": {"Creator": None, "Producer": None, "CreationDate": None},
    }
    written = Saved()
    for ext in formats:
        path = out / f"{stem}.{ext}"
        fig.savefig(path, format=ext, metadata=metadata[ext], bbox_inches="tight")
        written.append(path)
    return written


def _run_of(cfg: Config | RunOutputs | str, legacy_profile: str | None) -> RunOutputs:
    """The run a :func:`savefig` call writes for (its arguments checked)."""
    if isinstance(cfg, RunOutputs):
        return cfg
    if not isinstance(cfg, str):
        if legacy_profile is not None:
            raise TypeError(
                f"savefig(fig, cfg, {legacy_profile!r}): the suffix is a keyword, "
                f"savefig(fig, cfg, suffix={legacy_profile!r})"
            )
        return outputs.for_config(cfg)
    if legacy_profile is None:
        raise TypeError(
            f"savefig(fig, {cfg!r}) names no run: pass the notebook's Config, savefig(fig, cfg)"
        )
    run = outputs.active(cfg, legacy_profile)
    if run is None:
        raise ValueError(
            f"savefig(fig, {cfg!r}, {legacy_profile!r}): no notebook.setup({cfg!r}, ...) ran in "
            f"the {legacy_profile} profile here, so whether this run may write the committed "
            "figures is unknown; pass the notebook's Config: savefig(fig, cfg)"
        )
    return run


EXPLORER_SUFFIX = "explorer"
EXPLORER_TEXT = "Interactive explorer: run this notebook in Jupyter to use it (the image above is its first view)"
"""What a static view (GitHub, a static site, a notebook opened without its kernel) shows of an
explorer's widget instead of ``VBox(children=(…``."""


def stack_figures(figs: Sequence[plt.Figure]) -> Figure:
    """One figure showing ``figs`` one under the other, each rendered as :func:`savefig` renders
    it (an explorer whose first view spans several figures is saved as one image). Not a pyplot
    figure: the inline backend does not draw it at the end of the cell."""
    dpi = plt.rcParams["savefig.dpi"]
    dpi = plt.rcParams["figure.dpi"] if dpi == "figure" else dpi
    images = []
    for f in figs:
        buf = io.BytesIO()
        f.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
        buf.seek(0)
        images.append(plt.imread(buf))
    canvas = np.ones((sum(a.shape[0] for a in images), max(a.shape[1] for a in images), 4))
    top = 0
    for a in images:
        canvas[top : top + a.shape[0], : a.shape[1], : a.shape[2]] = a
        top += a.shape[0]
    fig = Figure(figsize=(canvas.shape[1] / dpi, canvas.shape[0] / dpi), dpi=dpi)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.imshow(canvas, interpolation="none")
    ax.set_axis_off()
    return fig


def static_view(
    first_view: plt.Figure | Sequence[plt.Figure], cfg: Config | None = None
) -> Saved | None:
    """Save an explorer's first view as ``<figures>/<notebook-id>-explorer.png`` for the run of
    ``cfg`` (default: the kernel's active run, :func:`inputspace.outputs.active`; none: nothing is
    saved) -- so an exploring run writes under ``build/explore/`` -- and, where no live page will
    draw the widget (:func:`inputspace.progress.headless`: papermill, nbval), display it, so the
    stored notebook shows the explorer to static viewers. Returns the written path(s)."""
    figs = [first_view] if isinstance(first_view, Figure) else list(first_view)
    run = outputs.active() if cfg is None else outputs.for_config(cfg)
    if run is None or not figs:
        return None
    saved = savefig(
        figs[0] if len(figs) == 1 else stack_figures(figs),
        run,
        suffix=EXPLORER_SUFFIX,
        formats=("png",),
    )
    if headless():
        from IPython.display import Image, display

        display(Image(data=saved[0].read_bytes()))
    return saved


@functools.cache
def _explorer_box_class() -> type:
    import ipywidgets as w

    class ExplorerBox(w.VBox):
        """A VBox whose text fallback says what it is (:data:`EXPLORER_TEXT`)."""

        def __repr__(self) -> str:
            return EXPLORER_TEXT

    return ExplorerBox


def explorer_box(
    children: Sequence,
    first_view: plt.Figure | Sequence[plt.Figure] | None,
    cfg: Config | None = None,
):
    """The ipywidgets box of an explorer (its controls and outputs, ``children``) after
    :func:`static_view` of its ``first_view``; in a static view the box reads :data:`EXPLORER_TEXT`."""
    if first_view is not None:
        static_view(first_view, cfg)
    return _explorer_box_class()(list(children))
