"""What one unit of a notebook's paper-scale work is, for ``make paper-cost``.

Each paper package lists per notebook how its dominant unit of work is timed
(``cost.PAPER_BENCH``: a :class:`Bench`); :mod:`inputspace.run.papercost` times it. This module holds
only the description (no torch), so that the ``cost`` modules, read when a notebook's parameters
are resolved, do not depend on the benchmark code. Nothing that computes imports it: the code
digest of cached results (:func:`inputspace.sources.compute_digest`) does not follow it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

CONVSTEM = "vit_s_convstem"
"""Architecture name of RobustBench's ``Singh2023Revisiting_ViT-S-ConvStem`` (no timm name)."""


@dataclass(frozen=True)
class Bench:
    """How one unit of a notebook's work is timed.

    ``kind="model"``: one image through each architecture named by the notebook's ``arch_knobs``
    (a knob holding one name or a tuple of names; paper-profile values) plus ``extra_archs``, at
    ``size`` px with ``classes`` outputs; ``grad`` adds the backward pass to the input (attacks,
    LST steps, bypass iterations) instead of a forward pass under ``no_grad`` (codes, pool scans).
    ``kind="gmac"``: 10⁹ multiply-accumulates of a dense matrix product. ``kind="lattice"``: one
    site of :func:`scipy.ndimage.label` on a random 3-d lattice (the percolation clusters; CPU
    work on any machine).
    """

    arch_knobs: tuple[str, ...] = ()
    extra_archs: tuple[str, ...] = ()
    size: int = 224
    grad: bool = True
    classes: int = 1000
    kind: str = "model"

    def archs(self, values: Mapping[str, object]) -> tuple[str, ...]:
        """The architectures of a notebook whose paper-profile knob values are ``values``."""
        names: list[str] = []
        for knob in self.arch_knobs:
            v = values[knob]
            names.extend([v] if isinstance(v, str) else list(v))  # type: ignore[arg-type]
        names.extend(self.extra_archs)
        return tuple(dict.fromkeys(names))
