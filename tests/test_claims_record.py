"""Recording a claim from a statement table, its verdict from the evidence's own rule."""

from __future__ import annotations

import pytest

from inputspace import certainty, claims


def _card(tmp_path):
    return claims.Scorecard("p1-fig01", "smoke", tmp_path)


TABLE = {"P1.7-1": claims.Statement("A barrier exists", "exists")}


def _rule(x: float) -> bool:
    return x > 0.5


@pytest.mark.parametrize("value, verdict", [(0.9, True), (0.1, False)])
def test_verdict_defaults_to_the_evidence_rule(tmp_path, value, verdict):
    card = _card(tmp_path)
    ev = certainty.single_example(value, _rule, 0.5)
    c = claims.record(card, TABLE, "P1.7-1", f"{value}", evidence=ev)
    assert c.passed is verdict
    assert (c.statement, c.paper_value) == ("A barrier exists", "exists")


def test_a_verdict_given_must_agree_with_the_evidence(tmp_path):
    card = _card(tmp_path)
    ev = certainty.single_example(0.9, _rule, 0.5)
    assert claims.record(card, TABLE, "P1.7-1", "0.9", passed=True, evidence=ev).passed is True
    with pytest.raises(ValueError, match="evidence's rule gives True"):
        claims.record(card, TABLE, "P1.7-1", "0.9", passed=False, evidence=ev)


def test_no_verdict_without_evidence_is_refused(tmp_path):
    card = _card(tmp_path)
    with pytest.raises(ValueError, match="no verdict given"):
        claims.record(card, TABLE, "P1.7-1", "x")
    assert claims.record(card, TABLE, "P1.7-1", "x", passed=None).passed is None


def test_an_unknown_id_is_refused(tmp_path):
    with pytest.raises(KeyError, match="no statement"):
        claims.record(_card(tmp_path), TABLE, "P1.7-2", "x", passed=True)


def test_variant_rows_default_to_the_evidence_rule(tmp_path):
    card = _card(tmp_path)
    ev = certainty.single_example(0.1, _rule, 0.5)
    c = claims.record(card.variant("real", "Lite0"), TABLE, "P1.7-1", "0.1", evidence=ev)
    assert (c.claim_id, c.passed, c.network) == ("P1.7-1-real", False, "Lite0")


@pytest.mark.parametrize("n, expect", [(6, True), (4, False)])
def test_indexed_evidence_recomputes_the_statistic_on_all_items(n, expect):
    a = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0][:n]
    ev = certainty.indexed_evidence(n, lambda i: float(sum(a[k] for k in i)) / len(i), _rule, 0.5)
    assert ev.statistic == sum(a) / n and ev.passes is True
    assert (ev.low is not None) is expect  # an interval from MIN_ITEMS items on
