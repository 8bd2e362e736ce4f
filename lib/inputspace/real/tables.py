"""Tables of the real-network sections (no cached computation here)."""

from __future__ import annotations

import pandas as pd

from .. import photos
from ..config import Config
from ..data import imagenet_class_name
from .pool import candidates


def candidates_table(cfg: Config) -> pd.DataFrame:
    """Every candidate photo: its top-1 class and probability, whether the class is one its human
    label accepts, and whether it joined the pool (the pool rule of :mod:`inputspace.real.pool`)."""
    cand = candidates(cfg)
    rows = []
    for i, p in enumerate(photos.CANDIDATES):
        top = int(cand["top_index"][i, 0])
        rows.append(
            {
                "photo": p.name,
                "top-1": f"{top} {imagenet_class_name(top)}",
                "p(top-1)": float(cand["top_p"][i, 0]),
                "2nd": f"{int(cand['top_index'][i, 1])} {imagenet_class_name(int(cand['top_index'][i, 1]))}",
                "p(2nd)": float(cand["top_p"][i, 1]),
                "accepted class": bool(cand["accepted"][i]),
                "in pool": bool(cand["in_pool"][i]),
            }
        )
    return pd.DataFrame(rows).round(3)


def path_table(rows: dict, names: list[str], kinds: list[str] | None = None) -> pd.DataFrame:
    """Per straight path: its endpoint losses, barrier height and gap, and both δ readings of
    P1's barrier (absolute δ = 0.001, loss-relative δ · max(L_A, L_C))."""
    from ..methods.connectivity import DELTA

    l_a, l_c = rows["L_A"].double(), rows["L_C"].double()
    frame = pd.DataFrame(
        {
            "pair": names,
            "L_A": l_a.numpy(),
            "L_C": l_c.numpy(),
            "max L": rows["height"].double().numpy(),
            "gap": rows["gap"].double().numpy(),
            "α of max": rows["alpha"].double().numpy(),
            "δ · max(L_A, L_C)": (DELTA * l_a.maximum(l_c)).numpy(),
        }
    )
    if kinds is not None:
        frame.insert(0, "kind", kinds)
    return frame


def attack_table(r: dict) -> pd.DataFrame:
    """P3 on the real network, per photo: the clean top-1 and the top-1 under PGD and under noise."""
    return pd.DataFrame(
        {
            "photo": r["names"],
            **{
                kind: [f"{int(c)} {imagenet_class_name(int(c))}" for c in r[kind]]
                for kind in ("clean", "pgd", "noise")
            },
            "PGD keeps top-1": r["agree"]["pgd"].numpy(),
            "noise keeps top-1": r["agree"]["noise"].numpy(),
        }
    )


def displacement_table(r: dict) -> pd.DataFrame:
    """Per layer, the median and mean relative displacement of the codes under PGD and noise."""
    rows = []
    for i, layer in enumerate(r["layers"]):
        row = {"layer": f"CL{i + 1} ({layer})"}
        for kind in ("pgd", "noise"):
            d = r["disp"][kind][i].double()
            row[f"{kind} median"], row[f"{kind} mean"] = float(d.median()), float(d.mean())
        rows.append(row)
    return pd.DataFrame(rows).round(4)


def segments_table(seg: dict) -> pd.DataFrame:
    """px-01 on the real network: the LST segments' gaps against both δ readings, and the bypass."""
    from ..methods.connectivity import DELTA

    gap, losses = seg["lst"]["gap"].double(), seg["lst"]["losses"].double()
    rel = DELTA * losses[:, 0].maximum(losses[:, -1])
    byp = seg["bypass"]
    return pd.DataFrame(
        [
            {
                "segments": len(gap),
                "median gap": float(gap.median()) if len(gap) else float("nan"),
                "max gap": float(gap.max()) if len(gap) else float("nan"),
                "below δ": float((gap < DELTA).double().mean()) if len(gap) else float("nan"),
                "below δ · max(L_src, L_out)": float((gap < rel).double().mean())
                if len(gap)
                else float("nan"),
                "bypassed (gap ≥ δ)": int(byp["bypassed"].sum()),
                "connected after one round": int(byp["connected"][byp["bypassed"]].sum()),
            }
        ]
    )
