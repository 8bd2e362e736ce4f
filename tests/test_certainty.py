"""Bootstrap intervals and certainty labels of verdicts (the threshold and verdict never change)."""

import numpy as np
import pytest

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
