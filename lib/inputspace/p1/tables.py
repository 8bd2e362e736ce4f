"""P1 number tables (pandas DataFrames) and printed summaries, named after their notebook
(``fig01`` … ``fig10``, ``lipschitz``, ``percolation_*``, ``detection``); ``bypass_table`` is shared
by p1-fig01 and p1-fig02. No computation is cached here: every input is a cached result."""

from __future__ import annotations

import pandas as pd


def bypass_table(demo: dict) -> pd.DataFrame:
    """Figs 1-2: the pair, barrier and both bypass variants."""
    rows = []
    for name, v in demo["variants"].items():
        rows.append(
            {
                "variant": name,
                "CE(A)": float(demo["primary"][0]),
                "CE(C)": float(demo["primary"][-1]),
                "barrier max": demo["height"],
                "barrier gap": demo["gap"],
                "α_B": demo["alpha_b"],
                "CE(B′)": v["ce"],
                "secondary excess": v["secondary_excess"],
                "secondary gaps": max(v["secondary_gaps"]),
                "max|B′−B|/max|B| %": 100 * v["rel_linf"],
                "cos(B′−B, C−A)": v["cosine"],
            }
        )
    return pd.DataFrame(rows).set_index("variant")


def fig01(demo: dict, delta: float) -> pd.DataFrame:
    """Fig 1 scan: primary barrier gap of every mode pair, summarized per class (empty when a
    class was given, ``class_id`` ≥ 0)."""
    if demo["scan"] is None:
        return pd.DataFrame()
    df = pd.DataFrame(demo["scan"]["rows"])
    return df.groupby("class").agg(
        max_gap=("gap", "max"),
        pairs_with_barrier=("gap", lambda g: int((g > delta).sum())),
        pairs=("gap", "size"),
    )


def fig03(strips: dict, cls: int) -> str:
    """Fig 3: the classes predicted along ``check_points`` (200) points of each path and the least
    probability of ``cls``."""
    return "\n".join(
        f"{name:7s}: predicted classes {sorted(set(strips[name + '_pred'].tolist()))}, "
        f"min p(class {cls}) = {float(strips[name + '_p'].min()):.4f}"
        for name in ("bypass", "linear")
    )


def fig04(att: dict) -> str:
    """Fig 4: predictions of A, K and K′, their CE and the pattern's largest pixel change."""
    p = att["probs"]
    lines = [
        f"{name:2s}: predicted {int(p[i].argmax())} (p = {float(p[i].max()):.4f}), "
        f"p(target {att['target']}) = {float(p[i, att['target']]):.4f}"
        for name, i in (("A", 0), ("K", 1), ("K′", 2))
    ]
    lines.append(
        f"CE(A) = {att['ce_A']:.3e}, CE(K′) = {att['ce_K_adv']:.3e}, "
        f"max|K′ − K| = {float(att['pattern'].abs().max()):.3f} (pixels)"
    )
    return "\n".join(lines)


def fig05(rows: list[dict]) -> pd.DataFrame:
    """Fig 5: per pair, rounds needed and barriers."""
    df = pd.DataFrame(rows)
    df["excess after 1 round"] = [e[1] if len(e) > 1 else e[0] for e in df["excess_per_round"]]
    return df[
        [
            "kind",
            "class",
            "primary_height",
            "primary_gap",
            "secondary_above_delta",
            "secondary_max_gap",
            "excess after 1 round",
            "rounds_needed",
        ]
    ]


def fig05_pairs(rows: list[dict], max_rounds: int) -> pd.DataFrame:
    """Fig 5's comparison pairs (the demo pair left out); an unconnected pair counts as
    ``max_rounds + 1`` rounds."""
    table = fig05(rows)
    cmp = table[table["kind"] != "demo"].copy()
    cmp["rounds (unconnected = max_rounds + 1)"] = cmp["rounds_needed"].where(
        cmp["rounds_needed"] >= 0, max_rounds + 1
    )
    return cmp


def fig05_summary(rows: list[dict], max_rounds: int) -> pd.DataFrame:
    """Fig 5 per kind of pair: median primary barrier height, mean rounds needed, and the number
    of segments with a secondary gap > δ after one round."""
    return (
        fig05_pairs(rows, max_rounds)
        .groupby("kind")
        .agg(
            primary_height_median=("primary_height", "median"),
            rounds_mean=("rounds (unconnected = max_rounds + 1)", "mean"),
            secondary_above_delta=("secondary_above_delta", "sum"),
        )
    )


def fig06(rows: list[dict]) -> pd.DataFrame:
    """Fig 6: mean and median of barrier max and gap per kind (kept pairs)."""
    df = pd.DataFrame([r for r in rows if r["kept"]])
    return df.groupby("kind")[["max", "gap"]].agg(["mean", "median", "count"])


def fig07(res: dict) -> pd.DataFrame:
    """Fig 7: per round of bypass, segments, max loss, largest interior gap, excess over the modes."""
    return pd.DataFrame(
        [
            {
                "round": r,
                "segments": len(rd["ok"]),
                "max loss": float(rd["height"].max()),
                "largest interior gap": float(rd["gap"].max()),
                "excess over the modes": float(rd["excess"].max()),
                "connected (all gaps < δ)": bool(rd["ok"].all()),
            }
            for r, rd in enumerate(res["rounds"])
        ]
    ).set_index("round")


def fig10(evo: dict) -> pd.DataFrame:
    """Fig 10: per checkpoint (batch), the training loss and the primary barriers of the FVO pairs."""
    rows = [
        {
            "batch": i,
            "train loss before step": (
                evo["train_loss"][i] if i < len(evo["train_loss"]) else None
            ),
            "barrier max (mean)": float(c["height"].mean()),
            "std": float(c["height"].std()) if len(c["height"]) > 1 else 0.0,
            "barrier gap (mean)": float(c["gap"].mean()),
            "area (mean)": float(c["area"].mean()),
            "FVO CE (max)": float(c["fvo_ce"].max()),
        }
        for i, c in enumerate(evo["checkpoints"])
    ]
    return pd.DataFrame(rows).set_index("batch")


def lipschitz(rows: list[dict]) -> pd.DataFrame:
    """Lemma C.1: quantiles of the Lipschitz ratio per network and ε, and the MLP spectral bound."""
    df = pd.DataFrame(rows)
    return df[["model", "width", "depth", "eps", "q50", "q99", "q999", "max", "bound"]]


def percolation_validation(perc: dict) -> pd.DataFrame:
    """Conjecture 5.1, step 1: simulated spanning thresholds per dimension vs the literature."""
    return pd.DataFrame(perc["validation"])


def percolation_connection(perc: dict) -> pd.DataFrame:
    """Conjecture 5.1, steps 2-3: connection probability per dimension on i.i.d. lattices (both
    sizes) and on the untrained ResNet-18's input-space slices (mean over slices)."""
    iid, iis, sl = (pd.DataFrame(perc[k]) for k in ("iid", "iid_slices", "slices"))
    return pd.concat(
        {
            "i.i.d. lattice": iid.set_index("d")["mean"],
            "i.i.d., slice lattice": iis.set_index("d")["mean"],
            "ResNet-18 slices": sl.groupby("d")["connection"].mean(),
        },
        axis=1,
    )


def detection(det: dict) -> pd.DataFrame:
    """p1-detection: ROC AUC per detector and adversarial set."""
    rows = [
        {"detector": k.split(":")[0], "adversarial set": k.split(":")[1], "ROC AUC": v["auc"]}
        for k, v in det["roc"].items()
    ]
    return pd.DataFrame(rows)
