"""The fidelity audit's controls (2026-12-07): each new rule and mechanism on both sides."""

from __future__ import annotations

import pandas as pd
import pytest
import torch

from inputspace import paths
from inputspace.claims import Scorecard
from inputspace.config import resolve
from inputspace.methods import attacks, levelset, torus
from inputspace.p2 import claims as p2claims
from inputspace.p2 import knobs as p2knobs
from inputspace.p2 import lst
from inputspace.p2.roles import label_of


@pytest.fixture
def card(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "BUILD", tmp_path)
    return lambda nid: Scorecard(nid, "smoke")


def test_the_earlier_codes_adversarial_term_is_the_batch_mean():
    grad = torch.ones(2, 3)
    full = levelset._adv_update(None, grad, 0.002)
    weak = levelset._adv_update(None, grad, 0.002, 1 / 196)
    assert torch.allclose(full, torch.full((2, 3), 0.001)) and torch.allclose(weak * 196, full)
    # the accumulated term is clamped to ±ε whatever the scale
    assert torch.allclose(levelset._adv_update(full, 10 * grad, 0.002), torch.full((2, 3), 0.002))


def test_lst_controls_are_off_with_the_knob_and_change_only_their_knobs():
    cfg = resolve("p2-tab01", {"profile": "smoke", "device": "cpu"}, p2knobs.KNOBS["p2-tab01"])
    controls = lst.controls(cfg)
    assert set(controls) == {"noadv", "mean196"}
    assert controls["noadv"][1].adv_pert is False and controls["mean196"][1].adv_grad_batch == 196
    assert controls["noadv"][1].iters == cfg.iters and cfg.adv_pert is True
    off = resolve(
        "p2-tab01",
        {"profile": "smoke", "device": "cpu", "lst_controls": False},
        p2knobs.KNOBS["p2-tab01"],
    )
    assert lst.controls(off) == {}


def test_centered_noise_is_mean_free_with_the_uniform_noise_s_l2():
    x = torch.full((64, 3, 16, 16), 0.5)
    g = torch.Generator().manual_seed(0)
    u = attacks.uniform_noise(x, 0.1, generator=g) - x
    c = attacks.centered_noise(x, 0.1, generator=torch.Generator().manual_seed(1)) - x
    assert (
        abs(float(u.mean()) - 0.05) < 2e-3 and abs(float(c.mean())) < 2e-3
    )  # the offset of U(0, ε) only
    assert float(u.pow(2).mean()) == pytest.approx(float(c.pow(2).mean()), rel=0.02)  # ε²/3 both
    black = torch.zeros(4, 1, 8, 8)
    assert float(attacks.centered_noise(black, 0.1, generator=g).min()) == 0.0  # clipped to [0, 1]


def test_the_random_pair_distance_of_a_torus():
    assert torus.mean_pair_distance(1, 1) == 0.0
    # 2 x 1: two units one apart; pairs (0,0), (0,1), (1,0), (1,1) -> mean 0.5
    assert torus.mean_pair_distance(2, 1) == pytest.approx(0.5)
    assert torus.mean_pair_distance(20, 20) == pytest.approx(7.65, abs=0.05)


def _matched_inputs(at_frac, normal_frac):
    cfg = resolve(
        "p2-triangles", {"profile": "quick", "device": "cpu"}, p2knobs.KNOBS["p2-triangles"]
    )
    table = pd.DataFrame({"model": [label_of(cfg, "at")] * len(at_frac), "frac_0.2": at_frac})
    matched = [{"stats": {"frac_0.2": f}, "covered": [(0.46, 0.45)]} for f in normal_frac]
    return table, matched, cfg


def test_matched_coverage_passes_when_the_at_triangles_are_more_confident_and_fails_on_a_tie(card):
    table, matched, cfg = _matched_inputs([0.9, 0.8, 0.95], [0.5, 0.6, 0.4])
    c = card("p2-triangles")
    p2claims.matched_coverage(c, table, matched, cfg)
    assert c.claims[0].passed is True and c.claims[0].kind == "control"
    table, matched, cfg = _matched_inputs([1.0, 1.0, 1.0], [1.0, 1.0, 1.0])
    c = card("p2-triangles")
    p2claims.matched_coverage(c, table, matched, cfg)
    assert c.claims[0].passed is False  # a tie is no "larger"
    c = card("p2-triangles")
    p2claims.matched_coverage(c, table, None, cfg)
    assert c.claims[0].passed is None and c.claims[0].measured == "no AT model"
