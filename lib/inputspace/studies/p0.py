"""p0-00: the quick model zoo (train once, cache, tabulate)."""
from __future__ import annotations

import pandas as pd
import torch

from ..config import Config, Knob
from ..models import QUICK_CNNS
from ..zoo import load_quick_model

# (architecture, data set, recipe) of every locally trained model the notebooks use.
ZOO: tuple[tuple[str, str, str], ...] = (
    ("resnet18", "digits", "standard"),
    ("resnet50", "digits", "standard"),
    ("vgg19_bn", "digits", "standard"),
    ("densenet121", "digits", "standard"),
    ("vit_tiny", "digits", "standard"),
    ("resnet18", "digits", "pgd-at"),     # P2's adversarially trained ("AT") analog
    ("resnet50", "lfw", "standard"),      # P3 Fig 8's "other data set" analog
)
MIN_CNN_ACCURACY = 0.97

KNOBS = {"p0-00": {"models": Knob("all", help="'all' or comma-separated arch:dataset:recipe")}}


def selected(cfg: Config) -> list[tuple[str, str, str]]:
    if cfg.models == "all":
        return list(ZOO)
    picked = [tuple(m.split(":")) for m in cfg.models.split(",")]
    unknown = [m for m in picked if m not in ZOO]
    if unknown:
        raise ValueError(f"unknown model(s) {unknown}; valid: {[':'.join(m) for m in ZOO]}")
    return picked


def train_zoo(cfg: Config) -> pd.DataFrame:
    """Train (or load) every zoo model of the profile; one row per model."""
    if cfg.profile == "paper":
        raise ValueError("the paper profile uses pretrained/local checkpoints: nothing to train here")
    rows = []
    for arch, dataset, recipe in selected(cfg):
        _, m = load_quick_model(arch, dataset, cfg.profile, device=cfg.device, seed=cfg.seed, recipe=recipe)
        rows.append({"model": f"{arch} ({recipe})", "data": dataset, "parameters (M)": m["parameters"] / 1e6,
                     "held-out accuracy": m["heldout_accuracy"], "epochs": m["recipe"]["epochs"],
                     "train time (s)": m["train_seconds"], "trained on": m["device"]})
    torch.set_grad_enabled(True)
    return pd.DataFrame(rows)


def check_accuracy(table: pd.DataFrame, profile: str) -> pd.DataFrame:
    """Rows of quick CNNs below the required 97 % held-out accuracy (empty = all fine)."""
    cnn = table["model"].str.split(" ").str[0].isin(QUICK_CNNS) & (table["data"] == "digits")
    return table[cnn & (table["held-out accuracy"] < MIN_CNN_ACCURACY)] if profile == "quick" else table.iloc[:0]
