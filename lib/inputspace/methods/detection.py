"""Adversarial detection by input-space mode connectivity (P1, made measurable).

P1 states that mode connectivity "has potential for adversarial detection" but its detector and
numbers (possibly its Tables 1-2) are not available to this project. The protocol here is ours:

* score(x) = the barrier between ``x`` and real modes of its *predicted* class: for each of the
  class's reference modes ``r`` (lowest-loss training images, :func:`inputspace.methods.connectivity.
  select_modes`) the linear path ``x -> r`` is evaluated with the cross-entropy of the predicted
  class, its gap ``max L - max(L(x), L(r))`` (Fig 6) taken, and the gaps reduced over the
  references (``reduce="median"`` by default; ``"min"``/``"mean"`` available). A real input of
  a class is expected to be connected to that class's modes, an adversarial one not (Sec 4.2);
* baseline: ``1 - max softmax`` (Hendrycks & Gimpel 2017);
* both evaluated by ROC AUC (adversarial = positive) with scikit-learn.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .connectivity import barriers, path_losses

REDUCTIONS = ("median", "min", "mean")


@torch.no_grad()
def predict(model: nn.Module, x: torch.Tensor, batch_size: int = 256) -> torch.Tensor:
    """Predicted classes ``(M,)`` (batched)."""
    if len(x) == 0:
        return torch.empty(0, dtype=torch.long, device=x.device)
    return torch.cat([model(x[i : i + batch_size]).argmax(1) for i in range(0, len(x), batch_size)])


@torch.no_grad()
def max_softmax_scores(model: nn.Module, x: torch.Tensor, batch_size: int = 256) -> torch.Tensor:
    """Baseline score ``1 - max_k softmax_k(f(x))`` (higher = more suspicious), ``(M,)``."""
    if len(x) == 0:
        return torch.empty(0)
    out = [
        1 - F.softmax(model(x[i : i + batch_size]), 1).max(1).values
        for i in range(0, len(x), batch_size)
    ]
    return torch.cat(out).cpu()


def barrier_scores(
    model: nn.Module,
    x: torch.Tensor,
    refs: torch.Tensor,
    ref_labels: torch.Tensor,
    *,
    n_points: int = 50,
    reduce: str = "median",
    criterion: str = "gap",
    batch_size: int = 256,
) -> torch.Tensor:
    """Barrier score of every input against the reference modes of its predicted class.

    Args:
        model: eval-mode classifier on the space of ``x`` and ``refs``.
        x: ``(M, ...)`` inputs to score.
        refs, ref_labels: ``(R, ...)`` reference modes and their classes (every class that can
            be predicted needs at least one).
        n_points: points per path (endpoints included).
        reduce: how the per-reference barriers are combined (module doc).
        criterion: ``"gap"`` (max minus the larger endpoint loss) or ``"height"`` (max).

    Returns:
        ``(M,)`` scores (higher = more suspicious), on the CPU.
    """
    if reduce not in REDUCTIONS:
        raise ValueError(f"unknown reduce {reduce!r}; valid: {list(REDUCTIONS)}")
    if criterion not in ("gap", "height"):
        raise ValueError(f"unknown criterion {criterion!r}; valid: 'gap', 'height'")
    if len(x) == 0:
        return torch.empty(0)
    pred = predict(model, x, batch_size)
    owner, ref_idx = _pairs(pred.cpu(), ref_labels.cpu())
    _, losses = path_losses(model, x[owner], refs[ref_idx], pred[owner], n_points, batch_size)
    bar = barriers(losses)
    per_pair = bar.gap if criterion == "gap" else bar.height
    return torch.stack([_reduce(per_pair[owner == i], reduce) for i in range(len(x))])


def _pairs(pred: torch.Tensor, ref_labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(input index, reference index) for every reference of each input's predicted class."""
    owner, ref_idx = [], []
    for i, c in enumerate(pred.tolist()):
        r = (ref_labels == c).nonzero().flatten()
        if len(r) == 0:
            raise ValueError(f"no reference mode of class {c}: give refs for every class")
        owner.append(torch.full((len(r),), i))
        ref_idx.append(r)
    return torch.cat(owner), torch.cat(ref_idx)


def _reduce(v: torch.Tensor, how: str) -> torch.Tensor:
    if how == "median":
        return v.median()
    return v.min() if how == "min" else v.mean()


def roc(scores_clean: torch.Tensor | np.ndarray, scores_adv: torch.Tensor | np.ndarray) -> dict:
    """ROC of a detector (adversarial = positive class): ``{"auc", "fpr", "tpr", "p_value", "n_clean", "n_adv"}``.

    ``p_value`` is the one-sided Mann-Whitney U test of "adversarial scores are larger" (AUC = U / (n_clean n_adv)),
    so "better than chance" can be judged with the sample size in view, not by AUC > 0.5 alone.
    """
    from scipy.stats import mannwhitneyu
    from sklearn.metrics import roc_auc_score, roc_curve

    clean, adv = (
        np.asarray(scores_clean, dtype=np.float64),
        np.asarray(scores_adv, dtype=np.float64),
    )
    s = np.concatenate([clean, adv])
    lab = np.r_[np.zeros(len(clean)), np.ones(len(adv))]
    fpr, tpr, _ = roc_curve(lab, s)
    p = float(mannwhitneyu(adv, clean, alternative="greater").pvalue)
    return {
        "auc": float(roc_auc_score(lab, s)),
        "fpr": fpr.tolist(),
        "tpr": tpr.tolist(),
        "p_value": p,
        "n_clean": len(clean),
        "n_adv": len(adv),
    }
