"""BatchNorm folding and the fast frozen wrapper compute the same function as the trained network."""

import copy

import pytest
import torch
from torch import nn

from inputspace import zoo
from inputspace.inference import fold_batchnorm, foldable_pairs
from inputspace.models import build_net, speed_up, wrap


def _with_running_stats(net: nn.Module) -> nn.Module:
    """Non-trivial BatchNorm statistics and affine parameters (fresh ones are 0/1: folding a no-op)."""
    g = torch.Generator().manual_seed(0)
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            m.running_mean.copy_(torch.randn(c, generator=g) * 0.3)
            m.running_var.copy_(torch.rand(c, generator=g) + 0.5)
            m.weight.data.copy_(torch.rand(c, generator=g) + 0.5)
            m.bias.data.copy_(torch.randn(c, generator=g) * 0.2)
    return net


@pytest.mark.parametrize("arch,expected", [("resnet18", 20), ("vgg19_bn", 16), ("densenet121", 0)])
def test_fast_wrapper_matches_trained_network(arch, expected):
    torch.manual_seed(0)
    slow = wrap(_with_running_stats(build_net(arch, 10, 32)), arch, 32)
    fast = speed_up(copy.deepcopy(slow))
    assert fast.folded == expected
    n_bn = sum(isinstance(m, nn.BatchNorm2d) for m in fast.net.modules())
    assert n_bn == sum(isinstance(m, nn.BatchNorm2d) for m in slow.net.modules()) - expected
    x = torch.rand(4, 3, 32, 32)
    (ls, fs), (lf, ff) = slow.forward_with_features(x), fast.forward_with_features(x)
    assert torch.allclose(ls, lf, rtol=1e-4, atol=1e-4)
    for a, b in zip(fs, ff):
        assert b.is_contiguous() and a.shape == b.shape
        assert torch.allclose(a, b, rtol=1e-4, atol=1e-4 * float(a.abs().max()))
    xs, xf = x.clone().requires_grad_(True), x.clone().requires_grad_(True)
    slow(xs).logsumexp(1).sum().backward()
    fast(xf).logsumexp(1).sum().backward()
    # relative to the whole gradient: VGG-19-BN's input gradient at 32 px is tiny (max ~1e-3), so
    # float32 rounding of the folded convolutions reaches ~4e-4 of it on AVX2 machines; a wrong
    # fold is off by O(1)
    assert float((xs.grad - xf.grad).norm() / xs.grad.norm()) < 2e-3


def test_analysed_or_shared_convolutions_are_not_folded():
    class Branchy(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv, self.bn, self.side = (
                nn.Conv2d(3, 4, 3),
                nn.BatchNorm2d(4),
                nn.Conv2d(3, 4, 3),
            )
            self.bn_side = nn.BatchNorm2d(4)

        def forward(self, x):
            c = self.conv(x)
            return self.bn(c) + c + self.bn_side(self.side(x))  # conv's output has two users

    net = _with_running_stats(Branchy()).eval()
    assert foldable_pairs(net) == [("side", "bn_side")]
    assert foldable_pairs(net, keep=("side",)) == []
    seq = _with_running_stats(
        nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU())
    ).eval()
    assert foldable_pairs(seq) == [("0", "1")] and foldable_pairs(seq, keep=("0",)) == []
    ref = copy.deepcopy(net)
    x = torch.rand(2, 3, 8, 8)
    assert (
        fold_batchnorm(net) == 1
        and isinstance(net.bn_side, nn.Identity)
        and isinstance(net.bn, nn.BatchNorm2d)
    )
    assert torch.allclose(net(x), ref(x), atol=1e-5)


def test_folding_needs_eval_mode_and_a_folded_model_refuses_training():
    net = build_net("resnet18", 10, 32)
    with pytest.raises(ValueError, match="eval mode"):
        fold_batchnorm(net.train())
    with pytest.raises(ValueError, match="frozen"):
        speed_up(wrap(build_net("resnet18", 10, 32), "resnet18", 32, frozen=False))
    fast = speed_up(wrap(net, "resnet18", 32))
    fast.eval()  # eval is fine
    with pytest.raises(RuntimeError, match="fast=False"):
        fast.train()


def test_vit_is_left_unchanged():
    torch.manual_seed(0)
    model = wrap(build_net("vit_tiny", 10, 32), "vit_tiny", 32)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    speed_up(model)
    assert model.folded == 0 and not model.channels_last
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


def test_load_model_fast_flag(tmp_path):
    torch.manual_seed(1)
    ref = _with_running_stats(build_net("resnet18", 1000, 64))
    ckpt = tmp_path / "r18.pt"
    torch.save(ref.state_dict(), ckpt)
    fast = zoo.load_model("resnet18", "imagenet", "paper", checkpoint=ckpt, pretrained=False)
    plain = zoo.load_model(
        "resnet18", "imagenet", "paper", checkpoint=ckpt, pretrained=False, fast=False
    )
    assert fast.folded == 20 and plain.folded == 0 and not plain.channels_last
    x = torch.rand(2, 3, 64, 64)
    assert torch.allclose(fast(x), plain(x), rtol=1e-4, atol=1e-4)
