"""P2 numbers: the summaries, tables and claim inputs that the notebooks print (checklist
§P2.4, §P2.6, §P2.8). Everything here reads the cached runs of :mod:`inputspace.studies.p2`.
"""
from __future__ import annotations

from typing import Sequence

import pandas as pd
import torch

from .. import hulls, zoo
from ..config import Config
from .p2 import derangement_runs, predicted, summarised_rows, table2_stats
from .p2_models import ROLES, pool, role_model, row_label
from .p2_plots import strip_indices


def path_summary(run: dict, pthresh: float) -> dict[str, float]:
    """Numbers behind the §P2.6 path claims (level set kept, target approached, target-class
    confidence low, confidence raised by the adversarial term) over the summarised rows."""
    r = summarised_rows(run)
    p0, ps, pt = run["p0"][r], run["log_p_src"][:, r], run["log_p_tgt"][:, r]
    l2, li = run["log_rms_l2"][:, r], run["log_linf"][:, r]
    s_l2, s_li = run["start_rms_l2"][r], run["start_linf"][r]
    margin = ps - (p0 - pthresh)
    return {"pairs": len(r), "summarised": int(r.sum()), "valid": int(run["valid"].sum()),
            "preserved": float((margin > 0).all(0).double().mean()), "min_margin": float(margin.min()),
            "p0_mean": float(p0.mean()), "p_final_mean": float(ps[-1].mean()),
            "raised": float((ps[-1] >= p0).double().mean()),
            "covered_l2": float((1 - l2[-1] / s_l2).mean()),
            "covered_linf": float((1 - li[-1] / s_li).mean()),
            "decreased_l2": float((l2[-1] < s_l2).double().mean()),
            "decreased_linf": float((li[-1] < s_li).double().mean()),
            "monotone_l2": float((l2.diff(dim=0) <= 1e-6).all(0).double().mean()),
            "monotone_linf": float((li.diff(dim=0) <= 1e-6).all(0).double().mean()),
            "final_rms_l2": float(l2[-1].mean()), "start_rms_l2": float(s_l2.mean()),
            "p_tgt_final_mean": float(pt[-1].mean()), "p_tgt_max": float(pt.max())}


def _mean_std(t: torch.Tensor, digits: int = 3) -> str:
    t = t.double()
    if not len(t):
        return "n/a"
    return f"{float(t.mean()):.{digits}f} ± {float(t.std(unbiased=False)):.{digits}f}"


def table1(cfg: Config) -> pd.DataFrame:
    """Table 1 rows: mean ± std over (source, run) pairs of RMS-ℓ2, ℓ∞, SSIM, LPIPS between
    LST outputs and targets (official ``print_tables.py``, 3 decimals)."""
    rows = []
    for role in ROLES:
        run = derangement_runs(cfg, role)
        if run is None:
            rows.append({"model": row_label(role, cfg.profile), "note": role_model(cfg, role).note})
            continue
        r, d = summarised_rows(run), run["distances"]
        lp = d["lpips"] if isinstance(d["lpips"], str) else _mean_std(d["lpips"][r])
        rows.append({"model": row_label(role, cfg.profile), "pairs": f"{int(r.sum())}/{len(r)}",
                     "ℓ2 (RMS)": _mean_std(d["rms_l2"][r]), "ℓ∞": _mean_std(d["linf"][r]),
                     "SSIM": _mean_std(d["ssim"][r]), "LPIPS": lp,
                     "source→target ℓ2 (RMS)": _mean_std(run["start_rms_l2"][r]), "note": ""})
    return pd.DataFrame(rows).fillna("")


def table2(cfg: Config) -> pd.DataFrame:
    """Table 2 rows: mean ± std over sources, 2 decimals, the 7 printed columns."""
    rows = []
    for role in ROLES:
        st = table2_stats(cfg, role)
        row = {"model": row_label(role, cfg.profile)}
        if st is None:
            rows.append({**row, "note": role_model(cfg, role).note})
            continue
        row["sources"] = len(st)
        row.update({c: _mean_std(st[:, k], 2) for k, c in enumerate(hulls.TABLE2_COLUMNS[:-1])})
        rows.append({**row, "note": ""})
    return pd.DataFrame(rows).fillna("")


def width_summary(run: dict) -> torch.Tensor:
    """Mean over logged steps and pairs of the 5 % / 95 % width quantiles: ``(R + 1, 2)``."""
    w = run["log_widths"][:, summarised_rows(run)]
    return w.mean(dim=(0, 1))


def width_table(runs: dict[str, dict], radii: Sequence[float]) -> pd.DataFrame:
    """Mean 5 % / 95 % confidence quantiles per radius (radius 0 = on the path)."""
    rows = []
    for label, run in runs.items():
        w = width_summary(run)
        rows += [{"model": label, "radius (ℓ2)": r, "5 % quantile": float(w[k, 0]),
                  "95 % quantile": float(w[k, 1])} for k, r in enumerate((0.0, *radii))]
    return pd.DataFrame(rows).round(4)


def path_table(run: dict, k: int, wanted: Sequence[int]) -> pd.DataFrame:
    """Confidences and distances of pair ``k`` at the logged steps nearest ``wanted``."""
    idx = strip_indices(run["steps"], wanted)
    return pd.DataFrame({"step": [run["steps"][i] for i in idx],
                         "source conf": run["log_p_src"][idx, k].numpy(),
                         "target conf": run["log_p_tgt"][idx, k].numpy(),
                         "RMS ℓ2 to target": run["log_rms_l2"][idx, k].numpy(),
                         "ℓ∞ to target": run["log_linf"][idx, k].numpy()}).round(4)


def summary_frame(summaries: dict[str, dict]) -> pd.DataFrame:
    """:func:`path_summary` of several runs side by side, rounded."""
    return pd.DataFrame(summaries).T.astype(float).round(4)


def grid_captions(cfg: Config, run: dict, role: str = "normal") -> tuple[pd.DataFrame, int, int]:
    """The grid's captions (row = target, column = source: confidence of the source class; the
    diagonal holds the originals' confidence) and how many LST outputs keep argmax = source."""
    names = pool(cfg).classes
    n = cfg.grid_n
    cap = pd.DataFrame(index=[f"target {names[i]}" for i in range(n)],
                       columns=[f"source {names[j]}" for j in range(n)], dtype=float)
    for k, (j, i) in enumerate(zip(run["src"].tolist(), run["tgt"].tolist())):
        cap.iloc[i, j] = float(run["p_src"][k])
        cap.iloc[j, j] = float(run["p0"][k])
    kept = predicted(cfg, role, run["x"]) == pool(cfg).y[run["src"]]
    r = summarised_rows(run)
    return cap.round(4), int(kept[r].sum()), int(r.sum())


def star_table(stars: dict[str, dict], pthresh: float) -> pd.DataFrame:
    """Per model: fraction of pairs whose whole segment stays above p0 − δ and the mean minimum
    confidence on it, for source → LST output and, as a contrast, source → target image."""
    rows = []
    for label, st in stars.items():
        floor = (st["p0"] - pthresh)[:, None]
        row = {"model": label, "pairs": len(st["p0"]), "mean p0": float(st["p0"].mean())}
        for key, name in (("lst", "→ LST output"), ("direct", "→ target image")):
            row[f"segments above p0−δ {name}"] = float((st[key] > floor).all(1).double().mean())
            row[f"mean min conf {name}"] = float(st[key].min(1).values.mean())
        rows.append(row)
    return pd.DataFrame(rows).round(4)


def triangle_table(rows: dict[str, list[dict]]) -> pd.DataFrame:
    """Statistics of each example triangle (Table 2's columns for one triangle)."""
    out = [{"model": label, "targets": f"{t['pair'][0]} & {t['pair'][1]}", **t["stats"]}
           for label, tris in rows.items() for t in tris]
    return pd.DataFrame(out).round(4)


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
        name = zoo.model_name(arch, "digits", "pgd-at" if role == "at" else "standard", cfg.seed)
        row["held-out accuracy"] = manifests.get(name, {}).get("heldout_accuracy", float("nan"))
        p0 = hulls.class_confidence(rm.model, pl.x.to(cfg.device), pl.y)
        ok = predicted(cfg, role, pl.x) == pl.y
        rows.append({**row, "pool sources correct": f"{int(ok.sum())}/{len(ok)}",
                     "mean p0 (pool)": float(p0.mean()), f"sources with p0 ≤ δ={cfg.pthresh}":
                     str(int((p0 <= cfg.pthresh).sum())), "note": ""})
    return pd.DataFrame(rows).round(4).fillna("")
