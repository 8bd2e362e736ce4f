"""P3 claims as code: every verdict rule of ``inputspace.p3.claims`` on hand-made numbers on both sides
of its threshold, every notebook's claims function on a tiny fake result with a real Scorecard, and
the statement table (``inputspace.p3.statements``) against the committed scorecard."""

import math
import re
import string
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import torch

from inputspace import paths
from inputspace.claims import Scorecard, load_scorecard
from inputspace.p3 import claims, statements
from inputspace.p3.knobs import LABELS


@pytest.fixture
def card(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "BUILD", tmp_path)
    return lambda nid: Scorecard(nid, "smoke")


def verdicts(card: Scorecard) -> dict:
    return {c.claim_id: c.passed for c in card.claims}


def paper_rows(card: Scorecard) -> dict:
    """The verdicts of the rows that are not the fidelity controls (tested on their own below)."""
    return {c.claim_id: c.passed for c in card.claims if c.kind != "control"}


def with_controls(
    r: dict, arch: str, centered=None, floor1=None, random_pair: float = 100.0, mid=None
) -> dict:
    """Add the controls of :func:`inputspace.p3.attack._controls` to an attack result: centered
    noise (default: the U(0, ε) noise's displacements), the floor at 1/255 (default: zero), the
    random-pair distance (default: far above any displacement) and no mid-accuracy ε."""
    for w in ("paper", "rule"):
        r["disp"][(arch, w, "centered")] = (
            centered if centered is not None else r["disp"][(arch, w, "noise")]
        )
    zero = [torch.zeros_like(v, dtype=torch.float32) for v in r["disp"][(arch, "rule", "pgd")]]
    r["floor1"] = {arch: {"pgd": floor1 if floor1 is not None else zero, "noise": zero}}
    r["random_pair"] = {arch: random_pair}
    r["mid"] = {arch: mid or {"probes": {2 / 255: 0.95}, "eps": None}}
    return r


# ------------------------------------------------------------------------------------ rules
def test_trend_threshold_both_sides():
    assert claims.trend([1.0, 3.0, 2.0, 4.0], "up") == (True, 0.8)  # at the threshold
    ok, rho = claims.trend([2.0, 1.0, 4.0, 3.0], "up")  # below it
    assert ok is False and rho == pytest.approx(0.6)
    assert claims.trend([3.0, 2.0, 1.0, 0.5], "down") == (True, -1.0)
    assert claims.trend([0.5, 1.0, 2.0, 0.4], "down")[0] is False


def test_fmt_joins_with_digits():
    assert claims.fmt([0.1234, 2], 2) == "0.12 / 2.00"
    assert claims.fmt([]) == ""


def test_code_dims_ok():
    assert claims.code_dims_ok([256, 512, 1024, 2048], [64, 128, 256, 512], "resnet18")
    assert not claims.code_dims_ok([256, 512, 1024, 2047], [64, 128, 256, 512], "resnet18")
    assert not claims.code_dims_ok([8, 16], [2, 4], "resnet18")  # 4 x channels but not ResNet-18's
    assert claims.code_dims_ok([8, 16], [2, 4], "vgg19_bn")
    assert not claims.code_dims_ok([8, 17], [2, 4], "vgg19_bn")


def test_seam_unfolds_tolerance_and_spread():
    c, e = torch.tensor([19.0, 0.0]), torch.tensor([19.0, 0.0])
    assert claims.seam_unfolds(c, e, 2.0, 26.9)
    assert claims.seam_unfolds(c + 5e-7, e, 2.0, 26.9)
    assert not claims.seam_unfolds(c + 2e-6, e, 2.0, 26.9)  # centre off by more than 1e-6
    s = 8**0.5
    assert claims.seam_unfolds(c, e, s, 3.0)  # unfolded spread at the bound
    assert not claims.seam_unfolds(c, e, s + 1e-9, 3.0)
    assert not claims.seam_unfolds(c, e, 2.0, s)  # folded spread must exceed the bound
    assert claims.seam_unfolds([1.0, 2.0], [1.0, 2.0], 1.0, 5.0)  # lists work too


def test_unfolding_shrinks():
    assert claims.unfolding_shrinks([1.0, 2.0], [1.5, 2.5]) is True
    assert claims.unfolding_shrinks([1.0, 2.5], [1.5, 2.5]) is False  # equal is not smaller
    assert claims.unfolding_shrinks([], []) is None


def test_last_is_highest():
    assert claims.last_is_highest([0.1, 0.2, 0.3])
    assert claims.last_is_highest([0.3, 0.2, 0.3])  # tie counts
    assert not claims.last_is_highest([0.1, 0.4, 0.3])


def test_all_above():
    assert claims.all_above([2.0, 3.0], [1.0, 2.9])
    assert not claims.all_above([2.0, 3.0], [1.0, 3.0])  # strict
    assert not claims.all_above([float("nan")], [0.0])


def test_condensed_then_expanded():
    assert claims.condensed_then_expanded([0.2, 0.1, 0.3, 0.4])  # minimum at index 1 < 4/2
    assert not claims.condensed_then_expanded([0.3, 0.4, 0.1, 0.5])  # minimum at index 2, not < 2
    assert not claims.condensed_then_expanded([0.1, 0.3, 0.2, 0.1])  # last not above first
    assert claims.condensed_then_expanded([0.1, 0.2, 0.3])  # 3 layers: index 0 < 1.5


def test_pgd_amplified():
    assert claims.pgd_amplified([1.0, 2.0, 3.0], [1.0, 1.0, 2.9])
    assert not claims.pgd_amplified([1.0, 2.0, 3.0], [1.0, 1.0, 3.0])  # equal to noise
    assert not claims.pgd_amplified([3.0, 2.0, 3.0], [0.0, 0.0, 0.0])  # equal to the first layer


def test_collapse_verdict():
    assert claims.collapse_verdict(1.0, 0.05, 0.98, False, 0.10)  # drop 0.02 exactly, PGD below
    assert not claims.collapse_verdict(1.0, 0.05, 0.96, False, 0.10)  # noise drops 0.04
    assert not claims.collapse_verdict(1.0, 0.10, 1.0, False, 0.10)  # PGD at the threshold
    assert claims.collapse_verdict(1.0, 0.5, 1.0, True, 0.10)  # ε* found: only noise is tested
    assert claims.collapse_verdict(0.98, 0.0, 1.0, False, 0.10)  # noise raising accuracy 0.02
    assert not claims.collapse_verdict(0.96, 0.0, 1.0, True, 0.10)


def test_zero_floor():
    assert claims.zero_floor([0.0, 0.0]) == (True, 0.0)
    assert claims.zero_floor([0.0, 1.0]) == (False, 1.0)
    assert claims.zero_floor([1e-9])[0] is False


def _table1_checks(**kw):
    c = {
        "sigma": 10.0,
        "alpha": 0.1,
        "sched": "exp",
        "periodic": True,
        "metric": "cosine",
        "factor_start": 1.0,
        "factor_end": math.exp(-5),
        "batch": {"resnet18": 10, "densenet121": 50},
        "paper_batch": {"densenet121": 50},
        "epochs": 50,
    }
    return {**c, **kw}


def test_table1_matches():
    assert claims.table1_matches(_table1_checks(), math.exp(-5)) is True
    assert claims.table1_matches(_table1_checks(factor_end=math.exp(-5) + 5e-13), math.exp(-5))
    assert not claims.table1_matches(_table1_checks(factor_end=math.exp(-5) + 2e-12), math.exp(-5))
    for bad in (
        {"sigma": 9.0},
        {"alpha": 0.2},
        {"sched": "linear"},
        {"periodic": False},
        {"metric": "euclidean"},
        {"factor_start": 0.99},
        {"batch": {"densenet121": 10}},
    ):
        assert not claims.table1_matches(_table1_checks(**bad), math.exp(-5)), bad


def test_epochs_verdict():
    assert claims.epochs_verdict(5, "paper") is True
    assert claims.epochs_verdict(50, "paper") is False
    assert claims.epochs_verdict(50, "quick") is None


def _table2(**kw):
    p = {
        "eps": 4 / 255,
        "eps_iter": 4 / 255 * 2 / 100,
        "nb_iter": 50,
        "rand_init": True,
        "targeted": False,
        "clip_min": 0.0,
        "clip_max": 1.0,
        "norm": "Linf",
    }
    return {**p, **kw}


def test_table2_matches():
    assert claims.table2_matches(_table2()) is True
    assert claims.table2_matches(_table2(eps=4 / 255 + 5e-13))
    assert not claims.table2_matches(_table2(eps=4 / 255 + 2e-12))
    for bad in (
        {"eps_iter": 4 / 255 / 100},
        {"rand_init": False},
        {"targeted": True},
        {"clip_max": 255.0},
        {"norm": "L2"},
    ):
        assert not claims.table2_matches(_table2(**bad)), bad


def test_runs_within_bounds():
    assert claims.runs_within_bounds([True, True], [True, True])
    assert not claims.runs_within_bounds([True, False], [True, True])
    assert not claims.runs_within_bounds([True, True], [False, True])
    assert claims.runs_within_bounds([], [])


# ------------------------------------------------------------------ rules as one number
_PROFILES = [
    [1.0, 3.0, 2.0, 4.0],
    [2.0, 1.0, 4.0, 3.0],
    [3.0, 2.0, 1.0, 0.5],
    [0.5, 1.0, 2.0, 0.4],
    [4.0, 2.0, 3.0, 1.0],
    [1.0, 1.0, 1.0, 1.0],
    [1.0, float("nan"), 2.0, 3.0],
    [1.0],
    [],
    [1.0, 2.0, 2.0, 3.0],
    [2.0, 2.0, 1.0, 1.0],
    [5.0] + [float(i) for i in range(1, 11)] + [4.0],
]  # rho 0.85 but the last below the first


@pytest.mark.parametrize(
    "values", _PROFILES + [list(v) for v in np.random.default_rng(0).normal(size=(200, 4))]
)
def test_trend_score_passes_exactly_when_the_trend_rule_does(values):
    for direction in ("up", "down"):
        assert (claims.trend_score(values, direction) >= claims.TREND_RHO) == claims.trend(
            values, direction
        )[0]


@pytest.mark.parametrize(
    "values", _PROFILES[:5] + [[1.0, 2.0, 2.0, 3.0], [0.3, 0.1, 0.1, 0.2, 7.0, 0.05]]
)
def test_trend_of_the_ranks_is_the_trend_of_the_values(values):
    for direction in ("up", "down"):
        assert claims.trend(claims.dense_ranks(values), direction) == claims.trend(
            values, direction
        )
    assert claims.dense_ranks([0.3, 0.1, 0.1, 0.2]) == (2, 0, 0, 1)


def test_trend_score_is_rho_in_the_claimed_direction_or_minus_one():
    assert claims.trend_score([1.0, 3.0, 2.0, 4.0], "up") == 0.8
    assert claims.trend_score([4.0, 2.0, 3.0, 1.0], "down") == 0.8  # rho -0.8, shrinking as claimed
    assert claims.trend_score([2.0, 1.0, 4.0, 3.0], "up") == pytest.approx(0.6)
    assert claims.trend_score([1.0, 2.0, 3.0, 4.0], "down") == -1.0  # the last not below the first
    assert claims.trend_score([1.0, 1.0, 1.0, 1.0], "up") == -1.0  # rho undefined


@pytest.mark.parametrize(
    "high, low",
    [
        ([2.0, 3.0], [1.0, 2.9]),
        ([2.0, 3.0], [1.0, 3.0]),
        ([1.0], [2.0]),
        ([float("nan")], [0.0]),
        ([], []),
        ([0.1 + 0.2], [0.3]),
    ],
)
def test_smallest_gap_is_positive_exactly_when_all_above(high, low):
    assert (claims.smallest_gap(high, low) > 0) == claims.all_above(high, low)


def test_smallest_gap_value():
    assert claims.smallest_gap([2.0, 3.0, 5.0], [1.0, 2.5, 1.0]) == 0.5


@pytest.mark.parametrize("values", [[0.1, 0.2, 0.3], [0.3, 0.2, 0.3], [0.1, 0.4, 0.3], [0.5]])
def test_last_minus_rest_is_non_negative_exactly_when_the_last_is_highest(values):
    assert (claims.last_minus_rest(values) >= 0) == claims.last_is_highest(values)


# ------------------------------------------------------- evidence of the claims, clear and marginal
def test_cluster_evidence_clear_and_marginal(card):
    def result(true, shuffled):
        per_class = {
            "D_class tr": [torch.tensor(true)] * 2,
            "shuffled tr": [torch.tensor(shuffled)] * 2,
            "D_class val": [torch.tensor(true)] * 2,
            "shuffled val": [torch.tensor(shuffled)] * 2,
        }
        t = pd.DataFrame(
            {
                "layer": ["CL1", "CL2"],
                **{k: [float(v.mean()) for v in vs] for k, vs in per_class.items()},
            }
        )
        return {"table": t, "arch": "resnet18", "per_class": per_class}

    c = card("p3-fig05")
    claims.class_clustering(
        c, result(np.linspace(0, 1, 20).tolist(), np.linspace(3, 4, 20).tolist())
    )
    assert [x.labelled_verdict for x in c.claims] == ["PASS", "PASS"]
    claims.class_clustering(
        c, result(np.linspace(0, 4, 20).tolist(), np.linspace(0.2, 4.2, 20).tolist())
    )
    assert [x.labelled_verdict for x in c.claims] == ["PASS-marginal", "PASS-marginal"]
    assert (
        c.claims[0].evidence["statistic"] == pytest.approx(0.2, abs=1e-5)
        and c.claims[0].evidence["threshold"] == 0.0
    )


def test_trend_evidence_clear_and_marginal(card):
    rng = np.random.default_rng(0)
    c = card("p3-fig06")
    wcd = [torch.tensor([0.1 * (i + 1)]) for i in range(4)]
    clear = [
        torch.tensor(4.0 - li + 0.01 * rng.normal(size=20), dtype=torch.float32) for li in range(4)
    ]
    noisy = [
        torch.tensor(2.0 - 0.05 * li + rng.normal(size=20), dtype=torch.float32) for li in range(4)
    ]
    claims.fig06(c, {"res": {"resnet18": {"tr": clear, "val": noisy, "wcd": wcd}}})
    ev = {x.claim_id: x.evidence for x in c.claims}
    assert ev["P3-dclass-resnet18-tr"]["certainty"] == "clear" and ev["P3-dclass-resnet18-tr"][
        "interval"
    ] == [1.0, 1.0]
    assert ev["P3-dclass-resnet18-val"]["certainty"] == "marginal"
    assert ev["P3-dclass-resnet18-val"]["threshold"] == claims.TREND_RHO
    assert ev["P3-wcd-resnet18"]["certainty"] == "too few items"  # two units: one pair per layer


def test_density_evidence_clear_and_marginal(card):
    def result(never_units: int, units: int):
        counts = torch.ones(units, dtype=torch.long)
        counts[:never_units] = 0
        t = pd.DataFrame(
            {
                "model": ["ResNet-18"],
                "layer": ["CL2"],
                "units never BMU": [never_units / units],
                "uniform expectation": [0.3],
            }
        )
        return {
            "table": t,
            "archs": ["resnet18"],
            "layers": [1],
            "density": {("resnet18", 1): {"counts": counts.reshape(-1, 4), "never_uniform": 0.3}},
        }

    c = card("p3-fig04")
    claims.density_inhomogeneity(c, result(200, 400))
    assert c.claims[0].labelled_verdict == "PASS"
    claims.density_inhomogeneity(c, result(32, 100))
    assert c.claims[0].labelled_verdict == "PASS-marginal"
    assert c.claims[0].evidence["statistic"] == pytest.approx(0.02, abs=1e-6)


def test_loss_evidence_clear_and_marginal(card):
    rng = np.random.default_rng(0)

    def result(levels, spread):
        last = [torch.tensor(v + spread * rng.normal(size=20), dtype=torch.float32) for v in levels]
        return {
            "final": {"resnet18": [float(v.mean()) for v in last]},
            "last_epoch": {"resnet18": last},
        }

    c = card("p3-fig03")
    claims.fig03(c, result([0.1, 0.2, 0.3, 0.4], 0.001))
    assert c.claims[0].labelled_verdict == "PASS"
    claims.fig03(c, result([0.1, 0.2, 0.3, 0.3], 0.05))
    assert c.claims[0].certainty == "marginal"


def _attack_images(arch, pgd_disp, noise_disp, floor, correct):
    return {
        "eps": {arch: {"paper": 4 / 255, "rule": 32 / 255}},
        "rule": {arch: {"found": True}},
        "correct": {(arch, w): correct for w in ("paper", "rule")},
        "acc": {
            (arch, w): {k: float(v.float().mean()) for k, v in correct.items()}
            for w in ("paper", "rule")
        },
        "disp": {
            (arch, w, kind): d
            for w in ("paper", "rule")
            for kind, d in (("pgd", pgd_disp), ("noise", noise_disp))
        },
        "floor": {arch: floor},
        "random_pair": {arch: 100.0},
    }


def test_attack_evidence_clear_and_marginal(card):
    rng = np.random.default_rng(0)
    cfg = SimpleNamespace(collapse_acc=0.10, notebook_id="p3-fig11")
    zeros = [torch.zeros(50, 2) for _ in range(4)]
    far = [
        torch.tensor(3.0 + li + 0.1 * rng.random((50, 2)), dtype=torch.float32) for li in range(4)
    ]
    c = card("p3-fig11")
    all_fooled = _correct({"clean": 0, "pgd": 50, "noise": 0})
    claims.pgd_vs_noise_codes(
        c, with_controls(_attack_images("resnet18", far, zeros, zeros, all_fooled), "resnet18"), cfg
    )
    v = {x.claim_id: x.labelled_verdict for x in c.claims if x.kind != "control"}
    assert v == {
        "P3-disp-floor-resnet18": "PASS",
        **{
            f"P3-{k}-resnet18{w}": "PASS"
            for k in ("pgd-acc", "disp", "disp-grow")
            for w in ("-paper", "-rule")
        },
    }
    near_p = [torch.tensor(rng.integers(0, 4, (50, 2)), dtype=torch.float32) for _ in range(4)]
    near_n = [
        torch.tensor(rng.integers(0, 4, (50, 2)), dtype=torch.float32) - 0.5 for _ in range(4)
    ]
    floor = [torch.zeros(50, 2), torch.zeros(50, 2)]
    floor[1][7, 1] = 1.0  # one image of 50 moves at ε = 0
    c = card("p3-fig11")
    one_noise_error = _correct({"clean": 0, "pgd": 50, "noise": 1})
    claims.pgd_vs_noise_codes(
        c,
        with_controls(
            _attack_images("resnet18", near_p, near_n, floor, one_noise_error), "resnet18"
        ),
        cfg,
    )
    ev = {x.claim_id: x for x in c.claims}
    assert (
        ev["P3-pgd-acc-resnet18-rule"].labelled_verdict == "PASS-marginal"
    )  # noise drop 0.02 = its bar
    assert ev["P3-pgd-acc-resnet18-rule"].evidence["statistic"] == pytest.approx(0.02)
    assert (
        ev["P3-pgd-acc-resnet18-paper"].evidence["threshold"] == 1.0
    )  # both halves: the verdict itself
    assert ev["P3-disp-resnet18-rule"].certainty == "marginal"
    assert ev["P3-disp-floor-resnet18"].labelled_verdict == "FAIL-marginal"
    assert ev["P3-disp-floor-resnet18"].evidence["statistic"] == pytest.approx(49 / 50)


def test_collapse_evidence_without_the_rule_is_the_verdict_on_each_resample():
    bad_pgd = _correct({"clean": 0, "pgd": 45, "noise": 0})  # PGD 10 %: not below the bar
    ev = claims._collapse_evidence(bad_pgd, False, 0.10)
    assert (
        ev.statistic == 0.0 and not ev.passes and ev.label == "marginal"
    )  # 9 % or 11 % with other images
    clear = claims._collapse_evidence(_correct({"clean": 0, "pgd": 50, "noise": 0}), False, 0.10)
    assert clear.statistic == 1.0 and clear.label == "clear"


def test_label_center_evidence_clear_and_marginal(card):
    rng = np.random.default_rng(0)

    def result(gap, spread):
        res = []
        for _ in range(2):
            d = torch.tensor(
                np.r_[gap + 2.0 + spread * rng.normal(size=8), 2.0 + spread * rng.normal(size=30)],
                dtype=torch.float32,
            )
            res.append({"distance": d, "correct": torch.tensor([False] * 8 + [True] * 30)})
        t = pd.DataFrame(
            {
                "model": ["ResNet-18"] * 2,
                "n incorrect": [8, 8],
                "mean ED incorrect": [float(x["distance"][~x["correct"]].mean()) for x in res],
                "mean ED correct": [float(x["distance"][x["correct"]].mean()) for x in res],
            }
        )
        return {"table": t, "res": {"resnet18": res}}

    cfg = SimpleNamespace(archs=("resnet18",), aggregate="input")
    c = card("p3-figS3")
    claims.figS3(c, result(3.0, 0.1), cfg)
    assert c.claims[0].labelled_verdict == "PASS"
    claims.figS3(c, result(0.0, 1.0), cfg)
    assert c.claims[0].certainty == "marginal"


def test_telescope_evidence_clear(card):
    g = torch.Generator().manual_seed(0)
    levels = [0.2, 0.1, 0.3, 0.4]
    cds = [
        torch.full((45,), v) + 0.001 * torch.rand(45, generator=g) for v in levels
    ]  # 10 units per layer
    r = {
        "diversity": {"A": [float(v.mean()) for v in cds]},
        "diversity_cd": {"A": cds},
        "pgd_disp": {},
        "noise_disp": {},
        "disp_items": {"pgd": {}, "noise": {}},
    }
    c = card("p3-figS4")
    claims.figS4(c, r)
    assert c.claims[0].labelled_verdict == "PASS" and c.claims[0].evidence["n_items"] == 10
    assert c.claims[1].passed is True and c.claims[1].evidence is None  # no attacked model


def test_unfolding_rests_on_one_class(card):
    c = card("p3-fig02")
    r = {
        "synthetic": {
            "center": torch.tensor([3.0, 0.0]),
            "expected": torch.tensor([3.0, 0.0]),
            "spread_unfolded": 2.0,
            "spread_folded": 3.5,
        },
        "cls": 1,
        "table": pd.DataFrame(
            {
                "layer": ["CL1", "CL2"],
                "wrapped BMUs": [0.5, 0.2],
                "D (unfolded)": [1.0, 2.0],
                "D (no unfolding)": [2.0, 2.5],
            }
        ),
    }
    claims.fig02(c, r)
    real = c.claims[1]
    assert real.labelled_verdict == "PASS (single example)" and real.evidence["statistic"] == 0.5
    assert c.claims[0].evidence is None  # the synthetic construction is no sample


# ---------------------------------------------------------------------- per-notebook functions
def test_fig01(card):
    c = card("p3-fig01")
    table = claims.fig01(
        c, {"dims": [256, 512, 1024, 2048], "channels": [64, 128, 256, 512], "arch": "resnet18"}
    )
    assert verdicts(c) == {"P3-code-dim": True}
    assert c.claims[0].measured == "256 / 512 / 1024 / 2048"
    assert list(table["claim"]) == ["P3-code-dim"]
    assert (paths.BUILD / "smoke" / "claims" / "p3-fig01.json").exists()


def test_fig02(card):
    c = card("p3-fig02")
    r = {
        "synthetic": {
            "center": torch.tensor([3.0, 0.0]),
            "expected": torch.tensor([3.0, 0.0]),
            "spread_unfolded": 2.0,
            "spread_folded": 3.5,
        },
        "cls": 1,
        "table": pd.DataFrame(
            {
                "layer": ["CL1", "CL2"],
                "wrapped BMUs": [0.5, 0.0],
                "D (unfolded)": [1.0, 2.0],
                "D (no unfolding)": [2.0, 1.0],
            }
        ),
    }
    claims.fig02(c, r)
    assert verdicts(c) == {"P3-unfold-synthetic": True, "P3-unfold-real": True}  # CL2 does not wrap
    assert c.claims[1].measured == "class 1: D unfolded 1.000 vs without 2.000 in CL1"
    c = card("p3-fig02")
    r["table"]["wrapped BMUs"] = 0.0
    claims.fig02(c, r)
    assert verdicts(c)["P3-unfold-real"] is None


def _loss_result(final: dict) -> dict:
    """Fig. 3 result whose last-epoch updates all have the final loss (two updates per layer)."""
    return {
        "final": final,
        "last_epoch": {a: [torch.full((2,), v) for v in f] for a, f in final.items()},
    }


def test_fig03(card):
    c = card("p3-fig03")
    claims.fig03(
        c, _loss_result({"resnet18": [0.1, 0.2, 0.3, 0.4], "vgg19_bn": [0.1, 0.5, 0.3, 0.2]})
    )
    assert verdicts(c) == {"P3-loss-resnet18": True, "P3-loss-vgg19_bn": False}
    assert c.claims[1].note == "CL1 < CL4: True"
    assert (
        c.claims[0].evidence["n_items"] == 2
        and c.claims[0].evidence["certainty"] == "too few items"
    )


def _density_result(layers):
    t = pd.DataFrame(
        {
            "model": ["ResNet-18"] * len(layers) + ["ResNet-50"] * len(layers),
            "layer": [f"CL{i + 1}" for i in layers] * 2,
            "units never BMU": [0.5] * len(layers) + [0.1] * len(layers),
            "uniform expectation": [0.3] * (2 * len(layers)),
        }
    )
    counts = {
        "resnet18": torch.tensor([[0, 3], [0, 1]]),  # half of the units never BMU
        "resnet50": torch.tensor([[0, 1, 1, 1, 1], [1, 1, 1, 1, 1]]),
    }  # one in ten
    density = {
        (a, li): {"counts": counts[a], "never_uniform": 0.3} for a in counts for li in layers
    }
    return {
        "table": t,
        "archs": ["resnet18", "resnet50"],
        "layers": list(layers),
        "density": density,
    }


def test_density_inhomogeneity_of_fig04_and_figS1(card):
    c = card("p3-fig04")
    claims.density_inhomogeneity(c, _density_result([1]))
    assert verdicts(c) == {"P3-density-resnet18": True, "P3-density-resnet50": False}
    c = card("p3-figS1")
    claims.density_inhomogeneity(c, _density_result(range(4)))
    assert verdicts(c) == {"P3-density-resnet18-all": True, "P3-density-resnet50-all": False}
    assert (
        c.claims[0].measured
        == "never BMU 0.50 / 0.50 / 0.50 / 0.50 vs uniform 0.30 / 0.30 / 0.30 / 0.30"
    )


def test_class_clustering_of_fig05_and_figS2(card):
    per_class = {
        "D_class tr": [torch.tensor([1.0, 1.0]), torch.tensor([2.0, 2.0])],
        "shuffled tr": [torch.tensor([3.0, 3.0])] * 2,
        "D_class val": [torch.tensor([1.0, 1.0]), torch.tensor([3.0, 3.0])],
        "shuffled val": [torch.tensor([3.0, 3.0])] * 2,
    }
    t = pd.DataFrame(
        {
            "layer": ["CL1", "CL2"],
            **{k: [float(v.mean()) for v in vs] for k, vs in per_class.items()},
        }
    )
    for nid, arch in (("p3-fig05", "resnet18"), ("p3-figS2", "resnet50")):
        c = card(nid)
        claims.class_clustering(c, {"table": t, "arch": arch, "per_class": per_class})
        assert verdicts(c) == {f"P3-cluster-{arch}-tr": True, f"P3-cluster-{arch}-val": False}
        assert [x.evidence["statistic"] for x in c.claims] == [
            1.0,
            0.0,
        ]  # smallest gap shuffled - true


def test_fig06(card):
    c = card("p3-fig06")
    down, up = (
        [torch.tensor([4.0 - i]) for i in range(4)],
        [torch.tensor([0.1 * (i + 1)]) for i in range(4)],
    )
    claims.fig06(c, {"res": {"resnet18": {"tr": down, "val": up, "wcd": up}}})
    assert verdicts(c) == {
        "P3-dclass-resnet18-tr": True,
        "P3-dclass-resnet18-val": False,
        "P3-wcd-resnet18": True,
    }
    assert c.claims[0].measured == "4.00 / 3.00 / 2.00 / 1.00 (ρ = -1.00)"


def test_fig07(card):
    c = card("p3-fig07")
    up = [torch.tensor([0.1 * (i + 1)]) for i in range(4)]
    down = list(reversed(up))
    r = {
        "sizes": [3, 4],
        "archs": ["resnet18", "resnet50"],
        "res": {
            (3, "resnet18"): up,
            (3, "resnet50"): up,
            (4, "resnet18"): up,
            (4, "resnet50"): down,
        },
    }
    claims.fig07(c, r)
    assert verdicts(c) == {
        "P3-ccd-size3": True,
        "P3-ccd-size4": False,
        "P3-ccd-size-dependence": None,
    }
    assert c.claims[1].note == "1/2 models pass"


def test_fig08(card):
    c = card("p3-fig08")
    up = [torch.tensor([0.1 * (i + 1)]) for i in range(4)]
    down = list(reversed(up))
    claims.fig08(
        c,
        {
            "datasets": ["digits", "lfw"],
            "res": {"digits": {"dclass": down, "ccd": up}, "lfw": {"dclass": up, "ccd": up}},
        },
    )
    assert verdicts(c) == {"P3-fig8-digits": True, "P3-fig8-lfw": False}


def test_fig09(card):
    for mean, passed in (([0.1, 0.2, 0.3], True), ([0.3, 0.2, 0.1], False)):
        c = card("p3-fig09")
        wcd = [torch.tensor([v]) for v in mean]  # one pair (2 units) per block
        claims.fig09(c, {"table": pd.DataFrame({"mean weight CD": mean}), "wcd": wcd})
        assert verdicts(c) == {"P3-vit-wcd": passed}
        assert c.claims[0].evidence["statistic"] == (1.0 if passed else -1.0)


def test_fig10(card):
    c = card("p3-fig10")
    up = [torch.tensor([0.1 * (i + 1)]) for i in range(6)]
    claims.fig10(
        c,
        {
            "archs": ["vit_tiny"],
            "sizes": [3, 4],
            "res": {(3, "vit_tiny"): up, (4, "vit_tiny"): list(reversed(up))},
        },
    )
    assert verdicts(c) == {
        "P3-vit-ccd-size3": True,
        "P3-vit-ccd-size4": False,
        "P3-vit-ccd-size-dependence": None,
    }


def _correct(n_wrong: dict, n: int = 50) -> dict:
    """Per-image correctness of ``n`` images with ``n_wrong[kind]`` misclassified ones."""
    return {k: torch.arange(n) >= w for k, w in n_wrong.items()}


def _attack_result(arch, pgd_rule_disp, floor_max=0.0, found=True):
    small = [torch.zeros(2, 2) for _ in range(4)]
    correct = {
        (arch, "paper"): _correct({"clean": 0, "pgd": 5, "noise": 0}),
        (arch, "rule"): _correct({"clean": 0, "pgd": 50, "noise": 1}),
    }
    return {
        "eps": {arch: {"paper": 4 / 255, "rule": 32 / 255}},
        "rule": {arch: {"found": found}},
        "correct": correct,
        "acc": {
            key: {k: float(v.float().mean()) for k, v in c.items()} for key, c in correct.items()
        },
        "disp": {
            (arch, "paper", "pgd"): small,
            (arch, "paper", "noise"): small,
            (arch, "rule", "pgd"): pgd_rule_disp,
            (arch, "rule", "noise"): small,
        },
        "floor": {arch: [torch.zeros(2, 2), torch.full((2, 2), floor_max)]},
    }


def test_pgd_vs_noise_codes_of_fig11_and_fig12(card):
    grow = [torch.full((2, 2), float(i + 1)) for i in range(4)]
    c = card("p3-fig11")
    claims.pgd_vs_noise_codes(
        c,
        with_controls(_attack_result("resnet18", grow), "resnet18"),
        SimpleNamespace(collapse_acc=0.10, notebook_id="p3-fig11"),
    )
    assert paper_rows(c) == {
        "P3-pgd-acc-resnet18-paper": False,
        "P3-disp-resnet18-paper": False,
        "P3-disp-grow-resnet18-paper": False,
        "P3-pgd-acc-resnet18-rule": True,
        "P3-disp-resnet18-rule": True,
        "P3-disp-grow-resnet18-rule": True,
        "P3-disp-floor-resnet18": True,
    }
    assert [x.claim_id for x in c.claims][:3] == [
        "P3-pgd-acc-resnet18-paper",
        "P3-disp-resnet18-paper",
        "P3-disp-grow-resnet18-paper",
    ]
    assert c.claims[0].paper_value.startswith("ResNet-18 77.8")
    assert c.claims[1].paper_value.endswith("(Fig. 11)")
    assert c.claims[3].note == "PGD half holds by the choice of ε*: only the noise half is tested"
    c = card("p3-fig12")
    claims.pgd_vs_noise_codes(
        c,
        with_controls(
            _attack_result("vit_tiny", list(reversed(grow)), floor_max=1.0, found=False), "vit_tiny"
        ),
        SimpleNamespace(collapse_acc=0.10, notebook_id="p3-fig12"),
    )
    v = verdicts(c)
    assert v["P3-pgd-acc-vit_tiny-rule"] is True  # PGD 0.0 < 0.10 without the rule
    assert v["P3-disp-grow-vit_tiny-rule"] is False and v["P3-disp-floor-vit_tiny"] is False
    assert c.claims[1].paper_value.endswith("(Fig. 12)") and c.claims[3].note == ""
    assert c.claims[-1].measured == "largest displacement at ε = 0: 1.00"


def test_figS3(card):
    t = pd.DataFrame(
        {
            "model": ["ResNet-18", "ResNet-18", "ResNet-50", "ResNet-50"],
            "n incorrect": [2, 2, 0, 0],
            "mean ED incorrect": [3.0, 2.0, float("nan"), float("nan")],
            "mean ED correct": [1.0, 1.0, 1.0, 1.0],
        }
    )

    def layer(bad: list[float], good: list[float]) -> dict:
        return {
            "distance": torch.tensor(bad + good),
            "correct": torch.tensor([False] * len(bad) + [True] * len(good)),
        }

    res = {
        "resnet18": [layer([3.0, 3.0], [1.0]), layer([2.0, 2.0], [1.0])],
        "resnet50": [layer([], [1.0])] * 2,
    }
    c = card("p3-figS3")
    claims.figS3(
        c,
        {"table": t, "res": res},
        SimpleNamespace(archs=("resnet18", "resnet50"), aggregate="class"),
    )
    assert verdicts(c) == {"P3-labelcenter-resnet18": True, "P3-labelcenter-resnet50": None}
    assert c.claims[0].measured.endswith("(InCorr: 2 classes)")
    assert c.claims[0].evidence["statistic"] == 1.0 and c.claims[1].evidence is None
    c = card("p3-figS3")
    t.loc[1, "mean ED incorrect"] = 1.0
    res["resnet18"][1] = layer([1.0, 1.0], [1.0])
    claims.figS3(
        c, {"table": t, "res": res}, SimpleNamespace(archs=("resnet18",), aggregate="input")
    )
    assert verdicts(c) == {"P3-labelcenter-resnet18": False}
    assert c.claims[0].measured.endswith("(InCorr: 2 inputs)")


def test_figS4(card):
    c = card("p3-figS4")
    diversity = {"A": [0.2, 0.1, 0.3, 0.4], "B": [0.4, 0.3, 0.1, 0.2]}
    pgd, noise = [1.0, 2.0, 3.0], [1.0, 1.0, 1.0]
    r = {
        "diversity": diversity,
        "diversity_cd": {k: [torch.tensor([v]) for v in d] for k, d in diversity.items()},
        "pgd_disp": {"A": pgd},
        "noise_disp": {"A": noise},
        "disp_items": {
            "pgd": {"A": [torch.full((3, 2), v) for v in pgd]},
            "noise": {"A": [torch.full((3, 2), v) for v in noise]},
        },
    }
    claims.figS4(c, r)
    assert verdicts(c) == {"P3-telescope": False, "P3-telescope-pgd": True}
    assert c.claims[0].note == "1/2 models"
    assert c.claims[0].evidence["statistic"] == 0.5 and c.claims[1].evidence["statistic"] == 2.0


def test_tab01(card):
    r = {"checks": _table1_checks(), "e_minus_5": math.exp(-5)}
    c = card("p3-tab01")
    claims.tab01(c, r, SimpleNamespace(profile="quick"))
    assert verdicts(c) == {"P3-table1": True, "P3-table1-epochs": None}
    assert c.claims[1].note.startswith("not evaluated")
    c = card("p3-tab01")
    claims.tab01(c, r, SimpleNamespace(profile="paper"))
    assert verdicts(c) == {"P3-table1": True, "P3-table1-epochs": False} and c.claims[1].note == ""


def test_tab02(card):
    chk = pd.DataFrame({"bound ok": [True, True], "in [0,1]": [True, False]})
    c = card("p3-tab02")
    claims.tab02(c, {"params": _table2(), "checks": chk})
    assert verdicts(c) == {"P3-table2": True, "P3-linf": False}
    assert c.claims[1].measured == "2/2 runs within ε, 1/2 in [0,1]"


def test_the_attack_controls_decide_on_both_sides():
    cfg = SimpleNamespace(collapse_acc=0.10, notebook_id="p3-fig11")
    grow = [torch.full((2, 2), float(i + 1)) for i in range(4)]
    # centered noise below PGD everywhere, U(0, ε) above centered in CL1, ε* above the 1/255 floor, not saturated,
    # and a mid-accuracy ε whose displacement grows
    r = with_controls(
        _attack_result("resnet18", grow),
        "resnet18",
        centered=[torch.full((2, 2), -1.0)] * 4,
        mid={"probes": {8 / 255: 0.5}, "eps": 8 / 255, "disp": grow},
    )
    r["disp"][("resnet18", "rule", "noise")] = [torch.full((2, 2), 0.5)] * 4
    c = Scorecard("p3-fig11", "smoke")
    claims.pgd_vs_noise_codes(c, r, cfg)
    v = {x.claim_id: x.passed for x in c.claims if x.kind == "control"}
    assert (
        v["P3-disp-centered-resnet18-rule"]
        and v["P3-noise-offset-resnet18-rule"]
        and v["P3-floor1-resnet18"]
    )
    assert v["P3-disp-grow-resnet18-rule-eval"] and v["P3-disp-grow-resnet18-mid"]
    # the other side: centered noise as strong as PGD, the floor as high as ε*, saturated growth, no mid ε
    r = with_controls(
        _attack_result("resnet18", grow), "resnet18", centered=grow, floor1=grow, random_pair=4.0
    )
    c = Scorecard("p3-fig11", "smoke")
    claims.pgd_vs_noise_codes(c, r, cfg)
    v = {x.claim_id: x.passed for x in c.claims if x.kind == "control"}
    assert v["P3-disp-centered-resnet18-rule"] is False and v["P3-floor1-resnet18"] is False
    assert v["P3-disp-grow-resnet18-rule-eval"] is None and v["P3-disp-grow-resnet18-mid"] is None
    assert claims.saturated([1.0, 3.2], 4.0) and not claims.saturated([1.0, 3.1], 4.0)


# ---------------------------------------------------------------------------- statements
def _pattern(template: str, known: dict) -> str:
    """A regular expression of ``template``: its known fields filled in, any other one any text."""
    out = []
    for literal, field, _, _ in string.Formatter().parse(template):
        out.append(re.escape(literal))
        if field is not None:
            out.append(re.escape(str(known[field])) if field in known else ".+")
    return "".join(out)


def _id_fields(key: str, claim_id: str) -> dict | None:
    """The fields of ``claim_id`` when it belongs to the family of ``key`` (else None)."""
    parts = []
    for literal, field, _, _ in string.Formatter().parse(key.split("#")[0]):
        parts.append(re.escape(literal) + ("" if field is None else rf"(?P<{field}>\w+)"))
    m = re.fullmatch("".join(parts), claim_id)
    return None if m is None else m.groupdict()


def test_every_p3_claim_of_the_committed_scorecard_has_its_statement():
    """Every P3 row of ``figures/claims.json`` has its statement and paper value in the table: the
    id in a family of the table, its text and paper value that family's with the fields of the id
    (``model``: the label of ``arch``) and of the notebook (:data:`statements.PAPER_ATTACK`) filled
    in and the measured fields (ε, the sizes, the aggregate) any text."""
    rows = [
        c
        for c in load_scorecard(paths.ROOT / "figures" / "claims.json")
        if c.claim_id.startswith("P3-")
    ]
    assert rows
    used = set()
    for c in rows:
        cid = c.claim_id.removesuffix("-real") if c.network else c.claim_id
        found = []
        for key, st in statements.STATEMENTS.items():
            fields = _id_fields(key, cid)
            if fields is None:
                continue
            if "arch" in fields:
                fields["model"] = LABELS[fields["arch"]]
            fields |= statements.PAPER_ATTACK.get(c.notebook_id, {})
            if re.fullmatch(_pattern(st.text, fields), c.statement) and re.fullmatch(
                _pattern(st.paper, fields), c.paper_value
            ):
                found.append(key)
        assert found, (c.notebook_id, c.claim_id, c.statement, c.paper_value)
        used.update(found)
    # the one entry the committed quick run does not reach: every ε probed gave a mid accuracy
    assert set(statements.STATEMENTS) - used == {"P3-disp-grow-{arch}-mid#unprobed"}


def test_a_family_fills_its_id_text_and_paper_value():
    cid, st = statements.statement(
        "P3-pgd-acc-{arch}-{which}",
        arch="resnet18",
        model="ResNet-18",
        which="rule",
        eps="32",
        **statements.PAPER_ATTACK["p3-fig12"],
    )
    assert cid == "P3-pgd-acc-resnet18-rule"
    assert st.text == "ResNet-18, ε = 32/255 (rule): PGD collapses accuracy, noise does not"
    assert st.paper.startswith("ViT: equivalent to the ResNets")
    assert statements.statement("P3-disp-grow-{arch}-mid#unprobed", arch="x", model="X")[0] == (
        "P3-disp-grow-x-mid"
    )
