"""Train (or load from ``data/models/<profile>/``) the zoo models of p0-00.

On the CPU several models train at once (the ``train_jobs`` knob, each worker process with
``threads // train_jobs`` torch threads): on the project's 2-core machine two one-thread processes
trained 1.21x faster than one two-thread process, because small-batch 32 px training does not keep
two threads busy. A model fine-tuned from another (``Recipe.init``, e.g. the adversarially trained ResNet-18 from
the standard one) trains in the same worker right after it.
"""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor

import pandas as pd
import torch

from .. import paths
from ..config import Config
from ..zoo import is_trained, load_quick_model, recipe_for
from .cost import TRAIN_COST
from .knobs import ZOO

Entry = tuple[str, str, str]

COLUMNS = (
    "model",
    "data",
    "parameters (M)",
    "held-out accuracy",
    "epochs",
    "train time (s)",
    "trained on",
)


def selected(cfg: Config) -> list[tuple[str, str, str]]:
    """The zoo entries named by the ``models`` knob (``"all"`` or ``arch:dataset:recipe,…``)."""
    if cfg.models == "all":
        return list(ZOO)
    picked = [tuple(m.split(":")) for m in cfg.models.split(",")]
    unknown = [m for m in picked if m not in ZOO]
    if unknown:
        raise ValueError(f"unknown model(s) {unknown}; valid: {[':'.join(m) for m in ZOO]}")
    return picked


def train_zoo(cfg: Config) -> pd.DataFrame:
    """Train (or load) every zoo model of the profile, with the model seed
    (:func:`inputspace.paths.model_seed`: 0, or ``make figures MODEL_SEED=N``); one row per model. The paper profile
    trains nothing (its models are pretrained weights or local checkpoints, passed to each
    notebook): the table is empty and a line says so."""
    if cfg.profile == "paper":
        print(
            "paper profile: no model is trained here; each notebook loads pretrained weights or the "
            "local checkpoints given through its parameters"
        )
        return pd.DataFrame(columns=COLUMNS)
    entries = selected(cfg)
    missing = [e for e in entries if not is_trained(*e, cfg.profile)]
    jobs = min(cfg.train_jobs, len(chains(missing, cfg.profile))) if cfg.device.type == "cpu" else 1
    if missing and jobs > 1:
        t0 = time.time()
        train_parallel(missing, cfg.profile, jobs)
        print(
            f"trained {len(missing)} models in {(time.time() - t0) / 60:.1f} min wall time, "
            f"{jobs} at once"
        )
    rows = []
    for arch, dataset, recipe in entries:
        _, m = load_quick_model(arch, dataset, cfg.profile, device=cfg.device, recipe=recipe)
        rows.append(
            {
                "model": f"{arch} ({recipe})",
                "data": dataset,
                "parameters (M)": m["parameters"] / 1e6,
                "held-out accuracy": m["heldout_accuracy"],
                "epochs": m["recipe"]["epochs"],
                "train time (s)": m["train_seconds"],
                "trained on": m["device"],
            }
        )
    torch.set_grad_enabled(True)
    return pd.DataFrame(rows)


def chains(entries: list[Entry], profile: str) -> list[list[Entry]]:
    """The entries grouped so that a fine-tuned model follows the model it starts from
    (``Recipe.init``), longest chain first by :data:`~inputspace.p0.cost.TRAIN_COST`."""
    out: list[list[Entry]] = []
    for e in entries:
        init = recipe_for(e[0], e[2], profile).init
        host = next((c for c in out if init and (e[0], e[1], init) in c), None)
        if host is not None:
            host.append(e)
        else:
            out.append([e])
    return sorted(out, key=lambda c: -sum(TRAIN_COST.get(e, 0.0) for e in c))


def _train_chain(chain: list[Entry], profile: str, threads: int, seed: int) -> list[str]:
    """Worker: train one chain on the CPU with ``threads`` torch threads. Its bars draw nowhere (a
    worker's stderr is the terminal of ``make figures``, not the notebook) but still report to
    :mod:`inputspace.progress`; an error reaches the notebook through the future."""
    import os
    import sys

    sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the worker
    torch.set_num_threads(threads)
    return [
        load_quick_model(a, d, profile, device=torch.device("cpu"), seed=seed, recipe=r)[1]["name"]
        for a, d, r in chain
    ]


def train_parallel(entries: list[Entry], profile: str, jobs: int) -> list[str]:
    """Train ``entries`` in ``jobs`` worker processes (spawned: safe inside a Jupyter kernel); the
    chains are handed out longest first, so the two workers finish close together."""
    threads = max(1, torch.get_num_threads() // jobs)
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(jobs, mp_context=ctx) as pool:
        futures = [
            pool.submit(_train_chain, c, profile, threads, paths.model_seed())
            for c in chains(entries, profile)
        ]
        return [name for f in futures for name in f.result()]
