"""P2's entries of ``make paper-check``: reduced work knobs (counts only) and the work model."""

import pytest

from inputspace.config import resolve
from inputspace.p2 import cost, knobs

NOTEBOOKS = sorted(knobs.KNOBS)


def paper_values(nid: str, **overrides) -> dict:
    return dict(
        resolve(nid, {"profile": "paper", "device": "cpu", **overrides}, knobs.KNOBS[nid]).values
    )


def test_every_notebook_has_a_check_entry_and_a_work_model():
    assert sorted(cost.PAPER_CHECK) == NOTEBOOKS
    assert sorted(cost.PAPER_WORK) == NOTEBOOKS


@pytest.mark.parametrize("nid", NOTEBOOKS)
def test_check_values_are_knobs_that_only_reduce_work(nid):
    check, paper = cost.PAPER_CHECK[nid], paper_values(nid)
    assert set(check) <= set(knobs.KNOBS[nid])
    for name, value in check.items():
        if name in cost.RANDOM_WEIGHTS:  # the documented rule switches for random weights
            assert value == cost.RANDOM_WEIGHTS[name]
            assert value in knobs.KNOBS[nid][name].choices
        elif isinstance(value, bool) or not isinstance(value, (int, tuple)):
            pytest.fail(f"{nid}: {name}={value!r} is neither a count nor a subset")
        elif isinstance(value, int):
            assert 0 < value <= paper[name], name
        else:  # a subset of the paper's classes / pairs
            assert 0 < len(value) <= len(paper[name]) and set(value) <= set(paper[name]), name


@pytest.mark.parametrize("nid", NOTEBOOKS)
def test_work_model_is_positive_and_smaller_for_the_check(nid):
    unit, work = cost.PAPER_WORK[nid]
    check, paper = work(paper_values(nid, **cost.PAPER_CHECK[nid])), work(paper_values(nid))
    assert unit and 0 < check <= paper
