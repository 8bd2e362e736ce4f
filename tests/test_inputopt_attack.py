"""Tests of P1's targeted input-optimization attack (inputspace.methods.attacks)."""

import pytest
import torch
from torch import nn

from inputspace.data import digits
from inputspace.methods.attacks import input_optimization_attack


@pytest.fixture(scope="module")
def tiny_trained():
    """A linear softmax classifier on 8x8 digits, trained for 200 full-batch Adam steps (~1 s)."""
    torch.manual_seed(0)
    d = digits("train", size=8)
    model = nn.Sequential(nn.Flatten(), nn.Linear(3 * 64, 10))
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    for _ in range(200):
        opt.zero_grad()
        nn.functional.cross_entropy(model(d.x), d.y).backward()
        opt.step()
    model.eval().requires_grad_(False)
    return model, d


def test_attack_reaches_target_class_and_early_stop_level(tiny_trained):
    model, d = tiny_trained
    source = d.x[d.y == 0][:4]
    target = torch.full((4,), 7)
    with torch.no_grad():
        level = nn.functional.cross_entropy(model(d.x[d.y == 7][:1]), torch.tensor([7]))
    res = input_optimization_attack(
        model, source, target, lr=0.05, iterations=2000, early_stop=float(level)
    )
    assert (model(res.x).argmax(1) == 7).all()
    assert (res.ce <= level).all()
    assert (res.iterations >= 32).all()


def test_attack_respects_bounds(tiny_trained):
    model, d = tiny_trained
    res = input_optimization_attack(
        model,
        d.x[:2],
        torch.tensor([3, 3]),
        lr=0.5,
        iterations=50,
        bounds=(torch.zeros(1), torch.ones(1)),
    )
    assert res.x.min() >= 0 and res.x.max() <= 1
