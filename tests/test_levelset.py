"""Level Set Traversal (P2 Algorithm 1) on tiny models."""

import logging

import pytest
import torch
from torch import nn

from inputspace.methods import levelset, lst_eval

SHAPE = (3, 4, 4)


def mlp(seed: int = 0, classes: int = 3, scale: float = 1.0) -> nn.Module:
    torch.manual_seed(seed)
    net = nn.Sequential(nn.Flatten(), nn.Linear(48, 16), nn.Tanh(), nn.Linear(16, classes)).eval()
    for p in net.parameters():
        p.requires_grad_(False)
    net[1].weight.mul_(scale)
    return net


def batch(model: nn.Module, n: int = 4, seed: int = 1):
    g = torch.Generator().manual_seed(seed)
    x = torch.rand((n, *SHAPE), generator=g) * 0.8 + 0.1
    tgt = torch.rand((n, *SHAPE), generator=g)
    with torch.no_grad():
        y = model(x).argmax(1)
    return x, y, tgt, torch.rand((n, *SHAPE), generator=g)


def test_projected_step_is_orthogonal_to_the_gradient():
    g = torch.Generator().manual_seed(0)
    v, grad = torch.randn(5, 3, 32, 32, generator=g), torch.randn(5, 3, 32, 32, generator=g)
    proj = levelset.project_orthogonal(v, grad)
    cos = torch.nn.functional.cosine_similarity(proj.flatten(1), grad.flatten(1), dim=1)
    assert cos.abs().max() < 1e-5


def test_projection_of_the_models_input_gradient_is_orthogonal():
    model = mlp()
    x, y, tgt, _ = batch(model)
    grad, _ = levelset._grad_probs(model, x, y)
    proj = levelset.project_orthogonal(tgt - x, grad)
    cos = torch.nn.functional.cosine_similarity(proj.flatten(1), grad.flatten(1), dim=1)
    assert cos.abs().max() < 1e-5


def test_zero_gradient_projects_nothing_away_and_gives_no_nan():
    v = torch.randn(2, *SHAPE)
    assert torch.equal(levelset.project_orthogonal(v, torch.zeros_like(v)), v)


class ConstantLogits(nn.Module):
    """Logits that do not depend on the input: the input gradient is exactly zero."""

    def forward(self, x):
        return torch.tensor([[2.0, 0.0, -1.0]]).expand(len(x), -1) + 0 * x.flatten(1)[:, :3]


def test_zero_gradient_traversal_moves_straight_to_the_target():
    x, tgt = torch.full((2, *SHAPE), 0.5), torch.zeros((2, *SHAPE))
    res = levelset.traverse(
        ConstantLogits().eval(),
        x,
        torch.zeros(2, dtype=torch.long),
        tgt,
        iters=5,
        step_size=0.1,
        adv_pert=True,
        log_every=1,
        noise=torch.full_like(x, 0.5),
    )
    assert torch.isfinite(res.x).all() and res.accepted.tolist() == [5, 5]
    assert torch.allclose(res.x, torch.full_like(x, 0.5 * 0.9**5), atol=1e-6)


def test_initial_noise_is_within_two_over_255():
    x = torch.full((8, *SHAPE), 0.5)
    start = levelset.initial_point(x, generator=torch.Generator().manual_seed(0))
    d = start - x
    assert d.abs().max() <= 2 / 255 + 1e-7
    assert d.max() > 1.9 / 255 and d.min() < -1.9 / 255  # the whole range is used


def test_initial_point_is_clamped_to_the_pixel_range():
    x = torch.cat([torch.zeros(4, *SHAPE), torch.ones(4, *SHAPE)])
    start = levelset.initial_point(x, generator=torch.Generator().manual_seed(0))
    assert start.min() >= 0 and start.max() <= 1


def test_rejected_steps_leave_the_sample_unchanged_and_accepted_keep_the_confidence():
    model = mlp(seed=3, scale=8.0)  # strongly curved: large steps can lose confidence
    x, y, tgt, noise = batch(model, n=6)
    pthresh = 0.02
    res = levelset.traverse(
        model,
        x,
        y,
        tgt,
        step_size=0.5,
        iters=12,
        pthresh=pthresh,
        adv_pert=False,
        log_every=1,
        log_images=True,
        noise=noise,
    )
    imgs = res.log_images  # (steps, B, ...)
    changed = (imgs[1:] != imgs[:-1]).flatten(2).any(2)  # (iters, B): step accepted
    assert changed.any() and (~changed).any(), "the test needs both accepted and rejected steps"
    assert torch.equal(changed.sum(0), res.accepted)
    p_after = res.log_p_src[1:]
    assert (p_after[changed] > (res.p0 - pthresh).expand_as(p_after)[changed]).all()


def test_traverse_equals_the_reference_loop():
    model = mlp(seed=2)
    x, y, tgt, noise = batch(model, n=5)
    kw = dict(step_size=0.05, iters=25, pthresh=0.05, adv_eps=0.01, adv_pert=True, noise=noise)
    assert torch.allclose(
        levelset.traverse(model, x, y, tgt, **kw).x,
        levelset.reference_traverse(model, x, y, tgt, **kw),
        atol=1e-6,
    )


def test_batched_results_equal_per_sample_results():
    model = mlp(seed=4)
    x, y, tgt, noise = batch(model, n=4)
    kw = dict(step_size=0.05, iters=20, pthresh=0.1, adv_eps=0.01, adv_pert=True)
    full = levelset.traverse(model, x, y, tgt, noise=noise, **kw)
    for b in range(4):
        one = levelset.traverse(
            model, x[b : b + 1], y[b : b + 1], tgt[b : b + 1], noise=noise[b : b + 1], **kw
        )
        assert torch.allclose(one.x[0], full.x[b], atol=1e-5)
        assert one.accepted[0] == full.accepted[b]


def test_distance_to_target_decreases_monotonically_without_adversarial_term():
    model = mlp(seed=5)
    x, y, tgt, noise = batch(model, n=4)
    res = levelset.traverse(
        model,
        x,
        y,
        tgt,
        step_size=0.05,
        iters=30,
        pthresh=0.3,
        adv_pert=False,
        log_every=1,
        noise=noise,
    )
    assert (res.log_rms_l2.diff(dim=0) <= 1e-6).all()
    assert (res.log_rms_l2[-1] < res.log_rms_l2[0]).all()


def test_misclassified_sources_are_flagged_not_dropped(caplog):
    model = mlp(seed=6)
    x, y, tgt, noise = batch(model, n=3)
    y[1] = (y[1] + 1) % 3
    with caplog.at_level(logging.INFO):
        res = levelset.traverse(model, x, y, tgt, iters=3, log_every=1, noise=noise)
    assert res.valid.tolist() == [True, False, True] and len(res.x) == 3
    assert torch.equal(res.x[1], x[1]) and torch.isnan(res.log_p_src[:, 1]).all()
    assert [(r.levelname, "misclassified" in r.message) for r in caplog.records] == [
        ("INFO", True)
    ]  # no
    # warning in a notebook's output: the result carries the count (valid)


def test_misclassified_sources_can_be_traversed_when_asked():
    model = mlp(seed=6)
    x, y, tgt, noise = batch(model, n=3)
    y[1] = (y[1] + 1) % 3
    res = levelset.traverse(model, x, y, tgt, iters=3, noise=noise, skip_misclassified=False)
    assert not res.valid[1] and not torch.equal(res.x[1], x[1])


def test_logs_hold_every_log_step_and_the_output():
    model = mlp()
    x, y, tgt, noise = batch(model)
    res = levelset.traverse(model, x, y, tgt, iters=10, log_every=4, y_tgt=(y + 1) % 3, noise=noise)
    assert res.steps == [0, 4, 8, 10]
    assert res.log_p_src.shape == (4, 4) and res.log_p_tgt.shape == (4, 4)
    assert torch.allclose(res.log_p_src[-1], res.p_src)


def test_width_radius_zero_equals_the_on_path_confidence():
    model = mlp()
    x, y, _, _ = batch(model)
    w = lst_eval.measure_widths(
        model,
        x,
        y,
        torch.randn_like(x),
        (0.0, 0.5),
        n_dirs=16,
        generator=torch.Generator().manual_seed(0),
    )
    assert w.shape == (4, 3, 2)
    assert torch.allclose(w[:, 1], w[:, 0], atol=1e-6)  # both quantiles at radius 0
    assert (w[:, 2, 0] <= w[:, 2, 1]).all()


def test_traverse_refuses_a_model_in_training_mode():
    model = mlp().train()
    x, y, tgt, _ = batch(model.eval())
    with pytest.raises(ValueError, match="eval"):
        levelset.traverse(model.train(), x, y, tgt, iters=1)
