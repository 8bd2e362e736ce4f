"""What every notebook's setup, cache and provenance cells call (keeps notebooks thin).

Setup cell::

    from inputspace import notebook
    from inputspace.p2 import knobs
    cfg, card = notebook.setup("p2-triangles", globals(), knobs.KNOBS["p2-triangles"])

``setup`` validates the parameters (:func:`inputspace.config.resolve`), seeds python/numpy/torch,
applies the plotting style, starts an empty scorecard for the notebook and prints one line with
the profile and the device actually used, and one with where the run writes its figures and claims
(:mod:`inputspace.outputs`: only the run with the committed defaults writes ``figures/`` and the
claims record the scorecard aggregates; any other parameter writes under ``build/explore/``). Under
IPython (a kernel, papermill) it also registers a
handler for ``torch.OutOfMemoryError``: the cell still fails with the original traceback, whose
last line becomes :func:`inputspace.oomhint.oom_message` (which knob of the notebook to lower, from
``inputspace.<paper>.cost.MEMORY``), so ``make figures`` prints that line in its ``[FAIL]`` report.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from typing import Any

from . import outputs
from .catalogue import knobs_of, notebook_entry  # noqa: F401 - knobs_of: notebook.knobs_of, as before
from .claims import Scorecard
from .config import Config, Knob, resolve
from .oomhint import install_oom_hint
from .plotting import use_style
from .provenance import notebook_file
from .provenance import report as sources_report
from .repro import environment_report, seed_everything


def setup(
    notebook_id: str, namespace: Mapping[str, Any], knobs: Mapping[str, Knob]
) -> tuple[Config, Scorecard]:
    """Resolve and validate parameters, seed, style, make the run the kernel's active one
    (:func:`inputspace.outputs.activate`: where figures and claims go); under IPython also
    :func:`install_oom_hint` (prints nothing more); returns ``(config, scorecard)``."""
    cfg = resolve(notebook_id, namespace, knobs)
    seed_everything(cfg.seed)
    use_style()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    run = outputs.RunOutputs.of(cfg, knobs)
    outputs.activate(cfg, run)
    print(cfg)
    print(f"device used: {cfg.device}")
    print(run.describe())
    ipython = sys.modules.get("IPython")  # imported by every kernel; absent: not under IPython
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None:
        install_oom_hint(shell, cfg, memory_of(notebook_id))
    return cfg, Scorecard(notebook_id, cfg.profile, run.claims_dir())


def provenance(cfg: Config) -> dict:
    """Print and return the environment report (versions, device, profile) and what produced the
    outputs: the commit, the digest of the notebook's sources and the uncommitted changes
    (:func:`inputspace.provenance.report`)."""
    report = {
        **environment_report(cfg.device, cfg.profile),
        **sources_report(notebook_file(cfg.notebook_id), cfg.profile),
    }
    width = max(map(len, report))
    for k, v in report.items():
        print(f"{k:<{width}}  {v}")
    return report


def _type_name(knob: Knob) -> str:
    """The annotation of a knob's parameter line: the type of its defaults (``tuple`` for lists)."""
    values = list(knob.default.values()) if isinstance(knob.default, Mapping) else [knob.default]
    values += list(knob.choices or ())
    for v in values:
        if v is not None:
            return "tuple" if isinstance(v, (tuple, list)) else type(v).__name__
    return "str"


def _defaults_text(knob: Knob) -> str:
    if isinstance(knob.default, Mapping):
        by_profile = [knob.default[p] for p in ("smoke", "quick", "paper")]
        if len({repr(v) for v in by_profile}) > 1:
            return ", ".join(f"{p} {v!r}" for p, v in zip(("smoke", "quick", "paper"), by_profile))
        return repr(by_profile[0])
    return repr(knob.default)


def parameter_line(name: str, knob: Knob) -> str:
    """One parameters-cell line for ``knob``, written so ``papermill --help-notebook`` reads it.

    papermill's inspector (``PythonTranslator.PARAMETER_PATTERN``) parses ``name: type = value
    # help`` only for a bare type name (``int | None`` is not read) and skips any line with a
    second ``=``; so the line is ``name: int = None`` (``None`` = the profile's default, filled
    in by :func:`inputspace.config.resolve`) and the help text must not contain ``=``.
    """
    help_ = knob.help
    if knob.choices is not None:
        help_ += "; choices: " + " | ".join(repr(c) for c in knob.choices)
    help_ += f"; None: profile default ({_defaults_text(knob)})"
    if "=" in help_:
        raise ValueError(
            f"help of parameter {name!r} contains '=', which papermill's inspector "
            f"cannot parse: {help_!r}"
        )
    return f"{name}: {_type_name(knob)} = None  # {help_.lstrip('; ')}"


def parameters_source(common_lines: list[str], knobs: Mapping[str, Knob]) -> str:
    """The source of a notebook's parameters cell: its ``profile``/``device``/``seed`` lines
    (notebook-specific help) followed by one :func:`parameter_line` per knob."""
    return "\n".join([*common_lines, *(parameter_line(n, k) for n, k in knobs.items())])


def memory_of(notebook_id: str) -> Mapping[str, str]:
    """What the knobs of a notebook hold on the device at once (``inputspace.<paper>.cost.MEMORY``):
    the knobs :func:`inputspace.oomhint.oom_message` tells to lower."""
    return notebook_entry(notebook_id, "MEMORY", "cost")


def knob_table(knobs_by_notebook: Mapping[str, Mapping[str, Knob]]):
    """Every knob of a paper's notebooks with its smoke / quick / paper value (the overview
    notebooks print their hyper-parameters from this, so no value is retyped by hand).

    Returns a pandas DataFrame with one row per (parameter, values, help); ``notebooks`` lists
    the notebooks that share the row."""
    import pandas as pd

    rows: dict[tuple, list[str]] = {}
    for nid, knobs in knobs_by_notebook.items():
        for name, knob in knobs.items():
            vals = tuple(repr(knob.default_for(p)) for p in ("smoke", "quick", "paper"))
            rows.setdefault((name, *vals, knob.help), []).append(nid)
    return pd.DataFrame(
        [
            {
                "parameter": k[0],
                "smoke": k[1],
                "quick": k[2],
                "paper": k[3],
                "help": k[4],
                "notebooks": ", ".join(v),
            }
            for k, v in rows.items()
        ]
    )


def what_this_shows(card: Scorecard) -> Any:
    """The measured half of the notebook's "What this shows" section, rendered from the claims this
    run recorded (:func:`inputspace.scorecard.shows_markdown`) as Markdown."""
    from IPython.display import Markdown

    from .scorecard import shows_markdown

    return Markdown(shows_markdown(card.claims))
