"""P3 Tables 1 and 2: the SOM and PGD parameters *actually used*, read from the resolved
configurations of the notebooks that use them (never retyped), plus checks against the paper."""

from __future__ import annotations

import math

import pandas as pd

from ..config import Config, resolve
from ..methods.som import schedule
from .attack import EPS_GRID, STEP_FRACTION, eps_rule, perturbed, pgd_params
from .knobs import KNOBS, LABELS, PAPER_BATCH
from .maps import som_config

PAPER_TABLE1 = {
    "m (height)": "10, 20, 30, 40",
    "n (width)": "10, 20, 30, 40",
    "sigma": "10",
    "alpha": "0.1",
    "sched": "exp",
    "periodic": "yes (Sec. 2.3)",
    "metric": "cosine (Eq. 2)",
    "epochs": "5 (Sec. 3.1)",
    "batch_size": "10; DenseNet-121 50 (Sec. 3.1)",
}
PAPER_TABLE2 = {
    "loss_fn": "CrossEntropyLoss",
    "eps": "4/255",
    "nb_iter": "50",
    "eps_iter": "4/255 × 2/100",
    "rand_init": "True",
    "targeted": "False",
    "clip_min": "0.0",
    "clip_max": "1.0",
    "norm": "Linf",
}


def config_of(cfg: Config, notebook_id: str) -> Config:
    """The configuration another P3 notebook resolves in this profile: its defaults, except the
    knobs this notebook shares with it (p3-tab02's data and work knobs, which are p3-fig11's)."""
    given = {
        "profile": cfg.profile,
        "seed": cfg.seed,
        "device": str(cfg.device),
        **{k: v for k, v in cfg.values.items() if k in KNOBS[notebook_id]},
    }
    return resolve(notebook_id, given, KNOBS[notebook_id])


def tab01(cfg: Config) -> dict:
    """SOM parameters used by p3-fig03 (main SOMs) and p3-fig07 (sizes), vs Table 1."""
    main, sizes = config_of(cfg, "p3-fig03"), config_of(cfg, "p3-fig07")
    per_arch = {a: som_config(main, a) for a in main.archs}
    sc = next(iter(per_arch.values()))
    used = {
        "m (height)": ", ".join(str(s) for s in sizes.sizes) + f" (main {sc.m})",
        "n (width)": ", ".join(str(s) for s in sizes.sizes) + f" (main {sc.n})",
        "sigma": sc.sigma,
        "alpha": sc.alpha,
        "sched": sc.sched,
        "periodic": sc.periodic,
        "metric": sc.metric,
        "epochs": sc.epochs,
        "batch_size": ", ".join(f"{LABELS[a]} {c.batch_size}" for a, c in per_arch.items()),
    }
    table = pd.DataFrame({"used": {k: str(v) for k, v in used.items()}, "paper": PAPER_TABLE1})
    total = 1000
    checks = {
        "sigma": sc.sigma,
        "alpha": sc.alpha,
        "sched": sc.sched,
        "periodic": sc.periodic,
        "metric": sc.metric,
        "factor_start": schedule(0, total, sc.sched),
        "factor_end": schedule(total, total, sc.sched),
        "batch": {a: c.batch_size for a, c in per_arch.items()},
        "paper_batch": PAPER_BATCH,
        "epochs": sc.epochs,
    }
    table.index.name = "parameter"
    return {"table": table, "checks": checks, "configs": per_arch, "e_minus_5": math.exp(-5)}


def tab02(cfg: Config) -> dict:
    """PGD parameters used by p3-fig11 vs Table 2, the ε rule, and the measured max |δ| of every
    cached attack of p3-fig11 (PGD and noise at the paper's ε and at ε*)."""
    c11 = config_of(cfg, "p3-fig11")
    params = pgd_params(c11)
    table = pd.DataFrame({"used": {k: str(v) for k, v in params.items()}, "paper": PAPER_TABLE2})
    table.index.name = "argument"
    rows = []
    for arch in c11.archs:
        rule = eps_rule(c11, arch)
        for which, eps in (("paper", c11.paper_eps), ("rule", rule["eps"])):
            for kind in ("pgd", "noise"):
                r = perturbed(c11, arch, eps, kind)
                rows.append(
                    {
                        "model": LABELS[arch],
                        "ε": f"{eps * 255:.0f}/255 ({which})",
                        "kind": kind,
                        "max |δ|·255": r["linf"] * 255,
                        "bound ok": r["linf"] <= eps + 1e-7,
                        "in [0,1]": r["min"] >= 0 and r["max"] <= 1,
                    }
                )
    return {
        "table": table,
        "params": params,
        "checks": pd.DataFrame(rows),
        "grid": [e * 255 for e in EPS_GRID],
        "step_fraction": STEP_FRACTION,
        "collapse_acc": c11.collapse_acc,
    }


def eps_rule_summary(r: dict) -> str:
    """One line per attacked model of :func:`.attack.pgd_vs_noise`: ε*, whether the rule found it,
    and the PGD accuracy at every probed ε (p3-fig11, p3-fig12)."""
    lines = []
    for arch, rule in r["rule"].items():
        probes = ", ".join(f"{e * 255:.0f}/255: {a:.0%}" for e, a in rule["probes"].items())
        lines.append(
            f"{LABELS[arch]}: ε* = {rule['eps'] * 255:.0f}/255 (found: {rule['found']}); "
            f"PGD accuracy at probed ε: {probes}"
        )
    return "\n".join(lines)
