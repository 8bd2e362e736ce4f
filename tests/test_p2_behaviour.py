"""Behaviour of the P2 (Level Set Traversal) building blocks on tiny linear models.

Covers the accumulated adversarial term, the direction of the adversarial push, the reference of
the acceptance test (clean source, not the noisy start), the path-width probe directions, and the
paper-profile hyper-parameters of the P2 notebooks (the official README commands).
"""

import inspect

import pytest
import torch
from torch import nn

from inputspace.config import resolve
from inputspace.methods import levelset, lst_eval
from inputspace.p2 import knobs, lst

LST_NOTEBOOKS = sorted(n for n in knobs.KNOBS if n != "p2-00")  # p2-00 computes nothing

SHAPE = (3, 8, 8)
DIM = 3 * 8 * 8


def linear_model(
    classes: int = 3, seed: int = 0, scale: float = 1.0, dtype: torch.dtype = torch.float64
) -> nn.Module:
    """Linear softmax model on flattened 3×8×8 inputs, centred at the grey image 0.5 so that the
    logits ``W (x − 0.5)`` stay moderate (the softmax does not saturate)."""
    g = torch.Generator().manual_seed(seed)
    net = nn.Sequential(nn.Flatten(), nn.Linear(DIM, classes)).to(dtype).eval()
    with torch.no_grad():
        w = scale * torch.randn(classes, DIM, generator=g, dtype=dtype)
        net[1].weight.copy_(w)
        net[1].bias.copy_(-w @ torch.full((DIM,), 0.5, dtype=dtype))
    for p in net.parameters():
        p.requires_grad_(False)
    return net


def grey_batch(
    model: nn.Module, n: int, seed: int, spread: float = 0.1, dtype: torch.dtype = torch.float64
):
    """Images in [0.5 − spread, 0.5 + spread] (far from the clamp), labelled by the model."""
    g = torch.Generator().manual_seed(seed)
    x = 0.5 + spread * (2 * torch.rand((n, *SHAPE), generator=g, dtype=dtype) - 1)
    with torch.no_grad():
        y = model(x).argmax(1)
    tgt = torch.rand((n, *SHAPE), generator=g, dtype=dtype)
    noise = torch.rand((n, *SHAPE), generator=g, dtype=dtype)
    return x, y, tgt, noise


def src_conf(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return model(x).softmax(-1).gather(1, y[:, None])[:, 0]


# ----------------------------------------------------------------------------- 1. Δadv
def test_adv_update_scales_accumulates_and_clamps_elementwise_by_hand():
    eps = 0.25  # ε/2 = 0.125: every value below is exact in binary floating point
    j1 = torch.tensor([[1.0, -1.0, 3.0, 0.0]])
    j2 = torch.tensor([[1.0, 1.0, -1.0, -4.0]])
    d1 = levelset._adv_update(None, j1, eps)
    # (ε/2) J1 = [0.125, -0.125, 0.375, 0] -> clamp to ±0.25
    assert torch.equal(d1, torch.tensor([[0.125, -0.125, 0.25, 0.0]]))
    d2 = levelset._adv_update(d1, j2, eps)
    # d1 + (ε/2) J2 = [0.25, 0, 0.125, -0.5] -> clamp to ±0.25. The third entry shows that the
    # clamp is applied at every call (without it: 0.375 - 0.125 = 0.25, not 0.125).
    assert torch.equal(d2, torch.tensor([[0.25, 0.0, 0.125, -0.25]]))
    # raw gradient, not its sign: a small gradient gives a proportionally small term
    assert torch.equal(
        levelset._adv_update(None, torch.tensor([[0.5]]), eps), torch.tensor([[0.0625]])
    )
    # the inputs are not modified in place
    assert torch.equal(d1, torch.tensor([[0.125, -0.125, 0.25, 0.0]]))


def test_adv_term_keeps_accumulating_for_rejected_samples(monkeypatch):
    model = linear_model(classes=3, seed=1)
    x, y, tgt, noise = grey_batch(model, n=3, seed=2)
    eps, iters = 0.8, 3
    recorded = []
    original = levelset._adv_update

    def spy(delta, grad, adv_eps, scale=1.0):
        out = original(delta, grad, adv_eps, scale)
        recorded.append(out.clone())
        return out

    monkeypatch.setattr(levelset, "_adv_update", spy)
    # pthresh = -1: p0 - p_new < -1 is impossible, so every candidate is rejected
    res = levelset.traverse(
        model,
        x,
        y,
        tgt,
        step_size=0.5,
        iters=iters,
        pthresh=-1.0,
        adv_eps=eps,
        adv_pert=True,
        noise=noise,
    )
    start = levelset.initial_point(x, noise)
    assert res.accepted.tolist() == [0, 0, 0]
    assert torch.equal(res.x, start)
    assert len(recorded) == iters
    grad, _ = levelset._grad_probs(model, start, y)  # x never moves, so neither does J
    for k, delta in enumerate(recorded, start=1):
        expected = (k * eps / 2 * grad).clamp(-eps, eps)
        assert torch.allclose(delta, expected, atol=1e-12), f"call {k}"
    final = recorded[-1]
    # the test exercises both regimes: some entries saturated at ±ε, some still growing
    assert (final.abs() == eps).any() and (final.abs() < eps - 1e-3).any()
    assert not torch.allclose(recorded[0], recorded[-1])  # it did accumulate while rejected


# ----------------------------------------------------------------------------- 2. direction
def test_adversarial_term_alone_raises_the_source_confidence():
    model = linear_model(classes=5, seed=3)
    x, y, tgt, noise = grey_batch(model, n=4, seed=4)
    eps = 0.05
    start = levelset.initial_point(x, noise)
    p_start = src_conf(model, start, y)
    kw = dict(step_size=0.0, iters=1, pthresh=1.0, adv_eps=eps, noise=noise)
    res = levelset.traverse(model, x, y, tgt, adv_pert=True, **kw)
    assert res.valid.all() and res.accepted.tolist() == [1] * 4
    grad, _ = levelset._grad_probs(model, start, y)
    delta = (eps / 2 * grad).clamp(-eps, eps)
    # the single step is exactly x - Δadv (η = 0: no move towards the target) ...
    assert torch.allclose(res.x, (start - delta).clamp(0, 1), atol=1e-12)
    assert not torch.equal(res.x, start)
    # ... and it raises the source-class confidence of every sample relative to the start
    assert (res.p_src > p_start + 1e-6).all()
    # sanity: the opposite sign would lower it, and without the term nothing moves
    assert (src_conf(model, (start + delta).clamp(0, 1), y) < p_start - 1e-6).all()
    off = levelset.traverse(model, x, y, tgt, adv_pert=False, **kw)
    assert torch.equal(off.x, start) and torch.allclose(off.p_src, p_start)


# ----------------------------------------------------------------------------- 3. acceptance
def bright_model() -> nn.Module:
    """Two classes; class 1's logit margin grows with the mean brightness: s·(Σx − N/2)."""
    net = nn.Sequential(nn.Flatten(), nn.Linear(DIM, 2)).double().eval()
    s = 0.2
    with torch.no_grad():
        net[1].weight.zero_()
        net[1].weight[1].fill_(s)
        net[1].bias.copy_(torch.tensor([0.0, -s * DIM / 2]))
    for p in net.parameters():
        p.requires_grad_(False)
    return net


def test_acceptance_is_measured_against_the_clean_source_not_the_noisy_start():
    model = bright_model()
    x = torch.full((1, *SHAPE), 0.55, dtype=torch.float64)
    y = torch.tensor([1])
    tgt = torch.rand((1, *SHAPE), generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    noise = torch.zeros_like(x)  # U = 0: the start is x − 2/255 everywhere, i.e. darker
    start = levelset.initial_point(x, noise)
    assert torch.allclose(start, x - 2 / 255)
    p0, p_start = src_conf(model, x, y)[0], src_conf(model, start, y)[0]
    gap = float(p0 - p_start)
    assert gap > 0.02  # the noisy start is clearly less confident than the clean source
    # The gradient of this model is uniform (∝ ones), so the step towards the target, projected
    # orthogonally to it, keeps the brightness: every candidate has p_new = p_start exactly
    # (no adversarial term). Only the reference of the test decides acceptance.
    kw = dict(step_size=0.1, iters=3, adv_pert=False, noise=noise)
    # δ below the gap: p0 − p_new = gap ≥ δ -> rejected (a start-referenced test, 0 < δ, accepts)
    below = levelset.traverse(model, x, y, tgt, pthresh=0.5 * gap, **kw)
    assert below.accepted.tolist() == [0] and torch.equal(below.x, start)
    assert torch.equal(
        levelset.reference_traverse(model, x, y, tgt, pthresh=0.5 * gap, **kw), start
    )
    # δ above the gap: accepted at every step, the image moves, the confidence stays p_start
    above = levelset.traverse(model, x, y, tgt, pthresh=1.5 * gap, **kw)
    assert above.accepted.tolist() == [3]
    assert (above.x - start).abs().max() > 0.05
    assert torch.allclose(above.p0, p0.reshape(1)) and torch.allclose(
        above.p_src, p_start.reshape(1)
    )
    ref = levelset.reference_traverse(model, x, y, tgt, pthresh=1.5 * gap, **kw)
    assert torch.allclose(ref, above.x, atol=1e-12)


# ----------------------------------------------------------------------------- 4. widths
class Recorder:
    """Wraps lst_eval.class_confidence and keeps every batch of probe points it is given."""

    def __init__(self):
        self.points = []
        self.original = lst_eval.class_confidence

    def __call__(self, model, x, y, **kw):
        self.points.append(x.detach().clone())
        return self.original(model, x, y, **kw)


def width_setup(seed: int = 0, n: int = 2):
    model = linear_model(classes=4, seed=seed, scale=0.3, dtype=torch.float32)
    x, y, _, _ = grey_batch(model, n=n, seed=seed + 10, spread=0.05, dtype=torch.float32)
    direction = 3 * torch.randn((n, *SHAPE), generator=torch.Generator().manual_seed(seed + 20))
    return model, x, y, direction


def test_width_probe_directions_are_unit_and_orthogonal_to_the_travel_direction(monkeypatch):
    model, x, y, direction = width_setup()
    radii, n_dirs = (0.25, 0.5, 1.0), 64
    rec = Recorder()
    monkeypatch.setattr(lst_eval, "class_confidence", rec)
    lst_eval.measure_widths(
        model, x, y, direction, radii, n_dirs=n_dirs, generator=torch.Generator().manual_seed(7)
    )
    assert len(rec.points) == 1 + len(x) * len(radii)  # on-path row + one call per (sample, r)
    calls = iter(rec.points[1:])
    for b in range(len(x)):
        d = direction[b].flatten()
        d = d / d.norm()
        us = []
        for r in radii:
            pts = next(calls)
            assert pts.shape == (n_dirs, *SHAPE)
            assert pts.min() > 0 and pts.max() < 1, "premise: the clamp must not be active"
            u = ((pts - x[b : b + 1]) / r).flatten(1)
            assert (u @ d).abs().max() < 1e-5
            assert torch.allclose(u.norm(dim=1), torch.ones(n_dirs), atol=1e-5)
            us.append(u)
        # the same directions are used at every radius of one sample
        for u in us[1:]:
            assert torch.allclose(u, us[0], atol=1e-5)


def test_width_directions_follow_the_seeded_generator():
    model, x, y, direction = width_setup(seed=1)
    radii, n_dirs = (0.5, 1.0), 32
    out = lst_eval.measure_widths(
        model, x, y, direction, radii, n_dirs=n_dirs, generator=torch.Generator().manual_seed(3)
    )
    # reproduce the draws: one (n_dirs, C, H, W) Gaussian per sample, projected and normalised
    g = torch.Generator().manual_seed(3)
    w, bias = model[1].weight, model[1].bias
    for b in range(len(x)):
        u = torch.randn((n_dirs, *SHAPE), generator=g).flatten(1)
        d = direction[b].flatten()
        d = d / d.norm()
        u = u - (u @ d)[:, None] * d
        u = u / u.norm(dim=1, keepdim=True)
        assert out[b, 0, 0] == out[b, 0, 1]
        for k, r in enumerate(radii, start=1):
            # closed form of the linear softmax model: softmax(W (x + r u) + b)_y
            logits = (x[b].flatten() + r * u) @ w.T + bias
            conf = logits.softmax(-1)[:, y[b]]
            expected = torch.quantile(conf, torch.tensor([0.05, 0.95]))
            assert torch.allclose(out[b, k], expected, atol=1e-5), (b, r)
    assert torch.allclose(out[:, 0, 0], src_conf(model, x, y).float(), atol=1e-6)


def test_widths_along_the_gradient_of_a_two_class_linear_model_are_flat():
    """For logits depending on x only through w·x, every probe orthogonal to w keeps the exact
    on-path confidence: all quantiles at all radii equal row 0 (fails if u has a w component)."""
    g = torch.Generator().manual_seed(5)
    net = nn.Sequential(nn.Flatten(), nn.Linear(DIM, 2)).eval()
    w = torch.randn(DIM, generator=g)
    with torch.no_grad():
        net[1].weight.copy_(torch.stack([torch.zeros(DIM), w]))
        net[1].bias.copy_(torch.tensor([0.0, -0.5 * float(w.sum())]))
    for p in net.parameters():
        p.requires_grad_(False)
    x = 0.5 + 0.005 * torch.randn((2, *SHAPE), generator=g)
    y = torch.tensor([0, 1])
    direction = torch.stack([w.view(SHAPE), -2 * w.view(SHAPE)])
    out = lst_eval.measure_widths(
        net, x, y, direction, (0.5, 1.0), n_dirs=64, generator=torch.Generator().manual_seed(0)
    )
    margin = x.flatten(1) @ w - 0.5 * w.sum()
    p1 = torch.sigmoid(margin)
    expected = torch.stack([1 - p1[0], p1[1]])
    assert torch.allclose(out[:, 0, 0], expected, atol=1e-5)
    assert torch.allclose(out, out[:, :1].expand_as(out), atol=2e-5)
    # control: with an unrelated travel direction the same probes do change the confidence
    other = torch.randn((2, *SHAPE), generator=g)
    spread = lst_eval.measure_widths(
        net, x, y, other, (1.0,), n_dirs=64, generator=torch.Generator().manual_seed(0)
    )
    assert (spread[:, 1, 1] - spread[:, 1, 0] > 0.05).all()


# ----------------------------------------------------------------------------- 5. paper knobs
PAPER_LST = {"step_size": 0.01, "iters": 400, "pthresh": 0.2, "adv_eps": 0.002, "adv_pert": True}


@pytest.mark.parametrize("notebook_id", LST_NOTEBOOKS)
def test_paper_profile_resolves_the_papers_lst_hyperparameters(notebook_id):
    cfg = resolve(notebook_id, {"profile": "paper", "device": "cpu"}, knobs.KNOBS[notebook_id])
    assert cfg.profile == "paper"
    params = lst.lst_params(cfg)
    # official README full-eval command: η = 0.01, T = 400, δ = 0.2, ε = 0.002, --adv_pert
    assert {k: params[k] for k in PAPER_LST} == PAPER_LST
    assert type(params["iters"]) is int and params["adv_pert"] is True
    # official behaviour: misclassified sources are not traversed
    assert params["skip_misclassified"] is True


def test_paper_profile_width_knobs_match_the_readme_command():
    cfg = resolve("p2-widths", {"profile": "paper", "device": "cpu"}, knobs.KNOBS["p2-widths"])
    # official README command: --width_distances 0.5 1 1.5 2, 256 directions, --log_step 20
    assert tuple(cfg.width_radii) == (0.5, 1.0, 1.5, 2.0)
    assert cfg.width_dirs == 256
    assert cfg.width_every == 20


def test_traverse_defaults_are_the_paper_values():
    sig = inspect.signature(levelset.traverse)
    defaults = {k: sig.parameters[k].default for k in PAPER_LST}
    assert defaults == PAPER_LST
    assert sig.parameters["width_dirs"].default == 256
    assert levelset.NOISE_RANGE == pytest.approx(4 / 255)
