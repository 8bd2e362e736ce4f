"""Interactive barrier explorer (p1-fig03): choose two inputs (real, synthetic or adversarial) and
a class, see the loss along the linear path, run the bypass (companion variant), browse images
along both paths. Its candidate inputs are computed (and cached) by
:func:`inputspace.p1.barriers.explorer_inputs`.

The widget is built and drawn once on construction, so a headless run (papermill, nbval)
executes every code path except the button callbacks' user clicks; that first view (the loss along
the path and the images at α = 0.5) is saved as ``figures/p1-fig03-explorer.png``
(:func:`inputspace.plotting.static_view`).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import torch
from IPython.display import clear_output, display

from ..config import Config
from ..methods import connectivity as conn
from ..plotting import explorer_box
from .barriers import explorer_inputs
from .plots import BLUE, GREEN, RED, show
from .space import OptSpace, num_classes, trained_space


class BarrierExplorer:
    """State and callbacks of the explorer; :attr:`children` are the ipywidgets to display in a box."""

    def __init__(
        self,
        sp: OptSpace,
        inputs: dict[str, torch.Tensor],
        cls: int,
        n_points: int = 100,
        bypass_iters: int = 64,
        num_classes: int = 10,
    ) -> None:
        import ipywidgets as w

        self.sp, self.inputs, self.n_points = sp, inputs, n_points
        self.figures: dict[str, plt.Figure] = {}  # the figures shown now: "path", "images"
        names = list(inputs)
        self.first = w.Dropdown(options=names, value=names[0], description="input 1")
        self.second = w.Dropdown(options=names, value=names[1], description="input 2")
        self.cls = w.Dropdown(options=list(range(num_classes)), value=cls, description="class")
        self.iters = w.IntSlider(
            value=bypass_iters, min=8, max=1024, step=8, description="bypass it."
        )
        self.alpha = w.FloatSlider(value=0.5, min=0, max=1, step=0.01, description="α")
        path_btn, bypass_btn = (
            w.Button(description="loss along path"),
            w.Button(description="run bypass"),
        )
        self.plot_out, self.img_out = w.Output(), w.Output()
        # the numbers as text, in widget state (not printed into an Output: see p2.explorer.lst_paths)
        self.plot_text, self.img_text = w.Label(), w.Label()
        path_btn.on_click(lambda _: self.compute_path())
        bypass_btn.on_click(lambda _: self.run_bypass())
        self.alpha.observe(lambda _: self.browse(), names="value")
        self.children = [
            w.HBox([self.first, self.second, self.cls]),
            w.HBox([path_btn, self.iters, bypass_btn]),
            self.plot_text,
            self.plot_out,
            self.alpha,
            self.img_text,
            self.img_out,
        ]
        self.compute_path()

    def _ends(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        dev = next(self.sp.model.parameters()).device
        a = self.sp.encode(self.inputs[self.first.value][None].to(dev))
        c = self.sp.encode(self.inputs[self.second.value][None].to(dev))
        return a, c, torch.tensor([self.cls.value], device=dev)

    def compute_path(self) -> None:
        """Loss along the linear path between the two chosen inputs; forgets any bypass."""
        a, c, y = self._ends()
        self.alphas, self.losses = conn.path_losses(self.sp.model, a, c, y, self.n_points)
        self.bar = conn.barriers(self.losses)
        self.b_prime, self.secondary = None, None
        self.draw()

    def run_bypass(self) -> None:
        """Bypass the max-loss point (companion variant) and evaluate A -> B' -> C."""
        a, c, y = self._ends()
        b = conn.path_points(a, c, self.alphas[self.bar.index])[:, 0]
        res = conn.bypass(
            self.sp.model, a, c, b, y, iterations=self.iters.value, bounds=self.sp.bounds
        )
        self.b_prime = res.b_prime
        _, self.secondary = conn.path_losses(
            self.sp.model,
            torch.cat([a, res.b_prime]),
            torch.cat([res.b_prime, c]),
            torch.cat([y, y]),
            self.n_points // 2,
        )
        self.draw()

    def draw(self) -> None:
        with self.plot_out:
            clear_output(wait=True)
            fig, ax = plt.subplots(figsize=(7, 2.8))
            ax.plot(self.alphas, self.losses[0], color=BLUE, label="linear")
            a_b = float(self.bar.alpha[0])
            if self.secondary is not None:
                n = self.secondary.shape[1]
                ax.plot(torch.linspace(0, a_b, n), self.secondary[0], color=GREEN, label="A → B′")
                ax.plot(torch.linspace(a_b, 1, n), self.secondary[1], color=RED, label="B′ → C")
            ax.set_yscale("log")
            ax.set_xlabel("α")
            ax.set_ylabel(f"CE (class {self.cls.value})")
            title = f"barrier max {float(self.bar.height[0]):.3g}, gap {float(self.bar.gap[0]):.3g}"
            ax.set_title(title)
            ax.legend(fontsize=8)
            self.plot_text.value = (
                f"{self.first.value} → {self.second.value}, class {self.cls.value}: {title}"
            )
            display(fig)
            plt.close(fig)
            self.figures["path"] = fig
        self.browse()

    def browse(self) -> None:
        """Images at the slider's α on the linear path and (after a bypass) on A -> B' -> C."""
        a, c, _ = self._ends()
        al, a_b = self.alpha.value, float(self.bar.alpha[0])
        shown = [("linear", (1 - al) * a + al * c)]
        if self.b_prime is not None:
            p = (
                a + (al / a_b) * (self.b_prime - a)
                if al <= a_b
                else self.b_prime + (al - a_b) / (1 - a_b) * (c - self.b_prime)
            )
            shown.append(("A → B′ → C", p))
        with self.img_out:
            clear_output(wait=True)
            fig, axes = plt.subplots(1, len(shown), figsize=(2.2 * len(shown), 2.4), squeeze=False)
            texts = []
            for ax, (name, z) in zip(axes[0], shown):
                with torch.no_grad():
                    p = torch.softmax(self.sp.model(z), 1)[0, self.cls.value]
                show(ax, self.sp.decode(z)[0], f"{name}, α={al:.2f}\np={float(p):.3f}")
                texts.append(f"{name}, α={al:.2f}: p={float(p):.3f}")
            self.img_text.value = "; ".join(texts)  # the titles' numbers as text, to read and copy
            display(fig)
            plt.close(fig)
            self.figures["images"] = fig


def fig03(cfg: Config, cls: int, bypass_iters: int = 64):
    """p1-fig03's explorer widget for the notebook's trained model and the cached candidate inputs
    of :func:`inputspace.p1.barriers.explorer_inputs` (``explorer_points`` points per path); its
    first view saved (:func:`inputspace.plotting.explorer_box`)."""
    ex = BarrierExplorer(
        trained_space(cfg),
        explorer_inputs(cfg, cls),
        cls,
        n_points=cfg.explorer_points,
        bypass_iters=bypass_iters,
        num_classes=num_classes(cfg),
    )
    return explorer_box(ex.children, [ex.figures["path"], ex.figures["images"]], cfg)
