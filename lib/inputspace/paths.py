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
    """Cached results of one notebook: ``data/cache/<profile>/<notebook_id>/``."""
    return data_dir() / "cache" / profile / notebook_id


def figures_dir(profile: str) -> Path:
    """Where figures and claims of a profile go.

    ``quick`` writes the committed ``figures/``; ``paper`` writes ``figures/paper/`` so a GPU
    run never overwrites the committed quick figures; ``smoke`` (CI) writes into ``build/``.
    """
    if profile == "quick":
        return FIGURES_ROOT
    if profile == "paper":
        return FIGURES_ROOT / "paper"
    return BUILD / profile / "figures"


def claims_dir(profile: str) -> Path:
    """Per-notebook claim records (JSON) that ``make figures`` aggregates into the scorecard."""
    return BUILD / profile / "claims"
