"""P1's paper check (``python -m inputspace.run.papercheck``): every notebook has reduced work knobs
that only reduce work, a positive work model, and parameters the notebook accepts."""

from __future__ import annotations

import pytest

from inputspace import catalogue, config, paths
from inputspace.p1 import cost, knobs
from inputspace.p1.adversarial import clean_classes

IDS = sorted(catalogue.notebook_id(p) for p in paths.NOTEBOOKS.glob("p1-*.ipynb"))
RULE_KNOBS = {"clean_filter"}
"""Rule knobs the check may switch (to another of their documented choices), not work knobs."""


def paper_values(nid: str) -> dict:
    return {n: k.default_for("paper") for n, k in knobs.KNOBS[nid].items()}


def check_values(nid: str) -> dict:
    return {**paper_values(nid), **cost.PAPER_CHECK[nid]}


def test_every_notebook_has_a_check_entry_and_a_work_model():
    assert len(IDS) == 12
    assert sorted(cost.PAPER_CHECK) == IDS
    assert sorted(cost.PAPER_WORK) == IDS


@pytest.mark.parametrize("nid", IDS)
def test_check_values_are_knobs_and_only_reduce_work(nid):
    paper = paper_values(nid)
    for name, value in cost.PAPER_CHECK[nid].items():
        assert name in paper, f"{nid}: {name} is not a knob of the notebook"
        ref = paper[name]
        if name in RULE_KNOBS:
            assert value in knobs.KNOBS[nid][name].choices
        elif isinstance(ref, tuple):  # a subset of the paper's values, or per-entry smaller sizes
            assert set(value) <= set(ref) or (
                len(value) == len(ref) and all(a <= b for a, b in zip(value, ref))
            ), name
        else:
            assert (
                isinstance(value, int) and not isinstance(value, bool) and isinstance(ref, int)
            ), name
            assert 0 <= value <= ref, f"{nid}: {name} {value} > paper {ref}"


@pytest.mark.parametrize("nid", IDS)
def test_work_model_is_positive_and_smaller_in_the_check(nid):
    _, work = cost.PAPER_WORK[nid]
    check, paper = work(check_values(nid)), work(paper_values(nid))
    assert check > 0 and paper > 0
    assert check <= paper


@pytest.mark.parametrize("nid", IDS)
def test_driver_parameters_resolve(nid):
    from inputspace.run.papercheck import parameters

    params = parameters(nid)
    cfg = config.resolve(nid, params, knobs.KNOBS[nid])
    assert cfg.profile == "paper"
    for name, value in cost.PAPER_CHECK[nid].items():
        assert getattr(cfg, name) == value


def test_clean_classes_balanced_or_spread():
    assert clean_classes(30, 10) == (list(range(10)), 3)
    assert clean_classes(10, 10) == (list(range(10)), 1)
    classes, per = clean_classes(500, 1000)
    assert (
        per == 1 and len(classes) == 500 and classes[:3] == [0, 2, 4] and len(set(classes)) == 500
    )
    assert clean_classes(2, 1000) == ([0, 500], 1)
