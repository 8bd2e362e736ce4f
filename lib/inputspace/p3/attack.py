"""PGD vs uniform noise, and how far they move the BMUs (P3 Sec. 3.4, Figs 11-12, Table 2).

* Attacked images: ``n_attack`` inputs drawn (seeded) from SOM-val, so their clean codes and
  BMUs are the SOM-val ones (paper: 500 random ImageNet images; split not stated).
* PGD: :func:`inputspace.methods.attacks.pgd_linf` with Table 2 (advertorch ``LinfPGDAttack``):
  cross-entropy, random init, ``pgd_iters`` = 50 steps of ``eps * 2/100``, untargeted, clip [0, 1].
* Noise control: ``x + U(0, eps)`` per pixel, clipped to [0, 1] (Sec. 3.4; clipping not stated).
* BMU displacement: torus distance between the i-th BMU of the clean and of the perturbed input,
  i = 1..10 ("10 pairs of BMUs").

**ε rule (documented, fixed in advance).** On digits the paper's ε = 4/255 barely moves a
model (smooth upsampled 8x8 images), so every comparison is also made at ``eps_star``: the
smallest ε on :data:`EPS_GRID` at which PGD accuracy on the attacked images drops below
``collapse_acc`` (10 %), with the noise control at the same ε. The search probes the paper's ε
first and bisects the grid (PGD accuracy is taken to be non-increasing in ε).
"""

from __future__ import annotations

import torch

from ..cache import cached
from ..config import Config
from ..methods import codes as vcodes
from ..methods.attacks import centered_noise, pgd_linf, uniform_noise
from ..methods.som import bmus
from ..methods.torus import mean_pair_distance, torus_distance, unit_locations
from .knobs import LABELS
from .maps import (
    CODES_VERSION,
    LayerSOM,
    classes_key,
    data_key,
    layer_names,
    load_images,
    model,
    model_key,
    model_soms,
    split_meta,
)

EPS_GRID: tuple[float, ...] = tuple(k / 255 for k in (1, 2, 4, 8, 16, 32, 64))
FINE_EPS: tuple[float, ...] = tuple(k / 255 for k in (3, 5, 6))
"""Further ε probed by the controls (added 2026-12-07): with :data:`EPS_GRID`'s values up to 8/255
they look for an ε whose PGD accuracy lies inside :data:`MID_ACCURACY` (the ε rule itself keeps
its grid)."""
MID_ACCURACY = (0.10, 0.90)
"""PGD accuracy strictly between these: an ε at which the attack neither fails nor saturates."""
FLOOR_EPS = 1 / 255
"""The displacement floor of the controls: the smallest perturbation of the grid."""
STEP_FRACTION = 2 / 100  # Table 2: eps_iter = eps * 2/100
KEEP_IMAGES_MAX_SIZE = 64  # store perturbed images (for the explorer) only for small inputs


def pgd_params(cfg: Config) -> dict:
    """Table 2 as used (advertorch names), from the notebook's configuration."""
    return {
        "loss_fn": "CrossEntropyLoss (sum over the batch, advertorch default)",
        "eps": cfg.paper_eps,
        "nb_iter": cfg.pgd_iters,
        "eps_iter": cfg.paper_eps * STEP_FRACTION,
        "rand_init": True,
        "targeted": False,
        "clip_min": 0.0,
        "clip_max": 1.0,
        "norm": "Linf",
    }


def attack_positions(cfg: Config, arch: str) -> torch.Tensor:
    """Positions (into the SOM-val sample) of the attacked images."""
    n_val = len(split_meta(cfg, arch, "val")["y"])
    g = torch.Generator().manual_seed(cfg.seed + 17)
    return torch.randperm(n_val, generator=g)[: min(cfg.n_attack, n_val)]


@torch.no_grad()
def _codes_of(cfg: Config, net, x: torch.Tensor) -> tuple[list[torch.Tensor], torch.Tensor]:
    logits, feats = net.forward_with_features(x.to(cfg.device))
    return [c.cpu() for c in vcodes.layer_codes(feats, com=cfg.com)], logits.argmax(1).cpu()


def _perturb(cfg: Config, arch: str, eps: float, kind: str) -> dict:
    net = model(cfg, arch)
    pos = attack_positions(cfg, arch)
    val = split_meta(cfg, arch, "val")
    x, y = load_images(cfg.dataset, "val", val["idx"][pos], cfg.profile, cfg.imagenet_root)
    outs, layers, preds = [], [], []
    for start in range(0, len(x), 50):
        xb, yb = x[start : start + 50].to(cfg.device), y[start : start + 50].to(cfg.device)
        gen = torch.Generator().manual_seed(cfg.seed * 7919 + start + KINDS.index(kind))
        if kind == "pgd":
            xp = pgd_linf(
                net,
                xb,
                yb,
                eps=eps,
                iters=cfg.pgd_iters,
                step_size=eps * STEP_FRACTION,
                generator=gen,
            )
        elif kind == "noise":
            xp = uniform_noise(xb, eps, generator=gen)
        else:
            xp = centered_noise(xb, eps, generator=gen)
        c, p = _codes_of(cfg, net, xp)
        outs.append(xp.cpu())
        layers.append(c)
        preds.append(p)
    xp = torch.cat(outs)
    res = {
        "pos": pos,
        "y": y,
        "pred": torch.cat(preds),
        "eps": eps,
        "codes": [torch.cat(c) for c in zip(*layers)],
        "linf": float((xp - x).abs().amax()),
        "min": float(xp.min()),
        "max": float(xp.max()),
    }
    if x.shape[-1] <= KEEP_IMAGES_MAX_SIZE:
        res["x"] = xp
    return res


KINDS: tuple[str, ...] = ("pgd", "noise", "centered")
"""Perturbations: PGD, P3's uniform noise U(0, ε) and its mean-free control U(−ε, ε)."""


def perturbed(cfg: Config, arch: str, eps: float, kind: str) -> dict:
    """Cached PGD (``kind="pgd"``), noise or centered-noise run on the attacked images: codes,
    predictions, max |δ|."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {list(KINDS)}, got {kind!r}")
    return cached(
        cfg,
        f"p3.{kind}.{arch}.{eps:.5f}",
        lambda: _perturb(cfg, arch, eps, kind),
        shared=True,
        arch=arch,
        dataset=cfg.dataset,
        eps=round(eps, 8),
        kind=kind,
        n_attack=cfg.n_attack,
        iters=cfg.pgd_iters if kind == "pgd" else 0,
        per_class=cfg.per_class,
        com=cfg.com,
        seed=cfg.seed,
        model=model_key(cfg, arch),
        version=CODES_VERSION,
        **classes_key(cfg),
        **data_key(cfg),
    )


def correctness(cfg: Config, arch: str, eps: float) -> dict[str, torch.Tensor]:
    """Per attacked image, whether the model classifies it correctly clean, under PGD and under
    noise at ``eps`` (``{"clean", "pgd", "noise"}``, bool tensors over the same images): the items
    behind :func:`accuracies`."""
    pos = attack_positions(cfg, arch)
    val = split_meta(cfg, arch, "val")
    out = {"clean": val["pred"][pos] == val["y"][pos]}
    for kind in ("pgd", "noise"):
        r = perturbed(cfg, arch, eps, kind)
        out[kind] = r["pred"] == r["y"]
    return out


def accuracies(correct: dict[str, torch.Tensor]) -> dict[str, float]:
    """Clean, PGD and noise accuracy on the attacked images (from :func:`correctness`)."""
    return {k: float(v.float().mean()) for k, v in correct.items()}


def eps_rule(cfg: Config, arch: str) -> dict:
    """Smallest ε of :data:`EPS_GRID` with PGD accuracy < ``collapse_acc`` (module docstring).

    Returns ``{"eps": ε*, "found": bool, "probes": {ε: PGD accuracy}}``; when no grid ε
    collapses the model, ε* is the largest grid value and ``found`` is False.
    """

    def pgd_acc(i: int) -> float:
        r = perturbed(cfg, arch, EPS_GRID[i], "pgd")
        probes[EPS_GRID[i]] = float((r["pred"] == r["y"]).float().mean())
        return probes[EPS_GRID[i]]

    probes: dict[float, float] = {}
    lo, hi = 0, len(EPS_GRID)
    first = min(range(len(EPS_GRID)), key=lambda i: abs(EPS_GRID[i] - cfg.paper_eps))
    mid = first
    while lo < hi:
        if pgd_acc(mid) < cfg.collapse_acc:
            hi = mid
        else:
            lo = mid + 1
        mid = (lo + hi) // 2
    found = hi < len(EPS_GRID)
    return {
        "eps": EPS_GRID[min(hi, len(EPS_GRID) - 1)],
        "found": found,
        "probes": dict(sorted(probes.items())),
    }


def bmu_displacement(
    cfg: Config, soms: list[LayerSOM], eps: float, kind: str
) -> list[torch.Tensor]:
    """Per layer ``(n_attack, k)`` torus distances between rank-matched clean and perturbed BMUs."""
    arch = soms[0].arch
    r = perturbed(cfg, arch, eps, kind)
    out = []
    for ls, codes in zip(soms, r["codes"]):
        clean = ls.bmu_val[r["pos"]]
        pert = bmus(codes, ls.som, clean.shape[1])[0]
        loc = unit_locations(ls.m, ls.n)
        out.append(torus_distance(loc[clean], loc[pert], ls.m, ls.n))
    return out


def _disp_rows(
    label: str, which: str, kind: str, names: list[str], disp: list[torch.Tensor]
) -> list[dict]:
    """One ``disp_table`` row per layer: mean and median displacement."""
    return [
        {
            "model": label,
            "ε": which,
            "kind": kind,
            "layer": name,
            "mean": float(v.float().mean()),
            "median": float(v.float().median()),
        }
        for name, v in zip(names, disp)
    ]


def mid_eps(cfg: Config, arch: str) -> dict:
    """The controls' ε at which PGD neither fails nor saturates: PGD accuracy on the attacked images
    at the ε rule's probes and :data:`FINE_EPS` (grid values up to 8/255), and of those strictly
    inside :data:`MID_ACCURACY` the one nearest 50 % (``eps`` None when there is none)."""
    probes = dict(eps_rule(cfg, arch)["probes"])
    for eps in FINE_EPS + tuple(e for e in EPS_GRID if e <= 8 / 255):
        if eps not in probes:
            r = perturbed(cfg, arch, eps, "pgd")
            probes[eps] = float((r["pred"] == r["y"]).float().mean())
    lo, hi = MID_ACCURACY
    inside = [e for e, a in probes.items() if lo < a < hi]
    return {
        "probes": dict(sorted(probes.items())),
        "eps": min(inside, key=lambda e: abs(probes[e] - 0.5)) if inside else None,
    }


def _controls(
    cfg: Config, arch: str, soms: list[LayerSOM], res: dict, label: str, names: list[str]
) -> list[dict]:
    """The fidelity controls of Figs 11-12 (added 2026-12-07, after the numbers were known), into
    ``res``: mean-free noise of equal ℓ2 at both ε (``disp[(arch, which, "centered")]``), the floor
    at ε = 1/255 (``floor1[arch][kind]``), the saturation level of the map (``random_pair[arch]``:
    the mean torus distance between random units) and the mid-accuracy ε with its PGD displacement
    (``mid[arch]``). Returns their displacement-table rows."""
    rows = []
    for which, eps in res["eps"][arch].items():
        res["disp"][(arch, which, "centered")] = d = bmu_displacement(cfg, soms, eps, "centered")
        rows += _disp_rows(label, which, "centered", names, d)
    res.setdefault("floor1", {})[arch] = {
        k: bmu_displacement(cfg, soms, FLOOR_EPS, k) for k in ("pgd", "noise")
    }
    rows += _disp_rows(label, "1/255 (floor)", "pgd", names, res["floor1"][arch]["pgd"])
    res.setdefault("random_pair", {})[arch] = mean_pair_distance(soms[0].m, soms[0].n)
    mid = mid_eps(cfg, arch)
    if mid["eps"] is not None:
        mid["disp"] = bmu_displacement(cfg, soms, mid["eps"], "pgd")
        rows += _disp_rows(label, f"{mid['eps'] * 255:.0f}/255 (mid)", "pgd", names, mid["disp"])
    res.setdefault("mid", {})[arch] = mid
    return rows


def pgd_vs_noise(cfg: Config, archs) -> dict:
    """Figs 11/12: accuracies and BMU displacements of PGD and noise at the paper's ε and at ε*.

    Returns ``{"eps": {arch: {"paper": ε, "rule": ε*}}, "rule": {arch: eps_rule()},
    "acc": {(arch, which): accuracies}, "correct": {(arch, which): correctness (per image)},
    "disp": {(arch, which, kind): [per layer (n, k)]},
    "floor": {arch: [per layer (n, k)] at ε = 0, a control that must be 0}, "layers": names,
    "table": accuracies DataFrame, "disp_table": mean/median per layer}`` and the controls of
    :func:`_controls` (``disp`` of kind ``"centered"``, ``floor1``, ``random_pair``, ``mid``).
    """
    import pandas as pd

    res: dict = {"eps": {}, "rule": {}, "acc": {}, "correct": {}, "disp": {}, "floor": {}}
    acc_rows, disp_rows = [], []
    for arch in archs:
        soms = model_soms(cfg, arch)
        names, label = layer_names(soms), LABELS.get(arch, arch)
        rule = eps_rule(cfg, arch)
        res["rule"][arch] = rule
        res["eps"][arch] = {"paper": cfg.paper_eps, "rule": rule["eps"]}
        for which, eps in res["eps"][arch].items():
            res["correct"][(arch, which)] = correct = correctness(cfg, arch, eps)
            res["acc"][(arch, which)] = acc = accuracies(correct)
            acc_rows.append(
                {
                    "model": LABELS.get(arch, arch),
                    "ε": f"{eps * 255:.0f}/255 ({which})",
                    "clean": acc["clean"],
                    "PGD": acc["pgd"],
                    "noise": acc["noise"],
                }
            )
            for kind in ("noise", "pgd"):
                d = bmu_displacement(cfg, soms, eps, kind)
                res["disp"][(arch, which, kind)] = d
                disp_rows += _disp_rows(label, which, kind, names, d)
        # Control: ε = 0 through the same perturbed-code path (batches of 50, same model); any
        # displacement here is float noise between the two code extractions, not the perturbation.
        res["floor"][arch] = floor = bmu_displacement(cfg, soms, 0.0, "noise")
        disp_rows += _disp_rows(label, "0 (control)", "none", names, floor)
        res["layers"] = names
        disp_rows += _controls(cfg, arch, soms, res, label, names)
    res["table"] = pd.DataFrame(acc_rows)
    res["disp_table"] = pd.DataFrame(disp_rows)
    return res
