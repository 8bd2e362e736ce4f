"""Evaluation of LST outputs (P2 Tables 1-2, Figs of star-like sets and hulls): distances,
segments, triangle hulls, derangements."""

import itertools

import numpy as np
import pytest
import torch
from torch import nn

from inputspace.methods import lst_eval


class Linear(nn.Module):
    def __init__(self, seed: int = 0):
        super().__init__()
        torch.manual_seed(seed)
        self.fc = nn.Linear(48, 3)
        self.eval()

    def forward(self, x):
        return self.fc(x.flatten(1))


def test_rms_l2_is_l2_over_sqrt_of_pixel_count():
    x, y = torch.zeros(2, 3, 4, 4), torch.full((1, 3, 4, 4), 0.5)
    assert torch.allclose(lst_eval.rms_l2(x, y), torch.tensor([0.5, 0.5]))
    assert torch.allclose(lst_eval.rms_l2(x, y), (x - y).flatten(1).norm(dim=1) / 48**0.5)


def test_linf_is_the_largest_pixel_difference():
    x = torch.zeros(1, 3, 4, 4)
    y = x.clone()
    y[0, 1, 2, 3] = -0.7
    assert torch.allclose(lst_eval.linf(x, y), torch.tensor([0.7]))


def test_ssim_of_identical_images_is_one_and_of_different_images_lower():
    g = torch.Generator().manual_seed(0)
    x = torch.rand(2, 3, 32, 32, generator=g)
    assert torch.allclose(lst_eval.ssim(x, x), torch.ones(2), atol=1e-5)
    assert (lst_eval.ssim(x, torch.rand(2, 3, 32, 32, generator=g)) < 0.5).all()


def test_lpips_is_reported_not_computed_without_local_weights(tmp_path, monkeypatch):
    monkeypatch.setattr(torch.hub, "get_dir", lambda: str(tmp_path))
    assert not lst_eval.lpips_available()
    d = lst_eval.table1_distances(torch.rand(2, 3, 16, 16), torch.rand(1, 3, 16, 16))
    assert d["lpips"] == lst_eval.LPIPS_UNAVAILABLE == "not computed (no LPIPS weights offline)"
    with pytest.raises(FileNotFoundError, match="AlexNet"):
        lst_eval.lpips_distance(torch.rand(1, 3, 16, 16), torch.rand(1, 3, 16, 16))


def test_triangle_lattice_has_66_points_and_the_official_float_test_64():
    exact, official = lst_eval.lattice(10), lst_eval.lattice(10, exact=False)
    assert len(exact) == 66 and len(official) == 64
    as_set = lambda w: {tuple(np.round(p, 1)) for p in w.tolist()}  # noqa: E731
    missing = as_set(exact) - as_set(official)
    assert missing == {(0.8, 0.2), (0.9, 0.1)}
    assert (exact.sum(1) <= 1 + 1e-12).all()


def test_triangle_points_hit_the_vertices():
    xs, x1, x2 = torch.zeros(3, 2, 2), torch.ones(3, 2, 2), torch.full((3, 2, 2), 2.0)
    pts = lst_eval.triangle_points(
        xs, x1, x2, torch.tensor([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    )
    assert [float(p.mean()) for p in pts] == [0.0, 1.0, 2.0, 1.5]


def test_triangle_stats_follow_the_official_definitions():
    w = lst_eval.lattice(10)
    probs = 0.9 - 0.5 * w[:, 0]  # falls along the first edge only
    st = lst_eval.triangle_stats(probs, w)
    edge = torch.cat([probs[w[:, 1] == 0], probs[w[:, 0] == 0]])
    assert len(edge) == 22
    assert st["p_src"] == pytest.approx(0.9) and st["triangle_mean"] == pytest.approx(
        float(probs.mean())
    )
    assert st["frac_0.0"] == pytest.approx(0.0)  # strict ">": nothing exceeds p_src
    assert st["frac_0.1"] == pytest.approx(float((probs > 0.8).double().mean()))
    assert st["edge_mean"] == pytest.approx(float(edge.mean()))
    assert st["edge_min"] == pytest.approx(-0.5)


def test_table2_rows_average_over_all_pairs_of_runs():
    model = Linear()
    g = torch.Generator().manual_seed(0)
    src, out = torch.rand(2, 3, 4, 4, generator=g), torch.rand(2, 3, 3, 4, 4, generator=g)
    y = model(src).argmax(1)
    rows = lst_eval.table2_rows(model, src, y, out)
    assert rows.shape == (2, len(lst_eval.TABLE2_COLUMNS))
    w = lst_eval.lattice(10)
    probs = [
        lst_eval.triangle_confidences(model, src[0], out[0, a], out[0, b], int(y[0]), w)
        for a, b in itertools.combinations(range(3), 2)
    ]
    per = [lst_eval.triangle_stats(p, w) for p in probs]
    assert rows[0, 1] == pytest.approx(np.mean([p["triangle_mean"] for p in per]))
    assert rows[0, -1] == pytest.approx(min(p["edge_min"] for p in per))


def test_segment_confidences_end_at_the_endpoints_confidences():
    model = Linear(1)
    g = torch.Generator().manual_seed(1)
    a, b = torch.rand(3, 3, 4, 4, generator=g), torch.rand(3, 3, 4, 4, generator=g)
    y = torch.tensor([0, 1, 2])
    seg = lst_eval.segment_confidences(model, a, b, y, n_points=5)
    assert seg.shape == (3, 5)
    assert torch.allclose(seg[:, 0], lst_eval.class_confidence(model, a, y), atol=1e-6)
    assert torch.allclose(seg[:, -1], lst_eval.class_confidence(model, b, y), atol=1e-6)


def test_isometric_vertices_keep_lengths_and_angle():
    xs = torch.zeros(2)
    v = lst_eval.isometric_vertices(xs, torch.tensor([2.0, 0.0]), torch.tensor([0.0, 4.0]))
    expected = torch.tensor([[0.0, 0.0], [1.0, 0.0], [0.0, 2.0]], dtype=torch.float64)
    assert torch.allclose(v, expected, atol=1e-12)


def test_derangement_is_a_permutation_without_fixed_points():
    g = torch.Generator().manual_seed(0)
    for _ in range(20):
        p = lst_eval.derangement(5, g)
        assert sorted(p.tolist()) == list(range(5)) and (p != torch.arange(5)).all()
    with pytest.raises(ValueError):
        lst_eval.derangement(1, g)
