"""L-infinity PGD and the uniform-noise control of P3 (Table 2).

``inputspace.methods.attacks.pgd_linf`` is checked against a plain re-implementation of advertorch's
``LinfPGDAttack.perturb`` -> ``perturb_iterative`` loop (advertorch 0.2, the library the paper
used) started from the same random point. The established libraries themselves cannot be used
here: advertorch does not import on torch >= 1.9, and torchattacks cannot be installed into
the project environment (it pins ``requests~=2.25``, which breaks jupyterlab-server).
"""

import pytest
import torch
from torch import nn

from inputspace.methods.attacks import pgd_linf, uniform_noise

EPS = 4 / 255


def _toy_model():
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 3)
    ).eval()


def _batch():
    g = torch.Generator().manual_seed(1)
    x = torch.rand(5, 3, 6, 6, generator=g)
    x[0] = 0.0  # pixels on both box faces, so the [0, 1] projection is exercised
    x[1] = 1.0
    return x, torch.tensor([0, 1, 2, 0, 1])


def _advertorch_reference(model, x, y, eps, nb_iter, eps_iter, delta_init, targeted=False):
    """advertorch.attacks.iterative_projected_gradient.perturb_iterative (ord=inf), verbatim
    in plain torch, with loss_fn = CrossEntropyLoss(reduction="sum") (advertorch's default)."""
    loss_fn = nn.CrossEntropyLoss(reduction="sum")
    delta = (
        torch.clamp(x + delta_init, 0.0, 1.0) - x
    ).clone()  # LinfPGDAttack.perturb after rand_init
    delta.requires_grad_()
    for _ in range(nb_iter):
        loss = loss_fn(model(x + delta), y)
        if targeted:
            loss = -loss
        loss.backward()
        delta.data = delta.data + eps_iter * delta.grad.data.sign()
        delta.data = torch.clamp(delta.data, -eps, eps)
        delta.data = torch.clamp(x.data + delta.data, 0.0, 1.0) - x.data
        delta.grad.data.zero_()
    return torch.clamp(x + delta, 0.0, 1.0).detach()


def test_pgd_respects_linf_ball_and_pixel_box():
    model, (x, y) = _toy_model(), _batch()
    adv = pgd_linf(
        model,
        x,
        y,
        eps=EPS,
        iters=50,
        step_size=EPS * 2 / 100,
        generator=torch.Generator().manual_seed(0),
    )
    assert (adv - x).abs().max() <= EPS + 1e-7
    assert adv.min() >= 0.0 and adv.max() <= 1.0


@pytest.mark.parametrize("targeted", [False, True])
def test_pgd_equals_advertorch_loop_from_the_same_random_start(targeted):
    model, (x, y) = _toy_model(), _batch()
    eps, step = 16 / 255, 2 / 255
    adv = pgd_linf(
        model,
        x,
        y,
        eps=eps,
        iters=10,
        step_size=step,
        targeted=targeted,
        generator=torch.Generator().manual_seed(7),
    )
    u = torch.rand(x.shape, generator=torch.Generator().manual_seed(7))
    ref = _advertorch_reference(model, x, y, eps, 10, step, (2 * u - 1) * eps, targeted)
    torch.testing.assert_close(adv, ref, rtol=0, atol=1e-6)


def test_pgd_raises_the_loss_of_the_true_class():
    model, (x, y) = _toy_model(), _batch()
    adv = pgd_linf(
        model,
        x,
        y,
        eps=EPS * 4,
        iters=20,
        step_size=EPS / 5,
        generator=torch.Generator().manual_seed(0),
    )
    ce = nn.CrossEntropyLoss()
    assert ce(model(adv), y) > ce(model(x), y)


def test_uniform_noise_is_one_sided_and_clipped():
    x, _ = _batch()
    noisy = uniform_noise(x, EPS, generator=torch.Generator().manual_seed(0))
    delta = noisy - x
    assert delta.min() >= 0.0 and delta.max() <= EPS + 1e-7
    assert noisy.max() <= 1.0
    assert (delta[2:] > 0).float().mean() > 0.99  # away from the top face every pixel moves
