"""The tables and printed numbers of the P2 notebooks (no cached computation here: everything
reads the cached runs of :mod:`inputspace.p2.lst` and :mod:`inputspace.p2.geometry`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import torch

from .. import zoo
from ..config import Config
from ..methods import lst_eval
from .geometry import table2_means, table2_stats
from .knobs import ROLES
from .lst import derangement_runs, strip_indices, summarised_rows, width_summary
from .roles import grid_sources, label_of, pool, predicted, quick_recipe, role_model

DIGITS = 4
"""Decimals of the printed tables; a claim that reads a rounded table value recomputes it with the
same rounding (:mod:`inputspace.p2.claims`)."""


def mean_std(t: torch.Tensor, digits: int = 3) -> str:
    """``mean ± std`` (population std) as the official ``print_tables.py`` prints it; ``n/a`` if empty."""
    t = t.double()
    if not len(t):
        return "n/a"
    return f"{float(t.mean()):.{digits}f} ± {float(t.std(unbiased=False)):.{digits}f}"


def table1(
    cfg: Config,
    runs: Callable[[Config, str], dict | None] = derangement_runs,
    roles: Sequence[str] = ROLES,
) -> pd.DataFrame:
    """Table 1 rows: mean ± std over (source, run) pairs of RMS-ℓ2, ℓ∞, SSIM, LPIPS between
    LST outputs and targets (official ``print_tables.py``, 3 decimals), over the pairs of ``runs``
    (the derangements; the real network: its grid, whose distances are computed here)."""
    rows = []
    for role in roles:
        run = runs(cfg, role)
        if run is None:
            rows.append({"model": label_of(cfg, role), "note": role_model(cfg, role).note})
            continue
        r = summarised_rows(run)
        d = (
            run["distances"]
            if "distances" in run
            else lst_eval.table1_distances(run["x"], pool(cfg).x[run["tgt"]])
        )
        lp = d["lpips"] if isinstance(d["lpips"], str) else mean_std(d["lpips"][r])
        rows.append(
            {
                "model": label_of(cfg, role),
                "pairs": f"{int(r.sum())}/{len(r)}",
                "ℓ2 (RMS)": mean_std(d["rms_l2"][r]),
                "ℓ∞": mean_std(d["linf"][r]),
                "SSIM": mean_std(d["ssim"][r]),
                "LPIPS": lp,
                "source→target ℓ2 (RMS)": mean_std(run["start_rms_l2"][r]),
                "note": "",
            }
        )
    return pd.DataFrame(rows).fillna("")


def table2(cfg: Config) -> pd.DataFrame:
    """Table 2 rows: mean ± std over sources, 2 decimals, the 7 printed columns."""
    rows = []
    for role in ROLES:
        st = table2_stats(cfg, role)
        row = {"model": label_of(cfg, role)}
        if st is None:
            rows.append({**row, "note": role_model(cfg, role).note})
            continue
        row["sources"] = len(st)
        row.update({c: mean_std(st[:, k], 2) for k, c in enumerate(lst_eval.TABLE2_COLUMNS[:-1])})
        rows.append({**row, "note": ""})
    return pd.DataFrame(rows).fillna("")


def means_frame(stats: dict[str, torch.Tensor]) -> pd.DataFrame:
    """Mean over sources of every Table 2 statistic, one row per model, rounded."""
    return pd.DataFrame(table2_means(stats)).T.round(DIGITS)


def width_table(runs: dict[str, dict], radii: Sequence[float]) -> pd.DataFrame:
    """Mean 5 % / 95 % confidence quantiles per radius (radius 0 = on the path)."""
    rows = []
    for label, run in runs.items():
        w = width_summary(run)
        rows += [
            {
                "model": label,
                "radius (ℓ2)": r,
                "5 % quantile": float(w[k, 0]),
                "95 % quantile": float(w[k, 1]),
            }
            for k, r in enumerate((0.0, *radii))
        ]
    return pd.DataFrame(rows).round(DIGITS)


def path_table(run: dict, k: int, wanted: Sequence[int]) -> pd.DataFrame:
    """Confidences and distances of pair ``k`` at the logged steps nearest ``wanted``."""
    idx = strip_indices(run["steps"], wanted)
    return pd.DataFrame(
        {
            "step": [run["steps"][i] for i in idx],
            "source conf": run["log_p_src"][idx, k].numpy(),
            "target conf": run["log_p_tgt"][idx, k].numpy(),
            "RMS ℓ2 to target": run["log_rms_l2"][idx, k].numpy(),
            "ℓ∞ to target": run["log_linf"][idx, k].numpy(),
        }
    ).round(DIGITS)


def summary_frame(summaries: dict[str, dict], columns: Sequence[str] | None = None) -> pd.DataFrame:
    """:func:`~inputspace.p2.lst.path_summary` of several runs side by side, rounded (optionally
    only ``columns``; the per-path values are left out)."""
    scalars = {m: {k: v for k, v in s.items() if k != "per_path"} for m, s in summaries.items()}
    frame = pd.DataFrame(scalars).T.astype(float).round(DIGITS)
    return frame if columns is None else frame[list(columns)]


def grid_captions(cfg: Config, run: dict, role: str = "normal") -> tuple[pd.DataFrame, int, int]:
    """The grid's captions (row = target, column = source: confidence of the source class; the
    diagonal holds the originals' confidence) and how many LST outputs keep argmax = source."""
    names = pool(cfg).classes
    n = cfg.grid_n
    cap = pd.DataFrame(
        index=[f"target {names[i]}" for i in range(n)],
        columns=[f"source {names[j]}" for j in range(grid_sources(cfg))],
        dtype=float,
    )
    for k, (j, i) in enumerate(zip(run["src"].tolist(), run["tgt"].tolist())):
        cap.iloc[i, j] = float(run["p_src"][k])
        cap.iloc[j, j] = float(run["p0"][k])
    kept = kept_cells(cfg, run, role)
    return cap.round(DIGITS), int(kept.sum()), len(kept)


def kept_cells(cfg: Config, run: dict, role: str = "normal") -> torch.Tensor:
    """Per summarised grid cell, whether its LST output keeps argmax = source (Fig 2)."""
    kept = predicted(cfg, role, run["x"]) == pool(cfg).y[run["src"]]
    return kept[summarised_rows(run)]


def star_table(stars: dict[str, dict], pthresh: float) -> pd.DataFrame:
    """Per model: fraction of pairs whose whole segment stays above p0 − δ and the mean minimum
    confidence on it, for source → LST output and, as a contrast, source → target image.

    ``attrs["per_pair"][model][column]`` holds, for each "segments above p0−δ" column, the 0/1
    per-pair values its fraction averages (a tuple: the items of the star-likeness claims'
    bootstrap intervals)."""
    rows, per_pair = [], {}
    for label, st in stars.items():
        floor = (st["p0"] - pthresh)[:, None]
        row, per_pair[label] = (
            {"model": label, "pairs": len(st["p0"]), "mean p0": float(st["p0"].mean())},
            {},
        )
        for key, name in (("lst", "→ LST output"), ("direct", "→ target image")):
            above = (st[key] > floor).all(1)
            row[f"segments above p0−δ {name}"] = float(above.double().mean())
            row[f"mean min conf {name}"] = float(st[key].min(1).values.mean())
            per_pair[label][f"segments above p0−δ {name}"] = tuple(above.double().tolist())
        rows.append(row)
    table = pd.DataFrame(rows).round(DIGITS)
    table.attrs["per_pair"] = per_pair
    return table


def triangle_table(rows: dict[str, list[dict]]) -> pd.DataFrame:
    """Statistics of each example triangle (Table 2's columns for one triangle)."""
    out = [
        {"model": label, "targets": f"{t['pair'][0]} & {t['pair'][1]}", **t["stats"]}
        for label, tris in rows.items()
        for t in tris
    ]
    return pd.DataFrame(out).round(DIGITS)


def model_table(cfg: Config) -> pd.DataFrame:
    """The rows' models: held-out accuracy (quick/smoke zoo manifests) and, on the pool, how many
    sources each classifies correctly and their mean source-class confidence p0 — a model with a
    low p0 makes every "above p0 − δ" statistic easy to satisfy (δ = ``pthresh``)."""
    pl, rows = pool(cfg), []
    manifests = {m["name"]: m for m in zoo.zoo_table(cfg.profile)} if cfg.profile != "paper" else {}
    for role in ROLES:
        rm = role_model(cfg, role)
        row = {"model": rm.label, "held-out accuracy": float("nan")}
        if rm.model is None:
            rows.append({**row, "note": rm.note})
            continue
        arch = cfg.vit_arch if role.startswith("vit") else cfg.arch
        name = zoo.model_name(arch, "digits", quick_recipe(role), cfg.seed)
        row["held-out accuracy"] = manifests.get(name, {}).get("heldout_accuracy", float("nan"))
        p0 = lst_eval.class_confidence(rm.model, pl.x.to(cfg.device), pl.y)
        ok = predicted(cfg, role, pl.x) == pl.y
        rows.append(
            {
                **row,
                "pool sources correct": f"{int(ok.sum())}/{len(ok)}",
                "mean p0 (pool)": float(p0.mean()),
                f"sources with p0 ≤ δ={cfg.pthresh}": str(int((p0 <= cfg.pthresh).sum())),
                "note": "",
            }
        )
    return pd.DataFrame(rows).round(DIGITS).fillna("")


def control_star_table(controls: dict, pthresh: float) -> pd.DataFrame:
    """:func:`star_table` of every LST control (:func:`inputspace.p2.geometry.control_stars`), one
    block per control."""
    frames = [
        star_table(stars, pthresh).assign(control=what) for what, _, stars in controls.values()
    ]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def control_summary_frame(controls: dict, columns: Sequence[str]) -> pd.DataFrame:
    """:func:`summary_frame` (``columns``) of the normal and AT paths under every LST control
    (:func:`inputspace.p2.lst.control_summaries`), indexed by (control, model)."""
    frames = {what: summary_frame(summaries, columns) for what, summaries in controls.values()}
    return pd.concat(frames, names=["control", "model"]) if frames else pd.DataFrame()


def control_means_frame(controls: dict) -> pd.DataFrame:
    """:func:`means_frame` of Table 2's statistics under every LST control, indexed by (control, model)."""
    frames = {what: means_frame(stats) for what, _, stats in controls.values()}
    return pd.concat(frames, names=["control", "model"]) if frames else pd.DataFrame()


def matched_table(matched: list[dict] | None) -> pd.DataFrame:
    """The normal row's example triangles at the AT row's coverage (:func:`inputspace.p2.geometry.
    matched_triangles`): per target pair, the iterates' steps and coverage and the triangle's statistics."""
    if matched is None:
        return pd.DataFrame()
    return pd.DataFrame(
        [
            {
                "targets": f"{m['pair'][0]} & {m['pair'][1]}",
                "steps": m["steps"],
                "coverage AT": [round(c[0], 3) for c in m["covered"]],
                "coverage normal": [round(c[1], 3) for c in m["covered"]],
                **m["stats"],
            }
            for m in matched
        ]
    ).round(DIGITS)
