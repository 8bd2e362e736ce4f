"""Tests of linear paths, barriers, bypasses and repeated bypass (inputspace.methods.connectivity)."""

import math

import torch
from torch import nn

from inputspace.methods.connectivity import (
    DELTA,
    barriers,
    bypass,
    connect,
    cosine,
    path_losses,
    path_points,
    select_modes,
)


class Bump(nn.Module):
    """2-D toy classifier (inputs (N, 1, 1, 2)): class-0 loss softplus(h exp(-|x-mu|^2/2s^2) - k),
    a Gaussian barrier centred slightly off the segment A=(-2,0) -> C=(2,0)."""

    def __init__(self, h=10.0, k=8.0, mu=(0.0, 0.3), s=0.5):
        super().__init__()
        self.h, self.k, self.s = h, k, s
        self.register_buffer("mu", torch.tensor(mu))

    def forward(self, x):
        d2 = ((x.view(len(x), 2) - self.mu) ** 2).sum(1)
        g = self.h * torch.exp(-d2 / (2 * self.s**2)) - self.k
        return torch.stack([torch.zeros_like(g), g], 1)

    def loss_at(self, p):
        d2 = (p[0] - 0.0) ** 2 + (p[1] - 0.3) ** 2
        return math.log1p(math.exp(self.h * math.exp(-d2 / (2 * self.s**2)) - self.k))


A = torch.tensor([[[[-2.0, 0.0]]]])
C = torch.tensor([[[[2.0, 0.0]]]])
Y = torch.tensor([0])


def test_interpolation_endpoints_are_exact():
    a, c = torch.randn(3, 3, 4, 4), torch.randn(3, 3, 4, 4)
    pts = path_points(a, c, torch.linspace(0, 1, 7))
    assert torch.equal(pts[:, 0], a) and torch.equal(pts[:, -1], c)


def test_barrier_height_and_gap_match_the_analytic_loss():
    model = Bump()
    _, losses = path_losses(model, A, C, Y, n=401)
    b = barriers(losses)
    top, end = model.loss_at((0.0, 0.0)), max(model.loss_at((-2.0, 0.0)), model.loss_at((2.0, 0.0)))
    assert abs(float(b.alpha[0]) - 0.5) < 1e-6
    assert abs(float(b.height[0]) - top) < 1e-5
    assert abs(float(b.gap[0]) - (top - end)) < 1e-5


def test_path_losses_batched_equal_per_segment():
    model = Bump()
    a, c = torch.randn(3, 1, 1, 2), torch.randn(3, 1, 1, 2)
    _, batched = path_losses(model, a, c, torch.zeros(3, dtype=torch.long), n=11, batch_size=7)
    for i in range(3):
        _, one = path_losses(model, a[i : i + 1], c[i : i + 1], Y, n=11)
        torch.testing.assert_close(batched[i], one[0])


def test_exact_bypass_keeps_b_prime_in_the_hyperplane():
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 4 * 4, 3)
    ).eval()
    a, c = torch.randn(2, 3, 6, 6), torch.randn(2, 3, 6, 6)
    b = 0.5 * (a + c)
    res = bypass(model, a, c, b, torch.tensor([0, 1]), variant="exact", iterations=50, lr=0.05)
    assert (res.b_prime - b).abs().max() > 1e-2
    assert res.cosine.abs().max() < 1e-5


def test_cosine_is_zero_for_orthogonal_rows():
    u = torch.tensor([[1.0, 0.0], [1.0, 1.0]])
    v = torch.tensor([[0.0, 2.0], [1.0, 1.0]])
    torch.testing.assert_close(cosine(u, v), torch.tensor([0.0, 1.0]))


def test_connect_terminates_with_every_segment_below_delta():
    model = Bump()
    res = connect(model, A, C, Y, n_points=201, max_rounds=4)[0]
    first, last = res.rounds[0], res.rounds[-1]
    assert first.barrier.gap[0] > 0.5
    assert res.connected and res.rounds_needed >= 1
    assert float(res.rounds[1].new_ce.max()) < 0.01
    assert (last.barrier.gap < DELTA).all()
    assert len(last.nodes) == len(last.curves) + 1 >= 3
    assert torch.equal(last.nodes[0], A[0]) and torch.equal(last.nodes[-1], C[0])


def test_connect_stops_at_depth_limit_when_not_connected():
    model = Bump()
    res = connect(model, A, C, Y, n_points=101, max_rounds=1, iterations=1, criterion="modes")[0]
    assert len(res.rounds) == 2 and not res.connected and res.rounds_needed is None


def test_select_modes_keeps_lowest_loss_of_first_pool():
    model = Bump()
    x = torch.tensor([[0.0, 0.3], [-3.0, 0.0], [0.1, 0.3], [5.0, 5.0], [9.0, 9.0]]).view(5, 1, 1, 2)
    y = torch.tensor([0, 0, 0, 0, 0])
    idx, ce = select_modes(model, x, y, 0, k=1, pool_factor=3)
    assert idx.tolist() == [1] and ce[0] < 1e-3
