"""The cross-study explorer of px-02 (ipywidgets): choose an LST output, a PGD adversarial or an
input-optimization adversarial K' and see, side by side, P1's lens (the cross-entropy along the
straight segment from its source, source class and target / predicted class) and P3's lens (its
BMU in every layer with the BMU of its source and the two class centres on the torus).

Every number shown is also written into ``w.Label`` widgets (the page's text, readable and
copyable); the figures go into an Output widget's state (``append_display_data``), never printed or
displayed inside the Output (that hung papermill once: nbclient issue #312, see
:func:`inputspace.p2.explorer.lst_paths`). The widget draws its first item on construction, so a
headless run executes the drawing code; that first view is saved as ``figures/px-02-explorer.png``
(:func:`inputspace.plotting.static_view`).
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import torch

from ..config import Config
from ..methods import connectivity as conn
from ..methods.torus import torus_distance, unit_locations
from ..p1.space import OptSpace
from ..p2.plots import show_image
from ..p3.attack import perturbed
from ..p3.maps import LayerSOM, load_images, model_soms, split_meta
from ..plotting import PALETTE, explorer_box
from .blindspots import BlindSpots, device_of, lst_outputs, space_of
from .plots import torus_panel


@dataclass
class ExplorerItem:
    """One explorable input: the image, its source, the two classes and its / its source's BMU per layer."""

    name: str
    x: torch.Tensor
    source: torch.Tensor
    y_first: int  # the source class (LST) or the true class (PGD, K')
    y_second: int  # the target class (LST, K') or the predicted class (PGD)
    units: list[int]
    source_units: list[int]
    second_name: str


def lst_items(bs: BlindSpots, lay: dict) -> list[ExplorerItem]:
    """The LST outputs of :func:`inputspace.px.layers.blindspot_layers` as explorer items."""
    if "lst" not in lay:
        return []
    lst = lay["lst"]
    return [
        ExplorerItem(
            f"LST {int(bs.y_src[i])} → {int(bs.y_tgt[i])} (pair {int(bs.row[i])})",
            bs.x[i],
            bs.source[i],
            int(bs.y_src[i]),
            int(bs.y_tgt[i]),
            [int(u[i]) for u in lst["units"]],
            [int(u[i]) for u in lst["src_units"]],
            "target",
        )
        for i in range(len(bs))
    ]


def pgd_items(cfg: Config, lay: dict) -> list[ExplorerItem]:
    """P3's class-changing PGD adversarials of :func:`inputspace.px.layers.blindspot_layers` (only where
    P3 stored their images: inputs up to 64 px)."""
    pgd = lay["pgd"]
    run = perturbed(cfg, cfg.arch, pgd["eps"], "pgd")
    if "x" not in run or len(pgd["pos"]) == 0:
        return []
    changed = run["pred"] != run["y"]
    clean, _ = load_images(
        cfg.dataset,
        "val",
        split_meta(cfg, cfg.arch, "val")["idx"][pgd["pos"]],
        cfg.profile,
        cfg.imagenet_root,
    )
    return [
        ExplorerItem(
            f"PGD image {int(p)} ({int(pgd['y'][i])} → {int(pgd['pred'][i])})",
            run["x"][changed][i],
            clean[i],
            int(pgd["y"][i]),
            int(pgd["pred"][i]),
            [int(u[i]) for u in pgd["units"]],
            [int(u[i]) for u in pgd["clean_units"]],
            "predicted",
        )
        for i, p in enumerate(pgd["pos"])
    ]


def inputopt_items(lay: dict) -> list[ExplorerItem]:
    """P1's input-optimization adversarials K' of :func:`inputspace.px.layers.blindspot_layers`
    (those that reach their target), with the clean input they started from as the source."""
    k = lay.get("inputopt")
    if k is None:
        return []
    return [
        ExplorerItem(
            f"K' {int(k['y'][i])} → {int(k['target'][i])} (clean input {i})",
            k["x"][i],
            k["source"][i],
            int(k["y"][i]),
            int(k["target"][i]),
            [int(u[i]) for u in k["units"]],
            [int(u[i]) for u in k["clean_units"]],
            "target",
        )
        for i in range(len(k["y"]))
    ]


def segment_curves(
    sp: OptSpace, item: ExplorerItem, n_points: int
) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """CE of the item's first and second class along the straight segment source → item (P1's lens)."""
    dev = device_of(sp)
    a, c = sp.encode(item.source[None].to(dev)), sp.encode(item.x[None].to(dev))
    out = {}
    for key, cls in (("first", item.y_first), ("second", item.y_second)):
        alphas, losses = conn.path_losses(sp.model, a, c, torch.tensor([cls], device=dev), n_points)
        out[key] = losses[0]
    return alphas, out


def item_figure(
    sp: OptSpace, soms: list[LayerSOM], names: list[str], item: ExplorerItem, n_points: int
) -> tuple[plt.Figure, str, str]:
    """The explorer's frame for one item and its two text readouts (P1, P3)."""
    alphas, curves = segment_curves(sp, item, n_points)
    gap = float(conn.barriers(curves["first"][None]).gap[0])
    fig = plt.figure(figsize=(3.0 * (len(soms) + 3), 3.2))
    grid = fig.add_gridspec(1, len(soms) + 3, width_ratios=[1, 1, 2] + [1.2] * len(soms))
    show_image(fig.add_subplot(grid[0, 0]), item.source, f"class {item.y_first}", "source")
    show_image(
        fig.add_subplot(grid[0, 1]),
        item.x,
        f"{item.second_name} {item.y_second}",
        item.name.split(" (")[0],
    )
    ax = fig.add_subplot(grid[0, 2])
    ax.plot(alphas, curves["first"], color=PALETTE[0], label=f"CE class {item.y_first} (source)")
    ax.plot(
        alphas,
        curves["second"],
        color=PALETTE[1],
        label=f"CE class {item.y_second} ({item.second_name})",
    )
    ax.set(
        yscale="log", xlabel="α: source → input", title=f"P1: gap {gap:.3g} (δ = {conn.DELTA:g})"
    )
    ax.legend(fontsize=7)
    sides = []
    for k, (ls, name) in enumerate(zip(soms, names)):
        loc, centres = unit_locations(ls.m, ls.n), ls.centers()["center"]
        pts = {
            "input BMU": (loc[item.units[k]], PALETTE[3], "o"),
            "source BMU": (loc[item.source_units[k]], PALETTE[0], "s"),
            f"centre {item.y_first}": (centres[item.y_first], PALETTE[0], "*"),
            f"centre {item.y_second}": (centres[item.y_second], PALETTE[1], "*"),
        }
        d1 = float(torus_distance(loc[item.units[k]], centres[item.y_first], ls.m, ls.n))
        d2 = float(torus_distance(loc[item.units[k]], centres[item.y_second], ls.m, ls.n))
        torus_panel(
            fig.add_subplot(grid[0, 3 + k]), ls.m, ls.n, pts, f"{name}: d {d1:.2f} | {d2:.2f}"
        )
        sides.append(f"{name} d(source class) {d1:.2f}, d({item.second_name}) {d2:.2f}")
    fig.axes[-1].legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    fig.tight_layout()
    p1 = (
        f"{item.name}: source-class CE at the source {float(curves['first'][0]):.3g}, at the input "
        f"{float(curves['first'][-1]):.3g}, max {float(curves['first'].max()):.3g}; gap {gap:.3g}"
    )
    return fig, p1, "P3 (BMU torus distance to the class centres): " + "; ".join(sides)


def blindspot_explorer(cfg: Config, lay: dict):
    """px-02's widget: a dropdown of the normal row's LST outputs, P3's class-changing PGD
    adversarials and P1's input-optimization adversarials K'; P1's and P3's lenses of the chosen
    one (module doc)."""
    import ipywidgets as w

    sp, soms = space_of(cfg, "normal"), model_soms(cfg, cfg.arch)
    items = lst_items(lst_outputs(cfg, "normal"), lay) + pgd_items(cfg, lay) + inputopt_items(lay)
    if not items:
        return w.Label("no LST output or adversarial to explore in this run")
    choice = w.Dropdown(
        options=[(it.name, i) for i, it in enumerate(items)],
        value=0,
        description="input",
        layout=w.Layout(width="420px"),
    )
    p1_text, p3_text, out = w.Label(), w.Label(), w.Output()

    def render(*_) -> plt.Figure:
        fig, p1, p3 = item_figure(sp, soms, lay["layers"], items[choice.value], cfg.path_points)
        p1_text.value, p3_text.value = p1, p3
        out.outputs = ()
        out.append_display_data(fig)
        plt.close(fig)
        return fig

    choice.observe(render, names="value")
    return explorer_box([choice, p1_text, p3_text, out], render(), cfg)
