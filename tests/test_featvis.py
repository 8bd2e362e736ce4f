"""Tests of the batched input-optimization loop and FVO (inputspace.methods.inputopt)."""

import torch
from torch import nn

from inputspace.methods.inputopt import feature_visualization, optimize_inputs, total_variation


def _toy(seed=0, hidden=True):
    torch.manual_seed(seed)
    if not hidden:  # unbounded logits: any CE level is reachable
        return nn.Sequential(nn.Flatten(), nn.Linear(12, 3)).eval()
    return nn.Sequential(nn.Flatten(), nn.Linear(12, 16), nn.Tanh(), nn.Linear(16, 3)).eval()


def test_batched_adam_equals_independent_torch_adam_runs():
    model = _toy()
    x0 = torch.randn(2, 3, 2, 2)
    y = torch.tensor([0, 2])
    res = optimize_inputs(model, x0, y, lr=0.05, iterations=20, weight_decay=1e-2)
    for i in range(2):
        x = x0[i : i + 1].clone().requires_grad_(True)
        opt = torch.optim.Adam([x], lr=0.05, weight_decay=1e-2)
        for _ in range(20):
            opt.zero_grad()
            nn.functional.cross_entropy(model(x), y[i : i + 1]).backward()
            opt.step()
        torch.testing.assert_close(res.x[i], x.detach()[0], atol=1e-6, rtol=1e-5)


def test_rows_stop_once_below_threshold_and_return_an_input_meeting_it():
    model = _toy(hidden=False)
    res = optimize_inputs(
        model,
        torch.zeros(3, 3, 2, 2),
        torch.tensor([0, 1, 2]),
        lr=0.1,
        iterations=2000,
        stop=torch.tensor([0.5, 0.05, 1e-9]),
    )
    assert res.ce[0] < 0.5 and res.ce[1] < 0.05
    assert res.iterations[0] < res.iterations[1] < res.iterations[2] == 2000


def test_total_variation_of_a_horizontal_ramp():
    z = torch.arange(4.0).view(1, 1, 1, 4).expand(2, 3, 2, 4)
    torch.testing.assert_close(total_variation(z), torch.full((2,), 3.0 * 3 * 2))


def test_fvo_reaches_stop_threshold_and_keeps_best_iterate():
    model = _toy(hidden=False)
    g = torch.Generator().manual_seed(0)
    res = feature_visualization(
        model,
        torch.tensor([1, 2]),
        shape=(3, 2, 2),
        generator=g,
        iterations=3000,
        stop=1e-2,
        tv_weight=torch.tensor([1e-3, 0.0]),
    )
    assert (res.ce < 1e-2).all()
    with torch.no_grad():
        ce = nn.functional.cross_entropy(model(res.x), torch.tensor([1, 2]), reduction="none")
    torch.testing.assert_close(ce, res.ce)
