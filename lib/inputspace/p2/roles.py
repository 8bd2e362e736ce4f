"""The models of P2's table rows ("roles") and the source/target pool.

Rows ``normal`` / ``at`` / ``vit`` / ``vit-at`` are the paper's ResNet-50 (Normal), ResNet-50
(AT: RobustBench ``Salman2020Do_R50``), DeiT-S (Normal) and DeiT-S (AT: RobustBench
``Singh2023Revisiting_ViT-S-ConvStem``), the rows of Tables 1 and 2. Quick/smoke analogs come
from the zoo (ResNet-18 ``standard``, ResNet-18 ``fgsm-at`` at ε = 32/255 on digits, ViT-tiny);
the AT ViT has no quick analog and its row is reported as not available.

Pool (official ``get_targets``): per requested class the first image that every model of
``pool_roles`` classifies correctly with probability above its bar in ``pool_min_conf``
(official: 0.6 for all four; quick: 0.6 for both ResNet-18s); the pool images are both sources
and targets.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import torch
from torch import nn

from .. import data, models, paths, zoo
from ..cache import cached
from ..config import Config
from ..real import pool as real_pool
from .knobs import RB_VIT_AT, ROLES

VIT_AT_ARCH = "deit_small_patch16_224"
"""The timm body of the ConvStem ViT-S (RobustBench ``get_convstem_models('vit_s_cvst')``)."""

log = logging.getLogger(__name__)

PAPER_ROWS = {
    "normal": "ResNet-50 (Normal)",
    "at": "ResNet-50 (AT)",
    "vit": "DeiT-S (Normal)",
    "vit-at": "DeiT-S (AT)",
}
QUICK_ROWS = {
    "normal": "ResNet-18 (Normal)",
    "at": "ResNet-18 (FGSM-AT)",
    "vit": "ViT-tiny (Normal)",
    "vit-at": "ViT (AT)",
}
CPU = torch.device("cpu")


def quick_recipe(role: str) -> str:
    """The zoo recipe of a quick/smoke row's model (the AT row: the zoo's adversarially trained one)."""
    return "fgsm-at" if role == "at" else "standard"


@dataclass(frozen=True)
class RoleModel:
    """One row's model (``None`` with a reason when it cannot be loaded offline)."""

    role: str
    label: str
    model: nn.Module | None
    note: str = ""


STAND_IN = ", stand-in for "
"""Between a quick analog's name and the paper model it stands in for in a row label."""


def row_label(role: str, profile: str) -> str:
    """The row's name in tables and figures: the paper's model, or ``quick analog, stand-in for
    paper model`` (e.g. ``ResNet-18 (Normal), stand-in for ResNet-50 (Normal)``)."""
    if profile == "paper":
        return PAPER_ROWS[role]
    return f"{QUICK_ROWS[role]}{STAND_IN}{PAPER_ROWS[role]}"


def historical_label(label: str) -> str:
    """A row label as the star-likeness claim ids (``P2.6-3 <label>``) have spelled it since
    before 2026-12-07, ``quick analog ≈ paper model``: the ids stay as they were, for continuity."""
    return label.replace(STAND_IN, " ≈ ")


def short_label(label: str) -> str:
    """The model a row label names, without the paper model it stands in for."""
    return label.split(STAND_IN)[0]


def label_of(cfg: Config, role: str) -> str:
    """:func:`row_label` of a notebook's row; on the real network (:func:`inputspace.real.pool.config`)
    the pretrained network's name for the normal row, ``<network>, <role> row`` for the others."""
    if real_pool.is_real(cfg):
        name = real_pool.network_name(cfg.arch)
        return name if role == "normal" else f"{name}, {role} row"
    return row_label(role, cfg.profile)


@lru_cache(maxsize=8)  # notebooks ask for the same frozen model many times
def load_role(
    role: str,
    profile: str,
    *,
    device: torch.device,
    arch: str,
    vit_arch: str,
    checkpoint: str = "",
    at_checkpoint: str = "",
    vit_at_checkpoint_dir: str = "",
    seed: int = 0,
) -> RoleModel:
    """The model of one table row; quick/smoke from the zoo, paper from timm or local files
    (``checkpoint``: the normal row's weights file, any timm architecture ``arch``)."""
    label = row_label(role, profile)
    if profile != "paper":
        if role == "vit-at":
            return RoleModel(
                role,
                label,
                None,
                "not available in quick: no adversarially trained "
                "ViT in the quick zoo (paper: RobustBench ViT-S ConvStem)",
            )
        a = vit_arch if role == "vit" else arch
        return RoleModel(
            role,
            label,
            zoo.load_model(
                a, "digits", profile, device=device, seed=seed, recipe=quick_recipe(role)
            ),
        )
    if role in ("normal", "vit"):
        return RoleModel(
            role,
            label,
            zoo.load_model(
                arch if role == "normal" else vit_arch,
                "imagenet",
                "paper",
                device=device,
                checkpoint=(checkpoint or None) if role == "normal" else None,
            ),
        )
    if role == "at":
        if not at_checkpoint:
            return RoleModel(role, label, None, "give at_checkpoint=<local Salman2020Do_R50.pt>")
        return RoleModel(
            role,
            label,
            zoo.load_model(arch, "imagenet", "paper", device=device, checkpoint=at_checkpoint),
        )
    return _robustbench_vit(label, vit_at_checkpoint_dir, device)


def _robustbench_vit(label: str, model_dir: str, device: torch.device) -> RoleModel:
    """RobustBench's ``Singh2023Revisiting_ViT-S-ConvStem`` from its local file, without the
    robustbench package: the architecture is RobustBench's ``get_convstem_models('vit_s_cvst')``
    (timm ``deit_small_patch16_224`` whose ``patch_embed.proj`` is ``ConvBlock(48, end_siz=8)``,
    behind ``normalize_model`` with the ImageNet mean/std), rebuilt by
    :func:`inputspace.models.vit_s_convstem`; the file is loaded strictly by
    :func:`inputspace.models.load_checkpoint` (flat or ``state_dict``-wrapped, ``module.`` /
    ``model.`` prefixes), so a file of another architecture raises an error naming its keys."""
    path = Path(model_dir) / "imagenet" / "Linf" / f"{RB_VIT_AT}.pt" if model_dir else None
    if path is None or not path.is_file():
        return RoleModel(
            "vit-at",
            label,
            None,
            f"give vit_at_checkpoint_dir=<RobustBench model_dir "
            f"holding imagenet/Linf/{RB_VIT_AT}.pt>",
        )
    with torch.random.fork_rng(
        devices=[]
    ):  # its random initialisation must not move the notebook's RNG
        net = models.vit_s_convstem()
    models.load_checkpoint(net, path, arch=RB_VIT_AT)
    model = models.wrap(net, VIT_AT_ARCH, 224, mean=models.IMAGENET_MEAN, std=models.IMAGENET_STD)
    return RoleModel("vit-at", label, model.to(device))


def role_model(cfg: Config, role: str) -> RoleModel:
    """:func:`load_role` with a notebook's knobs; the quick models are those of the model seed
    (:func:`inputspace.paths.model_seed`, ``make figures MODEL_SEED=N``), not of the notebook's
    ``seed`` knob, which seeds the sampling only. On the real network the normal row is the
    pretrained network and no other row has a model (no adversarially trained EfficientNet-Lite
    or ViT is available offline)."""
    if real_pool.is_real(cfg):
        if role == "normal":
            return RoleModel(role, label_of(cfg, role), real_pool.model(cfg))
        return RoleModel(
            role,
            label_of(cfg, role),
            None,
            f"no {role} row on the real network: only the "
            "pretrained EfficientNet-Lite is available offline",
        )
    return load_role(
        role,
        cfg.profile,
        device=cfg.device,
        arch=cfg.arch,
        vit_arch=cfg.vit_arch,
        checkpoint=cfg.checkpoint,
        at_checkpoint=cfg.at_checkpoint,
        vit_at_checkpoint_dir=cfg.vit_at_checkpoint_dir,
        seed=paths.model_seed(),
    )


def grid_sources(cfg: Config) -> int:
    """How many of the grid's first pool images are sources: all ``grid_n`` (every ordered pair),
    except on the real network, whose grid has the pool photos as sources and the rest as targets
    only (:func:`inputspace.real.pool.config`)."""
    return int(cfg.values.get("grid_sources", cfg.grid_n))


def model_spec(cfg: Config, role: str) -> dict:
    """Everything that identifies a row's model (part of the cache keys)."""
    spec = {
        "role": role,
        "arch": cfg.arch,
        "vit_arch": cfg.vit_arch,
        "seed": cfg.seed,
        **({"checkpoint": cfg.checkpoint} if role == "normal" and cfg.checkpoint else {}),
        "at_checkpoint": cfg.at_checkpoint if role == "at" else "",
        "vit_at": cfg.vit_at_checkpoint_dir if role == "vit-at" else "",
    }
    return {**spec, "network": real_pool.NETWORK} if real_pool.is_real(cfg) else spec


def per_row(
    cfg: Config, compute: Callable[[Config, str], Any], roles: Sequence[str] = ROLES
) -> dict[str, Any]:
    """``{row label: compute(cfg, role)}`` for the rows whose result is not ``None`` (a model
    that cannot be loaded offline yields ``None`` and drops out), in ``roles`` order."""
    out = {label_of(cfg, r): compute(cfg, r) for r in roles}
    return {label: res for label, res in out.items() if res is not None}


@torch.no_grad()
def predicted(cfg: Config, role: str, x: torch.Tensor) -> torch.Tensor:
    """Predicted classes of images under a row's model."""
    model = role_model(cfg, role).model
    return torch.cat(
        [model(x[i : i + 256].to(cfg.device)).argmax(1).cpu() for i in range(0, len(x), 256)]
    )


# ----------------------------------------------------------------------------- the pool
@torch.no_grad()
def select_pool(
    models: list[nn.Module],
    batches,
    classes: tuple[int, ...],
    *,
    rule: str = "strict",
    min_conf: Sequence[float] | float = 0.6,
    device: torch.device = CPU,
) -> tuple[list[int], torch.Tensor]:
    """Official ``get_targets``: per class, the first image every model classifies correctly with
    probability > its ``min_conf`` (``rule="first"``: the first image of the class).

    Args:
        batches: iterable of ``(x, y, index)`` batches in scan order.
        min_conf: one bar for every model (official: 0.6) or one per model.

    Returns:
        (indices in the scanned order, images ``(len(classes), C, H, W)``), in ``classes`` order.
    """
    bars = [min_conf] * len(models) if isinstance(min_conf, (int, float)) else list(min_conf)
    if len(bars) != len(models):
        raise ValueError(f"{len(bars)} confidence bars for {len(models)} models")
    found: dict[int, tuple[int, torch.Tensor]] = {}
    for x, y, idx in batches:
        keep = torch.isin(y, torch.tensor(classes))
        if rule == "strict" and keep.any():
            for m, bar in zip(models, bars):
                p = m(x.to(device)).softmax(-1).cpu()
                keep &= (p.argmax(1) == y) & (p.gather(1, y[:, None])[:, 0] > bar)
        for k in keep.nonzero()[:, 0].tolist():
            found.setdefault(int(y[k]), (int(idx[k]), x[k]))
        if len(found) == len(classes):
            break
    missing = [c for c in classes if c not in found]
    if missing:
        raise RuntimeError(
            f"no pool image for classes {missing} (rule {rule!r}, bars {bars}); use "
            "other pool_classes, pool_min_conf or pool_rule='first'"
        )
    return [found[c][0] for c in classes], torch.stack([found[c][1] for c in classes])


def pool_batches(cfg: Config):
    """The ``(x, y, index)`` batches the pool rule scans: the digits held-out split (quick,
    smoke), or ImageNet val in the order of ``random_split`` with seed 0 restricted to
    ``pool_classes`` (paper; official ``get_targets``)."""
    ds = data.study_data(cfg.profile, "imagenet", "heldout", cfg.imagenet_root or None)
    if isinstance(ds, data.Split):
        return [(ds.x, ds.y, torch.arange(len(ds)))]
    order = torch.randperm(
        len(ds), generator=torch.Generator().manual_seed(0)
    )  # random_split seed 0
    wanted = [int(i) for i in order if ds.targets[int(i)] in cfg.pool_classes]
    return (
        (
            torch.stack([ds[i][0] for i in wanted[s : s + 64]]),
            torch.tensor([ds.targets[i] for i in wanted[s : s + 64]]),
            torch.tensor(wanted[s : s + 64]),
        )
        for s in range(0, len(wanted), 64)
    )


def pool(cfg: Config) -> data.Split:
    """The source/target pool (cached; shared by every P2 notebook of the profile): the rule of
    :func:`select_pool` over the models of ``pool_roles`` with bars ``pool_min_conf``; on the real
    network the photo pool (:func:`inputspace.real.pool.pool`)."""
    if real_pool.is_real(cfg):
        return real_pool.pool(cfg)
    if len(cfg.pool_min_conf) != len(cfg.pool_roles):
        raise ValueError(
            f"pool_min_conf {cfg.pool_min_conf} needs one bar per pool role {cfg.pool_roles}"
        )

    def compute() -> dict:
        rows = [(role_model(cfg, r), bar) for r, bar in zip(cfg.pool_roles, cfg.pool_min_conf)]
        missing = [r for r, (rm, _) in zip(cfg.pool_roles, rows) if rm.model is None]
        if missing:  # e.g. the paper profile without at_checkpoint / vit_at_checkpoint_dir
            log.warning(
                "pool rule: no model for the role(s) %s; the rule asks only %s (pass the missing "
                "checkpoints, or set pool_roles, to choose explicitly)",
                missing,
                [r for r in cfg.pool_roles if r not in missing],
            )
        rows = [(rm.model, bar) for rm, bar in rows if rm.model is not None]
        idx, x = select_pool(
            [m for m, _ in rows],
            pool_batches(cfg),
            tuple(cfg.pool_classes),
            rule=cfg.pool_rule,
            min_conf=[b for _, b in rows],
            device=cfg.device,
        )
        return {"index": idx, "x": x}

    res = cached(
        cfg,
        "p2.pool",
        compute,
        shared=True,
        classes=list(cfg.pool_classes),
        rule=cfg.pool_rule,
        models=[model_spec(cfg, r) for r in cfg.pool_roles],
        bars=list(cfg.pool_min_conf),
        root=cfg.imagenet_root,
    )
    names = tuple(str(c) for c in cfg.pool_classes)
    return data.Split(res["x"], torch.tensor(cfg.pool_classes), names, f"p2-pool-{cfg.profile}")
