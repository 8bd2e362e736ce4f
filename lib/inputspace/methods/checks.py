"""Checks of what users pass to the public entry points of :mod:`inputspace.methods`.

The algorithms take *any* ``torch.nn.Module`` that maps a batch of pixels in [0, 1] to logits.
The mistakes a user makes with their own model -- forgetting ``model.eval()`` (BatchNorm then
normalizes with the batch's statistics and dropout is random, so LST, barriers, PGD and codes
silently measure another function), passing 0-255 or already-normalized images, one image without
a batch axis, mismatched endpoints, a layer name that does not exist -- raise one ``ValueError``
here that says what was expected, instead of a wrong number or a shape error deep inside torch.

Who checks what: :func:`~inputspace.methods.levelset.traverse`,
:func:`~inputspace.methods.attacks.pgd_linf`, :func:`~inputspace.methods.codes.layer_outputs`
(hence ``ModelWrapper.forward_with_features``) and :func:`~inputspace.methods.codes.model_codes`
check mode, shapes and the [0, 1] range; the P1 path functions (``path_losses``, ``bypass``,
``optimize_free``, ``connect``) check mode and shapes only, because their inputs live in whatever
space the model is given (normalized coordinates in P1, as in the companion code). All checks are
cheap: a walk over ``named_modules`` and one ``aminmax`` per input tensor.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

import torch
from torch import nn

PIXEL_TOLERANCE = 1e-6
"""Slack of the [0, 1] check: ``x + (clamp(x + d, 0, 1) - x)`` (a PGD output) can exceed 1 by
one float32 rounding step."""
MAX_LISTED = 40
"""Module names quoted by :func:`find_modules` when a name does not exist."""


def require_eval(model: nn.Module, what: str) -> None:
    """Raise if a module of ``model`` whose output can depend on the mode is in train mode.

    Such a module holds parameters of its own (every layer of a real network:
    ``timm.create_model`` and torchvision return train-mode models) or is, by its class name, a
    BatchNorm / InstanceNorm (also without affine parameters) or dropout / drop-path layer. Other
    modules compute the same function in both modes and are not flagged:
    analytic toy models with constant buffers, and containers whose own flag was never switched
    (``inputspace.methods.connectivity.NormalizedInput`` around an eval-mode model).
    """
    training = [
        f"{name or 'model'!r} ({type(m).__name__})"
        for name, m in model.named_modules()
        if m.training and _mode_dependent(m)
    ]
    if training:
        more = f" and {len(training) - 1} more are" if len(training) > 1 else " is"
        raise ValueError(
            f"{what}: the model is in train mode: call model.eval() first (module {training[0]}"
            f"{more} in train mode, where BatchNorm uses the batch's statistics and dropout is "
            "random, so the results would describe another function)"
        )


def _mode_dependent(m: nn.Module) -> bool:
    kind = type(m).__name__.lower()
    return (
        next(m.parameters(recurse=False), None) is not None
        or "drop" in kind
        or "batchnorm" in kind
        or "instancenorm" in kind
    )


def require_images(
    x: torch.Tensor,
    name: str,
    what: str,
    *,
    box: tuple[float, float] | None = (0.0, 1.0),
    batch: int | None = None,
) -> None:
    """Raise unless ``x`` is a non-empty float batch ``(N, C, H, W)`` (``N == batch`` if given)
    with every value in ``box`` (pixels in [0, 1]; ``None`` skips the range check)."""
    if not torch.is_tensor(x):
        raise ValueError(
            f"{what}: {name} must be a torch.Tensor of images (N, C, H, W), got {type(x).__name__}"
        )
    if x.ndim != 4 or x.numel() == 0:
        hint = "; one image? add a batch axis: x[None]" if x.ndim == 3 else ""
        raise ValueError(
            f"{what}: {name} must be a non-empty batch of images (N, C, H, W), "
            f"got shape {tuple(x.shape)}{hint}"
        )
    if batch is not None and x.shape[0] != batch:
        raise ValueError(
            f"{what}: {name} holds {x.shape[0]} images, expected {batch} (one per row of the batch)"
        )
    if not x.is_floating_point():
        raise ValueError(
            f"{what}: {name} must be a float tensor of pixels in [0, 1], got dtype {x.dtype} "
            "(uint8 images? use x.float() / 255)"
        )
    if box is not None:
        require_range(x, name, what, box)


def require_range(
    x: torch.Tensor, name: str, what: str, box: tuple[float, float] = (0.0, 1.0)
) -> None:
    """Raise unless every value of ``x`` lies in ``box`` (up to :data:`PIXEL_TOLERANCE`); NaN fails."""
    lo, hi = box
    x_lo, x_hi = (float(v) for v in torch.aminmax(x.detach()))
    if x_lo >= lo - PIXEL_TOLERANCE and x_hi <= hi + PIXEL_TOLERANCE:  # False for NaN
        return
    if x_lo != x_lo or x_hi != x_hi:
        hint = " (NaN values)"
    elif x_lo < lo:
        hint = " (normalized images? pass pixels and put the normalization inside the model)"
    elif x_hi > 2 * hi > 0:
        hint = " (0-255 images? divide by 255)"
    else:
        hint = ""
    raise ValueError(
        f"{what}: {name} must hold pixels in [{lo:g}, {hi:g}], got values in "
        f"[{x_lo:.4g}, {x_hi:.4g}]{hint}"
    )


def require_labels(y: torch.Tensor, n: int, name: str, what: str) -> None:
    """Raise unless ``y`` is an integer tensor of shape ``(n,)`` (one class per input)."""
    if (
        not torch.is_tensor(y)
        or y.ndim != 1
        or len(y) != n
        or y.is_floating_point()
        or y.is_complex()
    ):
        shape = tuple(y.shape) if torch.is_tensor(y) else type(y).__name__
        dtype = f", dtype {y.dtype}" if torch.is_tensor(y) else ""
        raise ValueError(
            f"{what}: {name} must be an integer class tensor of shape ({n},), one per input; "
            f"got {shape}{dtype}"
        )


def require_same_shape(
    ref: torch.Tensor, ref_name: str, others: dict[str, torch.Tensor], what: str
) -> None:
    """Raise unless every tensor of ``others`` has the shape of ``ref``."""
    for name, t in others.items():
        if tuple(t.shape) != tuple(ref.shape):
            raise ValueError(
                f"{what}: {name} has shape {tuple(t.shape)}, expected the shape of {ref_name} "
                f"{tuple(ref.shape)}"
            )


def find_modules(model: nn.Module, names: Sequence[str], what: str) -> list[nn.Module]:
    """The submodules called ``names`` (as ``model.named_modules()`` spells them).

    A name that does not exist raises an error with the closest existing names and the valid
    ones, shallowest first (up to :data:`MAX_LISTED`).
    """
    if isinstance(names, str):
        raise ValueError(
            f"{what}: layers must be a list of module names, got the string {names!r} "
            f"(write [{names!r}])"
        )
    modules = dict(model.named_modules())
    for name in names:
        if name not in modules:
            raise ValueError(
                f"{what}: the model has no module named {name!r}; {_valid_names(modules, name)}"
            )
    return [modules[n] for n in names]


def _valid_names(modules: dict[str, nn.Module], wrong: str) -> str:
    names = [n for n in modules if n]
    close = [n for n in names if n.endswith("." + wrong)][:3] or difflib.get_close_matches(
        wrong, names, n=3
    )
    shallow = sorted(names, key=lambda n: n.count("."))  # stable: model order within a depth
    listed = shallow[:MAX_LISTED]
    more = (
        f" (+{len(names) - MAX_LISTED} deeper; all: [n for n, _ in model.named_modules()])"
        if len(names) > MAX_LISTED
        else ""
    )
    guess = f"did you mean {' or '.join(map(repr, close))}? " if close else ""
    return f"{guess}valid names: {listed}{more}"
