"""Absolute project paths.

Nothing in the project depends on the current working directory: Jupyter and nbval run a
notebook in its own folder, papermill in the caller's, so every path is resolved from this
file's location (showyourwork's ``paths.py`` pattern). ``INPUTSPACE_DATA`` may move the data
folder (trained quick models, caches) elsewhere, e.g. onto a larger disk.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT: Path = Path(__file__).resolve().parents[2]
"""Repository root (the folder holding ``lib/``, ``notebooks/``, ``Makefile``)."""

NOTEBOOKS: Path = ROOT / "notebooks"
BUILD: Path = ROOT / "build"
FIGURES_ROOT: Path = ROOT / "figures"


def data_dir() -> Path:
    """Folder for downloads, trained quick models and caches (gitignored)."""
    return Path(os.environ.get("INPUTSPACE_DATA", ROOT / "data")).resolve()


def models_dir(profile: str) -> Path:
    """Trained models of one profile: ``data/models/<profile>/``."""
    return data_dir() / "models" / profile


def cache_dir(notebook_id: str, profile: str) -> Path:
    """Cached results of one notebook: ``data/cache/<run_name(profile)>/<notebook_id>/`` (results
    under another model seed never meet those of the committed models)."""
    return data_dir() / "cache" / run_name(profile) / notebook_id


MODEL_SEED_ENV = "INPUTSPACE_MODEL_SEED"
"""Set by ``make figures MODEL_SEED=N``: the quick/smoke zoo trained with seed N (same recipe)."""


def model_seed() -> int:
    """The seed of the locally trained models (``INPUTSPACE_MODEL_SEED``, default 0)."""
    raw = os.environ.get(MODEL_SEED_ENV, "").strip()
    if not raw:
        return 0
    if not raw.isdigit():
        raise ValueError(
            f"{MODEL_SEED_ENV}={raw!r}: the model seed must be a non-negative integer (e.g. MODEL_SEED=1)"
        )
    return int(raw)


def run_name(profile: str) -> str:
    """``quick`` / ``smoke`` / ``paper``; ``quick-seed1`` for the quick profile on the zoo trained with
    model seed 1 (:func:`model_seed`): its build folder, caches, claims and figures are its own."""
    seed = model_seed()
    return f"{profile}-seed{seed}" if seed and profile in ("quick", "smoke") else profile


def build_dir(profile: str) -> Path:
    """``build/<run_name(profile)>/``: executed notebooks, stamps, claims, timings of one run kind."""
    return BUILD / run_name(profile)


PAPER_CHECK_ENV = "INPUTSPACE_PAPER_CHECK"
"""Set (to 1) by ``make paper-check``: the paper profile on stand-in data and random weights."""


def paper_check() -> bool:
    """True inside ``make paper-check`` (:mod:`inputspace.run.papercheck`)."""
    return os.environ.get(PAPER_CHECK_ENV, "") not in ("", "0")


def figures_dir(profile: str) -> Path:
    """Where figures and claims of a profile go.

    ``quick`` writes the committed ``figures/``; ``paper`` writes ``figures/paper/`` so a GPU
    run never overwrites the committed quick figures; ``smoke`` (CI), ``make paper-check`` and a
    run under another model seed (``build/quick-seed1/figures``) write into ``build/``.
    """
    if paper_check():
        return BUILD / "paper-check" / "figures"
    if run_name(profile) != profile:  # another model seed: never the committed figures
        return build_dir(profile) / "figures"
    if profile == "quick":
        return FIGURES_ROOT
    if profile == "paper":
        return FIGURES_ROOT / "paper"
    return BUILD / profile / "figures"


def claims_dir(profile: str) -> Path:
    """Per-notebook claim records (JSON) that ``make figures`` aggregates into the scorecard
    (``make paper-check``: its own folder, so stand-in verdicts never meet real ones)."""
    if paper_check():
        return BUILD / "paper-check" / "claims"
    return build_dir(profile) / "claims"
