"""The cross-study numbers as tables (pandas DataFrames, rounded for display)."""

from __future__ import annotations

import pandas as pd
import torch

from ..methods.connectivity import DELTA
from ..p2.roles import row_label, short_label
from .claims import excess_displacement


def model_label(role: str, profile: str) -> str:
    """A row's model as the cross-study tables and figures name it (P2's row label without the
    paper model it stands in for)."""
    return short_label(row_label(role, profile))


DIGITS = 4


def _gap_row(model: str, kind: str, gaps: torch.Tensor) -> dict:
    g = gaps.double()
    empty = len(g) == 0
    return {
        "model": model,
        "segment": kind,
        "segments": len(g),
        "median gap": float("nan") if empty else float(g.median()),
        "gap < δ": float("nan") if empty else float((g < DELTA).double().mean()),
        "max gap": float("nan") if empty else float(g.max()),
    }


def segments_table(seg: dict, profile: str) -> pd.DataFrame:
    """px-01: per row and kind of segment (source → LST output, → real image, → kept PGD) the
    number of segments, the median and largest gap and the fraction below δ."""
    rows = [
        _gap_row(model_label(role, profile), name, s[key]["gap"])
        for role, s in seg.items()
        for key, name in (("lst", "→ LST output"), ("real", "→ real image"), ("pgd", "→ kept PGD"))
    ]
    return pd.DataFrame(rows).round(DIGITS)


def bypass_table(seg: dict) -> pd.DataFrame:
    """px-01: the normal row's bypass round: segments with a gap ≥ δ, how many were connected
    (both sub-segments below δ) and the largest gaps before and after."""
    b = seg["normal"]["bypass"]
    done = b["bypassed"]
    row = {
        "LST segments": len(done),
        "gap ≥ δ (bypassed)": int(done.sum()),
        "both sub-segments < δ": int(b["connected"][done].sum()),
        "largest primary gap": float(b["primary_gap"].max()) if len(done) else float("nan"),
        "largest sub-segment gap": float(b["sub_gaps"][done].max())
        if bool(done.any())
        else float("nan"),
    }
    return pd.DataFrame([row]).round(DIGITS)


def _fraction(mask: torch.Tensor) -> float:
    return float(mask.double().mean()) if len(mask) else float("nan")


def layers_table(lay: dict) -> pd.DataFrame:
    """px-02: per layer, the fraction of LST outputs whose BMU is closer to the source-class centre
    and to the target-class centre, the median distances, for the class-changing PGD adversarials
    the fraction closer to the true / the predicted class's centre, and for P1's input-optimization
    adversarials K' the fraction closer to the true / the target class's centre."""
    rows = []
    for li, name in enumerate(lay["layers"]):
        row: dict = {"layer": name}
        if "lst" in lay:
            ds, dt = lay["lst"]["d_src"][li], lay["lst"]["d_tgt"][li]
            row.update(
                {
                    "LST → source closer": _fraction(ds < dt),
                    "LST → target closer": _fraction(dt < ds),
                    "median d(source centre)": float(ds.median()),
                    "median d(target centre)": float(dt.median()),
                }
            )
        dtr, dpr = lay["pgd"]["d_true"][li], lay["pgd"]["d_pred"][li]
        row.update(
            {
                "PGD → true closer": _fraction(dtr < dpr),
                "PGD → predicted closer": _fraction(dpr < dtr),
            }
        )
        if "inputopt" in lay:
            dtr, dtg = lay["inputopt"]["d_true"][li], lay["inputopt"]["d_tgt"][li]
            row.update(
                {
                    "K' → true closer": _fraction(dtr < dtg),
                    "K' → target closer": _fraction(dtg < dtr),
                }
            )
        rows.append(row)
    return pd.DataFrame(rows).round(DIGITS)


def detection_table(det: dict) -> pd.DataFrame:
    """px-03: ROC AUC and one-sided Mann-Whitney p of each detector, clean vs LST outputs, vs PGD and
    vs input-optimization adversarials (K', p1-detection's inputs)."""
    rows = [
        {
            "detector": key.split(":")[0],
            "positives": key.split(":")[1],
            "AUC": r["auc"],
            "p": r["p_value"],
            "clean": r["n_clean"],
            "attacked": r["n_adv"],
        }
        for key, r in det["roc"].items()
    ]
    return pd.DataFrame(rows).round(DIGITS)


_SOM_STATS = (
    ("SOM loss", lambda s, li: s["loss"][li]),
    ("median D_class (SOM-tr)", lambda s, li: float(s["d_class"][li].median())),
    ("mean class-centre CD", lambda s, li: float(s["centre_cd"][li].mean())),
    (
        "median PGD − noise displacement",
        lambda s, li: float(excess_displacement(s["disp"], li).median()),
    ),
)
"""P3's per-layer statistics of px-04's table: (name, value of a row's ``som_lens`` in layer ``li``)."""


def lenses_table(r: dict, profile: str) -> pd.DataFrame:
    """px-04: one row per statistic of the three lenses, one column per model."""

    def per_model(values: dict) -> dict:
        return {model_label(role, profile): v for role, v in values.items()}

    rows = [
        {
            "lens": "P1",
            "statistic": "median within-class gap",
            **per_model({k: float(v.median()) for k, v in r["within"].items()}),
        },
        {
            "lens": "P2",
            "statistic": "mean fraction of RMS-ℓ2 covered",
            **per_model({k: float(v["covered"].mean()) for k, v in r["lst"].items()}),
        },
        {
            "lens": "P2",
            "statistic": "triangle points above p_src − δ (δ 0.001)",
            **per_model({k: float(v["tri_frac"].mean()) for k, v in r["lst"].items()}),
        },
        {
            "lens": "P2",
            "statistic": "triangle points above p_src − pthresh",
            **per_model({k: float(v["tri_frac_pthresh"].mean()) for k, v in r["lst"].items()}),
        },
    ]
    for li, name in enumerate(r["layers"]):
        for stat, of in _SOM_STATS:
            rows.append(
                {
                    "lens": "P3",
                    "statistic": f"{name} {stat}",
                    **per_model({k: of(s, li) for k, s in r["som"].items()}),
                }
            )
    return pd.DataFrame(rows).round(DIGITS)
