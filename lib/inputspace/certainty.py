"""How sure a verdict is: bootstrap intervals of a claim's statistic and a certainty label.

A claim that rests on a statistic over items (pairs, paths, images, sources, classes, SOM units)
keeps its verdict rule and threshold; this module adds how far the verdict could move if the items
had been drawn again: the percentile bootstrap interval of the statistic (Efron & Tibshirani 1993,
ch. 13), resampling the items with a fixed seed; paired (the same resampled items in both groups)
where a claim compares two groups on the same items, e.g. the AT and the normal model on the same
sources; for a ROC AUC, clean and adversarial scores are resampled separately (a stratified
bootstrap) and the AUC recomputed. Items in independent strata are resampled within each stratum
(:func:`stratified_evidence`); its statistic reads per-item tensors at the drawn indices
(:func:`mean_at`, :func:`median_at`, :func:`fraction_at`) or, for distances between all pairs of
items, weighs each pair by how often both of its items were drawn (:class:`PairDistances`).

The verdict rule itself (a function of the statistic, e.g. ``lambda f: f >= 0.9``) decides the
label, so a strict and a non-strict threshold, or a rule that must hold on every item
(``fraction == 1``), are labelled the way the verdict is computed. The rule must be monotone in the
statistic (a band such as ``|median - literature| < tol`` is written as a rule on the deviation),
since only the interval's ends and the statistic are checked. Labels (:func:`label`):

``clear``            the rule gives the same verdict at both ends of the 95 % interval and at the
                     statistic (the interval lies on one side of the threshold);
``marginal``         it does not (the interval contains the threshold: the verdict may flip with
                     other items);
``single example``   the claim rests on one example (e.g. a demo pair): no interval;
``too few items``    fewer than :data:`MIN_ITEMS` items: an interval would mean little.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import torch

MIN_ITEMS = 5
"""Fewer items than this get no interval (the label says so instead)."""
N_BOOT = 2000
LEVEL = 0.95
BOOT_SEED = 0

Statistic = Callable[[np.ndarray], float]
Rule = Callable[[float], bool]


@dataclass(frozen=True)
class Evidence:
    """The statistic a verdict rests on, its interval and the resulting certainty label."""

    statistic: float
    low: float | None
    high: float | None
    n_items: int
    threshold: float | None
    label: str
    passes: bool | None = (
        None  # the verdict rule applied to the statistic (checked by Scorecard.record)
    )

    def as_dict(self) -> dict:
        return {
            "statistic": self.statistic,
            "interval": None if self.low is None else [self.low, self.high],
            "n_items": self.n_items,
            "threshold": self.threshold,
            "certainty": self.label,
        }


def _percentiles(samples: np.ndarray, level: float) -> tuple[float, float]:
    a = (1 - level) / 2
    lo, hi = np.quantile(samples, [a, 1 - a])
    return float(lo), float(hi)


def bootstrap(
    values: Sequence[float] | np.ndarray,
    statistic: Statistic = np.mean,
    *,
    n_boot: int = N_BOOT,
    level: float = LEVEL,
    seed: int = BOOT_SEED,
) -> tuple[float, float]:
    """Percentile interval of ``statistic`` over items resampled with replacement."""
    x = np.asarray(values, dtype=float)
    if x.ndim != 1 or len(x) == 0:
        raise ValueError(
            f"bootstrap needs a non-empty 1-d array of per-item values, got shape {x.shape}"
        )
    idx = np.random.default_rng(seed).integers(0, len(x), size=(n_boot, len(x)))
    return _percentiles(np.array([statistic(x[i]) for i in idx]), level)


def paired_bootstrap(
    a: Sequence[float] | np.ndarray,
    b: Sequence[float] | np.ndarray,
    statistic: Callable[[np.ndarray, np.ndarray], float],
    *,
    n_boot: int = N_BOOT,
    level: float = LEVEL,
    seed: int = BOOT_SEED,
) -> tuple[float, float]:
    """Interval of ``statistic(a, b)`` where item i of ``a`` and of ``b`` are the same item
    (e.g. one source image under two models): both are resampled with the same indices."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.shape != y.shape or x.ndim != 1 or len(x) == 0:
        raise ValueError(
            f"paired values need the same non-empty 1-d shape, got {x.shape} and {y.shape}"
        )
    idx = np.random.default_rng(seed).integers(0, len(x), size=(n_boot, len(x)))
    return _percentiles(np.array([statistic(x[i], y[i]) for i in idx]), level)


def auc(positive: np.ndarray, negative: np.ndarray) -> float:
    """ROC AUC = P(score of a positive > score of a negative) + ½ P(tie) (Mann-Whitney)."""
    p, n = np.asarray(positive, dtype=float)[:, None], np.asarray(negative, dtype=float)[None, :]
    return float(((p > n).sum() + 0.5 * (p == n).sum()) / (p.size * n.size))


def auc_bootstrap(
    positive: Sequence[float],
    negative: Sequence[float],
    *,
    n_boot: int = N_BOOT,
    level: float = LEVEL,
    seed: int = BOOT_SEED,
) -> tuple[float, float]:
    """Interval of the AUC, resampling positives and negatives separately (stratified)."""
    p, n = np.asarray(positive, dtype=float), np.asarray(negative, dtype=float)
    if len(p) == 0 or len(n) == 0:
        raise ValueError("an AUC needs at least one positive and one negative score")
    rng = np.random.default_rng(seed)
    samples = [
        auc(p[rng.integers(0, len(p), len(p))], n[rng.integers(0, len(n), len(n))])
        for _ in range(n_boot)
    ]
    return _percentiles(np.array(samples), level)


def label(
    low: float | None,
    high: float | None,
    rule: Rule | None,
    n_items: int,
    statistic: float | None = None,
) -> str:
    """``clear`` / ``marginal`` / ``single example`` / ``too few items`` (module doc): marginal when
    ``rule`` gives different verdicts at ``low``, ``statistic`` and ``high``."""
    if n_items <= 1:
        return "single example"
    if n_items < MIN_ITEMS or low is None or high is None:
        return "too few items"
    if rule is None:
        raise ValueError("a verdict with an interval needs its rule to be labelled")
    ends = {bool(rule(v)) for v in (low, high) + (() if statistic is None else (statistic,))}
    return "marginal" if len(ends) > 1 else "clear"


def _evidence(
    stat: float, interval: tuple[float, float] | None, n: int, rule: Rule, threshold: float | None
) -> Evidence:
    lo, hi = interval if interval is not None else (None, None)
    return Evidence(stat, lo, hi, n, threshold, label(lo, hi, rule, n, stat), bool(rule(stat)))


def evidence(
    values: Sequence[float] | np.ndarray,
    rule: Rule,
    statistic: Statistic = np.mean,
    *,
    threshold: float | None = None,
    **kw,
) -> Evidence:
    """The statistic over items, its bootstrap interval (from :data:`MIN_ITEMS` items on) and its
    label under the verdict ``rule``; ``threshold`` is the rule's bar, shown in the scorecard."""
    x = np.asarray(values, dtype=float)
    stat = float(statistic(x))
    return _evidence(
        stat,
        bootstrap(x, statistic, **kw) if len(x) >= MIN_ITEMS else None,
        len(x),
        rule,
        threshold,
    )


def paired_evidence(
    a: Sequence[float] | np.ndarray,
    b: Sequence[float] | np.ndarray,
    statistic: Callable[[np.ndarray, np.ndarray], float],
    rule: Rule,
    *,
    threshold: float | None = None,
    **kw,
) -> Evidence:
    """:func:`evidence` for a statistic of two groups measured on the same items (paired bootstrap)."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    stat = float(statistic(x, y))
    iv = paired_bootstrap(x, y, statistic, **kw) if len(x) >= MIN_ITEMS else None
    return _evidence(stat, iv, len(x), rule, threshold)


def auc_evidence(
    positive: Sequence[float],
    negative: Sequence[float],
    rule: Rule,
    *,
    threshold: float | None = None,
    **kw,
) -> Evidence:
    """:func:`evidence` for a ROC AUC (stratified bootstrap); the items are the fewer of the two
    groups' scores."""
    p, n = np.asarray(positive, dtype=float), np.asarray(negative, dtype=float)
    items = min(len(p), len(n))
    iv = auc_bootstrap(p, n, **kw) if items >= MIN_ITEMS else None
    return _evidence(auc(p, n), iv, items, rule, threshold)


def stratified_evidence(
    sizes: Sequence[int],
    statistic: Callable[[list[np.ndarray]], float],
    rule: Rule,
    threshold: float | None = None,
    *,
    observed: float | None = None,
) -> Evidence | None:
    """:func:`evidence` for items in independent strata, the bootstrap of several samples (Davison &
    Hinkley 1997, Sec. 3.2): ``sizes`` are the item counts of the strata and ``statistic`` receives one
    index array per stratum (``arange``: the observed items) and computes the verdict's statistic on
    those items. Each of the :data:`N_BOOT` resamples draws every stratum with replacement, keeping its
    size (seed :data:`BOOT_SEED`); the interval is the percentile one. A stratum is the items shared by
    several numbers (the classes of every layer of one model, the attacked images of PGD and noise);
    separate strata are independent samples (each layer's SOM units, clean and adversarial inputs).
    The item count is the smallest stratum's; None when a stratum is empty. ``observed``: the
    statistic as the verdict computed it, where ``statistic`` is a faster equal formula that may
    round differently."""
    n_items = min(sizes)
    if n_items == 0:
        return None
    stat = float(statistic([np.arange(n) for n in sizes])) if observed is None else float(observed)
    iv = None
    if n_items >= MIN_ITEMS:
        rng = np.random.default_rng(BOOT_SEED)
        boot = [statistic([rng.integers(0, n, n) for n in sizes]) for _ in range(N_BOOT)]
        iv = _percentiles(np.asarray(boot, dtype=float), LEVEL)
    return _evidence(stat, iv, n_items, rule, threshold)


# ------------------------------------------------------- statistics of resampled items
# A statistic given to :func:`stratified_evidence` receives item indices; these read per-item tensors
# (one value per class, SOM unit or image) at them, so that ``arange(n)`` gives the observed number.
def take(values: torch.Tensor, idx: np.ndarray) -> torch.Tensor:
    """The items ``idx`` of a per-item tensor (moved to its device)."""
    import torch  # here, not above: importing this module does not load torch

    i = torch.from_numpy(idx)
    return values[i if values.device.type == "cpu" else i.to(values.device)]


def mean_at(values: torch.Tensor, idx: np.ndarray) -> float:
    """The mean of the items ``idx`` of a per-item tensor."""
    return float(take(values, idx).mean())


def median_at(values: torch.Tensor, idx: np.ndarray) -> float:
    """The (lower, as ``torch.median``) median of the items ``idx`` of a per-item tensor."""
    return float(take(values, idx).median())


def fraction_at(flags: torch.Tensor, idx: np.ndarray) -> float:
    """The fraction of true flags among the items ``idx`` (e.g. an accuracy over images)."""
    return float(take(flags, idx).float().mean())


def common_size(counts: Sequence[int]) -> int:
    """The common item count of several numbers over the same items (the same classes or
    images in every layer), which are resampled together as one stratum.

    Raises:
        ValueError: the counts differ.
    """
    distinct = set(counts)
    if len(distinct) != 1:
        raise ValueError(
            f"per-layer values over the same items must have one length, got {sorted(distinct)}"
        )
    return distinct.pop()


class PairDistances:
    """Distances of all pairs ``i < j`` of ``k`` items (the order of ``torch.triu_indices``, as
    :func:`inputspace.methods.som.pairwise_weight_distances` returns them), resampled by item.

    A resample with item counts ``w`` holds pair {a, b} ``w_a * w_b`` times (a draw paired with
    another draw of the same item is no pair), so its mean is the ``w_a * w_b``-weighted mean,
    ``w' D w / ((sum w)^2 - sum w^2)`` with ``D`` the symmetric distance matrix, and its median the
    weighted lower median (``torch.median``). The observed items (``arange(k)``) give the library's
    own numbers, ``float(values.mean())`` / ``float(values.median())``.
    """

    def __init__(self, values: torch.Tensor) -> None:
        self.values = values.detach().cpu()
        p = len(self.values)
        self.k = int(round((1 + math.sqrt(1 + 8 * p)) / 2))
        if self.k * (self.k - 1) // 2 != p:
            raise ValueError(f"{p} distances are not the pairs of any number of items")
        a, b = np.triu_indices(self.k, 1)
        v = self.values.double().numpy()
        self._square = np.zeros((self.k, self.k))
        self._square[a, b] = self._square[b, a] = v
        order = np.argsort(v, kind="stable")
        self._sorted, self._a, self._b = v[order], a[order], b[order]

    def _counts(self, idx: np.ndarray) -> np.ndarray | None:
        """Item counts of a resample; None for the observed items."""
        if len(idx) == self.k and np.array_equal(idx, np.arange(self.k)):
            return None
        return np.bincount(idx, minlength=self.k).astype(float)

    def mean(self, idx: np.ndarray) -> float:
        w = self._counts(idx)
        if w is None:
            return float(self.values.mean())
        n_pairs = w.sum() ** 2 - w @ w
        return float(w @ self._square @ w / n_pairs) if n_pairs else math.nan

    def median(self, idx: np.ndarray) -> float:
        w = self._counts(idx)
        if w is None:
            return float(self.values.median())
        cum = np.cumsum(w[self._a] * w[self._b])
        if not cum[-1]:
            return math.nan
        return float(self._sorted[np.searchsorted(cum, (cum[-1] - 1) // 2, side="right")])


def indexed_evidence(
    n_items: int, statistic: Callable[[np.ndarray], float], rule: Rule, threshold: float | None
) -> Evidence:
    """:func:`evidence` over ``n_items`` items whose verdict number reads several per-item columns
    (two models on the same items, a mean compared with another mean, a mean of a rounded table):
    the bootstrap resamples item indices, and ``statistic(rows)`` (rows: an int array of indices)
    recomputes the verdict's number from those rows with the verdict's own code and precision, so
    on ``arange(n_items)`` it is the verdict's number exactly. A rule comparing two numbers is
    applied to their difference: the sign of a floating-point difference is exact."""
    return evidence(
        np.arange(n_items),
        rule,
        lambda i: statistic(np.asarray(i, dtype=int)),
        threshold=threshold,
    )


def single_example(value: float, rule: Rule, threshold: float | None = None) -> Evidence:
    """A verdict that rests on one example (e.g. a demo pair): no interval, labelled so."""
    return _evidence(float(value), None, 1, rule, threshold)


def verdict_text(verdict: str, certainty: str | None) -> str:
    """``PASS`` + label: ``PASS-marginal``, ``FAIL (single example)``; unchanged without a label or
    for a clear verdict or a claim that was not evaluated."""
    if not certainty or certainty == "clear" or verdict == "N/A":
        return verdict
    return f"{verdict}-marginal" if certainty == "marginal" else f"{verdict} ({certainty})"
