"""What every notebook's setup, cache and provenance cells call (keeps notebooks thin).

Setup cell::

    from inputspace import notebook
    from inputspace.studies import p2
    cfg, card = notebook.setup("p2-fig04", globals(), p2.KNOBS["p2-fig04"])

``setup`` validates the parameters (:func:`inputspace.config.resolve`), seeds python/numpy/torch,
applies the plotting style, starts an empty scorecard for the notebook and prints one line with
the profile and the device actually used.
"""
from __future__ import annotations

import logging
from typing import Any, Callable, Mapping, TypeVar

from . import cache, paths
from .claims import Scorecard
from .config import Config, Knob, resolve
from .plotting import use_style
from .repro import environment_report, seed_everything
from .sources import compute_digest

T = TypeVar("T")


def setup(notebook_id: str, namespace: Mapping[str, Any], knobs: Mapping[str, Knob]) -> tuple[Config, Scorecard]:
    """Resolve and validate parameters, seed, style; returns ``(config, scorecard)``."""
    cfg = resolve(notebook_id, namespace, knobs)
    seed_everything(cfg.seed)
    use_style()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    print(cfg)
    print(f"device used: {cfg.device}")
    return cfg, Scorecard(notebook_id, cfg.profile)


def cached(cfg: Config, key: str, fn: Callable[[], T], shared: bool = False, **extra: Any) -> T:
    """``cache.load_or_compute`` keyed by the notebook's parameters (plus ``extra``).

    ``shared=True`` keys the entry by ``extra`` and the profile only, in
    ``data/cache/<profile>/shared/``, so several notebooks reuse one computation (e.g. P3's
    SOMs); otherwise entries live in ``data/cache/<profile>/<notebook_id>/``. An entry computed
    by other library code (the module defining ``fn`` and what it imports) or with other trained
    models is stale and recomputed (:func:`inputspace.sources.compute_digest`).
    """
    if shared:
        config = {"profile": cfg.profile, **extra}
        directory = paths.cache_dir("shared", cfg.profile)
    else:
        config = {**{k: v for k, v in cfg.as_dict().items() if k != "device"}, **extra}
        directory = paths.cache_dir(cfg.notebook_id, cfg.profile)
    code = compute_digest(fn.__module__, cfg.profile)
    return cache.load_or_compute(key, fn, config, directory, code=code)


def provenance(cfg: Config) -> dict:
    """Print and return the environment report (versions, device, git revision, profile)."""
    report = environment_report(cfg.device, cfg.profile)
    width = max(map(len, report))
    for k, v in report.items():
        print(f"{k:<{width}}  {v}")
    return report
