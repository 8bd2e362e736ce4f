"""The verdict rules of the P2 claims (inputspace.p2.claims): both sides of every threshold, and
each notebook's claims function on a tiny fake result recorded into a real Scorecard."""
import pandas as pd
import pytest
import torch

from inputspace import paths
from inputspace.claims import Scorecard
from inputspace.config import resolve
from inputspace.p2 import claims, knobs
from inputspace.p2.roles import row_label


# ----------------------------------------------------------------------------- rules
def test_on_every_path_needs_all_paths():
    assert claims.on_every_path(1.0)
    assert not claims.on_every_path(0.999)
    assert not claims.on_every_path(0.0)


def test_stays_low_is_strictly_below_one_half():
    assert claims.stays_low(0.49)
    assert not claims.stays_low(0.5)  # at the threshold: not low
    assert not claims.stays_low(0.51)


def test_raised_accepts_ties_and_rejects_a_drop():
    assert claims.raised(0.9, 0.95)
    assert claims.raised(0.9, 0.9)  # at the threshold (≥)
    assert not claims.raised(0.9, 0.89)


def test_all_kept_needs_every_cell():
    assert claims.all_kept(6, 6)
    assert not claims.all_kept(5, 6)


def test_most_is_at_least_nine_tenths():
    assert claims.most(0.95)
    assert claims.most(0.9)  # at the threshold (≥)
    assert not claims.most(0.89)


def test_weak_model_note_below_one_half_only():
    assert "weak model" in claims.weak_model_note(0.49)
    assert claims.weak_model_note(0.5) == ""  # at the threshold: no note
    assert claims.weak_model_note(0.9) == ""


def test_larger_is_strict():
    assert claims.larger(0.6, 0.5)
    assert not claims.larger(0.5, 0.5)  # a tie fails
    assert not claims.larger(0.4, 0.5)


def test_edges_kept_counts_sources_strictly_above_minus_delta():
    edge_min = torch.tensor([-0.1, -0.2, -0.3, 0.0], dtype=torch.float64)
    # −0.2 sits at the bar −δ: not above it
    assert claims.edges_kept(edge_min, 0.2) == pytest.approx(0.5)
    assert claims.edges_kept(edge_min, 0.35) == 1.0
    assert claims.edges_kept(edge_min, 0.0) == 0.0


def test_width_decays_needs_a_high_small_radius_and_a_decay():
    assert claims.width_decays(0.8, 0.3, 0.5)
    assert not claims.width_decays(0.5, 0.3, 0.5)  # at the floor p0 − δ: not above it
    assert not claims.width_decays(0.4, 0.3, 0.5)
    assert not claims.width_decays(0.8, 0.8, 0.5)  # no decay (tie)
    assert not claims.width_decays(0.8, 0.9, 0.5)


def test_narrower_drop_is_strict():
    assert claims.narrower_drop(0.1, 0.2)
    assert not claims.narrower_drop(0.2, 0.2)
    assert not claims.narrower_drop(0.3, 0.2)


# ----------------------------------------------------------------------------- notebooks
@pytest.fixture
def card(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "BUILD", tmp_path)
    return lambda nid: Scorecard(nid, "quick")


def cfg_of(nid: str):
    return resolve(nid, {"profile": "quick", "device": "cpu"}, knobs.KNOBS[nid])


def verdicts(card: Scorecard) -> dict:
    return {c.claim_id: c.passed for c in card.claims}


def good_summary(**changes) -> dict:
    s = {"pairs": 20, "summarised": 20, "valid": 20, "preserved": 1.0, "min_margin": 0.05,
         "p0_mean": 0.95, "p_final_mean": 0.99, "raised": 0.9, "covered_l2": 0.9, "covered_linf": 0.8,
         "decreased_l2": 1.0, "decreased_linf": 1.0, "monotone_l2": 1.0, "monotone_linf": 1.0,
         "final_rms_l2": 0.02, "start_rms_l2": 0.3, "p_tgt_final_mean": 0.01, "p_tgt_max": 0.1}
    return {**s, **changes}


PATH_IDS = ["P2.6-1", "P2.6-2a", "P2.6-2b", "P2.6-2c", "P2.6-7"]


def test_fig01_records_the_path_claims_then_the_raised_confidence(card):
    c = card("p2-fig01")
    table = claims.fig01(c, good_summary())
    assert list(table["claim"]) == PATH_IDS + ["P2.6-5"]
    assert all(verdicts(c).values())
    c = card("p2-fig01")
    claims.fig01(c, good_summary(preserved=0.95, monotone_linf=0.9, p_tgt_max=0.6, p_final_mean=0.9))
    assert verdicts(c) == {"P2.6-1": False, "P2.6-2a": True, "P2.6-2b": True, "P2.6-2c": False,
                           "P2.6-7": False, "P2.6-5": False}
    assert c.claims[0].measured == "95% of 20 paths; min margin +0.0500"


def test_fig02_shares_the_path_claims_and_adds_the_kept_class(card):
    c = card("p2-fig02")
    table = claims.fig02(c, {"summary": good_summary(decreased_l2=0.5), "kept": 5, "cells": 6})
    assert list(table["claim"]) == PATH_IDS + ["P2.1-2"]
    assert verdicts(c)["P2.6-2a"] is False and verdicts(c)["P2.1-2"] is False
    assert c.claims[-1].measured == "5/6 grid cells"
    c1 = card("p2-fig01")
    claims.fig01(c1, good_summary(decreased_l2=0.5))
    assert [x.measured for x in c1.claims[:5]] == [x.measured for x in c.claims[:5]]


def test_fig03_records_one_star_claim_per_model(card):
    table = pd.DataFrame([
        {"model": "A", "pairs": 10, "mean p0": 0.9, "segments above p0−δ → LST output": 0.9,
         "mean min conf → LST output": 0.8, "segments above p0−δ → target image": 0.1,
         "mean min conf → target image": 0.05},
        {"model": "B", "pairs": 10, "mean p0": 0.3, "segments above p0−δ → LST output": 0.8,
         "mean min conf → LST output": 0.2, "segments above p0−δ → target image": 0.0,
         "mean min conf → target image": 0.01}])
    c = card("p2-fig03")
    claims.fig03(c, table)
    assert verdicts(c) == {"P2.6-3 A": True, "P2.6-3 B": False}
    assert c.claims[0].note == "" and "weak model" in c.claims[1].note


def triangle_table(at: float, normal: float, cfg) -> pd.DataFrame:
    rows = []
    for label, f in ((row_label("normal", cfg.profile), normal), (row_label("at", cfg.profile), at)):
        rows += [{"model": label, "targets": "1 & 2", "frac_0.0": f / 2, "frac_0.1": f, "frac_0.2": f,
                  "frac_0.3": f}] * 2
    return pd.DataFrame(rows)


def test_fig04_compares_at_and_normal_at_delta_two_tenths(card):
    cfg = cfg_of("p2-fig04")
    c = card("p2-fig04")
    claims.fig04(c, triangle_table(0.7, 0.3, cfg), cfg)
    assert verdicts(c) == {"P2.6-4ex": True}
    assert c.claims[0].measured.startswith("mean over 2 triangles, AT vs normal: δ=0.0: 0.350 vs 0.150")
    c = card("p2-fig04")
    claims.fig04(c, triangle_table(0.3, 0.3, cfg), cfg)
    assert verdicts(c) == {"P2.6-4ex": False}


def width_result(normal: list[float], at: list[float], p0: float, cfg) -> dict:
    radii = (0.0, 0.5, 1.0)
    rows = [{"model": row_label(role, cfg.profile), "radius (ℓ2)": r, "5 % quantile": q, "95 % quantile": 1.0}
            for role, qs in (("normal", normal), ("at", at)) for r, q in zip(radii, qs)]
    return {"table": pd.DataFrame(rows), "widths": {"any": {"p0": torch.tensor([p0, p0])}}}


def test_fig05_width_decay_and_narrower_at_drop(card):
    cfg = cfg_of("p2-fig05")  # δ = 0.2
    c = card("p2-fig05")
    claims.fig05(c, width_result([0.9, 0.8, 0.3], [0.9, 0.85, 0.7], 0.9, cfg), cfg)
    assert verdicts(c) == {"P2.6-6": True, "P2.6-6b": True}
    assert "p0 − δ = 0.700" in c.claims[0].measured
    c = card("p2-fig05")
    claims.fig05(c, width_result([0.9, 0.6, 0.5], [0.9, 0.6, 0.4], 0.9, cfg), cfg)
    assert verdicts(c) == {"P2.6-6": False, "P2.6-6b": False}


def test_tab01_needs_every_model_and_leaves_lpips_unevaluated(card):
    summaries = {"ResNet-18 (Normal) ≈ ResNet-50 (Normal)": good_summary(),
                 "ResNet-18 (PGD-AT) ≈ ResNet-50 (AT)": good_summary(decreased_linf=0.9)}
    c = card("p2-tab01")
    claims.tab01(c, {"summaries": summaries, "table": pd.DataFrame({"LPIPS": ["not computed"]})})
    assert verdicts(c) == {"P2.6-1": True, "P2.6-2a": True, "P2.6-2b": False, "P2.6-2c": True,
                           "P2.6-7": True, "P2-T1-LPIPS": None}
    assert c.claims[0].measured == ("preserved: ResNet-18 (Normal) 100%; ResNet-18 (PGD-AT) 100% | "
                                    "min margin: ResNet-18 (Normal) +0.0500; ResNet-18 (PGD-AT) +0.0500")
    assert c.claims[-1].measured == "not computed"


def stats_row(p_src: float, mean: float, frac: float, edge_min: float) -> torch.Tensor:
    # TABLE2_COLUMNS: p_src, triangle_mean, frac_0.0 … frac_0.3, edge_mean, edge_min
    return torch.tensor([p_src, mean, frac, frac, frac, frac, 0.9, edge_min], dtype=torch.float64)


def test_tab02_records_the_triangle_and_edge_claims(card):
    cfg = cfg_of("p2-tab02")  # δ = 0.2
    normal, at = row_label("normal", cfg.profile), row_label("at", cfg.profile)
    stats = {normal: torch.stack([stats_row(0.9, 0.3, 0.2, -0.1)] * 10),
             at: torch.stack([stats_row(0.8, 0.7, 0.6, -0.1)] * 9 + [stats_row(0.8, 0.7, 0.6, -0.2)])}
    c = card("p2-tab02")
    claims.tab02(c, stats, cfg)
    assert verdicts(c) == {"P2.6-4": True, "P2.6-4n": True, "P2.6-3h": True}  # AT: 9/10 = the bar
    assert c.claims[2].measured == "ResNet-18 (Normal) 100% of sources; ResNet-18 (PGD-AT) 90% of sources"
    stats[at] = torch.stack([stats_row(0.8, 0.2, 0.2, -0.1)] * 8 + [stats_row(0.8, 0.2, 0.2, -0.3)] * 2)
    stats[normal] = torch.stack([stats_row(0.9, 0.5, 0.2, -0.1)] * 10)
    c = card("p2-tab02")
    claims.tab02(c, stats, cfg)
    assert verdicts(c) == {"P2.6-4": False, "P2.6-4n": False, "P2.6-3h": False}
