"""Vector codes of hidden layers (P3 Sec. 2.1, Fig. 1).

Every channel ``c`` of a composite layer's feature map ``F`` (``C x H x W``) is summarised by
four numbers -- max, mean, standard deviation and centre of mass of its activations -- so a
layer gives a ``4 C``-dimensional code (ResNet-18: 256, 512, 1024, 2048). The code is laid out
``[max_1..max_C, mean_1..mean_C, std_1..std_C, com_1..com_C]``.

**Centre of mass (not defined in the paper; our choice).** One scalar per channel is needed.
The default, ``com="radial"``, is the distance of the activation-weighted 2-D centre of mass
from the centre of the map, divided by the half-diagonal, so it lies in ``[0, 1]`` for every map
size (pixel units would dominate the cosine distance on large maps).
Alternatives (``com=``): ``"index"`` -- the weighted mean of the flattened row-major pixel index,
divided by ``H W - 1`` (what ``np.average(np.arange(H*W), weights=F.ravel())`` gives); ``"row"``
and ``"col"`` -- one normalised coordinate of the 2-D centre of mass.
The weights are the positive part of the activations (CL outputs of ResNets/VGG are post-ReLU
and unchanged; DenseNet block outputs can be negative). A channel without positive activation
(dead) has no mass: its centre is taken to be the map centre (``radial`` 0, others 0.5).
**Std** is the population standard deviation (``unbiased=True`` for the sample one; a 1x1 map
then gives 0, not NaN). Codes are finite for every input, so no NaN reaches the SOM.

ViTs: the analysed layers are already CLS tokens ``(B, D)`` (see ``ModelWrapper.features``);
:func:`layer_codes` passes them through unchanged (the paper uses the raw CLS tokens, Sec. 2.2).

Any model: :func:`layer_outputs` captures the outputs of submodules named as
``model.named_modules()`` spells them (``"layer3"``, ``"net.layer3"``), by forward hooks in the
model's own forward pass; ``features=lambda x: layer_outputs(model, x, names)[1]`` feeds
:func:`model_codes`. (timm's ``features_only=True`` models return such a list directly.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import nn

from . import checks

COM_MODES: tuple[str, ...] = ("radial", "index", "row", "col")
STATS: tuple[str, ...] = ("max", "mean", "std", "com")


def _normalised_coords(h: int, w: int, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """Row and column coordinates in [0, 1] (0.5 for a size-1 axis), each ``(H*W,)``."""
    r = torch.arange(h, device=device, dtype=torch.float32) / max(h - 1, 1)
    c = torch.arange(w, device=device, dtype=torch.float32) / max(w - 1, 1)
    if h == 1:
        r = r + 0.5
    if w == 1:
        c = c + 0.5
    rr, cc = torch.meshgrid(r, c, indexing="ij")
    return rr.reshape(-1), cc.reshape(-1)


def center_of_mass(fmap: torch.Tensor, mode: str = "radial") -> torch.Tensor:
    """One centre-of-mass scalar per channel: ``(B, C, H, W)`` -> ``(B, C)`` (module doc)."""
    if mode not in COM_MODES:
        raise ValueError(f"unknown centre-of-mass mode {mode!r}; valid: {list(COM_MODES)}")
    b, c, h, w = fmap.shape
    mass = fmap.reshape(b, c, h * w).float().clamp_min(0.0)
    total = mass.sum(-1, keepdim=True)
    dead = total <= 0
    uniform = torch.full_like(mass, 1.0 / (h * w))
    p = torch.where(dead, uniform, mass / torch.where(dead, 1.0, total))
    if mode == "index":
        idx = torch.arange(h * w, device=fmap.device, dtype=torch.float32) / max(h * w - 1, 1)
        return (p @ idx) if h * w > 1 else torch.full((b, c), 0.5, device=fmap.device)
    rr, cc = _normalised_coords(h, w, fmap.device)
    row, col = p @ rr, p @ cc
    if mode == "row":
        return row
    if mode == "col":
        return col
    return torch.sqrt((row - 0.5).square() + (col - 0.5).square()) / (0.5 * 2**0.5)


def vector_codes(
    fmap: torch.Tensor, *, com: str = "radial", unbiased: bool = False
) -> torch.Tensor:
    """The ``4 C`` vector code of every map in a batch (P3 Fig. 1).

    Args:
        fmap: ``(B, C, H, W)`` activations of one composite layer.
        com: centre-of-mass scalar (:data:`COM_MODES`, module doc).
        unbiased: sample (``True``) instead of population standard deviation.

    Returns:
        ``(B, 4 C)`` float32 codes ``[max | mean | std | com]``, finite for finite input.
    """
    if fmap.ndim != 4:
        raise ValueError(f"vector_codes expects (B, C, H, W) maps, got shape {tuple(fmap.shape)}")
    flat = fmap.float().flatten(2)
    n = flat.shape[-1]
    if n > 1 or not unbiased:
        std = flat.std(-1, unbiased=unbiased)
    else:  # sample std of one pixel: 0, not NaN
        std = torch.zeros_like(flat[..., 0])
    parts = [flat.amax(-1), flat.mean(-1), std, center_of_mass(fmap, com)]
    return torch.cat(parts, dim=1)


def layer_codes(
    features: Sequence[torch.Tensor], *, com: str = "radial", unbiased: bool = False
) -> list[torch.Tensor]:
    """Codes of every analysed layer: vector codes for ``(B, C, H, W)`` maps, CLS tokens
    ``(B, D)`` unchanged (ViT)."""
    return [
        vector_codes(f, com=com, unbiased=unbiased) if f.ndim == 4 else f.float() for f in features
    ]


def layer_outputs(
    model: nn.Module, x: torch.Tensor, layers: Sequence[str]
) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """Logits ``model(x)`` and the outputs of the submodules named ``layers``, in one forward pass.

    Args:
        model: eval-mode classifier on pixels in [0, 1] (any ``nn.Module``).
        x: images ``(N, C, H, W)`` in [0, 1].
        layers: module names as ``model.named_modules()`` lists them; an unknown name raises an
            error listing the valid ones.

    Returns:
        ``(logits, [output of each layer, in the order of layers])`` (gradients flow as usual).
    """
    checks.require_eval(model, "layer_outputs")
    checks.require_images(x, "x", "layer_outputs")
    modules = checks.find_modules(model, layers, "layer_outputs")
    store: dict[str, torch.Tensor] = {}
    hooks = [
        m.register_forward_hook(lambda _m, _i, out, n=n: store.__setitem__(n, out))
        for n, m in zip(layers, modules)
    ]
    try:
        logits = model(x)
    finally:
        for h in hooks:
            h.remove()
    unused = [n for n in layers if n not in store]
    if unused:
        raise ValueError(
            f"layer_outputs: module {unused[0]!r} exists but the model's forward never calls it; "
            "choose a layer on the forward path"
        )
    return logits, [store[n] for n in layers]


@torch.no_grad()
def model_codes(
    features: Callable[[torch.Tensor], list[torch.Tensor]],
    x: torch.Tensor,
    *,
    com: str = "radial",
    batch_size: int = 128,
    device: torch.device | str = "cpu",
    unbiased: bool = False,
) -> list[torch.Tensor]:
    """Codes of all analysed layers for images ``x`` (N, 3, H, W) in [0, 1], batched.

    Args:
        features: e.g. ``ModelWrapper.features`` or ``lambda x: layer_outputs(model, x, names)[1]``
            (a list of layer outputs per batch).

    Returns:
        One ``(N, dim_l)`` CPU tensor per layer.
    """
    checks.require_images(x, "x", "model_codes")
    out: list[list[torch.Tensor]] = []
    for start in range(0, len(x), batch_size):
        feats = features(x[start : start + batch_size].to(device))
        out.append([c.cpu() for c in layer_codes(feats, com=com, unbiased=unbiased)])
    return [torch.cat(layer) for layer in zip(*out)]
