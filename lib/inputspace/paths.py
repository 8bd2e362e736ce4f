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


PAPER_CHECK_ENV = "INPUTSPACE_PAPER_CHECK"
"""Set (to 1) by ``make paper-check``: the paper profile on stand-in data and random weights."""


def paper_check() -> bool:
    """True inside ``make paper-check`` (:mod:`inputspace.papercheck`)."""
    return os.environ.get(PAPER_CHECK_ENV, "") not in ("", "0")


def figures_dir(profile: str) -> Path:
    """Where figures and claims of a profile go.

    ``quick`` writes the committed ``figures/``; ``paper`` writes ``figures/paper/`` so a GPU
    run never overwrites the committed quick figures; ``smoke`` (CI) and ``make paper-check``
    write into ``build/``.
    """
    if paper_check():
        return BUILD / "paper-check" / "figures"
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
    return BUILD / profile / "claims"
