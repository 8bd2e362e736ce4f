"""The cross-study hypotheses' rules (inputspace.px.claims) on both sides of their thresholds, each
notebook's recording function on hand-made results written into a real Scorecard (one row per
hypothesis, never dropped; not evaluated with a reason), and the hypotheses' text: verbatim in the
notebooks' first cell and in the scorecard's statement column."""

import nbformat
import numpy as np
import pytest
import torch

from inputspace import catalogue, paths
from inputspace.claims import Scorecard
from inputspace.methods.connectivity import DELTA
from inputspace.px import claims

NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("px-*.ipynb"))


@pytest.fixture
def card(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "BUILD", tmp_path)
    return lambda nid: Scorecard(nid, "quick")


def _rows(table):
    return {r["claim"]: r for _, r in table.iterrows()}


# ----------------------------------------------------------------------------- rules
def test_below_delta_is_strict():
    assert claims.below_delta(DELTA / 2)
    assert not claims.below_delta(DELTA)
    assert not claims.below_delta(2 * DELTA)


def test_nearly_all_is_at_least_nine_tenths():
    assert claims.nearly_all(0.9) and claims.nearly_all(1.0)
    assert not claims.nearly_all(0.899)


def test_half_rules():
    assert claims.at_least_half(0.5) and not claims.at_least_half(0.49)
    assert claims.more_than_half(0.51) and not claims.more_than_half(0.5)


def test_auc_rules():
    assert (
        claims.softmax_blind(0.6) and claims.softmax_blind(0.5) and not claims.softmax_blind(0.61)
    )
    assert claims.barrier_sees(0.7) and not claims.barrier_sees(0.69)


def test_positive_is_strict_and_all_hold_propagates_not_evaluated():
    assert claims.positive(1e-9) and not claims.positive(0.0) and not claims.positive(-1.0)
    assert claims.all_hold([True, True, True]) is True
    assert claims.all_hold([True, False, True]) is False
    assert claims.all_hold([True, None, False]) is None


# ----------------------------------------------------------------------------- the hypotheses' text
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_first_markdown_cell_states_the_notebook_s_hypotheses_verbatim(path):
    nb = nbformat.read(path, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "markdown").source
    assert "Hypotheses (stated before the run, never edited after it)" in first
    prefix = "X" + catalogue.notebook_id(path).split("-0")[1] + "."
    ids = [cid for cid in claims.HYPOTHESES if cid.startswith(prefix)]
    assert ids
    for cid in ids:
        assert f"- {claims.hypothesis_line(cid)}\n" in first + "\n", cid
        added = first.find("Added after the run")
        # a hypothesis added after the run is listed under that heading, the others before it
        assert (cid in claims.ADDED_AFTER_THE_RUN) == (
            0 <= added < first.index(claims.hypothesis_line(cid))
        ), cid
    others = [cid for cid in claims.HYPOTHESES if not cid.startswith(prefix)]
    assert not any(claims.HYPOTHESES[cid] in first for cid in others)


def test_hypothesis_lines_keep_the_model_tag_of_px04():
    assert claims.hypothesis_line("X1.1").startswith("X1.1: For the normal model")
    assert claims.hypothesis_line("X4.1").startswith("X4.1 (P1): The median within-class gap")


# ----------------------------------------------------------------------------- px-01
def _segments(lst, real, pgd, bypassed=(), connected=(), at=None, loss=1.0):
    def part(g):  # end losses `loss` at both ends: the loss-relative δ is δ · loss
        return {
            "gap": torch.tensor(g, dtype=torch.float64),
            "losses": torch.full((len(g), 2), loss, dtype=torch.float64),
        }

    normal = {
        "lst": part(lst),
        "real": part(real),
        "pgd": {**part(pgd), "steps": torch.tensor([3] * len(pgd))},
        "bypass": {
            "bypassed": torch.tensor(bypassed, dtype=torch.bool),
            "connected": torch.tensor(connected, dtype=torch.bool),
            "sub_gaps": torch.zeros(len(bypassed), 2),
        },
    }
    out = {"normal": normal}
    if at is not None:
        out["at"] = {"lst": part(at)}
    return out


def test_px01_passes_and_fails_on_both_sides_of_its_thresholds(card):
    small, big = DELTA / 10, DELTA * 10
    seg = _segments(
        lst=[small] * 9 + [big],
        real=[big] * 6,
        pgd=[0.0] * 5,
        bypassed=[False] * 9 + [True],
        connected=[True] * 10,
        at=[small] * 8 + [big] * 2,
    )
    rows = _rows(claims.px01(card("px-01"), seg))
    assert list(rows) == ["X1.1", "X1.2", "X1.3", "X1.4", "X1.5", "X1.6", "X1.2r", "X1.3f"]
    assert all(
        rows[c]["verdict"].startswith("PASS")
        for c in ("X1.1", "X1.2", "X1.3", "X1.4", "X1.5", "X1.2r", "X1.3f")
    )
    assert rows["X1.6"]["verdict"].startswith("FAIL")  # 80 % < 90 %
    assert rows["X1.1"]["statement"] == claims.HYPOTHESES["X1.1"]
    assert rows["X1.1"]["paper"] == claims.PAPER_VALUE
    seg = _segments(
        lst=[big] * 6,
        real=[small] * 6,
        pgd=[big] * 5,
        bypassed=[True] * 6,
        connected=[False] * 4 + [True] * 2,
        at=[small] * 10,
    )
    rows = _rows(claims.px01(card("px-01"), seg))
    assert all(
        rows[c]["verdict"].startswith("FAIL")
        for c in ("X1.1", "X1.2", "X1.3", "X1.4", "X1.5", "X1.2r", "X1.3f")
    )
    assert rows["X1.6"]["verdict"].startswith("PASS")
    # modes of loss 0.01: a gap of δ/10 is below δ (X1.2) but not below δ · 0.01 (X1.2r)
    rows = _rows(
        claims.px01(card("px-01"), _segments(lst=[small] * 10, real=[big], pgd=[0.0], loss=0.01))
    )
    assert rows["X1.2"]["verdict"].startswith("PASS") and rows["X1.2r"]["verdict"].startswith(
        "FAIL"
    )


def test_px01_records_every_row_and_says_why_one_is_not_evaluated(card):
    sc = card("px-01")
    seg = _segments(
        lst=[DELTA / 10] * 3, real=[], pgd=[0.0] * 2, bypassed=[False] * 3, connected=[True] * 3
    )
    claims.px01(sc, seg)
    by_id = {c.claim_id: c for c in sc.claims}
    assert list(by_id) == ["X1.1", "X1.2", "X1.3", "X1.4", "X1.5", "X1.6", "X1.2r", "X1.3f"]
    assert by_id["X1.3f"].passed is None and "no LST or no real" in by_id["X1.3f"].note
    assert (
        by_id["X1.1"].passed and by_id["X1.1"].certainty == "too few items"
    )  # 3 segments: kept, labelled
    assert by_id["X1.3"].passed is None and "no LST or no real" in by_id["X1.3"].note
    assert (
        by_id["X1.5"].passed is None
        and "no source → LST output segment with a gap" in by_id["X1.5"].note
    )
    assert by_id["X1.6"].passed is None and "no AT model" in by_id["X1.6"].note


def test_px01_evidence_is_the_segments_with_the_rule_s_interval(card):
    sc = card("px-01")
    gaps = [0.0] * 20 + [DELTA * 5] * 2
    claims.px01(
        sc,
        _segments(
            lst=gaps,
            real=[DELTA] * 8,
            pgd=[0.0] * 6,
            bypassed=[False] * 22,
            connected=[True] * 22,
            at=gaps,
        ),
    )
    x12 = next(c for c in sc.claims if c.claim_id == "X1.2")
    assert x12.evidence["n_items"] == 22 and x12.evidence["statistic"] == pytest.approx(20 / 22)
    assert x12.evidence["threshold"] == claims.NEARLY_ALL
    x13 = next(c for c in sc.claims if c.claim_id == "X1.3")
    assert x13.passed and x13.evidence["n_items"] == 8  # the smaller stratum


# ----------------------------------------------------------------------------- px-02
def _layers(d_src, d_tgt, d_true, d_pred, k_true=None, k_tgt=None):
    t = lambda v: [torch.tensor(x, dtype=torch.float32) for x in v]  # noqa: E731
    lay = {
        "layers": ["CL1", "CL2", "CL3", "CL4"],
        "lst": {"d_src": t(d_src), "d_tgt": t(d_tgt)},
        "pgd": {"d_true": t(d_true), "d_pred": t(d_pred), "eps": 8 / 255, "attacked": 10},
    }
    if k_true is not None:
        lay["inputopt"] = {
            "d_true": t(k_true),
            "d_tgt": t(k_tgt),
            "y": torch.zeros(len(k_true[0])),
            "attacked": 10,
        }
    return lay


def test_px02_blind_spots_change_sides_between_cl1_and_cl4(card):
    near, far = [1.0] * 6, [3.0] * 6
    lay = _layers(
        d_src=[far, far, near, near],
        d_tgt=[near, near, far, far],
        d_true=[near, near, far, far],
        d_pred=[far, far, near, near],
        k_true=[near, near, far, far],
        k_tgt=[far, far, near, near],
    )
    rows = _rows(claims.px02(card("px-02"), lay))
    assert list(rows) == ["X2.1", "X2.2", "X2.3", "X2.4", "X2.5"]
    assert all(r["verdict"].startswith("PASS") for r in rows.values())
    lay = _layers(
        d_src=[near] * 4,
        d_tgt=[far] * 4,
        d_true=[far] * 4,
        d_pred=[near] * 4,
        k_true=[near] * 4,
        k_tgt=[far] * 4,
    )
    rows = _rows(claims.px02(card("px-02"), lay))
    assert rows["X2.1"]["verdict"].startswith("FAIL")  # CL1 already on the source's side
    assert rows["X2.2"]["verdict"].startswith("PASS")
    assert rows["X2.3"]["verdict"].startswith(
        "FAIL"
    )  # the same fraction in both layers: no increase
    assert rows["X2.4"]["verdict"].startswith("FAIL")  # CL1 closer to the predicted class
    assert rows["X2.5"]["verdict"].startswith("FAIL")  # CL4 still on the true class's side


def test_px02_input_optimization_row_is_marked_as_added_after_the_run(card):
    near, far = [1.0] * 6, [3.0] * 6
    lay = _layers(
        d_src=[far, far, near, near],
        d_tgt=[near, near, far, far],
        d_true=[near, near, far, far],
        d_pred=[far, far, near, near],
        k_true=[near, near, far, far],
        k_tgt=[far, far, near, near],
    )
    rows = _rows(claims.px02(card("px-02"), lay))
    assert rows["X2.5"]["paper"] == claims.PAPER_VALUE_ADDED != claims.PAPER_VALUE
    assert rows["X2.4"]["paper"] == claims.PAPER_VALUE
    assert set(claims.ADDED_AFTER_THE_RUN) <= set(claims.HYPOTHESES)
    half = [
        1.0,
        1.0,
        1.0,
        3.0,
        3.0,
        3.0,
    ]  # CL4 exactly half closer to the target: not more than half
    lay["inputopt"]["d_tgt"][-1] = torch.tensor(half)
    assert _rows(claims.px02(card("px-02"), lay))["X2.5"]["verdict"].startswith("FAIL")
    del lay["inputopt"]
    assert _rows(claims.px02(card("px-02"), lay))["X2.5"]["verdict"].startswith("N/A")


def test_px02_ties_are_not_closer_and_half_is_not_more_than_half(card):
    d = [1.0, 1.0, 3.0, 3.0, 1.0, 1.0]
    lay = _layers(
        d_src=[d] * 4, d_tgt=[[1.0, 1.0, 1.0, 1.0, 3.0, 3.0]] * 4, d_true=[d] * 4, d_pred=[d] * 4
    )
    rows = _rows(claims.px02(card("px-02"), lay))
    assert rows["X2.1"]["verdict"].startswith("FAIL") and rows["X2.2"]["verdict"].startswith("FAIL")
    assert rows["X2.4"]["verdict"].startswith(
        "FAIL"
    )  # true and predicted centres equally far: neither closer


def test_px02_leaves_out_inputs_without_a_centre_and_records_none_when_nothing_is_left(card):
    nan = float("nan")
    sc = card("px-02")
    claims.px02(
        sc,
        _layers(
            d_src=[[nan] * 3] * 4,
            d_tgt=[[1.0] * 3] * 4,
            d_true=[[nan] * 2] * 4,
            d_pred=[[1.0] * 2] * 4,
            k_true=[[nan] * 2] * 4,
            k_tgt=[[1.0] * 2] * 4,
        ),
    )
    assert [c.passed for c in sc.claims] == [None] * 5
    assert "SOM-tr centre" in sc.claims[0].note and "SOM-tr centres" in sc.claims[3].note
    assert "SOM-tr centres" in sc.claims[4].note


# ----------------------------------------------------------------------------- px-03
def _det(clean, lst, pgd):
    arr = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731
    scores = {
        k: {"barrier": arr(b), "softmax": arr(s)}
        for k, (b, s) in {"clean": clean, "lst": lst, "pgd": pgd}.items()
    }
    return {
        "scores": scores,
        "counts": {k: len(v["barrier"]) for k, v in scores.items()},
        "roc": {},
    }


def test_px03_softmax_blind_barrier_sees_and_pgd_is_easier(card):
    rng = np.random.default_rng(0)
    clean_b, clean_s = list(rng.uniform(0, 1, 20)), list(rng.uniform(0, 1, 20))
    det = _det(
        (clean_b, clean_s),
        (list(rng.uniform(0.5, 1.5, 20)), list(rng.uniform(0, 1, 20))),
        (list(rng.uniform(2, 3, 20)), list(rng.uniform(0, 1, 20))),
    )
    rows = _rows(claims.px03(card("px-03"), det))
    assert [rows[c]["verdict"][:4] for c in ("X3.1", "X3.2", "X3.3")] == ["PASS", "PASS", "PASS"]
    det = _det(
        (clean_b, clean_s),
        (list(rng.uniform(5, 6, 20)), list(rng.uniform(5, 6, 20))),
        (list(rng.uniform(0, 1, 20)), list(rng.uniform(0, 1, 20))),
    )
    rows = _rows(claims.px03(card("px-03"), det))
    assert [rows[c]["verdict"][:4] for c in ("X3.1", "X3.2", "X3.3")] == ["FAIL", "PASS", "FAIL"]


def test_px03_without_lst_outputs_records_three_rows_not_evaluated(card):
    sc = card("px-03")
    claims.px03(sc, _det(([0.1, 0.2], [0.1, 0.2]), ([], []), ([1.0], [0.5])))
    assert [c.claim_id for c in sc.claims] == ["X3.1", "X3.2", "X3.3"]
    assert all(c.passed is None and "0 LST outputs" in c.note for c in sc.claims)


# ----------------------------------------------------------------------------- px-04
def _lenses(within_n, within_a, cov_n, cov_a, tri_n, tri_a, exc_n, exc_a, dc_n, dc_a):
    t = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731

    def lst(cov, tri):
        return {
            "row": torch.arange(len(cov)),
            "covered": t(cov),
            "tri_sources": torch.arange(len(tri)),
            "tri_frac": t(tri),
            "tri_frac_pthresh": t(tri),
        }

    def som(exc, dc):
        pgd = [torch.zeros(len(exc), 10)] * 3 + [t(exc)[:, None].repeat(1, 10)]
        noise = [torch.zeros(len(exc), 10)] * 4
        return {"disp": {"pgd": pgd, "noise": noise}, "d_class": [t(dc)] * 4}

    return {
        "eps": 8 / 255,
        "layers": ["CL1", "CL2", "CL3", "CL4"],
        "within": {"normal": t(within_n), "at": t(within_a)},
        "lst": {"normal": lst(cov_n, tri_n), "at": lst(cov_a, tri_a)},
        "som": {"normal": som(exc_n, dc_n), "at": som(exc_a, dc_a)},
    }


def test_px04_the_smoother_at_model_passes_every_lens_and_x46(card):
    hi, lo = [2.0] * 6, [1.0] * 6
    r = _lenses(
        within_n=hi,
        within_a=[0.0] * 6,
        cov_n=[0.9] * 6,
        cov_a=[0.5] * 6,
        tri_n=[0.2] * 6,
        tri_a=[0.8] * 6,
        exc_n=hi,
        exc_a=lo,
        dc_n=hi,
        dc_a=lo,
    )
    rows = _rows(claims.px04(card("px-04"), r))
    assert list(rows) == ["X4.1", "X4.2", "X4.3", "X4.4", "X4.5", "X4.6", "X4.1f", "X4.6f"]
    assert all(v["verdict"].startswith("PASS") for v in rows.values())
    assert rows["X4.6"]["measured"] == "X4.1 PASS / X4.3 PASS / X4.4 PASS"
    assert rows["X4.6f"]["measured"] == "X4.1f PASS / X4.3 PASS / X4.4 PASS"
    # every within-class pair has a barrier under both models: lower median gaps (X4.1) but the same fraction (X4.1f)
    r = _lenses(
        within_n=hi,
        within_a=lo,
        cov_n=[0.9] * 6,
        cov_a=[0.5] * 6,
        tri_n=[0.2] * 6,
        tri_a=[0.8] * 6,
        exc_n=hi,
        exc_a=lo,
        dc_n=hi,
        dc_a=lo,
    )
    rows = _rows(claims.px04(card("px-04"), r))
    assert rows["X4.1"]["verdict"].startswith("PASS") and rows["X4.1f"]["verdict"].startswith(
        "FAIL"
    )
    assert rows["X4.6f"]["verdict"].startswith("FAIL")


def test_px04_one_lens_disagreeing_fails_x46_and_ties_fail(card):
    same = [1.0] * 6
    r = _lenses(
        within_n=[2.0] * 6,
        within_a=[1.0] * 6,
        cov_n=same,
        cov_a=same,
        tri_n=[0.2] * 6,
        tri_a=[0.8] * 6,
        exc_n=[1.0] * 6,
        exc_a=[2.0] * 6,
        dc_n=same,
        dc_a=same,
    )
    rows = _rows(claims.px04(card("px-04"), r))
    assert rows["X4.2"]["verdict"].startswith("FAIL") and rows["X4.5"]["verdict"].startswith(
        "FAIL"
    )  # ties
    assert rows["X4.4"]["verdict"].startswith("FAIL")
    assert rows["X4.6"]["verdict"] == "FAIL"


def test_px04_without_the_at_model_records_six_rows_not_evaluated(card):
    sc = card("px-04")
    claims.px04(sc, {"som": {"normal": {}}, "within": {}, "lst": {}, "eps": 0.0, "layers": []})
    assert [c.claim_id for c in sc.claims] == ["X4.1", "X4.2", "X4.3", "X4.4", "X4.5", "X4.6"]
    assert all(c.passed is None and "no AT model" in c.note for c in sc.claims)


def test_common_rows_pair_the_same_items_in_the_first_s_order():
    ia, ib = claims.common_rows(torch.tensor([5, 2, 9, 7]), torch.tensor([7, 5, 1]))
    assert ia.tolist() == [0, 3] and ib.tolist() == [1, 0]


def test_excess_displacement_is_pgd_minus_noise_mean_over_bmus():
    disp = {
        "pgd": [torch.tensor([[2.0, 4.0], [1.0, 1.0]])],
        "noise": [torch.tensor([[1.0, 1.0], [0.0, 2.0]])],
    }
    assert claims.excess_displacement(disp, 0).tolist() == [2.0, 0.0]
