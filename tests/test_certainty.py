"""Bootstrap intervals and certainty labels of verdicts (the threshold and verdict never change)."""

import math

import numpy as np
import pytest
import torch

from inputspace import certainty as ct
from inputspace import scorecard


def test_interval_far_from_the_threshold_is_clear():
    values = np.random.default_rng(1).normal(0.9, 0.02, size=40)
    e = ct.evidence(values, lambda m: m > 0.5, threshold=0.5)
    assert e.low < e.statistic < e.high and e.high < 0.95 and e.low > 0.85
    assert e.label == "clear" and e.n_items == 40 and e.passes


def test_interval_that_crosses_the_threshold_is_marginal():
    values = np.random.default_rng(2).normal(0.5, 0.3, size=20)
    bar = float(values.mean()) + 0.01
    e = ct.evidence(values, lambda m: m >= bar, threshold=bar)
    assert e.low < e.threshold < e.high and e.label == "marginal" and not e.passes


def test_a_rule_on_every_item_is_clear_when_every_item_holds():
    """``fraction == 1`` on 20 items that all hold: every resample holds too (clear PASS); with
    one failing item most resamples contain it (and the statistic fails): not a clear PASS."""
    every = lambda f: f == 1.0
    assert ct.evidence(np.ones(20), every, threshold=1.0).label == "clear"
    one_off = ct.evidence(np.r_[np.ones(19), 0.0], every, threshold=1.0)
    assert (
        not one_off.passes and one_off.label == "marginal"
    )  # resamples without the failing item pass
    many_off = ct.evidence(np.r_[np.ones(10), np.zeros(10)], every, threshold=1.0)
    assert not many_off.passes and many_off.label == "clear"


def test_strictness_of_the_rule_decides_at_the_boundary():
    at_bar = np.full(10, 0.5)  # interval [0.5, 0.5] sits on the bar
    assert ct.evidence(at_bar, lambda m: m >= 0.5).label == "clear"
    assert not ct.evidence(at_bar, lambda m: m > 0.5).passes


def test_the_interval_is_reproducible_and_narrows_with_more_items():
    rng = np.random.default_rng(3)
    small, large = rng.normal(size=10), rng.normal(size=1000)
    assert ct.bootstrap(small) == ct.bootstrap(small)  # fixed seed
    w = lambda iv: iv[1] - iv[0]
    assert w(ct.bootstrap(large)) < w(ct.bootstrap(small)) / 3


def test_paired_bootstrap_uses_the_same_items_in_both_groups():
    rng = np.random.default_rng(4)
    item = rng.normal(0, 5, size=30)  # large per-item spread shared by both groups
    a, b = item + 0.2, item  # a is b shifted by exactly 0.2 on every item
    diff = lambda x, y: float(np.mean(x - y))
    assert ct.paired_bootstrap(a, b, diff) == pytest.approx((0.2, 0.2))
    unpaired = ct.bootstrap(a, np.mean)[1] - ct.bootstrap(a, np.mean)[0]
    assert unpaired > 1.0  # resampling one group alone sees the item spread
    with pytest.raises(ValueError, match="same non-empty"):
        ct.paired_bootstrap(a, b[:-1], diff)


def test_auc_and_its_stratified_interval():
    assert ct.auc(np.array([2.0, 3.0]), np.array([1.0, 0.0])) == 1.0
    assert ct.auc(np.array([1.0]), np.array([1.0])) == 0.5
    rng = np.random.default_rng(5)
    lo, hi = ct.auc_bootstrap(rng.normal(1, 1, 50), rng.normal(0, 1, 50))
    assert 0.5 < lo < hi < 1.0


def test_labels_for_few_and_single_items():
    above = lambda m: m > 0.5
    assert ct.evidence([0.9], above).label == "single example"
    assert (
        ct.single_example(0.2, above).label == "single example"
        and not ct.single_example(0.2, above).passes
    )
    e = ct.evidence([0.9, 0.8, 0.7], above, threshold=0.5)
    assert e.label == "too few items" and e.low is None and e.n_items == 3
    assert ct.label(0.1, 0.2, above, 10) == "clear" and ct.label(0.1, 0.6, above, 10) == "marginal"
    with pytest.raises(ValueError, match="rule"):
        ct.label(0.1, 0.6, None, 10)


def test_paired_and_auc_evidence():
    rng = np.random.default_rng(6)
    item = rng.normal(0, 5, size=30)
    diff = lambda x, y: float(np.mean(x - y))
    e = ct.paired_evidence(item + 0.2, item, diff, lambda d: d > 0, threshold=0.0)
    assert e.label == "clear" and e.passes and e.low == pytest.approx(0.2)
    a = ct.auc_evidence(
        np.linspace(0, 1, 40) + 0.01, np.linspace(0, 1, 40), lambda v: v > 0.5, threshold=0.5
    )
    assert a.label == "marginal" and a.n_items == 40
    assert ct.auc_evidence([2.0, 3.0], [1.0], lambda v: v > 0.5).label == "single example"


# ------------------------------------------------ stratified resampling and statistics of items
def _mean_of(values):
    return lambda idx: float(np.mean(np.asarray(values)[idx[0]]))


def test_stratified_evidence_clear_and_marginal():
    clear = ct.stratified_evidence([20], _mean_of([2.0, 3.0] * 10), lambda m: m > 0, 0.0)
    assert clear.label == "clear" and clear.statistic == 2.5 and clear.passes
    assert 2.0 < clear.low < 2.5 < clear.high < 3.0
    marginal = ct.stratified_evidence(
        [21], _mean_of([-1.0, 1.0] * 10 + [0.5]), lambda m: m > 0, 0.0
    )
    assert marginal.label == "marginal" and marginal.passes and marginal.low < 0 < marginal.high
    again = ct.stratified_evidence([21], _mean_of([-1.0, 1.0] * 10 + [0.5]), lambda m: m > 0, 0.0)
    assert (again.low, again.high) == (marginal.low, marginal.high)  # seeded


def test_stratified_evidence_few_items_one_item_and_none():
    few = ct.stratified_evidence([30, 4], lambda idx: 1.0, lambda m: m > 0, 0.0)
    assert few.label == "too few items" and few.low is None and few.n_items == 4
    assert (
        ct.stratified_evidence([1], lambda idx: 1.0, lambda m: m > 0, 0.0).label == "single example"
    )
    assert ct.stratified_evidence([5, 0], lambda idx: 1.0, lambda m: m > 0, 0.0) is None


def test_stratified_evidence_resamples_each_stratum_within_itself_keeping_its_size():
    seen = []

    def stat(idx):
        seen.append([(len(i), int(i.min()), int(i.max())) for i in idx])
        return 1.0

    ct.stratified_evidence([6, 40], stat, lambda m: m > 0, 0.0)
    assert len(seen) == 1 + 2000
    assert all(
        a[0] == 6 and 0 <= a[1] <= a[2] < 6 and b[0] == 40 and 0 <= b[1] <= b[2] < 40
        for a, b in seen
    )


def test_statistics_at_item_indices_of_a_per_item_tensor():
    v = torch.tensor([4.0, 1.0, 3.0, 2.0])
    assert ct.take(v, np.array([3, 3, 0])).tolist() == [2.0, 2.0, 4.0]
    assert ct.mean_at(v, np.arange(4)) == float(v.mean()) == 2.5
    assert ct.median_at(v, np.arange(4)) == float(v.median()) == 2.0  # the lower median
    assert ct.mean_at(v, np.array([0, 0, 1])) == 3.0 and ct.median_at(v, np.array([1, 2])) == 1.0
    flags = torch.tensor([True, False, True, True])
    assert (
        ct.fraction_at(flags, np.arange(4)) == 0.75 and ct.fraction_at(flags, np.array([1])) == 0.0
    )


def test_common_size_of_numbers_over_the_same_items():
    assert ct.common_size([7, 7, 7]) == 7
    with pytest.raises(ValueError, match=r"one length, got \[6, 7\]"):
        ct.common_size([7, 6, 7])


def _condensed(square: torch.Tensor) -> torch.Tensor:
    i, j = torch.triu_indices(len(square), len(square), offset=1)
    return square[i, j]


def test_pair_distances_of_the_observed_items_are_the_library_numbers():
    v = torch.rand(45, generator=torch.Generator().manual_seed(0))
    p = ct.PairDistances(v)
    assert p.k == 10
    assert p.mean(np.arange(10)) == float(v.mean()) and p.median(np.arange(10)) == float(v.median())


def test_pair_distances_of_a_resample_are_those_of_its_pairs_of_distinct_items():
    g = torch.Generator().manual_seed(1)
    square = torch.rand(7, 7, generator=g)
    square = square + square.T
    p = ct.PairDistances(_condensed(square))
    for seed in range(5):
        idx = np.random.default_rng(seed).integers(0, 7, 7)
        pairs = torch.stack(
            [square[idx[a], idx[b]] for a in range(7) for b in range(a + 1, 7) if idx[a] != idx[b]]
        )
        assert p.mean(idx) == pytest.approx(float(pairs.mean()), rel=1e-6)
        assert p.median(idx) == float(pairs.median())  # the lower median, as torch takes it
    assert math.isnan(p.mean(np.zeros(7, dtype=int)))  # one item drawn seven times: no pair


def test_pair_distances_reject_a_count_that_is_no_number_of_pairs():
    with pytest.raises(ValueError, match="not the pairs"):
        ct.PairDistances(torch.zeros(4))


def test_verdict_text():
    assert ct.verdict_text("PASS", "marginal") == "PASS-marginal"
    assert ct.verdict_text("FAIL", "clear") == "FAIL"
    assert ct.verdict_text("FAIL", "single example") == "FAIL (single example)"
    assert ct.verdict_text("N/A", "marginal") == "N/A" and ct.verdict_text("PASS", None) == "PASS"


def _claim(cid, passed, ev=None):
    from inputspace import claims

    return claims.Claim(
        "p1-fig06", cid, "s", "p", "0.7", passed, evidence=None if ev is None else ev.as_dict()
    )


def test_scorecard_shows_intervals_labels_and_split_totals():

    above = lambda m: m > 0.5
    clear = ct.evidence(np.full(10, 0.9) + np.linspace(0, 0.01, 10), above, threshold=0.5)
    marginal = ct.evidence(np.linspace(0.2, 0.8, 10), above, threshold=0.5)
    rows = [
        _claim("A", True, clear),
        _claim("B", True, marginal),
        _claim("C", False, marginal),
        _claim("D", None),
        _claim("E", False, ct.evidence([0.1], above, threshold=0.5)),
    ]
    md = scorecard.to_markdown(rows, "quick")
    assert (
        "**Paper claims: 2 pass (1 clear, 1 marginal), 2 fail (0 clear, 1 marginal, 1 without an "
        "interval), 1 not evaluated**" in md
    )
    assert (
        "**PASS-marginal**" in md
        and "**FAIL-marginal**" in md
        and "**FAIL (single example)**" in md
    )
    assert "[95 % CI" in md and "n = 10]" in md and "| **PASS** |" in md


def test_claims_without_evidence_keep_their_old_form():
    from inputspace import claims

    plain = [_claim("A", True), _claim("B", False)]
    assert "evidence" not in plain[0].as_dict()
    assert scorecard.totals_text(plain) == "1 pass, 1 fail, 0 not evaluated"
    assert "[95 % CI" not in scorecard.to_markdown(plain, "quick")
    assert (
        claims.Claim.from_dict(plain[0].as_dict()) == plain[0]
    )  # files written before evidence existed read back


def test_seed_table_marks_the_verdicts_that_flip():

    s0 = [_claim("A", True), _claim("B", True), _claim("C", False)]
    s1 = [_claim("A", True), _claim("B", False)]
    md = scorecard.seeds_markdown({0: s0, 1: s1})
    assert "1 of 3 claims change verdict" in md
    rows = {line.split(" | ")[1]: line for line in md.splitlines() if line.startswith("| p1-fig06")}
    assert rows["B"].endswith("| yes |") and not rows["A"].endswith("| yes |")
    assert "| — |" in rows["C"]  # seed 1 has no such claim


def test_record_refuses_evidence_whose_rule_disagrees_with_the_verdict(tmp_path, monkeypatch):
    from inputspace import claims

    monkeypatch.setenv("INPUTSPACE_DATA", str(tmp_path))
    monkeypatch.setattr(claims.paths, "BUILD", tmp_path / "build")
    card = claims.Scorecard("p1-fig06", "smoke")
    ev = ct.evidence(np.full(10, 0.9), lambda m: m > 0.5, threshold=0.5)
    card.record("ok", "s", "p", "0.9", True, evidence=ev)
    with pytest.raises(ValueError, match="rule gives True"):
        card.record("bad", "s", "p", "0.9", False, evidence=ev)
