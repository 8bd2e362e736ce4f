"""P1 verdict rules (inputspace.p1.claims): each rule on hand-made numbers on both sides of its
threshold (and at it), and each notebook's recording function on a tiny fake result."""
import math

import pytest
import torch

from inputspace import paths
from inputspace.claims import Scorecard
from inputspace.config import Config
from inputspace.methods.connectivity import DELTA
from inputspace.p1 import claims as c

# --- rules -----------------------------------------------------------------------------------


def test_barrier_exists_strictly_above_delta():
    assert c.barrier_exists(0.002)
    assert not c.barrier_exists(0.0005)
    assert not c.barrier_exists(DELTA)          # at δ: no barrier
    assert c.barrier_exists(0.2, delta=0.1) and not c.barrier_exists(0.05, delta=0.1)


def test_nearly_indistinguishable_at_most_five_percent():
    assert c.nearly_indistinguishable(0.01)
    assert c.nearly_indistinguishable(0.05)      # ≤: at the threshold passes
    assert not c.nearly_indistinguishable(0.051)


def test_in_hyperplane_absolute_cosine_below_0_1():
    assert c.in_hyperplane(0.05) and c.in_hyperplane(-0.09)
    assert not c.in_hyperplane(0.1) and not c.in_hyperplane(-0.1)   # <: at the threshold fails
    assert not c.in_hyperplane(-0.5)


def test_bypass_removes_barrier_below_a_tenth():
    assert c.bypass_removes_barrier(0.05, 1.0)
    assert not c.bypass_removes_barrier(0.1, 1.0)
    assert not c.bypass_removes_barrier(0.5, 1.0)


def test_interior_barrier_needs_interior_alpha_and_low_endpoints():
    assert c.interior_barrier(0.4, 0.01, 0.02, 1.0)
    assert not c.interior_barrier(0.0, 0.01, 0.02, 1.0)     # at the path's end
    assert not c.interior_barrier(1.0, 0.01, 0.02, 1.0)
    assert not c.interior_barrier(0.4, 0.01, 0.1, 1.0)      # an endpoint at 0.1 · CE(B)
    assert not c.interior_barrier(0.4, 0.5, 0.02, 1.0)


def test_connected_excess_strictly_below_delta():
    assert c.connected(0.0005) and c.connected(-0.3)
    assert not c.connected(DELTA)
    assert not c.connected(0.01)


def test_far_below_a_tenth_of_the_primary():
    assert c.far_below(0.05, 1.0)
    assert not c.far_below(0.1, 1.0)
    assert not c.far_below(0.2, 1.0)


def test_class_constant():
    assert c.class_constant([3, 3, 3], 3)
    assert c.class_constant(torch.tensor([3, 3]).tolist(), 3)
    assert not c.class_constant([3, 4, 3], 3)


def test_predicted_as():
    assert c.predicted_as(0, 0)
    assert not c.predicted_as(7, 0)


def test_secondary_barriers_emerge_needs_one_segment_and_a_lower_gap():
    assert c.secondary_barriers_emerge(1, 0.1, 0.5)
    assert not c.secondary_barriers_emerge(0, 0.1, 0.5)
    assert not c.secondary_barriers_emerge(2, 0.5, 0.5)     # equal to the primary: fails
    assert not c.secondary_barriers_emerge(2, 0.7, 0.5)


def test_exceeds_is_strict():
    assert c.exceeds(2.0, 1.0)
    assert not c.exceeds(1.0, 1.0)
    assert not c.exceeds(0.5, 1.0)


def test_fraction_with_barrier_more_than_half():
    assert c.fraction_with_barrier([0.1, 0.2, 0.0005]) == (pytest.approx(2 / 3), True)
    assert c.fraction_with_barrier([0.1, 0.0, 0.2, 0.0]) == (0.5, False)     # exactly half fails
    assert c.fraction_with_barrier([0.0, DELTA, 0.2]) == (pytest.approx(1 / 3), False)  # δ is no barrier
    assert c.fraction_with_barrier([]) == (0.0, False)


def test_fraction_reached_passes_only_when_every_attack_reached_its_mode():
    assert c.fraction_reached([0.1, 0.2], [0.05, 0.2]) == (1.0, True)       # ≤: equal counts
    assert c.fraction_reached([0.1, 0.2], [0.05, 0.3]) == (0.5, False)
    assert c.fraction_reached([], []) == (0.0, False)


def test_below_stop():
    assert c.below_stop([1e-3, 4e-3], 5e-3)
    assert not c.below_stop([1e-3, 5e-3], 5e-3)
    assert not c.below_stop([1e-3, 6e-3], 5e-3)


def test_untrained_connected_uses_round_two_or_the_last():
    assert c.untrained_connected([1.0, 0.1, 0.0105], [0.01, 0.01]) == (2, pytest.approx(0.0005), True)
    k, excess, ok = c.untrained_connected([1.0, 0.1, 0.02], [0.01, 0.01])     # excess 0.01 ≥ δ
    assert (k, ok) == (2, False) and excess == pytest.approx(0.01)
    assert c.untrained_connected([0.01, 0.0105], [0.01])[2] is False            # not < 0.1 × primary
    assert c.untrained_connected([1.0, 0.0105], [0.01])[:1] == (1,)             # one round only
    assert c.untrained_connected([1.0, 0.5, 0.0105, 0.5], [0.01])[0] == 2       # round 3 ignored


def test_rounds_within_two():
    assert c.rounds_within(0) and c.rounds_within(2)
    assert not c.rounds_within(3)
    assert not c.rounds_within(-1)          # never connected


def test_strictly_decreasing():
    assert c.strictly_decreasing([3.0, 2.0, 1.0])
    assert c.strictly_decreasing([1.0])
    assert not c.strictly_decreasing([3.0, 3.0, 1.0])
    assert not c.strictly_decreasing([3.0, 1.0, 2.0])
    assert not c.strictly_decreasing([3.0, math.nan])


def test_converged_barriers_only_at_converged_checkpoints():
    assert c.converged_barriers([0.1, 0.0, 0.2], [1e-3, 1.0, 1e-3], 5e-3) is True   # the 0 gap is left out
    assert c.converged_barriers([0.1, DELTA], [1e-3, 1e-3], 5e-3) is False
    assert c.converged_barriers([0.1, 0.2], [1.0, 5e-3], 5e-3) is None              # none converged (< stop)


def test_q99_spread_below_a_quarter():
    spread, ok = c.q99_spread([1.0, 2.0], [1.0, 2.1], [1.1, 1.9])
    assert ok and spread == pytest.approx(0.1)
    assert c.q99_spread([1.0], [1.0], [1.25]) == (0.25, False)       # <: at the threshold fails
    assert c.q99_spread([1.0, 1.0], [1.0, 0.5], [1.0, 1.0])[1] is False


def test_threshold_reproduced_within_0_02():
    assert c.threshold_reproduced(0.60, 0.5927)
    assert not c.threshold_reproduced(0.62, 0.5927)
    assert not c.threshold_reproduced(0.5, 0.52)        # at the threshold: not within
    assert c.threshold_reproduced(0.3, 0.31, tol=0.02)


def test_grows_compares_last_with_first():
    assert c.grows([0.1, 0.05, 0.2])
    assert not c.grows([0.2, 0.3, 0.2])
    assert not c.grows([0.3, 0.1])


def test_better_than_chance_needs_auc_and_p_value():
    assert c.better_than_chance(0.8, 0.01)
    assert not c.better_than_chance(0.5, 0.01)
    assert not c.better_than_chance(0.8, 0.05)
    assert not c.better_than_chance(0.4, 0.01)


# --- notebooks -----------------------------------------------------------------------------------

@pytest.fixture
def card(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "BUILD", tmp_path)

    def make(nid):
        return Scorecard(nid, "smoke")
    return make


def cfg(nid, **values):
    return Config(nid, "smoke", torch.device("cpu"), 0, values)


def verdicts(card_):
    return [(cl.claim_id, cl.passed) for cl in card_.claims]


def _demo(scan=True):
    variant = {"rel_linf": 0.03, "cosine": 0.02, "ce": 0.01, "secondary_excess": 0.0002, "secondary_gaps": [0.0001, 0.0003]}
    return {"gap": 0.5, "height": 0.6, "alpha_b": 0.4, "primary": torch.tensor([0.01, 0.6, 0.02]), "class": 3,
            "scan": {"rows": [{"class": 0, "pair": [0, 1], "gap": 0.5}, {"class": 0, "pair": [0, 2], "gap": 0.0}]} if scan else None,
            "variants": {"companion": variant, "exact": {**variant, "rel_linf": 0.5, "cosine": 0.0}}}


def test_fig01_records_five_claims(card):
    k = card("p1-fig01")
    table = c.fig01(k, _demo())
    assert verdicts(k) == [("P1.7-1a", True), ("P1.7-3a", True), ("P1.7-3b", True), ("P1.9-1", True), ("P1.9-1b", True)]
    assert "1 of 2 scanned mode pairs" in k.claims[0].measured
    assert list(table["claim"]) == [cl.claim_id for cl in k.claims]
    k2 = card("p1-fig01")
    c.fig01(k2, {**_demo(scan=False), "gap": 0.0})
    assert k2.claims[0].passed is False and "- of - scanned" in k2.claims[0].measured


def test_fig02_records_two_claims(card):
    k = card("p1-fig02")
    c.fig02(k, _demo())
    assert verdicts(k) == [("P1.7-2", True), ("P1.7-2b", True)]
    demo = _demo()
    demo["variants"]["companion"]["secondary_excess"] = 0.3
    k = card("p1-fig02")
    c.fig02(k, demo)
    assert verdicts(k) == [("P1.7-2", False), ("P1.7-2b", False)]


def test_fig03_records_the_constant_class(card):
    strips = {"bypass_pred": torch.tensor([3, 3]), "bypass_p": torch.tensor([0.9, 0.99]), "linear_p": torch.tensor([0.1, 0.9])}
    k = card("p1-fig03")
    c.fig03(k, _demo(), strips)
    assert verdicts(k) == [("P1.9-3", True)]
    k = card("p1-fig03")
    c.fig03(k, _demo(), {**strips, "bypass_pred": torch.tensor([3, 5])})
    assert verdicts(k) == [("P1.9-3", False)]


def test_fig04_records_the_prediction_and_a_not_evaluated_claim(card):
    att = {"probs": torch.tensor([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3]]), "target": 0, "ce_K_adv": 0.3, "ce_A": 0.1}
    k = card("p1-fig04")
    c.fig04(k, att, cfg("p1-fig04", attack_iters=8))
    assert verdicts(k) == [("P1.9-4a", True), ("P1.9-4b", None)]
    assert "after 8 iterations" in k.claims[1].measured


def _row(kind, height, gap, above, sec_gap, rounds):
    return {"kind": kind, "class": 0, "primary_height": height, "primary_gap": gap, "secondary_above_delta": above,
            "secondary_max_gap": sec_gap, "excess_per_round": [gap, sec_gap], "rounds_needed": rounds}


def test_fig05_records_five_claims(card):
    rows = [_row("demo", 1.0, 0.9, 1, 0.1, 2),
            _row("real-real", 0.1, 0.05, 0, 0.0, 1), _row("real-real", 0.2, 0.1, 0, 0.0, 1),
            _row("real-adversarial", 2.0, 1.9, 1, 0.2, -1), _row("real-adversarial", 3.0, 2.9, 0, 0.0, 2)]
    k = card("p1-fig05")
    c.fig05(k, {"rows": rows}, cfg("p1-fig05", max_rounds=3, n_pairs=2))
    assert verdicts(k) == [("P1.9-5a", True), ("P1.9-5b", True), ("P1.7-4a", True), ("P1.7-4b", True), ("P1.7-4e", True)]
    assert "mean rounds 3.00 vs 1.00 (2 pairs each)" in k.claims[2].measured    # unconnected = max_rounds + 1
    assert k.claims[4].measured == "pairs with a secondary gap > δ: 50% vs 0%"


def test_fig06_records_four_claims(card):
    rows = [{"kind": "within", "class": 0, "L1": 0.1, "L2": 0.2, "max": 0.3, "gap": 0.1, "kept": True},
            {"kind": "within", "class": 0, "L1": 0.1, "L2": 0.2, "max": 0.2, "gap": 0.0, "kept": True},
            {"kind": "within", "class": 1, "L1": 0.1, "L2": 0.2, "max": 0.5, "gap": 0.2, "kept": True},
            {"kind": "adversarial", "class": 0, "L1": 0.1, "L2": 0.05, "max": 2.0, "gap": 1.9, "kept": True},
            {"kind": "adversarial", "class": 1, "L1": 0.1, "L2": 0.3, "max": 3.0, "gap": 2.7, "kept": False}]
    k = card("p1-fig06")
    c.fig06(k, {"rows": rows}, cfg("p1-fig06", stat_attack_iters=8))
    assert verdicts(k) == [("P1.7-4c", True), ("P1.7-4d", True), ("P1.7-1b", True), ("P1.9-4b", False)]
    assert k.claims[2].measured == "67% of 3 kept within-class pairs"
    assert k.claims[3].measured == "50% of 2 attacks within 8 iterations"


def _round(height, gap, ok):
    return {"height": torch.tensor(height), "gap": torch.tensor(gap), "ok": torch.tensor(ok)}


def test_fig07_records_four_claims(card):
    res = {"fvo_ce": [1e-3, 2e-3], "rounds_needed": 2,
           "rounds": [_round([1.0], [0.9], [False]), _round([0.1, 0.05], [0.05, 0.01], [False, False]),
                      _round([0.0025] * 4, [0.0] * 4, [True] * 4)]}
    k = card("p1-fig07")
    c.fig07(k, res, cfg("p1-fig07", fvo_stop=5e-3, rounds=2))
    assert verdicts(k) == [("P1.9-7a", True), ("P1.7-5", True), ("P1.7-5s", True), ("P1.9-7b", True)]
    k = card("p1-fig07")
    c.fig07(k, {**res, "rounds_needed": -1}, cfg("p1-fig07", fvo_stop=1e-3, rounds=2))
    assert verdicts(k)[0] == ("P1.9-7a", False) and verdicts(k)[2] == ("P1.7-5s", False)
    assert k.claims[2].measured == "rounds needed: not within 2"


def _checkpoint(height, gap, fvo_ce):
    return {"height": torch.tensor(height), "gap": torch.tensor(gap), "area": torch.tensor(gap), "fvo_ce": torch.tensor(fvo_ce)}


def test_fig10_records_two_claims(card):
    evo = {"train_loss": [2.3], "checkpoints": [_checkpoint([1.0, 2.0], [0.5, 0.7], [1e-3, 2e-3]),
                                                _checkpoint([0.5, 0.7], [0.0, 0.0], [1.0, 2e-3])]}
    k = card("p1-fig10")
    c.fig10(k, evo, cfg("p1-fig10", fvo_stop=5e-3))
    assert verdicts(k) == [("P1.9-10a", True), ("P1.9-10b", None)]
    assert "converged at 1 of 2 checkpoints" in k.claims[0].measured and "left out" in k.claims[0].note
    k = card("p1-fig10")
    c.fig10(k, evo, cfg("p1-fig10", fvo_stop=1e-4))
    assert verdicts(k)[0] == ("P1.9-10a", None)


def test_lipschitz_records_the_q99_stability(card):
    rows = [{"model": "MLP", "q99": 1.0, "bound": 5.0, "q99_half1": 1.0, "q99_half2": 1.1},
            {"model": "ResNet-18", "q99": 2.0, "bound": float("nan"), "q99_half1": 2.0, "q99_half2": 2.2}]
    k = card("p1-lipschitz")
    c.lipschitz(k, {"rows": rows})
    assert verdicts(k) == [("P1.7-6", True)]
    assert "MLP q99 ≤ spectral bound: True" in k.claims[0].measured and "differ by ≤ 10%" in k.claims[0].measured
    rows[1]["q99_half2"] = 3.0
    k = card("p1-lipschitz")
    c.lipschitz(k, {"rows": rows})
    assert verdicts(k) == [("P1.7-6", False)]


def test_percolation_records_five_claims(card):
    perc = {"validation": [{"d": 2, "side": 16, "median": 0.59, "literature": 0.5927},
                           {"d": 3, "side": 8, "median": 0.40, "literature": 0.3116},
                           {"d": 4, "side": 5, "median": 0.20, "literature": 0.197}],
            "iid": [{"d": 2, "mean": 0.1}, {"d": 3, "mean": 0.3}],
            "slices": [{"d": 2, "connection": 0.2}, {"d": 2, "connection": 0.4}, {"d": 3, "connection": 0.1}]}
    k = card("p1-percolation")
    c.percolation(k, perc)
    assert verdicts(k) == [("PERC-2D", True), ("PERC-3D", False), ("PERC-dim", True), ("P1.7-7a", True), ("P1.7-7b", False)]
    assert k.claims[0].measured == "0.5900 (side 16)"
    assert k.claims[4].measured == "d=2: 0.300, d=3: 0.100"


def test_detection_records_per_attack_or_not_evaluated(card):
    roc = {"barrier:pgd": {"auc": 0.9, "p_value": 0.001, "n_clean": 10, "n_adv": 8}, "softmax:pgd": {"auc": 0.95}}
    k = card("p1-detection")
    c.detection(k, {"roc": roc})
    assert verdicts(k) == [("DET-pgd-a", True), ("DET-pgd-b", False), ("DET-inputopt", None)]
    assert k.claims[0].measured == "AUC 0.900, p = 0.001 (10 clean vs 8 adversarial)"
