"""Where a notebook run writes its figures and claims: exploring never touches committed results.

The *reference run* of a notebook in a profile is the one ``make figures`` executes: seed 0 and
every knob at the profile's default (``None`` in the parameters cell, or a value equal to the
default). Only it writes the profile's figures (``figures/`` for quick, :func:`inputspace.paths.figures_dir`)
and the claims record that the scorecard aggregates (:func:`inputspace.paths.claims_dir`). A run
with any other parameter -- ``papermill -p seed 1``, an edited parameters cell in JupyterLab -- is
*exploring*: its figures and claims go to ``build/explore/<run>/<notebook-id>/``, and a later
``make figures`` never aggregates them.

What does not count as another parameter:

* ``device``: results do not depend on it up to floating point (the result cache ignores it too),
  so the paper profile's GPU run with the defaults is its reference run;
* the profile itself: each profile has its own reference run and folders (smoke: ``build/smoke``);
* data and weight locations (knobs named ``*root``, ``*checkpoint``, ``*checkpoint_dir``): the
  paper profile needs them to find its inputs, they say where the data lie, not what is computed;
* ``make figures MODEL_SEED=1``: an environment setting, not a parameter; its reference runs
  already write ``build/quick-seed1/`` (:func:`inputspace.paths.run_name`), its exploring runs
  ``build/explore/quick-seed1/``;
* ``make paper-check`` (reduced work knobs by design): it always writes ``build/paper-check/``.

:func:`inputspace.notebook.setup` makes the run's :class:`RunOutputs` the *active* one of the
kernel, so code that only has a notebook id (an explorer, ``savefig(fig, notebook_id, profile)``)
writes where the run writes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import paths
from .catalogue import knobs_of

if (
    TYPE_CHECKING
):  # config imports torch; this module is imported by plotting, which must stay light
    from .config import Config, Knob

LOCATION_KNOB = re.compile(r"(^|_)(root|checkpoint|checkpoint_dir)$")
"""Knob names that locate data or weights (``imagenet_root``, ``at_checkpoint``, ``checkpoint_dir``)."""
REFERENCE_SEED = 0


def changed_parameters(cfg: Config, knobs: Mapping[str, Knob]) -> tuple[str, ...]:
    """``("seed=1", "iters=10")``: the parameters of ``cfg`` that differ from the reference run of
    its profile (module doc: the device and data locations never count)."""
    changed = [f"seed={cfg.seed}"] if cfg.seed != REFERENCE_SEED else []
    for name, knob in knobs.items():
        value = cfg.values[name]
        if not LOCATION_KNOB.search(name) and value != knob.default_for(cfg.profile):
            changed.append(f"{name}={value!r}")
    return tuple(changed)


@dataclass(frozen=True)
class RunOutputs:
    """Where one notebook run writes: ``changed`` empty for the reference run (module doc)."""

    notebook_id: str
    profile: str
    changed: tuple[str, ...] = ()

    @classmethod
    def of(cls, cfg: Config, knobs: Mapping[str, Knob]) -> RunOutputs:
        return cls(cfg.notebook_id, cfg.profile, changed_parameters(cfg, knobs))

    @property
    def exploring(self) -> bool:
        """True for a run with other parameters (``make paper-check`` never explores: its own folder)."""
        return bool(self.changed) and not paths.paper_check()

    def explore_dir(self) -> Path:
        """``build/explore/<run name>/<notebook id>/``: the figures of an exploring run."""
        return paths.BUILD / "explore" / paths.run_name(self.profile) / self.notebook_id

    def figures_dir(self) -> Path:
        return self.explore_dir() if self.exploring else paths.figures_dir(self.profile)

    def claims_dir(self) -> Path:
        """Where the notebook's claims record goes; only the reference run's is aggregated."""
        return self.explore_dir() / "claims" if self.exploring else paths.claims_dir(self.profile)

    def describe(self) -> str:
        """The one line ``setup`` prints: where this run writes, and why."""
        where = repo_relative(self.figures_dir())
        if self.exploring:
            verb = "differs" if len(self.changed) == 1 else "differ"
            return (
                f"outputs: {where}/ (exploring: {', '.join(self.changed)} {verb} from the {self.profile} "
                "reference run, whose figures and claims record stay untouched)"
            )
        return f"outputs: {where}/ (the {self.profile} profile's reference run: seed 0, every knob at its default)"


def repo_relative(p: Path) -> str:
    """``p`` relative to the repository (``figures/p0-00.png``), or as given when outside it: what
    a notebook prints of a path, not the machine it ran on."""
    try:
        return str(p.relative_to(paths.ROOT))
    except ValueError:
        return str(p)


_active: tuple[Config, RunOutputs] | None = None


def activate(cfg: Config, run: RunOutputs) -> None:
    """Make ``run`` (of ``cfg``) the kernel's active run (called by :func:`inputspace.notebook.setup`)."""
    global _active
    _active = (cfg, run)


def active(notebook_id: str | None = None, profile: str | None = None) -> RunOutputs | None:
    """The active run, if any (and if it is of ``notebook_id`` / ``profile`` when given)."""
    if _active is None:
        return None
    run = _active[1]
    if notebook_id not in (None, run.notebook_id) or profile not in (None, run.profile):
        return None
    return run


def for_config(cfg: Config) -> RunOutputs:
    """The outputs of a run of ``cfg``: the active run when ``cfg`` is its configuration, else
    decided from the notebook's knobs (:func:`inputspace.catalogue.knobs_of`; ValueError for a
    notebook id without a knobs table)."""
    if _active is not None and _active[0] == cfg:
        return _active[1]
    return RunOutputs.of(cfg, knobs_of(cfg.notebook_id))
