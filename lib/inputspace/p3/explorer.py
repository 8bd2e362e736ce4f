"""Interactive P3 explorers (ipywidgets). Each function returns a widget whose output is drawn
once at creation, so a headless run (papermill, nbval) executes the drawing code too; that first
view is saved as ``figures/<notebook-id>-explorer.png`` (:func:`inputspace.plotting.static_view`).

* :func:`fig05` -- pick a model, layer and class: its SOM-tr and SOM-val BMUs on the
  torus with the SOM-tr class centre (Fig. 5 / Supp. Fig. 2 interactively).
* :func:`attack_explorer` -- pick a model, ε and attacked image: clean, PGD and noise images and
  their 10 BMUs per layer (Figs 11 / 12 per image).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import torch

from ..config import Config
from ..methods.som import bmus
from ..methods.torus import unit_locations
from ..plotting import explorer_box
from .attack import perturbed
from .knobs import CNNS, LABELS
from .maps import layer_names, model_soms
from .plots import grid_axes


def _show(out, label, draw) -> plt.Figure:
    """Redraw ``draw()`` (returns a Figure and a one-line text readout of its numbers) inside the
    Output widget ``out``; the text goes into the ``label`` widget's state, not printed into the
    Output (prints inside an Output widget can hang nbclient, see p2.explorer.lst_paths). Returns
    the figure (closed)."""
    from IPython.display import display

    out.clear_output(wait=True)
    with out:
        fig, text = draw()
        label.value = text
        display(fig)
        plt.close(fig)
    return fig


def _class_figure(soms, layer: int, cls: int) -> tuple[plt.Figure, str]:
    ls = soms[layer]
    c = ls.centers()
    loc = unit_locations(ls.m, ls.n)
    fig, axes = plt.subplots(1, 2, figsize=(7.2, 3.6))
    sets = ((ls.bmu_tr, ls.y_tr, "SOM-tr"), (ls.bmu_val, ls.y_val, "SOM-val"))
    ctr = torch.remainder(c["center"][cls], torch.tensor([float(ls.m), float(ls.n)]))
    counts = []
    for ax, (bmu, y, name) in zip(axes, sets):
        pts = loc[bmu[y == cls].reshape(-1)]
        counts.append(f"{name} {len(pts)} BMUs ({len(torch.unique(bmu[y == cls]))} units)")
        grid_axes(ax, ls.m, ls.n, f"{name}: class {cls}, {layer_names(soms)[layer]}")
        ax.scatter(pts[:, 1], pts[:, 0], s=10, alpha=0.2)
        ax.scatter(ctr[1], ctr[0], marker="*", s=160, c="k", label="SOM-tr centre")
    axes[0].legend(loc="lower left", fontsize=7)
    text = (
        f"class {cls}, {layer_names(soms)[layer]}: {', '.join(counts)}; "
        f"SOM-tr centre (row {float(ctr[0]):.2f}, col {float(ctr[1]):.2f})"
    )
    return fig, text


def fig05(cfg: Config) -> object:
    """Widget of p3-fig05: model (``cfg.arch`` first, then the other CNNs), layer and class -> BMUs
    of that class, SOM-tr vs SOM-val."""
    import ipywidgets as w

    archs = [cfg.arch, *[a for a in CNNS if a != cfg.arch]]
    soms = {a: model_soms(cfg, a) for a in archs}
    first = soms[archs[0]]
    arch = w.Dropdown(options=[(LABELS.get(a, a), a) for a in archs], description="model")
    layer = w.Dropdown(
        options=[(name, i) for i, name in enumerate(layer_names(first))], description="layer"
    )
    cls = w.Dropdown(options=list(range(first[0].num_classes)), description="class")
    out, text = w.Output(), w.Label()

    def redraw(*_) -> plt.Figure:
        return _show(out, text, lambda: _class_figure(soms[arch.value], layer.value, cls.value))

    for wd in (arch, layer, cls):
        wd.observe(redraw, names="value")
    return explorer_box([w.HBox([arch, layer, cls]), text, out], redraw(), cfg)


def _attack_figure(cfg: Config, soms, eps: float, i: int) -> tuple[plt.Figure, str]:
    runs = {kind: perturbed(cfg, soms[0].arch, eps, kind) for kind in ("pgd", "noise")}
    pos = int(runs["pgd"]["pos"][i])
    fig, axes = plt.subplots(1, len(soms) + 1, figsize=(2.6 * (len(soms) + 1), 2.9))
    if "x" in runs["pgd"]:
        strip = torch.cat([runs["pgd"]["x"][i], runs["noise"]["x"][i]], dim=2)
        axes[0].imshow(strip.permute(1, 2, 0).clamp(0, 1).numpy())
    pred = f"{int(runs['pgd']['pred'][i])} | {int(runs['noise']['pred'][i])}"
    axes[0].set(
        xticks=[], yticks=[], title=f"PGD | noise (label {int(runs['pgd']['y'][i])})\npred {pred}"
    )
    moved = []
    for ax, ls, name, li in zip(axes[1:], soms, layer_names(soms), range(len(soms))):
        loc = unit_locations(ls.m, ls.n)
        grid_axes(ax, ls.m, ls.n, name)
        shown = {}
        for kind, color, label in (
            ("clean", "#1f77b4", "clean"),
            ("noise", "0.5", "noise"),
            ("pgd", "#d62728", "PGD"),
        ):
            if kind == "clean":
                b = ls.bmu_val[pos]
            else:
                b = bmus(runs[kind]["codes"][li][i : i + 1], ls.som, ls.bmu_val.shape[1])[0][0]
            shown[kind] = set(b.tolist())
            ax.scatter(loc[b, 1], loc[b, 0], s=16, c=color, alpha=0.7, label=label)
        moved.append(
            f"{name} {len(shown['pgd'] - shown['clean'])}|{len(shown['noise'] - shown['clean'])}"
        )
    axes[1].legend(fontsize=6, loc="lower left")
    text = (
        f"image {i} (label {int(runs['pgd']['y'][i])}), ε {eps:.4f}: pred PGD|noise {pred}; "
        f"BMUs not among the clean ones, PGD|noise: {', '.join(moved)}"
    )
    return fig, text


def attack_explorer(cfg: Config, study: dict) -> object:
    """Widget: model, ε (paper or rule) and attacked image -> clean, PGD and noise BMUs."""
    import ipywidgets as w

    archs = list(study["eps"])
    soms = {a: model_soms(cfg, a) for a in archs}
    arch = w.Dropdown(options=[(LABELS.get(a, a), a) for a in archs], description="model")
    which = w.Dropdown(
        options=[("paper ε", "paper"), ("rule ε*", "rule")], value="rule", description="ε"
    )
    n = len(perturbed(cfg, archs[0], study["eps"][archs[0]]["paper"], "pgd")["y"])
    image = w.IntSlider(value=0, min=0, max=n - 1, description="image")
    out, text = w.Output(), w.Label()

    def redraw(*_) -> plt.Figure:
        eps = study["eps"][arch.value][which.value]
        return _show(out, text, lambda: _attack_figure(cfg, soms[arch.value], eps, image.value))

    for wd in (arch, which, image):
        wd.observe(redraw, names="value")
    return explorer_box([w.HBox([arch, which, image]), text, out], redraw(), cfg)
