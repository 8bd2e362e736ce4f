"""The numbers behind each P3 SOM figure (one function per figure; SOMs and codes come from the
shared cache of :mod:`.maps`, so these aggregations are cheap and not cached themselves).

Every function returns a plain dict; ``table`` entries are pandas DataFrames for the notebook's
numbers cell, ``layers`` the layer names (CL1..CL4 or B1..Bn).
"""

from __future__ import annotations

import pandas as pd
import torch

from ..config import Config
from ..methods.torus import class_centers, unfold, unit_locations
from . import attack
from . import geometry as geo
from .knobs import LABELS
from .maps import layer_names, load_images, model, model_soms, split_codes


def _gen(cfg: Config, salt: int) -> torch.Generator:
    return torch.Generator().manual_seed(cfg.seed * 101 + salt)


def _per_layer(names: list[str], values, stat: str = "mean") -> dict[str, float]:
    """``{layer name: mean (or median) of that layer's values}`` for a table row."""
    return {n: float(getattr(v.float(), stat)()) for n, v in zip(names, values)}


def traced_input(cfg: Config) -> dict:
    """One SOM-val input through the pipeline: feature maps, vector codes, BMUs per CL (Fig. 1)."""
    soms = model_soms(cfg, cfg.arch)
    val = split_codes(cfg, cfg.arch, "val")
    i = cfg.image_index
    x, y = load_images(cfg.dataset, "val", val["idx"][i : i + 1], cfg.profile, cfg.imagenet_root)
    with torch.no_grad():
        maps = [f[0].cpu() for f in model(cfg, cfg.arch).features(x.to(cfg.device))]
    return {
        "image": x[0],
        "label": int(y[0]),
        "pred": int(val["pred"][i]),
        "maps": maps,
        "codes": [c[i] for c in val["codes"]],
        "bmus": [ls.bmu_val[i] for ls in soms],
        "m": soms[0].m,
        "n": soms[0].n,
        "dims": [c.shape[1] for c in val["codes"]],
        "channels": [m.shape[0] for m in maps],
        "layers": layer_names(soms),
        "arch": cfg.arch,
    }


def _synthetic_seam(m: int, n: int) -> dict:
    """A cluster straddling the corner seam with known centre (m-1, 0) (acceptance check)."""
    pts = torch.tensor([[m - 1, 0], [m - 1, 0], [m - 2, 0], [0, 0], [m - 1, 1], [m - 1, n - 1]])
    units = (pts[:, 0] * n + pts[:, 1]).reshape(1, -1)
    c = class_centers(units, torch.zeros(1, dtype=torch.long), m, n)
    loc = unit_locations(m, n)[units[0]]
    unf = unfold(loc, c["mode_loc"][0], m, n)
    return {
        "center": c["center"][0],
        "expected": torch.tensor([m - 1.0, 0.0]),
        "spread_folded": float(torch.cdist(loc, loc).max()),
        "spread_unfolded": float(torch.cdist(unf, unf).max()),
    }


def _unfold_panel(ls, cls: int) -> dict:
    c = ls.centers()
    loc = unit_locations(ls.m, ls.n)[ls.bmu_tr[ls.y_tr == cls].reshape(-1)]
    unf = unfold(loc, c["mode_loc"][cls], ls.m, ls.n)
    return {
        "loc": loc,
        "unfolded": unf,
        "mode": c["mode_loc"][cls],
        "center": c["center"][cls],
        "d_unfolded": float((unf - c["center"][cls]).norm(dim=1).mean()),
        "d_naive": float((loc - loc.mean(0)).norm(dim=1).mean()),
        "wrapped": geo.wrapped_fraction(ls, cls),
    }


def unfolding(cfg: Config) -> dict:
    """The SOM-tr class whose BMUs wrap the seam most, folded and unfolded (Fig. 2)."""
    soms = model_soms(cfg, cfg.arch)
    classes = range(soms[0].num_classes)
    cls = max(classes, key=lambda c: sum(geo.wrapped_fraction(ls, c) for ls in soms))
    panels = [_unfold_panel(ls, cls) for ls in soms]
    table = pd.DataFrame(
        {
            "layer": layer_names(soms),
            "wrapped BMUs": [p["wrapped"] for p in panels],
            "D (unfolded)": [p["d_unfolded"] for p in panels],
            "D (no unfolding)": [p["d_naive"] for p in panels],
        }
    )
    return {
        "cls": cls,
        "panels": panels,
        "m": soms[0].m,
        "n": soms[0].n,
        "table": table,
        "synthetic": _synthetic_seam(soms[0].m, soms[0].n),
        "layers": layer_names(soms),
    }


def som_losses(cfg: Config) -> dict:
    """SOM loss over training per layer and model (Fig. 3); ``final`` = mean over the last epoch of
    the per-update losses ``last_epoch`` (one per batch of codes)."""
    curves, last, final, used = {}, {}, {}, {}
    for arch in cfg.archs:
        soms = model_soms(cfg, arch)
        curves[arch] = [(ls.som.steps, ls.som.loss.cpu()) for ls in soms]
        last[arch] = [ls.som.loss[-len(ls.som.loss) // ls.som.config.epochs :] for ls in soms]
        final[arch] = [float(v.mean()) for v in last[arch]]
        used[arch] = [len(set(ls.bmu_tr[:, 0].tolist())) for ls in soms]
    layers = layer_names(soms)
    table = pd.DataFrame(final, index=layers).rename(columns=LABELS).T
    units = pd.DataFrame(used, index=layers).rename(columns=LABELS).T
    return {
        "curves": curves,
        "last_epoch": last,
        "final": final,
        "layers": layers,
        "table": table,
        "units": units,
    }


def bmu_densities(cfg: Config, archs, layers) -> dict:
    """BMU densities (Fig. 4: one layer; Supp. Fig. 1: all) with never-chosen unit fractions."""
    out, rows = {}, []
    for arch in archs:
        soms = model_soms(cfg, arch)
        for li in layers:
            d = out[(arch, li)] = geo.bmu_density(soms[li], cfg.density_bmus)
            rows.append(
                {
                    "model": LABELS[arch],
                    "layer": f"CL{li + 1}",
                    "units never BMU": d["never"],
                    "uniform expectation": d["never_uniform"],
                }
            )
    return {
        "density": out,
        "table": pd.DataFrame(rows),
        "archs": list(archs),
        "layers": list(layers),
        "m": soms[0].m,
        "n": soms[0].n,
    }


def class_bmus(cfg: Config) -> dict:
    """BMUs of ``n_show`` classes, SOM-tr vs SOM-val, per layer (Fig. 5, Supp. Fig. 2), and the
    D_class of true vs shuffled labels (our clustering control, :func:`.geometry.shuffled_d_class`):
    the table's means and, in ``per_class``, the per-class values behind them (one tensor per
    layer under each table column name)."""
    soms = model_soms(cfg, cfg.arch)
    k = soms[0].num_classes
    shown = sorted(set(torch.linspace(0, k - 1, min(cfg.n_show, k)).round().long().tolist()))
    loc = unit_locations(soms[0].m, soms[0].n)
    panels = [
        {
            c: (
                loc[ls.bmu_tr[ls.y_tr == c].reshape(-1)],
                loc[ls.bmu_val[ls.y_val == c].reshape(-1)],
            )
            for c in shown
        }
        for ls in soms
    ]
    per_class: dict[str, list[torch.Tensor]] = {
        "D_class tr": [],
        "shuffled tr": [],
        "D_class val": [],
        "shuffled val": [],
    }
    for ls in soms:
        sh = geo.shuffled_d_class_per_class(ls, _gen(cfg, ls.layer))
        for split in ("tr", "val"):
            per_class[f"D_class {split}"].append(geo.d_class_split(ls, split))
            per_class[f"shuffled {split}"].append(sh[split])
    table = pd.DataFrame(
        {
            "layer": layer_names(soms),
            **{col: [float(v.mean()) for v in vals] for col, vals in per_class.items()},
        }
    )
    return {
        "panels": panels,
        "shown": shown,
        "layers": layer_names(soms),
        "m": soms[0].m,
        "n": soms[0].n,
        "table": table,
        "per_class": per_class,
        "arch": cfg.arch,
    }


def dclass_and_weight_cd(cfg: Config) -> dict:
    """D_class (SOM-tr, SOM-val) and pairwise weight cosine distances per layer (Fig. 6)."""
    res = {}
    for arch in cfg.archs:
        soms = model_soms(cfg, arch)
        res[arch] = {
            "tr": [geo.d_class_split(ls, "tr") for ls in soms],
            "val": [geo.d_class_split(ls, "val") for ls in soms],
            "wcd": [geo.weight_cd(ls) for ls in soms],
        }
    layers = layer_names(soms)
    stats = (
        ("tr", "median D_class SOM-tr"),
        ("val", "median D_class SOM-val"),
        ("wcd", "median weight CD"),
    )
    rows = [
        {"model": LABELS[a], "statistic": s, **_per_layer(layers, r[key], "median")}
        for a, r in res.items()
        for key, s in stats
    ]
    return {"res": res, "layers": layers, "table": pd.DataFrame(rows)}


def center_distances(cfg: Config, archs, sizes, dataset: str | None = None) -> dict:
    """Cosine distances between class-centre weights per layer, model and SOM size (Figs 7, 10)."""
    res, rows = {}, []
    for size in sizes:
        for arch in archs:
            soms = model_soms(cfg, arch, size, dataset)
            res[(size, arch)] = [
                geo.class_center_cd(ls, cfg.n_centers, _gen(cfg, size)) for ls in soms
            ]
            rows.append(
                {
                    "size": size,
                    "model": LABELS.get(arch, arch),
                    **_per_layer(layer_names(soms), res[(size, arch)]),
                }
            )
    return {
        "res": res,
        "sizes": list(sizes),
        "archs": list(archs),
        "layers": layer_names(soms),
        "table": pd.DataFrame(rows),
    }


def other_datasets(cfg: Config) -> dict:
    """ResNet-50 on other data sets: D_class (SOM-tr) and class-centre CD per layer (Fig. 8)."""
    res, rows = {}, []
    for ds in cfg.datasets:
        soms = model_soms(cfg, cfg.arch, dataset=ds)
        res[ds] = {
            "dclass": [geo.d_class_split(ls, "tr") for ls in soms],
            "ccd": [geo.class_center_cd(ls, 100, _gen(cfg, 8)) for ls in soms],
        }
        for key, name in (("dclass", "mean D_class SOM-tr"), ("ccd", "mean centre CD")):
            rows.append(
                {"data set": ds, "statistic": name, **_per_layer(layer_names(soms), res[ds][key])}
            )
    return {
        "res": res,
        "layers": layer_names(soms),
        "datasets": list(cfg.datasets),
        "table": pd.DataFrame(rows),
    }


def vit_weight_cd(cfg: Config) -> dict:
    """Pairwise weight cosine distances of the SOMs of every ViT block (Fig. 9)."""
    soms = model_soms(cfg, cfg.vit_arch)
    wcd = [geo.weight_cd(ls) for ls in soms]
    table = pd.DataFrame(
        {
            "block": layer_names(soms),
            "mean weight CD": [float(v.mean()) for v in wcd],
            "median weight CD": [float(v.median()) for v in wcd],
        }
    )
    return {"wcd": wcd, "layers": layer_names(soms), "table": table}


def _mean_or_nan(v: torch.Tensor) -> float:
    return float(v.mean()) if len(v) else float("nan")


def correct_vs_incorrect(cfg: Config) -> dict:
    """Distance of SOM-val BMUs to their label's SOM-tr centre, correct vs incorrect (Supp. 3).

    ``cfg.aggregate == "class"`` (the caption): the statistic is per class (mean over that class's
    correct, and over its incorrect, inputs) and the counts are classes; ``"input"``: per input."""
    res, rows = {}, []
    for arch in cfg.archs:
        soms = model_soms(cfg, arch)
        res[arch] = [geo.label_center_distance(ls) for ls in soms]
        if cfg.aggregate == "class":
            res[arch] = [geo.per_class_means(r) for r in res[arch]]
        for name, r in zip(layer_names(soms), res[arch]):
            ok = r["correct"]
            rows.append(
                {
                    "model": LABELS[arch],
                    "layer": name,
                    "unit": cfg.aggregate,
                    "n correct": int(ok.sum()),
                    "n incorrect": int((~ok).sum()),
                    "mean ED correct": _mean_or_nan(r["distance"][ok]),
                    "mean ED incorrect": _mean_or_nan(r["distance"][~ok]),
                }
            )
    return {"res": res, "layers": layer_names(soms), "table": pd.DataFrame(rows)}


def telescope(cfg: Config) -> dict:
    """Numbers of the "functional telescope" summary (Supp. Fig. 4): per model the mean pairwise
    weight CD per layer (code diversity) and, for the attacked models, the mean PGD and noise BMU
    displacement per layer at ε* (from the shared caches of Figs 6, 9 and 11). The items behind the
    means: ``diversity_cd`` (per model, the pair distances of each layer) and ``disp_items``
    (``{"pgd" | "noise": {model: [per layer (n_attack, k)]}}``)."""
    diversity_cd = {
        LABELS.get(a, a): [geo.weight_cd(ls) for ls in model_soms(cfg, a)]
        for a in (*cfg.archs, cfg.vit_arch)
    }
    diversity = {k: [float(v.mean()) for v in cds] for k, cds in diversity_cd.items()}
    items: dict[str, dict[str, list[torch.Tensor]]] = {"pgd": {}, "noise": {}}
    eps = {}
    for arch in cfg.attack_archs:
        soms = model_soms(cfg, arch)
        eps[LABELS[arch]] = attack.eps_rule(cfg, arch)["eps"]
        for kind, per_model in items.items():
            d = attack.bmu_displacement(cfg, soms, eps[LABELS[arch]], kind)
            per_model[LABELS[arch]] = [v.float() for v in d]
    disp = {
        kind: {k: [float(v.mean()) for v in d] for k, d in per_model.items()}
        for kind, per_model in items.items()
    }
    width = max(len(v) for v in diversity.values())
    table = pd.DataFrame(
        {k: v + [float("nan")] * (width - len(v)) for k, v in diversity.items()},
        index=[f"layer {i + 1}" for i in range(width)],
    ).T
    return {
        "diversity": diversity,
        "diversity_cd": diversity_cd,
        "pgd_disp": disp["pgd"],
        "noise_disp": disp["noise"],
        "disp_items": items,
        "table": table,
        "eps": eps,
    }
