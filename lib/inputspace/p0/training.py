"""Train (or load from ``data/models/<profile>/``) the zoo models of p0-00."""
from __future__ import annotations

import pandas as pd
import torch

from ..config import Config
from ..zoo import load_quick_model
from .knobs import ZOO

COLUMNS = ("model", "data", "parameters (M)", "held-out accuracy", "epochs", "train time (s)", "trained on")


def selected(cfg: Config) -> list[tuple[str, str, str]]:
    """The zoo entries named by the ``models`` knob (``"all"`` or ``arch:dataset:recipe,…``)."""
    if cfg.models == "all":
        return list(ZOO)
    picked = [tuple(m.split(":")) for m in cfg.models.split(",")]
    unknown = [m for m in picked if m not in ZOO]
    if unknown:
        raise ValueError(f"unknown model(s) {unknown}; valid: {[':'.join(m) for m in ZOO]}")
    return picked


def train_zoo(cfg: Config) -> pd.DataFrame:
    """Train (or load) every zoo model of the profile; one row per model. The paper profile
    trains nothing (its models are pretrained weights or local checkpoints, passed to each
    notebook): the table is empty and a line says so."""
    if cfg.profile == "paper":
        print("paper profile: no model is trained here; each notebook loads pretrained weights or the "
              "local checkpoints given through its parameters")
        return pd.DataFrame(columns=COLUMNS)
    rows = []
    for arch, dataset, recipe in selected(cfg):
        _, m = load_quick_model(arch, dataset, cfg.profile, device=cfg.device, seed=cfg.seed, recipe=recipe)
        rows.append({"model": f"{arch} ({recipe})", "data": dataset, "parameters (M)": m["parameters"] / 1e6,
                     "held-out accuracy": m["heldout_accuracy"], "epochs": m["recipe"]["epochs"],
                     "train time (s)": m["train_seconds"], "trained on": m["device"]})
    torch.set_grad_enabled(True)
    return pd.DataFrame(rows)
