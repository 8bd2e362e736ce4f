"""Shared fixtures: every test writes into a temporary data folder, never into data/."""

import os

import pytest
import torch

# The browser tests (tests/browser) need the smoke notebooks' models: `make test` runs them after
# the notebooks (`make browser`), so `pytest tests` leaves them out; `pytest tests/browser` runs them.
# Likewise the static site's browser tests (tests/site): `make test` runs them after `make site`.
collect_ignore = ["browser", "site"]

os.environ.setdefault("HF_HUB_OFFLINE", "1")
torch.set_num_threads(min(2, torch.get_num_threads()))


@pytest.fixture(autouse=True)
def isolated_data(tmp_path, monkeypatch):
    """Point INPUTSPACE_DATA at a temporary folder so tests never touch the real caches/models."""
    monkeypatch.setenv("INPUTSPACE_DATA", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture(autouse=True)
def no_active_run(monkeypatch):
    """No notebook.setup run carries over from one test to the next (inputspace.outputs: where an
    explorer without a Config saves its first view)."""
    from inputspace import outputs

    monkeypatch.setattr(outputs, "_active", None)


@pytest.fixture
def build(tmp_path, monkeypatch):
    """``build/`` and ``figures/`` moved into a temporary folder (returned): scorecards, timings and
    figures a test writes never reach the repository."""
    from inputspace import paths

    monkeypatch.setattr(paths, "BUILD", tmp_path / "build")
    monkeypatch.setattr(paths, "FIGURES_ROOT", tmp_path / "figures")
    return tmp_path
