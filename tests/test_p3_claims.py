"""P3 claims as code: every verdict rule of ``inputspace.p3.claims`` on hand-made numbers on both sides
of its threshold, and every notebook's claims function on a tiny fake result with a real Scorecard."""
import math
from types import SimpleNamespace

import pandas as pd
import pytest
import torch

from inputspace import paths
from inputspace.claims import Scorecard
from inputspace.p3 import claims


@pytest.fixture
def card(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "BUILD", tmp_path)
    return lambda nid: Scorecard(nid, "smoke")


def verdicts(card: Scorecard) -> dict:
    return {c.claim_id: c.passed for c in card.claims}


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
    s = 8 ** 0.5
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
    c = {"sigma": 10.0, "alpha": 0.1, "sched": "exp", "periodic": True, "metric": "cosine",
         "factor_start": 1.0, "factor_end": math.exp(-5), "batch": {"resnet18": 10, "densenet121": 50},
         "paper_batch": {"densenet121": 50}, "epochs": 50}
    return {**c, **kw}


def test_table1_matches():
    assert claims.table1_matches(_table1_checks(), math.exp(-5)) is True
    assert claims.table1_matches(_table1_checks(factor_end=math.exp(-5) + 5e-13), math.exp(-5))
    assert not claims.table1_matches(_table1_checks(factor_end=math.exp(-5) + 2e-12), math.exp(-5))
    for bad in ({"sigma": 9.0}, {"alpha": 0.2}, {"sched": "linear"}, {"periodic": False},
                {"metric": "euclidean"}, {"factor_start": 0.99}, {"batch": {"densenet121": 10}}):
        assert not claims.table1_matches(_table1_checks(**bad), math.exp(-5)), bad


def test_epochs_verdict():
    assert claims.epochs_verdict(5, "paper") is True
    assert claims.epochs_verdict(50, "paper") is False
    assert claims.epochs_verdict(50, "quick") is None


def _table2(**kw):
    p = {"eps": 4 / 255, "eps_iter": 4 / 255 * 2 / 100, "nb_iter": 50, "rand_init": True, "targeted": False,
         "clip_min": 0.0, "clip_max": 1.0, "norm": "Linf"}
    return {**p, **kw}


def test_table2_matches():
    assert claims.table2_matches(_table2()) is True
    assert claims.table2_matches(_table2(eps=4 / 255 + 5e-13))
    assert not claims.table2_matches(_table2(eps=4 / 255 + 2e-12))
    for bad in ({"eps_iter": 4 / 255 / 100}, {"rand_init": False}, {"targeted": True}, {"clip_max": 255.0},
                {"norm": "L2"}):
        assert not claims.table2_matches(_table2(**bad)), bad


def test_runs_within_bounds():
    assert claims.runs_within_bounds([True, True], [True, True])
    assert not claims.runs_within_bounds([True, False], [True, True])
    assert not claims.runs_within_bounds([True, True], [False, True])
    assert claims.runs_within_bounds([], [])


# ---------------------------------------------------------------------- per-notebook functions
def test_fig01(card):
    c = card("p3-fig01")
    table = claims.fig01(c, {"dims": [256, 512, 1024, 2048], "channels": [64, 128, 256, 512], "arch": "resnet18"})
    assert verdicts(c) == {"P3-code-dim": True}
    assert c.claims[0].measured == "256 / 512 / 1024 / 2048"
    assert list(table["claim"]) == ["P3-code-dim"]
    assert (paths.BUILD / "smoke" / "claims" / "p3-fig01.json").exists()


def test_fig02(card):
    c = card("p3-fig02")
    r = {"synthetic": {"center": torch.tensor([3.0, 0.0]), "expected": torch.tensor([3.0, 0.0]),
                       "spread_unfolded": 2.0, "spread_folded": 3.5},
         "cls": 1, "table": pd.DataFrame({"layer": ["CL1", "CL2"], "wrapped BMUs": [0.5, 0.0],
                                          "D (unfolded)": [1.0, 2.0], "D (no unfolding)": [2.0, 1.0]})}
    claims.fig02(c, r)
    assert verdicts(c) == {"P3-unfold-synthetic": True, "P3-unfold-real": True}  # CL2 does not wrap
    assert c.claims[1].measured == "class 1: D unfolded 1.000 vs without 2.000 in CL1"
    c = card("p3-fig02")
    r["table"]["wrapped BMUs"] = 0.0
    claims.fig02(c, r)
    assert verdicts(c)["P3-unfold-real"] is None


def test_fig03(card):
    c = card("p3-fig03")
    claims.fig03(c, {"final": {"resnet18": [0.1, 0.2, 0.3, 0.4], "vgg19_bn": [0.1, 0.5, 0.3, 0.2]}})
    assert verdicts(c) == {"P3-loss-resnet18": True, "P3-loss-vgg19_bn": False}
    assert c.claims[1].note == "CL1 < CL4: True"


def _density_result(layers):
    t = pd.DataFrame({"model": ["ResNet-18"] * len(layers) + ["ResNet-50"] * len(layers),
                      "layer": [f"CL{i + 1}" for i in layers] * 2,
                      "units never BMU": [0.5] * len(layers) + [0.1] * len(layers),
                      "uniform expectation": [0.3] * (2 * len(layers))})
    return {"table": t, "archs": ["resnet18", "resnet50"], "layers": list(layers)}


def test_density_inhomogeneity_of_fig04_and_figS1(card):
    c = card("p3-fig04")
    claims.density_inhomogeneity(c, _density_result([1]))
    assert verdicts(c) == {"P3-density-resnet18": True, "P3-density-resnet50": False}
    c = card("p3-figS1")
    claims.density_inhomogeneity(c, _density_result(range(4)))
    assert verdicts(c) == {"P3-density-resnet18-all": True, "P3-density-resnet50-all": False}
    assert c.claims[0].measured == "never BMU 0.50 / 0.50 / 0.50 / 0.50 vs uniform 0.30 / 0.30 / 0.30 / 0.30"


def test_class_clustering_of_fig05_and_figS2(card):
    t = pd.DataFrame({"layer": ["CL1", "CL2"], "D_class tr": [1.0, 2.0], "shuffled tr": [3.0, 3.0],
                      "D_class val": [1.0, 3.0], "shuffled val": [3.0, 3.0]})
    for nid, arch in (("p3-fig05", "resnet18"), ("p3-figS2", "resnet50")):
        c = card(nid)
        claims.class_clustering(c, {"table": t, "arch": arch})
        assert verdicts(c) == {f"P3-cluster-{arch}-tr": True, f"P3-cluster-{arch}-val": False}


def test_fig06(card):
    c = card("p3-fig06")
    down, up = [torch.tensor([4.0 - i]) for i in range(4)], [torch.tensor([0.1 * (i + 1)]) for i in range(4)]
    claims.fig06(c, {"res": {"resnet18": {"tr": down, "val": up, "wcd": up}}})
    assert verdicts(c) == {"P3-dclass-resnet18-tr": True, "P3-dclass-resnet18-val": False, "P3-wcd-resnet18": True}
    assert c.claims[0].measured == "4.00 / 3.00 / 2.00 / 1.00 (ρ = -1.00)"


def test_fig07(card):
    c = card("p3-fig07")
    up = [torch.tensor([0.1 * (i + 1)]) for i in range(4)]
    down = list(reversed(up))
    r = {"sizes": [3, 4], "archs": ["resnet18", "resnet50"],
         "res": {(3, "resnet18"): up, (3, "resnet50"): up, (4, "resnet18"): up, (4, "resnet50"): down}}
    claims.fig07(c, r)
    assert verdicts(c) == {"P3-ccd-size3": True, "P3-ccd-size4": False, "P3-ccd-size-dependence": None}
    assert c.claims[1].note == "1/2 models pass"


def test_fig08(card):
    c = card("p3-fig08")
    up = [torch.tensor([0.1 * (i + 1)]) for i in range(4)]
    down = list(reversed(up))
    claims.fig08(c, {"datasets": ["digits", "lfw"],
                     "res": {"digits": {"dclass": down, "ccd": up}, "lfw": {"dclass": up, "ccd": up}}})
    assert verdicts(c) == {"P3-fig8-digits": True, "P3-fig8-lfw": False}


def test_fig09(card):
    c = card("p3-fig09")
    claims.fig09(c, {"table": pd.DataFrame({"mean weight CD": [0.1, 0.2, 0.3]})})
    assert verdicts(c) == {"P3-vit-wcd": True}
    c = card("p3-fig09")
    claims.fig09(c, {"table": pd.DataFrame({"mean weight CD": [0.3, 0.2, 0.1]})})
    assert verdicts(c) == {"P3-vit-wcd": False}


def test_fig10(card):
    c = card("p3-fig10")
    up = [torch.tensor([0.1 * (i + 1)]) for i in range(6)]
    claims.fig10(c, {"archs": ["vit_tiny"], "sizes": [3, 4],
                     "res": {(3, "vit_tiny"): up, (4, "vit_tiny"): list(reversed(up))}})
    assert verdicts(c) == {"P3-vit-ccd-size3": True, "P3-vit-ccd-size4": False, "P3-vit-ccd-size-dependence": None}


def _attack_result(arch, pgd_rule_disp, floor_max=0.0, found=True):
    small = [torch.zeros(2, 2) for _ in range(4)]
    return {"eps": {arch: {"paper": 4 / 255, "rule": 32 / 255}},
            "rule": {arch: {"found": found}},
            "acc": {(arch, "paper"): {"clean": 1.0, "pgd": 0.9, "noise": 1.0},
                    (arch, "rule"): {"clean": 1.0, "pgd": 0.0, "noise": 0.98}},
            "disp": {(arch, "paper", "pgd"): small, (arch, "paper", "noise"): small,
                     (arch, "rule", "pgd"): pgd_rule_disp, (arch, "rule", "noise"): small},
            "floor": {arch: [torch.zeros(2, 2), torch.full((2, 2), floor_max)]}}


def test_pgd_vs_noise_codes_of_fig11_and_fig12(card):
    grow = [torch.full((2, 2), float(i + 1)) for i in range(4)]
    c = card("p3-fig11")
    claims.pgd_vs_noise_codes(c, _attack_result("resnet18", grow), SimpleNamespace(collapse_acc=0.10, notebook_id="p3-fig11"))
    assert verdicts(c) == {
        "P3-pgd-acc-resnet18-paper": False, "P3-disp-resnet18-paper": False, "P3-disp-grow-resnet18-paper": False,
        "P3-pgd-acc-resnet18-rule": True, "P3-disp-resnet18-rule": True, "P3-disp-grow-resnet18-rule": True,
        "P3-disp-floor-resnet18": True}
    assert [x.claim_id for x in c.claims][:3] == ["P3-pgd-acc-resnet18-paper", "P3-disp-resnet18-paper",
                                                   "P3-disp-grow-resnet18-paper"]
    assert c.claims[0].paper_value.startswith("ResNet-18 77.8")
    assert c.claims[1].paper_value.endswith("(Fig. 11)")
    assert c.claims[3].note == "PGD half holds by the choice of ε*: only the noise half is tested"
    c = card("p3-fig12")
    claims.pgd_vs_noise_codes(c, _attack_result("vit_tiny", list(reversed(grow)), floor_max=1.0, found=False),
                              SimpleNamespace(collapse_acc=0.10, notebook_id="p3-fig12"))
    v = verdicts(c)
    assert v["P3-pgd-acc-vit_tiny-rule"] is True  # PGD 0.0 < 0.10 without the rule
    assert v["P3-disp-grow-vit_tiny-rule"] is False and v["P3-disp-floor-vit_tiny"] is False
    assert c.claims[1].paper_value.endswith("(Fig. 12)") and c.claims[3].note == ""
    assert c.claims[-1].measured == "largest displacement at ε = 0: 1.00"


def test_figS3(card):
    t = pd.DataFrame({"model": ["ResNet-18", "ResNet-18", "ResNet-50", "ResNet-50"],
                      "n incorrect": [2, 2, 0, 0], "mean ED incorrect": [3.0, 2.0, float("nan"), float("nan")],
                      "mean ED correct": [1.0, 1.0, 1.0, 1.0]})
    c = card("p3-figS3")
    claims.figS3(c, {"table": t}, SimpleNamespace(archs=("resnet18", "resnet50"), aggregate="class"))
    assert verdicts(c) == {"P3-labelcenter-resnet18": True, "P3-labelcenter-resnet50": None}
    assert c.claims[0].measured.endswith("(InCorr: 2 classes)")
    c = card("p3-figS3")
    t.loc[1, "mean ED incorrect"] = 1.0
    claims.figS3(c, {"table": t}, SimpleNamespace(archs=("resnet18",), aggregate="input"))
    assert verdicts(c) == {"P3-labelcenter-resnet18": False}
    assert c.claims[0].measured.endswith("(InCorr: 2 inputs)")


def test_figS4(card):
    c = card("p3-figS4")
    r = {"diversity": {"A": [0.2, 0.1, 0.3, 0.4], "B": [0.4, 0.3, 0.1, 0.2]},
         "pgd_disp": {"A": [1.0, 2.0, 3.0]}, "noise_disp": {"A": [1.0, 1.0, 1.0]}}
    claims.figS4(c, r)
    assert verdicts(c) == {"P3-telescope": False, "P3-telescope-pgd": True}
    assert c.claims[0].note == "1/2 models"


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
