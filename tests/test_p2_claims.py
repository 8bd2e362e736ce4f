"""The verdict rules of the P2 claims (inputspace.p2.claims): both sides of every threshold, each
notebook's claims function on a tiny fake result recorded into a real Scorecard, and the evidence
(bootstrap interval and certainty label) each claim records under its own rule."""

import re

import numpy as np
import pandas as pd
import pytest
import torch

from inputspace import paths
from inputspace import verdicts as verdicts_mod
from inputspace.claims import Scorecard, load_scorecard
from inputspace.config import resolve
from inputspace.p2 import claims, knobs, lst, statements, tables
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


def test_nearly_all_is_at_least_nine_tenths():
    assert claims.nearly_all(0.95)
    assert claims.nearly_all(0.9)  # at the threshold (≥)
    assert not claims.nearly_all(0.89)


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


# ----------------------------------------------------------------------------- statements
def test_every_p2_row_of_the_scorecard_has_its_statement_in_its_notebooks_table():
    """Each P2 row of figures/claims.json (the committed quick run) has its statement and paper value
    in its notebook's table (inputspace.p2.statements), under its claim id less a variant suffix
    (-real, -ctl-<control>) and, for a star-likeness row, less its model; every entry is used."""
    rows = [
        c
        for c in load_scorecard(paths.FIGURES_ROOT / "claims.json")
        if c.notebook_id.startswith("p2-")
    ]
    assert {c.notebook_id for c in rows} == set(statements.BY_NOTEBOOK)
    used = set()
    for c in rows:
        table = statements.BY_NOTEBOOK[c.notebook_id]
        cid = c.claim_id if c.claim_id in table else re.sub(r"-(real|ctl-\w+)$", "", c.claim_id)
        cid = "P2.6-3" if cid.startswith("P2.6-3 ") else cid
        assert (c.statement, c.paper_value) == (table[cid].text, table[cid].paper), c.claim_id
        used.add((id(table), cid))
    for table in (statements.STATEMENTS, statements.TABLE_STATEMENTS):
        assert {cid for cid in table if (id(table), cid) not in used} == set()


# ----------------------------------------------------------------------------- notebooks
@pytest.fixture
def card(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "BUILD", tmp_path)
    return lambda nid: Scorecard(nid, "quick")


def cfg_of(nid: str):
    return resolve(nid, {"profile": "quick", "device": "cpu"}, knobs.KNOBS[nid])


def verdicts(card: Scorecard) -> dict:
    return {c.claim_id: c.passed for c in card.claims}


def ones_then_zeros(fraction: float, n: int) -> torch.Tensor:
    k = round(fraction * n)
    return torch.tensor([True] * k + [False] * (n - k))


def good_summary(**changes) -> dict:
    """A path summary with per-path values consistent with its fractions, maximum and means."""
    s = {
        "pairs": 20,
        "summarised": 20,
        "valid": 20,
        "preserved": 1.0,
        "min_margin": 0.05,
        "p0_mean": 0.95,
        "p_final_mean": 0.99,
        "raised": 0.9,
        "covered_l2": 0.9,
        "covered_linf": 0.8,
        "decreased_l2": 1.0,
        "decreased_linf": 1.0,
        "monotone_l2": 1.0,
        "monotone_linf": 1.0,
        "final_rms_l2": 0.02,
        "start_rms_l2": 0.3,
        "p_tgt_final_mean": 0.01,
        "p_tgt_max": 0.1,
        **changes,
    }
    n = s["summarised"]
    s["per_path"] = {
        **{k: ones_then_zeros(s[k], n) for k in ("preserved", "decreased_l2", "decreased_linf")},
        "monotone": ones_then_zeros(min(s["monotone_l2"], s["monotone_linf"]), n),
        "p_tgt_max": torch.linspace(0.0, s["p_tgt_max"], n),
        "p0": torch.full((n,), s["p0_mean"]),
        "p_final": torch.full((n,), s["p_final_mean"]),
    }
    return s


PATH_IDS = ["P2.6-1", "P2.6-2a", "P2.6-2b", "P2.6-2c", "P2.6-7"]


def test_fig01_records_the_path_claims_then_the_raised_confidence(card):
    c = card("p2-example")
    table = claims.example(c, good_summary())
    assert list(table["claim"]) == [
        verdicts_mod.name_of("p2-example", i) for i in PATH_IDS + ["P2.6-5"]
    ]
    assert all(verdicts(c).values())
    c = card("p2-example")
    claims.example(
        c, good_summary(preserved=0.95, monotone_linf=0.9, p_tgt_max=0.6, p_final_mean=0.9)
    )
    assert verdicts(c) == {
        "P2.6-1": False,
        "P2.6-2a": True,
        "P2.6-2b": True,
        "P2.6-2c": False,
        "P2.6-7": False,
        "P2.6-5": False,
    }
    assert c.claims[0].measured == "95% of 20 paths; min margin +0.0500"


def test_fig02_records_only_the_kept_class_its_paths_claims_are_fig01s(card):
    c = card("p2-grid")
    table = claims.kept(c, ones_then_zeros(5 / 6, 6))
    assert list(table["claim"]) == ["P2-keeps-source-class"] and verdicts(c) == {"P2.1-2": False}
    assert c.claims[-1].measured == "5/6 grid cells"
    c = card("p2-grid")
    claims.kept(c, ones_then_zeros(1.0, 6))
    assert verdicts(c) == {"P2.1-2": True}


def star_segments(p0: float, above: list[bool], n_points: int = 5) -> dict:
    """Segments whose confidence stays at p0 (above the floor p0 − δ) or drops to 0 (below it)."""
    lst_conf = torch.tensor(
        [[p0] * n_points if a else [p0, 0.0] + [p0] * (n_points - 2) for a in above]
    )
    return {
        "lst": lst_conf,
        "direct": torch.zeros(len(above), n_points),
        "p0": torch.full((len(above),), p0),
    }


def test_fig03_records_one_star_claim_per_model(card):
    table = tables.star_table(
        {
            "A": star_segments(0.9, [True] * 9 + [False]),
            "B": star_segments(0.3, [True] * 8 + [False] * 2),
        },
        0.2,
    )
    c = card("p2-star")
    claims.star(c, table)
    assert verdicts(c) == {"P2.6-3 A": True, "P2.6-3 B": False}
    assert c.claims[0].note == "" and "weak model" in c.claims[1].note


def triangle_table(at: float, normal: float, cfg) -> pd.DataFrame:
    rows = []
    for label, f in (
        (row_label("normal", cfg.profile), normal),
        (row_label("at", cfg.profile), at),
    ):
        rows += [
            {
                "model": label,
                "targets": "1 & 2",
                "frac_0.0": f / 2,
                "frac_0.1": f,
                "frac_0.2": f,
                "frac_0.3": f,
            }
        ] * 2
    return pd.DataFrame(rows)


def test_fig04_compares_at_and_normal_at_delta_two_tenths(card):
    cfg = cfg_of("p2-triangles")
    c = card("p2-triangles")
    claims.triangles(c, triangle_table(0.7, 0.3, cfg), cfg)
    assert verdicts(c) == {"P2.6-4ex": True}
    assert c.claims[0].measured.startswith(
        "mean over 2 triangles, AT vs normal: δ=0.0: 0.350 vs 0.150"
    )
    c = card("p2-triangles")
    claims.triangles(c, triangle_table(0.3, 0.3, cfg), cfg)
    assert verdicts(c) == {"P2.6-4ex": False}


def width_run(q05: list[list[float]], p0: float, steps: int = 2) -> dict:
    """A width run whose pair k has the 5 % quantiles ``q05[k]`` (one per radius, 0 first) at every
    logged step (95 % quantile 1)."""
    q = torch.tensor(q05)
    w = torch.stack([q, torch.ones_like(q)], dim=-1)  # (pairs, R + 1, 2)
    return {
        "log_widths": w.expand(steps, *w.shape).clone(),
        "p_src": torch.full((len(q05),), p0),
        "valid": torch.ones(len(q05), dtype=torch.bool),
        "p0": torch.full((len(q05),), p0),
    }


def width_result(normal: list[float], at: list[float], p0: float, cfg, pairs: int = 3) -> dict:
    """Width runs of both models, every pair with the same quantiles, and their width table."""
    runs = {
        row_label("normal", cfg.profile): width_run([normal] * pairs, p0),
        row_label("at", cfg.profile): width_run([at] * pairs, p0),
    }
    return {"table": tables.width_table(runs, cfg.width_radii), "widths": runs}


def test_fig05_width_decay_and_narrower_at_drop(card):
    cfg = cfg_of("p2-widths")  # δ = 0.2; radii 0.5 … 8
    c = card("p2-widths")
    claims.widths(
        c,
        width_result([0.9, 0.8, 0.7, 0.6, 0.5, 0.3], [0.9, 0.85, 0.8, 0.8, 0.75, 0.7], 0.9, cfg),
        cfg,
    )
    assert verdicts(c) == {"P2.6-6": True, "P2.6-6b": True}
    assert "p0 − δ = 0.700" in c.claims[0].measured
    c = card("p2-widths")
    claims.widths(
        c,
        width_result([0.9, 0.6, 0.6, 0.6, 0.6, 0.5], [0.9, 0.6, 0.6, 0.5, 0.5, 0.4], 0.9, cfg),
        cfg,
    )
    assert verdicts(c) == {"P2.6-6": False, "P2.6-6b": False}


def test_tab01_needs_every_model_and_leaves_lpips_unevaluated(card):
    summaries = {
        "ResNet-18 (Normal), stand-in for ResNet-50 (Normal)": good_summary(),
        "ResNet-18 (FGSM-AT), stand-in for ResNet-50 (AT)": good_summary(decreased_linf=0.9),
    }
    c = card("p2-tab01")
    claims.tab01(c, {"summaries": summaries, "table": pd.DataFrame({"LPIPS": ["not computed"]})})
    assert verdicts(c) == {
        "P2.6-1": True,
        "P2.6-2a": True,
        "P2.6-2b": False,
        "P2.6-2c": True,
        "P2.6-7": True,
        "P2-T1-LPIPS": None,
    }
    assert c.claims[0].measured == (
        "preserved: ResNet-18 (Normal) 100%; ResNet-18 (FGSM-AT) 100% | "
        "min margin: ResNet-18 (Normal) +0.0500; ResNet-18 (FGSM-AT) +0.0500"
    )
    assert c.claims[-1].measured == "not computed"


def stats_row(p_src: float, mean: float, frac: float, edge_min: float) -> torch.Tensor:
    # TABLE2_COLUMNS: p_src, triangle_mean, frac_0.0 … frac_0.3, edge_mean, edge_min
    return torch.tensor([p_src, mean, frac, frac, frac, frac, 0.9, edge_min], dtype=torch.float64)


def test_tab02_records_the_triangle_and_edge_claims(card):
    cfg = cfg_of("p2-tab02")  # δ = 0.2
    normal, at = row_label("normal", cfg.profile), row_label("at", cfg.profile)
    stats = {
        normal: torch.stack([stats_row(0.9, 0.3, 0.2, -0.1)] * 10),
        at: torch.stack([stats_row(0.8, 0.7, 0.6, -0.1)] * 9 + [stats_row(0.8, 0.7, 0.6, -0.2)]),
    }
    c = card("p2-tab02")
    claims.tab02(c, stats, cfg)
    assert verdicts(c) == {"P2.6-4": True, "P2.6-4n": True, "P2.6-3h": True}  # AT: 9/10 = the bar
    assert (
        c.claims[2].measured
        == "ResNet-18 (Normal) 100% of sources; ResNet-18 (FGSM-AT) 90% of sources"
    )
    stats[at] = torch.stack(
        [stats_row(0.8, 0.2, 0.2, -0.1)] * 8 + [stats_row(0.8, 0.2, 0.2, -0.3)] * 2
    )
    stats[normal] = torch.stack([stats_row(0.9, 0.5, 0.2, -0.1)] * 10)
    c = card("p2-tab02")
    claims.tab02(c, stats, cfg)
    assert verdicts(c) == {"P2.6-4": False, "P2.6-4n": False, "P2.6-3h": False}


# ----------------------------------------------------------------------------- evidence
def evidence_of(c: Scorecard) -> dict:
    return {x.claim_id: x.evidence for x in c.claims}


def crosses(e: dict, bar: float) -> bool:
    lo, hi = e["interval"]
    return lo <= bar <= hi


def fake_run() -> dict:
    """Six LST paths, three logged steps: path 5 leaves the level set (p0 − δ = 0.7) at step 1,
    path 0 moves away from the target in ℓ∞ at step 2, path 3 has a target-class confidence 0.3."""
    b = 6
    p_src = torch.full((3, b), 0.95)
    p_src[1, 5] = 0.6
    rms = torch.tensor([[0.3] * b, [0.2] * b, [0.1] * b])
    linf = rms.clone()
    linf[2, 0] = 0.25
    p_tgt = torch.full((3, b), 0.01)
    p_tgt[1, 3] = 0.3
    return {
        "p0": torch.full((b,), 0.9),
        "log_p_src": p_src,
        "log_p_tgt": p_tgt,
        "log_rms_l2": rms,
        "log_linf": linf,
        "start_rms_l2": torch.full((b,), 0.4),
        "start_linf": torch.full((b,), 0.4),
        "valid": torch.ones(b, dtype=torch.bool),
        "p_src": p_src[-1],
    }


def test_path_summary_keeps_the_per_path_values_of_its_fractions():
    s = lst.path_summary(fake_run(), 0.2)
    pp = s["per_path"]
    assert pp["preserved"].tolist() == [True] * 5 + [False] and s["preserved"] == pytest.approx(
        5 / 6
    )
    assert pp["monotone"].tolist() == [False] + [True] * 5 and s["monotone_linf"] == pytest.approx(
        5 / 6
    )
    assert float(pp["p_tgt_max"].max()) == s["p_tgt_max"] and float(
        pp["p_tgt_max"][3]
    ) == pytest.approx(0.3)
    assert (
        float(pp["p_final"].mean()) == s["p_final_mean"] and float(pp["p0"].mean()) == s["p0_mean"]
    )
    frame = tables.summary_frame({"a": s})
    assert "per_path" not in frame.columns and frame.loc["a", "preserved"] == pytest.approx(0.8333)


def test_path_claims_of_a_real_summary_record_their_evidence(card):
    s = lst.path_summary(fake_run(), 0.2)
    c = card("p2-example")
    claims.example(c, s)
    ev = evidence_of(c)
    assert ev["P2.6-1"]["statistic"] == s["preserved"] and ev["P2.6-1"]["n_items"] == 6
    assert ev["P2.6-7"]["statistic"] == s["p_tgt_max"]
    assert ev["P2.6-5"]["statistic"] == s["p_final_mean"] - s["p0_mean"]
    assert verdicts(c) == {
        "P2.6-1": False,
        "P2.6-2a": True,
        "P2.6-2b": True,
        "P2.6-2c": False,
        "P2.6-7": True,
        "P2.6-5": True,
    }


def test_path_claims_are_clear_on_every_path_and_marginal_with_one_exception(card):
    c = card("p2-example")
    claims.example(c, good_summary())
    assert {k: e["certainty"] for k, e in evidence_of(c).items()} == dict.fromkeys(
        PATH_IDS + ["P2.6-5"], "clear"
    )
    c = card("p2-example")
    claims.example(c, good_summary(preserved=0.95, monotone_linf=0.5))
    ev = evidence_of(c)
    assert ev["P2.6-1"]["certainty"] == "marginal" and crosses(
        ev["P2.6-1"], 1.0
    )  # 19 of 20: resamples without it pass
    assert (
        ev["P2.6-2c"]["certainty"] == "clear" and ev["P2.6-2c"]["interval"][1] < 1.0
    )  # half the paths fail
    assert not verdicts(c)["P2.6-1"] and not verdicts(c)["P2.6-2c"]


def test_target_class_maximum_is_marginal_when_one_path_crosses_one_half(card):
    s = good_summary(p_tgt_max=0.6)
    s["per_path"]["p_tgt_max"] = torch.tensor([0.1] * 19 + [0.6])
    c = card("p2-example")
    claims.example(c, s)
    e = evidence_of(c)["P2.6-7"]
    assert (
        not verdicts(c)["P2.6-7"]
        and e["certainty"] == "marginal"
        and e["interval"] == pytest.approx([0.1, 0.6])
    )
    assert e["threshold"] == claims.LOW_CONFIDENCE


def test_raised_confidence_pairs_the_clean_and_output_confidence_of_each_path(card):
    p0 = torch.full((20,), 0.5)
    p_final = p0 + torch.tensor([0.3, -0.3] * 10) + 0.01  # mean rise 0.01, spread ±0.3 per path
    s = good_summary(p0_mean=float(p0.mean()), p_final_mean=float(p_final.mean()))
    s["per_path"].update(p0=p0, p_final=p_final)
    c = card("p2-example")
    claims.example(c, s)
    e = evidence_of(c)["P2.6-5"]
    assert verdicts(c)["P2.6-5"] and e["certainty"] == "marginal" and crosses(e, 0.0)
    s["per_path"]["p_final"] = p0 + 0.01  # the same mean rise on every path: clear
    s["p_final_mean"] = float(s["per_path"]["p_final"].mean())
    c = card("p2-example")
    claims.example(c, s)
    assert evidence_of(c)["P2.6-5"]["certainty"] == "clear"


def test_evidence_that_contradicts_the_summary_is_refused(card):
    s = good_summary()
    s["per_path"]["preserved"] = ones_then_zeros(0.95, 20)  # the fraction says every path
    with pytest.raises(ValueError, match="P2.6-1"):
        claims.example(card("p2-example"), s)


def test_fig02_kept_cells_clear_when_all_kept_marginal_with_one_lost(card):
    c = card("p2-grid")
    claims.kept(c, ones_then_zeros(1.0, 20))
    assert evidence_of(c)["P2.1-2"]["certainty"] == "clear" and verdicts(c)["P2.1-2"]
    c = card("p2-grid")
    claims.kept(c, ones_then_zeros(0.95, 20))
    e = evidence_of(c)["P2.1-2"]
    assert not verdicts(c)["P2.1-2"] and e["certainty"] == "marginal" and e["statistic"] == 0.95
    assert c.claims[-1].measured == "19/20 grid cells"


def test_fig03_star_likeness_marginal_near_nine_tenths_clear_far_from_it(card):
    table = tables.star_table(
        {"A": star_segments(0.9, [True] * 50), "B": star_segments(0.9, [True] * 46 + [False] * 4)},
        0.2,
    )
    c = card("p2-star")
    claims.star(c, table)
    ev = evidence_of(c)
    assert verdicts(c) == {"P2.6-3 A": True, "P2.6-3 B": True}
    assert ev["P2.6-3 A"]["certainty"] == "clear" and ev["P2.6-3 A"]["n_items"] == 50
    assert ev["P2.6-3 B"]["certainty"] == "marginal" and crosses(ev["P2.6-3 B"], claims.MOST_PAIRS)
    assert ev["P2.6-3 B"]["statistic"] == table.loc[1, "segments above p0−δ → LST output"] == 0.92


def test_tabled_mean_rounds_as_the_tables_do():
    fractions = np.random.default_rng(0).random(200)
    rounded = pd.DataFrame({"f": fractions}).round(tables.DIGITS)["f"]
    assert [claims._tabled_mean(np.array([f])) for f in fractions] == list(rounded)


def paired_triangles(at: list[float], normal: list[float], cfg) -> pd.DataFrame:
    rows = []
    for label, fs in (
        (row_label("normal", cfg.profile), normal),
        (row_label("at", cfg.profile), at),
    ):
        rows += [
            {
                "model": label,
                "targets": f"{k} & {k + 1}",
                "frac_0.0": f / 2,
                "frac_0.1": f,
                "frac_0.2": f,
                "frac_0.3": f,
            }
            for k, f in enumerate(fs)
        ]
    return pd.DataFrame(rows)


def test_fig04_pairs_the_triangles_of_both_models(card):
    cfg = cfg_of("p2-triangles")
    c = card("p2-triangles")
    claims.triangles(c, paired_triangles([0.9] * 6, [0.3] * 6, cfg), cfg)
    e = evidence_of(c)["P2.6-4ex"]
    assert e["certainty"] == "clear" and e["statistic"] == pytest.approx(0.6) and e["n_items"] == 6
    normal = [0.5, 0.2, 0.5, 0.2, 0.5, 0.2]
    at = [0.8, -0.1, 0.8, -0.1, 0.8, 0.0]  # AT − normal: ±0.3 per triangle, mean +0.0167
    c = card("p2-triangles")
    claims.triangles(c, paired_triangles(at, normal, cfg), cfg)
    e = evidence_of(c)["P2.6-4ex"]
    assert verdicts(c) == {"P2.6-4ex": True} and e["certainty"] == "marginal" and crosses(e, 0.0)
    c = card("p2-triangles")
    claims.triangles(c, paired_triangles([0.9], [0.3], cfg), cfg)  # smoke: one triangle
    assert evidence_of(c)["P2.6-4ex"]["certainty"] == "single example"


def test_fig05_width_pairs_are_too_few_in_the_profiles_and_resampled_from_five_on(card):
    cfg = cfg_of("p2-widths")  # δ = 0.2, p0 − δ = 0.7
    c = card("p2-widths")
    claims.widths(
        c,
        width_result([0.9, 0.8, 0.7, 0.6, 0.5, 0.3], [0.9, 0.85, 0.8, 0.8, 0.75, 0.7], 0.9, cfg),
        cfg,
    )
    ev = evidence_of(c)
    assert {e["certainty"] for e in ev.values()} == {"too few items"} and ev["P2.6-6"][
        "n_items"
    ] == 3
    assert ev["P2.6-6"]["statistic"] == pytest.approx(0.1, abs=1e-6)  # min(0.8 − 0.7, 0.8 − 0.3)
    assert ev["P2.6-6b"]["statistic"] == pytest.approx(0.2 - 0.6)  # AT drop − normal drop
    normal = width_run(
        [[0.9, 0.8, 0.8, 0.8, 0.8, q] for q in (0.5, 0.5, 0.5, 0.95, 0.95, 0.95)], 0.9
    )
    at = width_run([[0.9, 0.85, 0.8, 0.8, 0.8, 1.0]] * 6, 0.9)  # drop −0.1 on every pair
    runs = {row_label("normal", cfg.profile): normal, row_label("at", cfg.profile): at}
    c = card("p2-widths")
    claims.widths(c, {"table": tables.width_table(runs, cfg.width_radii), "widths": runs}, cfg)
    ev = evidence_of(c)
    assert verdicts(c) == {"P2.6-6": True, "P2.6-6b": True}  # mean q at r = 8: 0.725 < 0.8
    assert ev["P2.6-6"]["certainty"] == "marginal" and crosses(ev["P2.6-6"], 0.0)
    # AT drop −0.1 vs a normal drop between −0.05 and 0.4 in every resample
    assert ev["P2.6-6b"]["certainty"] == "clear" and ev["P2.6-6b"]["interval"][1] < 0


def test_tab01_pools_the_paths_of_every_model(card):
    summaries = {
        "A, stand-in for a": good_summary(),
        "B, stand-in for b": good_summary(decreased_linf=0.95),
    }
    c = card("p2-tab01")
    claims.tab01(c, {"summaries": summaries, "table": pd.DataFrame({"LPIPS": ["not computed"]})})
    ev = evidence_of(c)
    assert ev["P2.6-2b"]["n_items"] == 40 and ev["P2.6-2b"]["statistic"] == 39 / 40
    assert ev["P2.6-2b"]["certainty"] == "marginal" and ev["P2.6-1"]["certainty"] == "clear"
    assert ev["P2.6-7"]["statistic"] == pytest.approx(0.1, abs=1e-6) and ev["P2-T1-LPIPS"] is None


def test_tab02_pairs_the_sources_of_both_models(card):
    cfg = cfg_of("p2-tab02")  # 10 pool sources, δ = 0.2
    normal, at = row_label("normal", cfg.profile), row_label("at", cfg.profile)
    stats = {
        normal: torch.stack([stats_row(0.9, 0.3, 0.2, -0.1)] * 10),
        at: torch.stack([stats_row(0.8, 0.7, 0.6, -0.1)] * 9 + [stats_row(0.8, 0.7, 0.6, -0.2)]),
    }
    c = card("p2-tab02")
    claims.tab02(c, stats, cfg)
    ev = evidence_of(c)
    assert ev["P2.6-4"]["certainty"] == "clear" and ev["P2.6-4"]["statistic"] == pytest.approx(0.4)
    assert ev["P2.6-4n"]["certainty"] == "clear" and ev["P2.6-4n"]["statistic"] == pytest.approx(
        0.3
    )
    assert (
        ev["P2.6-3h"]["statistic"] == pytest.approx(0.9)
        and ev["P2.6-3h"]["certainty"] == "marginal"
    )  # AT 9/10 = the bar
    fracs = [0.3, -0.3] * 5  # AT − normal per source: 0.02 ± 0.3
    stats[at] = torch.stack([stats_row(0.8, 0.7, 0.22 + f, -0.1) for f in fracs])
    stats[normal] = torch.stack(
        [stats_row(0.9, 0.45 + 0.1 * (k % 2), 0.2, -0.1) for k in range(10)]
    )
    c = card("p2-tab02")
    claims.tab02(c, stats, cfg)
    ev = evidence_of(c)
    assert (
        verdicts(c)["P2.6-4"]
        and ev["P2.6-4"]["certainty"] == "marginal"
        and crosses(ev["P2.6-4"], 0.0)
    )
    assert (
        not verdicts(c)["P2.6-4n"] and ev["P2.6-4n"]["certainty"] == "marginal"
    )  # mean 0.5: at the bar, not below
    assert ev["P2.6-3h"]["certainty"] == "clear"


def test_tab02_without_the_same_sources_leaves_the_paired_claims_without_evidence(card):
    cfg = cfg_of("p2-tab02")
    normal, at = row_label("normal", cfg.profile), row_label("at", cfg.profile)
    stats = {
        normal: torch.stack([stats_row(0.9, 0.3, 0.2, -0.1)] * 10),
        at: torch.stack([stats_row(0.8, 0.7, 0.6, -0.1)] * 7),
    }  # 3 sources dropped (smoke pool)
    c = card("p2-tab02")
    claims.tab02(c, stats, cfg)
    ev = evidence_of(c)
    assert ev["P2.6-4"] is None and ev["P2.6-3h"] is None and ev["P2.6-4n"]["n_items"] == 10
    assert verdicts(c) == {"P2.6-4": True, "P2.6-4n": True, "P2.6-3h": True}


def test_the_margin_scale_separates_what_the_confidence_scale_saturates():
    from inputspace.p2 import plots

    p = np.array([0.5, 0.99, 0.9999, 1.0])
    assert np.allclose(plots.on_scale(p, "confidence"), p)
    assert np.allclose(
        plots.on_scale(p, "margin"), [np.log10(2), 2.0, 4.0, 6.0]
    )  # 1.0 sits at the floor's 6
    with pytest.raises(ValueError, match="scale must be one of"):
        plots.on_scale(p, "log")
