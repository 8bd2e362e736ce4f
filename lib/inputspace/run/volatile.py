"""What an executed notebook keeps when it is committed or handed on: papermill's timings and
paths and the widget state go, tags, outputs and execution counts stay.

A rerun that changed no output then changes no byte of the committed notebook. Read by the
runners (:mod:`.execute` promotes a run into ``notebooks/``, :mod:`.prepare` writes the test
copies) and by the static site (:mod:`inputspace.site`), which shows a widget's text fallback.
"""

from __future__ import annotations

import nbformat

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def strip_volatile(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop papermill timings/paths and widget state; keep tags, outputs and execution counts.

    Widget views keep their output (JupyterLab shows the text fallback: the widget state is gone
    and the kernel too), but their random ``model_id`` becomes ``cell<i>-<j>`` so reruns do not churn."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    for i, cell in enumerate(nb.cells):
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        for j, out in enumerate(cell.get("outputs", [])):
            if WIDGET_VIEW in out.get("data", {}):
                out["data"][WIDGET_VIEW]["model_id"] = f"cell{i}-{j}"
    return nb
