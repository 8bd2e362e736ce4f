"""Operations data of the real-network sections: their reduced counts in ``make paper-check``.

Apart from :mod:`inputspace.real.knobs` so that a change of the check's work leaves the code digest
of cached results (:func:`inputspace.sources.compute_digest`) as it is.
"""

from __future__ import annotations

PAPER_CHECK: dict[str, object] = {
    "real_images": 3,
    "real_modes": 1,
    "real_fvo_iters": 4,
    "real_attack_iters": 2,
    "real_adv_points": 5,
}
"""The real-network sections' reduced counts in ``make paper-check`` (each notebook takes those of its knobs)."""
