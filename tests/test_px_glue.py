"""px's glue on hand-made inputs: a segment with a known barrier and its bypass round, the items
chosen from P2's runs, the real partners without the source, the within-class pairs, the triangle
fractions above p_src − δ, and the distances of BMUs to class centres on a tiny SOM."""

import math
from types import SimpleNamespace

import pytest
import torch
from torch import nn

from inputspace.config import Config
from inputspace.methods.som import SOM, SOMConfig
from inputspace.p1.space import OptSpace
from inputspace.p3.maps import LayerSOM
from inputspace.px import blindspots, layers, lenses


class Bump(nn.Module):
    """Two classes on 2-pixel inputs ``(N, 1, 1, 2)``: the class-1 logit is a bump of height 10
    around (0.5, 0), so the class-0 cross-entropy has a barrier of ≈ 9.3 halfway from (0, 0) to (1, 0)."""

    def __init__(self) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.tensor(10.0), requires_grad=False)

    def forward(self, x):
        p = x.flatten(1)
        z = self.scale * torch.exp(-((p[:, 0] - 0.5) ** 2 + p[:, 1] ** 2) / 0.01)
        return torch.stack([torch.zeros_like(z), z], 1)


def _space(model) -> OptSpace:
    model.eval()
    return OptSpace(model, lambda x: x, lambda z: z, None, model)


def _pt(*xy):
    return torch.tensor([[[list(p)]] for p in xy], dtype=torch.float32)


def _cfg(**values) -> Config:
    return Config("px-01", "smoke", torch.device("cpu"), 0, values)


def test_segment_gap_sees_the_barrier_and_not_a_monotone_rise():
    sp = _space(Bump())
    res = blindspots.segment_gaps(
        sp, _pt((0, 0), (0, 0)), _pt((1, 0), (0.3, 0)), torch.zeros(2, dtype=torch.long), 101
    )
    ce_end = math.log(2)  # z ≈ 0 at both ends of the first segment
    assert res["gap"][0] == pytest.approx(math.log1p(math.exp(10)) - ce_end, rel=1e-3)
    assert res["gap"][1] == pytest.approx(
        0.0, abs=1e-6
    )  # the loss rises to the end: no interior barrier
    assert res["losses"].shape == (2, 101)
    empty = blindspots.segment_gaps(sp, _pt(), _pt(), torch.zeros(0, dtype=torch.long), 5)
    assert empty["gap"].shape == (0,) and empty["losses"].shape == (0, 5)


class _Sized(SimpleNamespace):
    """What the bypass round reads of :class:`~inputspace.px.blindspots.BlindSpots`."""

    def __init__(self, n, **fields):
        super().__init__(**fields)
        self._n = n

    def __len__(self):
        return self._n


def test_bypass_round_bypasses_only_segments_with_a_gap_of_at_least_delta():
    sp = _space(Bump())
    bs = _Sized(
        2,
        source=_pt((0, 0), (0, 0.5)),
        x=_pt((1, 0), (1, 0.5)),
        y_src=torch.zeros(2, dtype=torch.long),
    )
    res = blindspots.bypass_round(_cfg(path_points=41, path_bypass_iters=300), sp, bs)
    assert res["bypassed"].tolist() == [True, False]  # the second segment passes far from the bump
    assert res["connected"][1] and torch.isnan(res["sub_gaps"][1]).all()
    assert res["primary_gap"][0] > 9 and res["sub_gaps"][0].max() < res["primary_gap"][0]


def _fake_p2(monkeypatch, p_src_pred):
    """Derangement runs of 2 runs × 3 pool images; ``p_src_pred``: the predicted class of each output."""
    pool_x = torch.rand(3, 3, 4, 4)
    run = {
        "x": torch.rand(6, 3, 4, 4),
        "src": torch.tensor([0, 1, 2, 0, 1, 2]),
        "tgt": torch.tensor([1, 2, 0, 2, 0, 1]),
        "p_src": torch.tensor([0.9, float("nan"), 0.9, 0.9, 0.9, 0.9]),
        "valid": torch.tensor(
            [True, True, True, False, True, True]
        ),  # row 3: a misclassified source, traversed
        "log_rms_l2": torch.tensor([[1.0] * 6, [0.5, 0.5, 0.2, 0.8, 0.5, 0.5]]),
        "start_rms_l2": torch.ones(6),
    }
    monkeypatch.setattr(blindspots, "derangement_runs", lambda cfg, role: run)
    monkeypatch.setattr(
        blindspots, "pool", lambda cfg: SimpleNamespace(x=pool_x, y=torch.tensor([0, 1, 2]))
    )
    monkeypatch.setattr(blindspots, "predicted", lambda cfg, role, x: torch.tensor(p_src_pred))
    return run, pool_x


def test_lst_outputs_keep_the_traversed_outputs_still_classified_as_their_source(monkeypatch):
    run, pool_x = _fake_p2(monkeypatch, [0, 1, 0, 0, 1, 2])  # row 2 (source 2) now predicted 0
    bs = blindspots.lst_outputs(_cfg(lst_outputs="kept"), "normal")
    assert bs.row.tolist() == [0, 3, 4, 5]  # row 1 not traversed (NaN), row 2 not kept
    assert (bs.traversed, bs.kept) == (5, 4)
    assert (
        torch.equal(bs.source[1], pool_x[0])
        and torch.equal(bs.target[1], pool_x[2])
        and torch.equal(bs.x[1], run["x"][3])
    )
    assert bs.y_tgt.tolist() == [1, 2, 0, 1]
    assert torch.allclose(bs.covered, torch.tensor([0.5, 0.2, 0.5, 0.5]))
    every = blindspots.lst_outputs(_cfg(lst_outputs="all"), "normal")
    assert every.row.tolist() == [0, 2, 3, 4, 5] and every.kept == 4
    monkeypatch.setattr(blindspots, "derangement_runs", lambda cfg, role: None)
    assert blindspots.lst_outputs(_cfg(lst_outputs="all"), "at") is None


def test_real_partners_leave_the_source_out(monkeypatch):
    imgs = torch.arange(4 * 3, dtype=torch.float32).view(4, 3, 1, 1) / 12
    monkeypatch.setattr(blindspots, "class_images", lambda cfg, c, n: imgs[:n])
    partners, owner = blindspots.real_partners(
        _cfg(real_partners=2), torch.stack([imgs[1], imgs[3]]), torch.tensor([5, 6])
    )
    assert torch.equal(partners, torch.stack([imgs[0], imgs[2], imgs[0], imgs[1]]))
    assert owner.tolist() == [0, 0, 1, 1]


def test_within_pairs_pair_images_2p_and_2p_plus_1_of_every_pool_class(monkeypatch):
    monkeypatch.setattr(lenses, "pool", lambda cfg: SimpleNamespace(y=torch.tensor([3, 7])))
    monkeypatch.setattr(
        lenses,
        "class_images",
        lambda cfg, c, n: (
            torch.full((n, 1, 1, 1), float(c))
            + torch.arange(n, dtype=torch.float32).view(n, 1, 1, 1) / 10
        ),
    )
    p = lenses.within_pairs(_cfg(pairs_per_class=2))
    assert p["y"].tolist() == [3, 3, 7, 7]
    assert torch.allclose(p["a"].flatten(), torch.tensor([3.0, 3.2, 7.0, 7.2]))
    assert torch.allclose(p["b"].flatten(), torch.tensor([3.1, 3.3, 7.1, 7.3]))


class MeanThreshold(nn.Module):
    """Class 0 while the mean pixel is below 0.25 (confidence 0.993 at mean 0, 0.007 at mean 0.5)."""

    def forward(self, x):
        m = x.flatten(1).mean(1, keepdim=True)
        return torch.cat([0.25 - m, m - 0.25], 1) * 10


def test_triangle_fractions_count_lattice_points_above_p_src_minus_delta(monkeypatch):
    monkeypatch.setattr(
        lenses, "role_model", lambda cfg, role: SimpleNamespace(model=MeanThreshold().eval())
    )
    monkeypatch.setattr(
        lenses,
        "pool",
        lambda cfg: SimpleNamespace(x=torch.zeros(2, 3, 2, 2), y=torch.tensor([0, 0])),
    )
    cfg = Config(
        "px-04",
        "smoke",
        torch.device("cpu"),
        0,
        {"lattice_n": 2, "exact_lattice": True, "pool_classes": (0, 1), "n_runs": 2},
    )
    ones = torch.ones(3, 3, 2, 2)
    bs = blindspots.BlindSpots(
        "normal",
        ones,
        ones,
        ones,
        torch.zeros(3, dtype=torch.long),
        torch.ones(3, dtype=torch.long),
        torch.tensor([0, 1, 0]),
        torch.tensor([0, 2, 1]),
        torch.ones(3),
        3,
        3,
    )
    tri = lenses.triangle_fractions(cfg, bs, (0.001, 0.999))
    assert tri["sources"].tolist() == [0]  # source 1 lacks its run-1 output
    # 6 lattice points (n = 2); only the source vertex has mean pixel < 0.25
    assert tri["frac"][0.001].tolist() == pytest.approx([1 / 6])
    assert tri["frac"][0.999].tolist() == pytest.approx([1.0])


def test_centre_sides_measure_each_input_to_its_two_classes_on_the_torus():
    cfg = SOMConfig(m=4, n=4, epochs=1, batch_size=1)
    som = SOM(torch.zeros(16, 2), cfg, torch.zeros(1), torch.zeros(1))
    # SOM-tr: class 0 at unit 0 (0,0), class 1 at unit 10 (2,2)
    ls = LayerSOM(
        "toy",
        0,
        som,
        torch.tensor([[0], [0], [10]]),
        torch.tensor([[0]]),
        torch.tensor([0, 0, 1]),
        torch.tensor([0]),
        torch.tensor([0]),
        2,
    )
    units = [torch.tensor([15, 10])]  # (3,3) and (2,2)
    d = layers.centre_sides([ls], units, torch.tensor([0, 0]), torch.tensor([1, 1]))
    assert torch.allclose(
        d["first"][0], torch.tensor([math.sqrt(2), math.sqrt(8)])
    )  # (3,3) wraps to (−1,−1)
    assert torch.allclose(d["second"][0], torch.tensor([math.sqrt(2), 0.0]))


def test_input_optimization_adversarials_are_measured_to_their_true_and_target_centres(monkeypatch):
    cfg = SOMConfig(m=4, n=4, epochs=1, batch_size=1)
    angle = (
        torch.arange(16) * 0.35
    )  # unit i's weight points at angle 0.35 i: a code equal to it maps to unit i
    weights = torch.stack([angle.cos(), angle.sin()], 1)
    som = SOM(weights, cfg, torch.zeros(1), torch.zeros(1))
    ls = LayerSOM(
        "toy",
        0,
        som,
        torch.tensor([[0], [0], [10]]),
        torch.tensor([[0]]),
        torch.tensor([0, 0, 1]),
        torch.tensor([0]),
        torch.tensor([0]),
        2,
    )
    k = {
        "x": torch.ones(2, 1, 1, 2),
        "source": torch.zeros(2, 1, 1, 2),
        "y": torch.tensor([0, 0]),
        "target": torch.tensor([1, 1]),
        "attacked": 3,
    }
    monkeypatch.setattr(layers, "input_optimization_set", lambda c: k)
    # the K' land on units 10 and 0, their clean inputs both on unit 0
    monkeypatch.setattr(
        layers, "codes_of", lambda c, net, x: [weights[[10, 0]] if x.sum() > 0 else weights[[0, 0]]]
    )
    res = layers._inputopt_layers(_cfg(), [ls], net=None)
    assert res["units"][0].tolist() == [10, 0] and res["clean_units"][0].tolist() == [0, 0]
    assert torch.allclose(res["d_tgt"][0], torch.tensor([0.0, math.sqrt(8)]))
    assert torch.allclose(res["d_true"][0], torch.tensor([math.sqrt(8), 0.0]))
    k.update(
        x=torch.zeros(0, 1, 1, 2),
        source=torch.zeros(0, 1, 1, 2),
        y=torch.zeros(0),
        target=torch.zeros(0),
    )
    res = layers._inputopt_layers(
        _cfg(), [ls], net=None
    )  # none reached its target: empty, not an error
    assert [len(u) for u in res["units"]] == [0] and len(res["d_true"][0]) == 0
