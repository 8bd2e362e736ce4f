"""Behaviour tests of P1 pieces: the bypass's gradient projection, the ordering of repeated
bypass (connect / _split_segments), Fig 6 post-processing, random other classes, FVO keep-best
and the torchvision-like initialization of untrained ResNets."""

import pytest
import torch
import torch.nn.functional as F
from test_connectivity import Bump  # the 2-D Gaussian-barrier toy
from torch import nn

import inputspace.methods.connectivity as conn
from inputspace.methods.connectivity import bypass, connect, cosine, path_losses
from inputspace.methods.inputopt import feature_visualization, optimize_inputs
from inputspace.p1.adversarial import drop_largest_diff, other_class
from inputspace.p1.untrained import untrained_net

# --- toy models -----------------------------------------------------------------------------


class Waves(nn.Module):
    """2-D toy whose class-0 loss oscillates along any segment (interior barriers everywhere)."""

    def __init__(self):
        super().__init__()
        g = torch.Generator().manual_seed(0)
        self.register_buffer("w", 3 * torch.randn(4, 2, generator=g))
        self.register_buffer("phi", torch.rand(4, generator=g) * 6.28)

    def forward(self, x):
        z = torch.sin(x.view(len(x), 2) @ self.w.T + self.phi).sum(1)
        return torch.stack([torch.zeros_like(z), 2 * z], 1)


class Well(nn.Module):
    """2-D toy: class-0 logit h exp(-|x-mu|^2/2s^2), class 1 logit 0. CE >= softplus(-h) > 0
    (no threshold below that is reachable) and the well is narrow: a large lr overshoots."""

    def __init__(self, h=3.0, s=0.3):
        super().__init__()
        self.h, self.s = h, s
        self.register_buffer("mu", torch.tensor([0.5, -0.4]))

    def forward(self, x):
        d2 = ((x.view(len(x), 2) - self.mu) ** 2).sum(1)
        g = self.h * torch.exp(-d2 / (2 * self.s**2))
        return torch.stack([g, torch.zeros_like(g)], 1)


def _mlp(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Flatten(), nn.Linear(12, 16), nn.Tanh(), nn.Linear(16, 3)).eval()


# --- 1. companion bypass: gradient projection --------------------------------------------------


def test_companion_first_update_is_orthogonal_to_an_axis_aligned_path():
    """A=(-2,0), C=(2,0): the projected gradient has no x component, so Adam's first step
    (elementwise g/|g|) has none either and is exactly orthogonal to C - A."""
    model = Bump()
    a = torch.tensor([[[[-2.0, 0.0]]]])
    c = torch.tensor([[[[2.0, 0.0]]]])
    b = torch.tensor([[[[-0.4, 0.0]]]])  # off the bump's centre: raw gradient has an x part
    y = torch.tensor([0])
    xb = b.clone().requires_grad_(True)
    (g_raw,) = torch.autograd.grad(F.cross_entropy(model(xb), y), xb)
    assert abs(float(g_raw.flatten()[0])) > 1e-3  # without projection the step would move along AC

    res = bypass(model, a, c, b, y, variant="companion", iterations=1, lr=0.005)
    dx, v = (res.b_prime - b).flatten(), (c - a).flatten()
    assert dx.norm() > 1e-3
    assert abs(float(dx @ v)) / float(dx.norm() * v.norm()) < 1e-5
    assert abs(float(res.cosine[0])) < 1e-5


def test_companion_bypass_projects_every_gradient_off_the_path_direction(monkeypatch):
    """General direction C - A: every gradient handed to Adam is orthogonal to C - A, and the
    first update is Adam's first step on that projected gradient (lr * g / (|g| + eps))."""
    model = _mlp()
    g = torch.Generator().manual_seed(1)
    a, c = torch.randn(3, 3, 2, 2, generator=g), torch.randn(3, 3, 2, 2, generator=g)
    b = 0.5 * (a + c)
    y = torch.tensor([0, 1, 2])
    seen = []
    original = conn.optimize_inputs

    def spy(*args, grad_map=None, **kwargs):
        assert grad_map is not None

        def recording(gr, rows):
            out = grad_map(gr, rows)
            seen.append((gr.clone(), out.clone(), rows.clone()))
            return out

        return original(*args, grad_map=recording, **kwargs)

    monkeypatch.setattr(conn, "optimize_inputs", spy)
    lr = 0.005
    res1 = bypass(model, a, c, b, y, variant="companion", iterations=1, lr=lr)
    raw, proj, rows = seen[0]
    v = (c - a)[rows]
    assert cosine(raw, v).abs().min() > 1e-2  # the raw gradient does point along AC
    assert cosine(proj, v).abs().max() < 1e-5  # the projected one does not
    expected = -lr * proj / (proj.abs() + 1e-8)  # Adam's bias-corrected first step
    torch.testing.assert_close(res1.b_prime - b, expected, atol=1e-6, rtol=1e-4)

    seen.clear()
    bypass(model, a, c, b, y, variant="companion", iterations=20, lr=lr)
    assert len(seen) == 20
    for _, proj, rows in seen:
        assert cosine(proj, (c - a)[rows]).abs().max() < 1e-5


def test_first_update_in_general_direction_companion_drifts_exact_does_not():
    """Documented design (connectivity.py module doc): Adam's per-coordinate rescaling moves the
    companion variant's first step out of the hyperplane; the exact variant projects the step."""
    model = _mlp()
    g = torch.Generator().manual_seed(1)
    a, c = torch.randn(3, 3, 2, 2, generator=g), torch.randn(3, 3, 2, 2, generator=g)
    b = 0.5 * (a + c)
    y = torch.tensor([0, 1, 2])
    comp = bypass(model, a, c, b, y, variant="companion", iterations=1, lr=0.005)
    exact = bypass(model, a, c, b, y, variant="exact", iterations=1, lr=0.005)
    assert cosine(exact.b_prime - b, c - a).abs().max() < 1e-5
    assert cosine(comp.b_prime - b, c - a).abs().max() > 1e-3


# --- 2. connect: several splits in one round -------------------------------------------------


def test_connect_two_forced_rounds_keeps_nodes_curves_and_new_ce_in_path_order():
    model = Waves()
    a = torch.tensor([[-2.0, 0.5], [1.0, -1.5]]).view(2, 1, 1, 2)
    c = torch.tensor([[2.0, -0.5], [-1.0, 2.0]]).view(2, 1, 1, 2)
    y = torch.tensor([0, 0])
    n = 101
    res = connect(
        model,
        a,
        c,
        y,
        n_points=n,
        min_rounds=2,
        max_rounds=2,
        method="exact",
        iterations=60,
        lr=0.1,
    )
    assert len(res) == 2
    for p, out in enumerate(res):
        assert [len(rd.nodes) for rd in out.rounds] == [2, 3, 5]
        assert [len(rd.curves) for rd in out.rounds] == [1, 2, 4]
        assert [len(rd.ok) for rd in out.rounds] == [1, 2, 4]
        assert [len(rd.new_ce) for rd in out.rounds] == [0, 1, 2]
        for prev, cur in zip(out.rounds[:-1], out.rounds[1:]):
            # old vertices keep their order; one new vertex inside every old segment
            assert torch.equal(cur.nodes[0::2], prev.nodes)
            for k in range(len(prev.curves)):
                pk, qk, new = (
                    prev.nodes[k].flatten(),
                    prev.nodes[k + 1].flatten(),
                    cur.nodes[2 * k + 1].flatten(),
                )
                d = qk - pk
                along = float((new - pk) @ d / (d @ d))  # exact variant: B' - B orthogonal to d
                assert abs(along - float(prev.barrier.alpha[k])) < 1e-4, (p, k)
            # each stored curve is the loss along its own consecutive pair of vertices
            _, cv = path_losses(
                model, cur.nodes[:-1], cur.nodes[1:], y[p].repeat(len(cur.curves)), n
            )
            torch.testing.assert_close(cur.curves, cv, atol=1e-5, rtol=1e-5)
            # consecutive segments share their common vertex
            torch.testing.assert_close(cur.curves[:-1, -1], cur.curves[1:, 0], atol=1e-5, rtol=1e-5)
            # CE of the new vertices, left to right
            with torch.no_grad():
                ce_nodes = F.cross_entropy(
                    model(cur.nodes[1::2]), y[p].repeat(len(cur.new_ce)), reduction="none"
                )
            torch.testing.assert_close(cur.new_ce, ce_nodes, atol=1e-5, rtol=1e-5)
        assert torch.equal(out.rounds[-1].nodes[0], a[p]) and torch.equal(
            out.rounds[-1].nodes[-1], c[p]
        )
    # the check of left-to-right alignment is not vacuous: the new CEs of a round differ
    assert any(abs(float(out.rounds[2].new_ce[0] - out.rounds[2].new_ce[1])) > 1e-2 for out in res)


# --- 3. Fig 6 post-processing -----------------------------------------------------------------


def test_drop_largest_diff_keeps_smallest_abs_difference_per_kind_and_class():
    def row(kind, cls, l1, l2, tag):
        return {"kind": kind, "class": cls, "L1": l1, "L2": l2, "tag": tag}

    rows = [
        row("within", 0, 1.0, 1.1, "w0a"),  # |d| 0.1
        row("within", 0, 0.0, 3.0, "w0b"),  # 3.0
        row("within", 0, 2.0, 0.5, "w0c"),  # 1.5
        row("within", 0, 0.2, 0.0, "w0d"),  # 0.2
        row("within", 1, 5.0, 0.0, "w1a"),  # 5.0
        row("within", 1, 0.0, 0.3, "w1b"),  # 0.3
        row("within", 1, 1.0, 1.0, "w1c"),  # 0.0
        row("adversarial", 0, 0.0, 0.05, "a0a"),  # 0.05
        row("adversarial", 0, 9.0, 0.0, "a0b"),  # 9.0
        row("adversarial", 0, 0.0, 4.0, "a0c"),
    ]  # 4.0
    tags = [r["tag"] for r in rows]
    out = drop_largest_diff(rows, 2)
    assert [r["tag"] for r in out] == tags  # rows stay, in order
    kept = {r["tag"] for r in out if r["kept"]}
    assert kept == {"w0a", "w0d", "w1c", "a0a"}
    out0 = drop_largest_diff([dict(r) for r in rows], 0)
    assert all(r["kept"] for r in out0)


# --- 4. random other class --------------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 3, 10, 100])
def test_other_class_never_returns_c_and_covers_all_others(n):
    for seed in range(5):
        g = torch.Generator().manual_seed(seed)
        for c in range(n):
            seen = {other_class(c, n, g) for _ in range(5 if n > 10 else 200)}
            assert c not in seen
            assert all(0 <= o < n for o in seen)
            if n <= 10:
                assert seen == set(range(n)) - {c}


# --- 5. FVO keep-best -------------------------------------------------------------------------


@pytest.mark.parametrize("lr, iterations", [(0.5, 40), (1.0, 40)])
def test_fvo_returns_best_iterate_when_the_last_one_is_worse(lr, iterations):
    """Unreachable stop (CE >= softplus(-3) ~ 0.0486 > 1e-6) and an lr that overshoots the
    well: FVO must return the lowest CE seen, which is strictly below the last iterate's."""
    model, y, wd = Well(), torch.tensor([0]), 1e-7
    floor = F.softplus(torch.tensor(-model.h)).item()
    g = torch.Generator().manual_seed(0)
    res = feature_visualization(
        model,
        y,
        shape=(1, 1, 2),
        generator=g,
        lr=lr,
        iterations=iterations,
        stop=1e-6,
        weight_decay=wd,
    )
    assert int(res.iterations[0]) == iterations  # the stop was never met
    hist = res.history[:, 0]
    assert not torch.isnan(hist).any()
    assert float(res.ce[0]) == float(hist.min())  # best of the recorded history
    assert float(res.ce[0]) >= floor - 1e-6
    with torch.no_grad():
        torch.testing.assert_close(F.cross_entropy(model(res.x), y, reduction="none"), res.ce)

    # the same run without keep-best (same start noise, same Adam) returns the last iterate
    g = torch.Generator().manual_seed(0)
    x0 = 0.01 * torch.randn((1, 1, 1, 2), generator=g)
    last = optimize_inputs(
        model, x0, y, lr=lr, iterations=iterations, weight_decay=wd, stop=1e-6, keep_best=False
    )
    assert torch.equal(last.history, res.history)  # identical trajectories
    assert float(last.ce[0]) > float(res.ce[0]) + 1e-3  # the last iterate is worse
    best_kb = optimize_inputs(
        model, x0, y, lr=lr, iterations=iterations, weight_decay=wd, stop=1e-6, keep_best=True
    )
    assert torch.equal(best_kb.ce, res.ce) and torch.equal(best_kb.x, res.x)


# --- 6. untrained ResNets: torchvision-like last-BN init ---------------------------------------


def _last_bns(net):
    blocks = [m for m in net.modules() if hasattr(m, "zero_init_last")]
    assert blocks, "no residual blocks found"
    return [m.bn3 if getattr(m, "bn3", None) is not None else m.bn2 for m in blocks]


@pytest.mark.parametrize("arch, n_blocks, last", [("resnet18", 8, "bn2"), ("resnet50", 16, "bn3")])
def test_untrained_last_bn_not_zero_unless_requested(arch, n_blocks, last):
    """The block's last BN (bn2 in BasicBlock; bn3 in Bottleneck, where bn2 is the middle BN) gets
    weight 1: resetting bn2 alone left every Bottleneck block an identity at init."""
    net = untrained_net(arch, 10, 32, seed=0, zero_init_last=False)
    bns = _last_bns(net)
    assert len(bns) == n_blocks
    assert all(
        getattr(m, last) is bn
        for m, bn in zip((m for m in net.modules() if hasattr(m, "zero_init_last")), bns)
    )
    assert all(not bool((bn.weight == 0).all()) for bn in bns)
    # positive control: timm's own init zeroes them, so the check above is not vacuous
    bns_timm = _last_bns(untrained_net(arch, 10, 32, seed=0, zero_init_last=True))
    assert all(bool((bn.weight == 0).all()) for bn in bns_timm)


def test_fig10_augmentations_shift_and_flip_as_documented():
    """shift2 is the ±2 px random shift; flip-crop4 shifts by ≤ 4 px and mirrors about half the images."""
    from inputspace.p1.untrained import augment
    from inputspace.train import random_shift

    x = torch.zeros(200, 1, 12, 32)
    x[:, :, 5, 2] = 1.0  # one bright pixel near the left edge
    same = augment(x, "shift2", torch.Generator().manual_seed(0))
    assert torch.equal(same, random_shift(x, 2, torch.Generator().manual_seed(0)))
    out = augment(x, "flip-crop4", torch.Generator().manual_seed(0))
    cols = out[:, 0].amax(1).argmax(1)  # column of the (surviving) bright pixel
    kept = out.flatten(1).amax(1) > 0  # shifted off the image: gone
    flipped = cols[kept] >= 16  # mirrored: 31 - (2 ± 4) = 25..33
    assert 0.3 < flipped.float().mean() < 0.7
    assert ((cols[kept][~flipped] - 2).abs() <= 4).all() and (
        (cols[kept][flipped] - 29).abs() <= 4
    ).all()
    with pytest.raises(ValueError, match="valid"):
        augment(x, "mixup", torch.Generator())
