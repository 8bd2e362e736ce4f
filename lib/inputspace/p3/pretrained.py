"""P3 on the real network: PGD against the paper's uniform noise at the paper's ε, and how far each
moves the vector codes of every composite layer (``docs/real-network.md``).

Items: every candidate photo (no label is needed: "the top-1 changes" is judged against the
network's clean top-1). PGD is Table 2's (:data:`inputspace.p3.attack.STEP_FRACTION`: ``pgd_iters``
signed steps of ε · 2/100 from a random start, untargeted, clipped to [0, 1]); noise is
U(0, ε) per pixel, as P3's control. The codes are P3's (:func:`inputspace.methods.codes.layer_codes`:
four scalars per channel) of the four feature stages timm's ``feature_info`` lists (CL1-CL4; for
EfficientNet-Lite0 ``blocks.1, 2, 4, 6``, strides 4 to 32). A code's displacement is its relative ℓ2
change ``‖c(x′) − c(x)‖ / ‖c(x)‖``, comparable across layers of different widths. No SOM is
trained: a 20 × 20 map on a dozen photos' codes would have more units than inputs, so its BMU
displacements would mean nothing.
"""

from __future__ import annotations

import torch

from ..cache import cached
from ..config import Config
from ..methods import codes as vcodes
from ..methods.attacks import pgd_linf, uniform_noise
from ..real import pool as real_pool
from .attack import STEP_FRACTION


@torch.no_grad()
def _codes(cfg: Config, x: torch.Tensor) -> tuple[list[torch.Tensor], torch.Tensor]:
    """The layer codes and the top-1 class of images ``x`` under the real network."""
    logits, feats = real_pool.model(cfg).forward_with_features(x.to(cfg.device))
    return [c.cpu() for c in vcodes.layer_codes(feats, com=cfg.com)], logits.argmax(1).cpu()


def displacement(before: list[torch.Tensor], after: list[torch.Tensor]) -> list[torch.Tensor]:
    """Per layer and image, the relative ℓ2 change of the code: ``‖after − before‖ / ‖before‖``."""
    return [(a - b).norm(dim=1) / b.norm(dim=1).clamp_min(1e-12) for b, a in zip(before, after)]


def pgd_vs_noise(cfg: Config) -> dict:
    """PGD and noise at ``paper_eps`` on every candidate photo (cached): the names, the clean,
    PGD and noise top-1 classes, whether each keeps the clean top-1 (``agree``) and the codes'
    displacement per layer under each (``disp``)."""

    def compute() -> dict:
        cand = real_pool.candidates(cfg)
        x, eps = cand["x"], cfg.paper_eps
        clean_codes, clean = _codes(cfg, x)
        g = torch.Generator().manual_seed(cfg.seed * 7919)
        pgd = pgd_linf(
            real_pool.model(cfg),
            x.to(cfg.device),
            clean.to(cfg.device),
            eps=eps,
            iters=cfg.pgd_iters,
            step_size=eps * STEP_FRACTION,
            generator=g,
        ).cpu()
        noise = uniform_noise(x, eps, generator=torch.Generator().manual_seed(cfg.seed * 7919 + 1))
        out = {
            "names": cand["names"],
            "eps": eps,
            "clean": clean,
            "disp": {},
            "agree": {"clean": torch.ones(len(x), dtype=torch.bool)},
            "linf": {},
        }
        for kind, xp in (("pgd", pgd), ("noise", noise)):
            codes, pred = _codes(cfg, xp)
            out[kind], out["agree"][kind] = pred, pred == clean
            out["disp"][kind], out["linf"][kind] = (
                displacement(clean_codes, codes),
                float((xp - x).abs().amax()),
            )
        out["layers"] = list(real_pool.model(cfg).stage_names)
        return out

    return cached(
        cfg,
        "real.pgd_vs_noise",
        compute,
        arch=cfg.real_arch,
        eps=cfg.paper_eps,
        iters=cfg.pgd_iters,
        com=cfg.com,
        seed=cfg.seed,
    )


def p3_label(cfg: Config) -> str:
    """The scorecard's label of P3's real-network rows."""
    return f"{real_pool.network_name(cfg.real_arch)}; all {len(real_pool.candidates(cfg)['names'])} candidate photos"
