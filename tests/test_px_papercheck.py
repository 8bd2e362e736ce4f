"""px's knobs: the other packages' knobs taken over unchanged (so their caches are reused), the
entries of ``make paper-check`` (reduced work, counts only) and the work model of ``make paper-cost``."""

import pytest

from inputspace import zoo
from inputspace.config import resolve
from inputspace.p1 import knobs as p1k
from inputspace.p2 import knobs as p2k
from inputspace.p3 import knobs as p3k
from inputspace.px import cost, knobs
from inputspace.run import papercheck

NOTEBOOKS = sorted(knobs.KNOBS)


def paper_values(nid: str, **overrides) -> dict:
    return dict(
        resolve(nid, {"profile": "paper", "device": "cpu", **overrides}, knobs.KNOBS[nid]).values
    )


def test_the_four_notebooks_have_check_memory_and_work_entries():
    assert NOTEBOOKS == ["px-01", "px-02", "px-03", "px-04"]
    assert sorted(cost.PAPER_CHECK) == sorted(cost.PAPER_WORK) == sorted(cost.MEMORY) == NOTEBOOKS


@pytest.mark.parametrize("nid", NOTEBOOKS)
def test_the_knobs_keying_p2_s_lst_runs_are_p2_s_own(nid):
    for name, knob in {**p2k.LST_KNOBS, **p2k.RUNS}.items():
        assert knobs.KNOBS[nid][name] is knob, name


@pytest.mark.parametrize("nid", ["px-02", "px-04"])
def test_the_knobs_keying_p3_s_maps_and_attacks_are_p3_s_own(nid):
    for name, knob in {**p3k.BASE, **p3k.ATTACK}.items():
        if name in (
            "dataset",
            "imagenet_root",
        ):  # restricted to P2's data; P2's imagenet_root serves both
            continue
        assert knobs.KNOBS[nid][name] is knob, name
    for profile in ("smoke", "quick", "paper"):
        assert knobs.KNOBS[nid]["dataset"].default_for(profile) == p3k.BASE["dataset"].default_for(
            profile
        )


def test_p1_detection_s_protocol_knobs_are_p1_s_own():
    for name, knob in p1k.DETECT_KNOBS.items():
        if name != "detect_attack_iters":
            assert knobs.KNOBS["px-03"][name] is knob, name


def test_p2_s_eps_is_the_radius_the_at_row_was_trained_at():
    rec = zoo.RECIPES["fgsm-at"]
    assert knobs.AT_TRAINING_EPS["quick"] == knobs.AT_TRAINING_EPS["smoke"] == rec.adv_eps
    assert knobs.AT_TRAINING_EPS["paper"] == 4 / 255  # RobustBench Salman2020Do_R50, Linf 4/255
    for profile in ("smoke", "quick", "paper"):
        assert (
            knobs.KNOBS["px-01"]["pgd_eps"].default_for(profile) == knobs.AT_TRAINING_EPS[profile]
        )


@pytest.mark.parametrize("nid", NOTEBOOKS)
def test_check_values_are_knobs_that_only_reduce_work(nid):
    check, paper = cost.PAPER_CHECK[nid], paper_values(nid)
    assert set(check) <= set(knobs.KNOBS[nid])
    for name, value in check.items():
        if name in cost.RULE_SWITCHES:
            assert value == cost.RULE_SWITCHES[name] and value in knobs.KNOBS[nid][name].choices
        elif isinstance(value, bool) or not isinstance(value, (int, tuple)):
            pytest.fail(f"{nid}: {name}={value!r} is neither a count nor a subset")
        elif isinstance(value, int):
            assert 0 < value <= paper[name], name
        else:
            assert 0 < len(value) <= len(paper[name]) and set(value) <= set(paper[name]), name


def test_px02_s_check_keeps_som_centres_for_the_check_s_pool_classes():
    check = cost.PAPER_CHECK["px-02"]
    assert max(check["pool_classes"]) < check["n_classes"]


@pytest.mark.parametrize("nid", NOTEBOOKS)
def test_work_model_is_positive_smaller_for_the_check_and_grows_with_scale(nid):
    unit, work = cost.PAPER_WORK[nid]
    check = work(paper_values(nid, **cost.PAPER_CHECK[nid]))
    assert unit and 0 < check <= work(paper_values(nid))
    doubled = papercheck.scaled(cost.PAPER_CHECK[nid], 2, papercheck.fixed_knobs(nid))
    assert work(paper_values(nid, **doubled)) > check


@pytest.mark.parametrize("nid", NOTEBOOKS)
def test_paper_check_passes_the_stand_in_data_and_at_checkpoint(nid):
    p = papercheck.parameters(nid)
    assert p["profile"] == "paper" and p["at_checkpoint"].endswith("Salman2020Do_R50.pt")
    assert p["imagenet_root"].endswith("standins/imagenet")
    assert p["checkpoint"].endswith(
        "checkpoints/resnet50.pt"
    )  # P2's normal row: the stand-in of its arch
