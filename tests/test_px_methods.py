"""What the cross-study notebooks added to ``methods``: the class-keeping PGD (``attacks``) and the
torus distance of arbitrary BMUs to class centres (``torus``)."""

import math

import pytest
import torch
from torch import nn

from inputspace.methods.attacks import pgd_linf, pgd_linf_kept
from inputspace.methods.torus import bmu_center_distances, class_centers


class Threshold(nn.Module):
    """Class 1 once the mean pixel exceeds ``t``, class 0 below (logits linear in the mean)."""

    def __init__(self, t: float) -> None:
        super().__init__()
        self.t = t

    def forward(self, x):
        m = x.flatten(1).mean(1, keepdim=True)
        return torch.cat([self.t - m, m - self.t], 1) * 10


def _tiny_net():
    torch.manual_seed(0)
    return nn.Sequential(nn.Flatten(), nn.Linear(12, 3)).eval()


def test_kept_pgd_is_pgd_when_the_class_never_changes():
    model = Threshold(10.0).eval()  # always class 0: PGD towards class 1 never gets there
    x = torch.rand(4, 3, 2, 2) * 0.5
    y = torch.zeros(4, dtype=torch.long)
    for rand_init in (False, True):
        kept, steps = pgd_linf_kept(
            model,
            x,
            y,
            eps=0.1,
            iters=6,
            step_size=0.03,
            rand_init=rand_init,
            generator=torch.Generator().manual_seed(3),
        )
        ref = pgd_linf(
            model,
            x,
            y,
            eps=0.1,
            iters=6,
            step_size=0.03,
            rand_init=rand_init,
            generator=torch.Generator().manual_seed(3),
        )
        assert torch.allclose(kept, ref, atol=1e-7) and steps.tolist() == [6] * 4


def test_kept_pgd_iterates_are_pgd_s_on_a_real_network():
    """Every kept iterate equals pgd_linf run for as many steps (the projection is the same)."""
    model = _tiny_net()
    x = torch.rand(5, 3, 2, 2)
    y = model(x).argmax(1)
    kept, steps = pgd_linf_kept(model, x, y, eps=0.2, iters=8, step_size=0.05, rand_init=False)
    for i, t in enumerate(steps.tolist()):
        ref = pgd_linf(
            model, x[i : i + 1], y[i : i + 1], eps=0.2, iters=t, step_size=0.05, rand_init=False
        )
        assert torch.allclose(kept[i : i + 1], ref, atol=1e-6)
        assert int(model(kept[i : i + 1]).argmax(1)) == int(y[i])
    assert (kept - x).abs().max() <= 0.2 + 1e-6 and kept.min() >= 0 and kept.max() <= 1


def test_kept_pgd_stops_before_the_class_changes():
    """Mean 0.4, threshold 0.45, steps of 0.02 upwards: steps 1 and 2 keep class 0 (0.42, 0.44),
    step 3 crosses (0.46), so the kept point is step 2."""
    model = Threshold(0.45).eval()
    x = torch.full((1, 3, 2, 2), 0.4)
    kept, steps = pgd_linf_kept(
        model,
        x,
        torch.zeros(1, dtype=torch.long),
        eps=0.3,
        iters=10,
        step_size=0.02,
        rand_init=False,
    )
    assert steps.tolist() == [2]
    assert torch.allclose(kept, torch.full_like(x, 0.44), atol=1e-6)


def test_kept_pgd_returns_the_input_where_even_the_start_is_misclassified():
    model = Threshold(0.45).eval()
    x = torch.full((2, 3, 2, 2), 0.5)  # class 1 already
    kept, steps = pgd_linf_kept(
        model, x, torch.zeros(2, dtype=torch.long), eps=0.1, iters=3, step_size=0.05
    )
    assert steps.tolist() == [-1, -1] and torch.equal(kept, x)
    with pytest.raises(ValueError, match="non-negative"):
        pgd_linf_kept(model, x, torch.zeros(2, dtype=torch.long), eps=-1.0, iters=3, step_size=0.05)


def test_center_distance_wraps_the_torus_and_takes_each_input_s_class():
    m = n = 4
    # class 0 sits on the corner seam: units (3, 3) and (0, 0) -> unfolded centre (3.5, 3.5) or (-0.5, -0.5)
    units_tr = torch.tensor([[15], [0], [5], [5]])
    labels = torch.tensor([0, 0, 1, 1])
    centers = class_centers(units_tr, labels, m, n)["center"]
    assert torch.allclose(centers[1], torch.tensor([1.0, 1.0]))
    probe = torch.tensor([[0], [15], [5]])  # unit (0,0), unit (3,3), unit (1,1)
    d0 = bmu_center_distances(probe, torch.tensor([0, 0, 0]), centers, m, n)
    assert torch.allclose(
        d0[:, 0], torch.tensor([math.sqrt(0.5), math.sqrt(0.5), math.sqrt(2 * 1.5**2)])
    )
    d1 = bmu_center_distances(probe, torch.tensor([1, 1, 1]), centers, m, n)
    assert torch.allclose(d1[:, 0], torch.tensor([math.sqrt(2), math.sqrt(8), 0.0]))
    mixed = bmu_center_distances(probe, torch.tensor([1, 0, 1]), centers, m, n)
    assert torch.allclose(mixed[:, 0], torch.tensor([d1[0, 0], d0[1, 0], d1[2, 0]]))


def test_center_distance_is_nan_for_a_class_without_som_tr_inputs():
    centers = class_centers(torch.tensor([[1, 2]]), torch.tensor([0]), 3, 3, num_classes=2)[
        "center"
    ]
    d = bmu_center_distances(torch.tensor([[1, 2]]), torch.tensor([1]), centers, 3, 3)
    assert d.shape == (1, 2) and torch.isnan(d).all()
