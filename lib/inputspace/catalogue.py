"""The notebook catalogue: which notebooks there are, their ids, and the per-notebook tables of
their paper packages.

Both runners read it, :mod:`inputspace.run` (one process, papermill) and ``run.workflow``
(Snakemake jobs), as do the paper check, the paper-cost table and the site; so does
:mod:`inputspace.outputs` (a run's output names come from its knobs). It imports nothing of the
library but :mod:`inputspace.paths` at module level, so that every one of them can import it
without reaching back up into another.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import paths

if TYPE_CHECKING:  # config imports torch; the catalogue must stay light (the Snakefile reads it)
    from .config import Knob

ZOO_NOTEBOOK = "p0-00"
"""The model zoo notebook: it trains or checks every model, so it runs before all others."""


def notebook_id(path: Path) -> str:
    """``p2-triangles-convex-hulls.ipynb`` -> ``p2-triangles`` (the first two dash-separated parts)."""
    return "-".join(path.stem.split("-")[:2])


def reading_order(path: Path) -> tuple:
    """Sort key of a notebook within its paper: the overview (``-00``) first, then the figures by
    number, the notebooks named by content (P2's figures, P1's detector and theory, px by number)
    by name, the tables, the supplementary figures."""
    kind = notebook_id(path).split("-", 1)[1] if "-" in path.stem else path.stem
    for rank, pattern in ((0, r"00"), (1, r"fig(\d+)"), (3, r"tab(\d+)"), (4, r"figS(\d+)")):
        m = re.fullmatch(pattern, kind)
        if m:
            return (rank, int(m.group(1)) if m.groups() else 0, path.name)
    return (2, 0, path.name)


def select(only: str | None) -> list[Path]:
    """Notebooks in reading order (``p0`` first, then each paper by :func:`reading_order`; the
    scorecard, the README's gallery, the site and the runner follow it), optionally filtered by
    comma-separated id prefixes."""
    nbs = sorted(
        paths.NOTEBOOKS.glob("p*.ipynb"), key=lambda p: (p.stem.split("-", 1)[0], reading_order(p))
    )
    if not only:
        return nbs
    wanted = [w.strip() for w in only.split(",") if w.strip()]
    picked = [p for p in nbs if any(notebook_id(p).startswith(w) or p.stem == w for w in wanted)]
    if not picked:
        raise SystemExit(f"no notebook matches ONLY={only!r}; ids: {[notebook_id(p) for p in nbs]}")
    return picked


def notebook_path(nid: str) -> Path:
    """The notebook whose id is exactly ``nid``."""
    for p in select(None):
        if notebook_id(p) == nid:
            return p
    raise SystemExit(f"no notebook with id {nid!r}: `python -m inputspace.run list` shows the ids")


def notebook_entry(nid: str, name: str, module: str = "knobs") -> Mapping[str, Any]:
    """``inputspace.<paper>.<module>.<name>[nid]`` (``knobs.KNOBS``, ``cost.MEMORY``).

    Raises:
        ValueError: no paper package for the id's prefix, or the id is not in the table.
    """
    paper = nid.split("-")[0]
    try:
        table = getattr(importlib.import_module(f"inputspace.{paper}.{module}"), name)
    except ModuleNotFoundError as exc:
        raise ValueError(f"no paper package for notebook id {nid!r}") from exc
    if nid not in table:
        raise ValueError(
            f"unknown notebook id {nid!r} in {paper}.{module}.{name}; valid: {sorted(table)}"
        )
    return table[nid]


def knobs_of(nid: str) -> Mapping[str, Knob]:
    """The knobs of a notebook id (``"p2-triangles"`` → ``inputspace.p2.knobs.KNOBS["p2-triangles"]``)."""
    return notebook_entry(nid, "KNOBS")
