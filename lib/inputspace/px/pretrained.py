"""The cross-study notebooks on the real network: P2's blind spots through P1's lens (px-01) and
P1's barrier detector on them (px-03), with the hypotheses XR1.1-XR3.3 stated before the run
(``docs/real-network.md``).

Items: the real network's LST outputs that keep their source class (P2's real-network grid,
:func:`inputspace.real.pool.config`; knob ``lst_outputs``). px-01: the source-class CE along the
straight segment source photo → LST output in P1's coordinates (``path_points`` points), its gap, and
one bypass round where the gap is at least δ (:func:`inputspace.px.blindspots.bypass_round`).
px-03: p1-detection's real-network protocol (:func:`inputspace.p1.pretrained.detection_study`: clean =
every candidate photo, PGD and K′ of them, references = synthetic modes of the predicted class)
with the LST outputs as a further attacked set.
"""

from __future__ import annotations

from ..cache import cached
from ..config import Config
from ..methods import detection
from ..p1 import pretrained as modes
from ..p2.lst import grid_runs
from ..real import pool as real_pool
from .blindspots import BlindSpots, bypass_round, lst_outputs, segment_gaps


def blind_spots(cfg: Config) -> BlindSpots:
    """The real network's LST outputs (:func:`inputspace.px.blindspots.lst_outputs` of its grid)."""
    return lst_outputs(real_pool.config(cfg), "normal", runs=grid_runs)


def segments(cfg: Config) -> dict:
    """px-01 on the real network (cached): the LST segments' gaps and loss curves (``"lst"``), the
    bypass round (``"bypass"``) and the item counts."""

    def compute() -> dict:
        bs, sp = blind_spots(cfg), modes.space(cfg)
        return {
            "lst": {**segment_gaps(sp, bs.source, bs.x, bs.y_src, cfg.path_points), "src": bs.src},
            "bypass": bypass_round(cfg, sp, bs),
            "counts": {"traversed": bs.traversed, "kept": bs.kept, "items": len(bs)},
        }

    return cached(cfg, "real.segments", compute)


def detection_scores(cfg: Config) -> dict:
    """px-03 on the real network (cached): :func:`inputspace.p1.pretrained.detection_study`'s clean,
    PGD and K′ scores plus those of the LST outputs, and the ROCs of each detector for clean vs
    each attacked set, in the layout of :func:`inputspace.px.detector.detection_scores`."""

    def compute() -> dict:
        base, bs = modes.detection_study(cfg), blind_spots(cfg)
        scores = {
            **base["scores"],
            "lst": modes.detector_scores(cfg, modes.space(cfg), bs.x.to(cfg.device)),
        }
        rocs = {
            f"{d}:{a}": detection.roc(scores["clean"][d], scores[a][d])
            for d in ("barrier", "softmax")
            for a in ("lst", "pgd", "inputopt")
            if len(scores[a][d])
        }
        return {
            "scores": scores,
            "roc": rocs,
            "counts": {**base["counts"], "lst": len(bs)},
            "lst_traversed": bs.traversed,
            "lst_kept": bs.kept,
        }

    return cached(cfg, "real.px_detection", compute)


def px_label(cfg: Config) -> str:
    """The scorecard's label of the cross-study real-network rows."""
    return f"{real_pool.p2_label(real_pool.config(cfg))}; items: the LST outputs that keep their source class"
