"""Inference-only speed-ups of frozen CNNs: BatchNorm folded into the convolution before it.

Why: the studies evaluate frozen eval-mode CNNs (forward and input gradient) hundreds of thousands
of times (LST, PGD, paths, codes). In eval mode a BatchNorm after a convolution is an affine map per
channel, ``y = γ (conv(x) − μ) / sqrt(σ² + ε) + β``, so it can be merged into the convolution's
weight and bias: one operator (and one backward) fewer per pair. In exact arithmetic the network
computes the same function; in float32 the logits move by ~1e-7 relative.

Only a BatchNorm whose *only* input is a convolution whose output feeds nothing else is folded,
and never a convolution whose output a study reads (an analysed layer). Pairs are found by
``torch.fx`` tracing (ResNets, whose blocks name them ``conv1``/``bn1``, …) and, for networks
``torch.fx`` cannot trace (timm's VGG), as consecutive ``Conv2d``, ``BatchNorm2d`` children of an
``nn.Sequential``. DenseNet's BatchNorms come *before* their convolution (pre-activation) and are
left alone; ViTs have none.
"""

from __future__ import annotations

import torch
import torch.fx as fx
from torch import nn


def _is_plain_bn(m: nn.Module | None) -> bool:
    """A foldable BatchNorm: exactly ``nn.BatchNorm2d`` (subclasses such as timm's BatchNormAct2d
    also apply an activation) with running statistics."""
    return type(m) is nn.BatchNorm2d and m.track_running_stats


def _traced_pairs(net: nn.Module, modules: dict[str, nn.Module]) -> set[tuple[str, str]]:
    try:
        graph = fx.symbolic_trace(net).graph
    except Exception:  # noqa: BLE001 - untraceable control flow: fall back to the Sequential rule
        return set()
    pairs = set()
    for node in graph.nodes:
        if node.op != "call_module" or not _is_plain_bn(modules.get(node.target)):
            continue
        src = node.args[0] if node.args else None
        if (
            isinstance(src, fx.Node)
            and src.op == "call_module"
            and isinstance(modules.get(src.target), nn.Conv2d)
            and len(src.users) == 1
        ):
            pairs.add((src.target, node.target))
    return pairs


def _sequential_pairs(modules: dict[str, nn.Module]) -> set[tuple[str, str]]:
    pairs = set()
    for name, mod in modules.items():
        if not isinstance(mod, nn.Sequential):
            continue
        children = list(mod.named_children())
        for (cn, c), (bn_name, b) in zip(children, children[1:]):
            if isinstance(c, nn.Conv2d) and _is_plain_bn(b):
                prefix = f"{name}." if name else ""
                pairs.add((prefix + cn, prefix + bn_name))
    return pairs


def foldable_pairs(net: nn.Module, keep: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """``(conv, batchnorm)`` module names that :func:`fold_batchnorm` merges, in module order.

    Args:
        net: the network (only BatchNorms with running statistics are folded).
        keep: module names whose outputs are read (analysed layers): a convolution among them is
            not folded, because folding would change the output a hook sees.
    """
    modules = dict(net.named_modules())
    pairs = _traced_pairs(net, modules) | _sequential_pairs(modules)
    order = {n: i for i, n in enumerate(modules)}
    return sorted(((c, b) for c, b in pairs if c not in keep), key=lambda p: order[p[0]])


@torch.no_grad()
def fold_batchnorm(net: nn.Module, keep: tuple[str, ...] = ()) -> int:
    """Merge every eval-mode BatchNorm into the convolution before it (in place); returns how many.

    The BatchNorm modules are replaced by ``nn.Identity`` (module names of everything else, and so
    forward hooks on analysed layers, are unchanged). The network must be in eval mode: folding
    uses the running statistics, so training the result afterwards would train a different model.
    """
    if net.training:
        raise ValueError("fold_batchnorm needs a network in eval mode (call .eval() first)")
    pairs = foldable_pairs(net, keep)
    for conv_name, bn_name in pairs:
        conv: nn.Conv2d = net.get_submodule(conv_name)
        bn: nn.BatchNorm2d = net.get_submodule(bn_name)
        std = torch.sqrt(bn.running_var + bn.eps)
        scale = bn.weight / std if bn.affine else 1.0 / std
        shift = (bn.bias if bn.affine else 0.0) - bn.running_mean * scale
        old_bias = conv.bias if conv.bias is not None else 0.0
        conv.weight.mul_(scale.view(-1, 1, 1, 1))
        conv.bias = nn.Parameter(old_bias * scale + shift, requires_grad=False)
        net.set_submodule(bn_name, nn.Identity())
    return len(pairs)
