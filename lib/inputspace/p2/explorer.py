"""The interactive LST path explorer of p2-example (ipywidgets; a live kernel drives the controls;
its first view is saved as ``figures/p2-example-explorer.png``, :func:`inputspace.plotting.static_view`)."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import torch

from ..plotting import PALETTE, explorer_box
from .plots import show_image


def explorer_frame(run: dict, k: int, i: int, target: torch.Tensor) -> plt.Figure:
    """One explorer frame: iterate ``i`` of pair ``k``, the target, and the path's curves."""
    fig, axes = plt.subplots(1, 3, figsize=(8.4, 2.6), gridspec_kw={"width_ratios": [1, 1, 2.2]})
    step = run["steps"][i]
    show_image(
        axes[0],
        run["log_images"][i, k],
        f"source conf {run['log_p_src'][i, k]:.4f}",
        f"step {step}",
    )
    show_image(axes[1], target, f"target conf {run['log_p_tgt'][i, k]:.4f}", "target image")
    steps = np.asarray(run["steps"])
    axes[2].plot(steps, run["log_p_src"][:, k], color=PALETTE[0], label="source conf")
    axes[2].plot(steps, run["log_p_tgt"][:, k], color=PALETTE[3], label="target conf")
    axes[2].plot(steps, run["log_rms_l2"][:, k], color=PALETTE[1], label="RMS ℓ2 to target")
    axes[2].axvline(step, color="black", lw=1)
    axes[2].set(
        xlabel="iteration",
        ylim=(-0.02, 1.02),
        title=f"RMS ℓ2 to target {run['log_rms_l2'][i, k]:.4f}",
    )
    axes[2].legend(fontsize=7)
    fig.tight_layout()
    return fig


def frame_readout(run: dict, k: int, i: int) -> str:
    """The numbers of one explorer frame as text (the page shows them next to the figure, so
    they can be read and copied)."""
    return (
        f"step {run['steps'][i]}: source conf {run['log_p_src'][i, k]:.4f}, "
        f"target conf {run['log_p_tgt'][i, k]:.4f}, RMS ℓ2 to target {run['log_rms_l2'][i, k]:.4f}"
    )


def lst_paths(
    run: dict, pool_x: torch.Tensor, names: Sequence[str], source: int = 0, target: int = 1
):
    """ipywidgets explorer of the grid's LST paths: pick a source and a target, scrub the path
    with the slider (image, source/target confidence, RMS-ℓ2 distance to the target). Its first
    view is saved for the notebook's active run (:func:`inputspace.plotting.explorer_box`)."""
    import ipywidgets as widgets

    index = {(int(a), int(b)): k for k, (a, b) in enumerate(zip(run["src"], run["tgt"]))}
    options = [(str(names[i]), i) for i in sorted({a for a, _ in index})]
    src = widgets.Dropdown(options=options, value=source, description="source")
    tgt = widgets.Dropdown(options=options, value=target, description="target")
    step = widgets.IntSlider(
        value=len(run["steps"]) - 1,
        min=0,
        max=len(run["steps"]) - 1,
        description="log step",
        continuous_update=False,
    )
    out = widgets.Output()

    def render(*_) -> plt.Figure | None:
        # The frame is written into the widget's state (``outputs``), not captured with
        # ``with out: display(...)``: under papermill, nbclient answers a capture by sending comm
        # messages on the shell channel while it waits there for the execute reply, which now and
        # then never arrives (nbclient issue #312: the notebook hangs with an idle kernel).
        k = index.get((src.value, tgt.value))
        out.outputs = ()
        if k is None:
            out.append_stdout("choose a target different from the source\n")
            return None
        out.append_stdout(
            f"{names[src.value]} → {names[tgt.value]}, {frame_readout(run, k, step.value)}\n"
        )
        fig = explorer_frame(run, k, step.value, pool_x[tgt.value])
        out.append_display_data(fig)
        plt.close(fig)
        return fig

    for w in (src, tgt, step):
        w.observe(render, names="value")
    return explorer_box([widgets.HBox([src, tgt]), step, out], render())
