"""P3's paper-check tables (``cost.PAPER_CHECK``, ``cost.PAPER_WORK``) and the class knob that
makes the paper profile's code extraction fit a check (and a class range a cluster job)."""

import math

import pytest
import torch

from inputspace import paths
from inputspace.catalogue import notebook_id
from inputspace.config import resolve
from inputspace.notebook import knobs_of
from inputspace.p3 import cost, knobs, maps, tables

P3_IDS = sorted(notebook_id(p) for p in paths.NOTEBOOKS.glob("p3-*.ipynb"))


def _paper(nid: str) -> dict:
    return {n: k.default_for("paper") for n, k in knobs_of(nid).items()}


def test_every_p3_notebook_has_a_check_entry():
    assert P3_IDS and set(P3_IDS) == set(cost.PAPER_CHECK) == set(cost.PAPER_WORK)


@pytest.mark.parametrize("nid", P3_IDS)
def test_check_values_only_reduce_work(nid):
    paper = _paper(nid)
    for name, value in cost.PAPER_CHECK[nid].items():
        assert name in paper, f"{nid}: {name} is not a knob"
        ref = paper[name]
        if isinstance(value, (tuple, list)):  # a list of maps (SOM sizes): a part of the paper's
            assert set(value) <= set(ref) and len(value) <= len(ref), (nid, name, value, ref)
        else:
            assert isinstance(value, int) and not isinstance(value, bool), (nid, name, value)
            assert 0 < value <= ref, (nid, name, value, ref)


@pytest.mark.parametrize("nid", P3_IDS)
def test_work_model_is_positive_and_smaller_in_the_check(nid):
    unit, work = cost.PAPER_WORK[nid]
    paper = _paper(nid)
    check = {**paper, **cost.PAPER_CHECK[nid]}
    w_paper, w_check = work(paper), work(check)
    assert unit and 0 < w_check <= w_paper and math.isfinite(w_paper)


def test_work_model_of_the_codes():
    k = _paper("p3-fig03")
    assert cost.code_passes(k, 4) == 2 * 1000 * 50 * 4  # SOM-tr + SOM-val, 4 CNNs
    fig08 = _paper("p3-fig08")
    assert cost.code_passes(fig08, datasets=fig08["datasets"]) == 2 * 50 * (10 + 100 + 10)
    assert cost.code_passes({**fig08, "n_classes": 5}, datasets=fig08["datasets"]) == 2 * 50 * 15


def test_class_knob_keeps_the_first_classes_of_the_full_sample():
    full = maps.sample_indices("digits", "tr", 5, 0, "smoke")
    part = maps.sample_indices("digits", "tr", 5, 0, "smoke", n_classes=3)
    y = maps.load_images("digits", "tr", full, "smoke")[1]
    assert torch.equal(part, full[y < 3]) and len(part) == 15
    assert torch.equal(maps.sample_indices("digits", "tr", 5, 0, "smoke", n_classes=1000), full)


def test_all_class_cache_keys_unchanged():
    cfg = resolve("p3-fig03", {"profile": "smoke"}, knobs.KNOBS["p3-fig03"])
    assert cfg.n_classes is None and maps.classes_key(cfg) == {}
    paper = resolve("p3-fig03", {"profile": "paper", "n_classes": 5}, knobs.KNOBS["p3-fig03"])
    assert maps.classes_key(paper) == {"n_classes": 5}


def test_tab02_forwards_its_work_knobs_to_fig11():
    cfg = resolve(
        "p3-tab02", {"profile": "paper", "n_attack": 1, "n_classes": 5}, knobs.KNOBS["p3-tab02"]
    )
    c11 = tables.config_of(cfg, "p3-fig11")
    assert (c11.n_attack, c11.n_classes, c11.pgd_iters, c11.per_class) == (1, 5, 50, 50)
    smoke = resolve("p3-tab02", {"profile": "smoke"}, knobs.KNOBS["p3-tab02"])
    assert tables.config_of(smoke, "p3-fig11") == resolve(
        "p3-fig11", {"profile": "smoke"}, knobs.KNOBS["p3-fig11"]
    )


def test_codes_of_another_imagenet_folder_are_other_codes():
    quick = resolve("p3-fig03", {"profile": "quick"}, knobs.KNOBS["p3-fig03"])
    assert maps.data_key(quick) == {}  # the quick keys stay those from before the knob was keyed
    a, b = (
        resolve("p3-fig03", {"profile": "paper", "imagenet_root": r}, knobs.KNOBS["p3-fig03"])
        for r in ("/data/a", "/data/b")
    )
    assert maps.data_key(a) != maps.data_key(b) and maps.data_key(a) == {"imagenet_root": "/data/a"}
