"""Operations data of the P3 notebooks, kept out of :mod:`inputspace.p3.knobs` so that the code
digest of cached results does not follow it (``docs/house.md``): what each knob holds on the GPU
(``MEMORY``), the paper check's reduced work (``PAPER_CHECK``), the paper-cost work model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..workmodel import Bench
from .knobs import KNOBS

# ------------------------------------------------------------------------------ out of GPU memory
_CODES_MEMORY = {
    "n_classes": "the SOM-tr codes of n_classes·per_class inputs are all on the device while a SOM trains",
    "per_class": "the SOM-tr codes of n_classes·per_class inputs are all on the device while a SOM trains",
}
MEMORY: dict[str, dict[str, str]] = {
    "p3-00": {},
    "p3-tab01": {},  # compute nothing
    **{nid: dict(_CODES_MEMORY) for nid in KNOBS if nid not in ("p3-00", "p3-tab01", "p3-tab02")},
    "p3-tab02": {},  # p3-fig11's attacks: PGD in fixed batches of 50, codes on the CPU
}
"""Knob → what it holds on the GPU at once, per notebook, read from the notebook's paper-profile
code path (``inputspace.methods.som.train_som`` moves every SOM-tr code to the device); first the
knob to lower first (:func:`inputspace.notebook.oom_message`). Not knobs: the batches fixed in
the library (code extraction 256 images per forward pass, ``maps._batches``; PGD and noise 50,
``attack._perturb``; BMUs in chunks of 4096 codes, ``som.bmus``); the message names the library
function the memory ran out in and a ``chunk`` argument on the stack as fixed."""

# ------------------------------------------------------------------------------ paper check
CHECK = {"n_classes": 5, "per_class": 1, "epochs": 1}
"""Work knobs of the paper check (``python -m inputspace.run.papercheck``): the first 5 classes of each
data set (of ImageNet's 1000), 1 SOM-tr and 1 SOM-val input per class (the stand-in holds 2),
1 SOM epoch. Image sizes, architectures, the main SOMs' size and Table 1/2's hyper-parameters
stay the paper's."""
CHECK_ATTACK = {**CHECK, "n_attack": 1, "pgd_iters": 1}
"""Attack notebooks: 1 attacked image, 1 PGD step (Table 2: 50; the P3-table2 claim of the
check's p3-tab02 therefore fails, by design: only the amount of work is reduced)."""
CHECK_SIZES = {"sizes": (10, 20)}
"""Figs 7, 10: two of the four SOM sizes (each size is a set of maps)."""
PAPER_CHECK: dict[str, dict[str, object]] = {
    "p3-00": {},
    "p3-tab01": {},  # compute nothing
    **{
        nid: CHECK
        for nid in (
            "p3-fig01",
            "p3-fig02",
            "p3-fig03",
            "p3-fig04",
            "p3-fig05",
            "p3-fig06",
            "p3-fig08",
            "p3-fig09",
            "p3-figS1",
            "p3-figS2",
            "p3-figS3",
        )
    },
    "p3-fig07": {**CHECK, **CHECK_SIZES},
    "p3-fig10": {**CHECK, **CHECK_SIZES},
    "p3-fig11": CHECK_ATTACK,
    "p3-fig12": CHECK_ATTACK,
    "p3-figS4": CHECK_ATTACK,
    "p3-tab02": {k: v for k, v in CHECK_ATTACK.items() if k != "epochs"},
}

CLASSES = {"imagenet": 1000, "cifar10": 10, "cifar100": 100, "svhn": 10, "digits": 10, "lfw": 2}
"""Classes of each data set (for the work model; LFW: face / non-face, :func:`inputspace.data.lfw_faces`)."""
PROBES = 4
"""Work model: PGD runs per attacked model (the ε rule's bisection probes ~3 grid values, plus
the paper's ε when it is not one of them; noise runs cost one pass and are left out)."""


def code_passes(k: Mapping[str, object], models: int = 1, datasets: tuple | None = None) -> float:
    """Images passed through the models to extract SOM-tr and SOM-val codes."""
    total = 0
    for ds in datasets or (k["dataset"],):
        n = CLASSES.get(str(ds), 1000)
        n = n if k["n_classes"] is None else min(n, int(k["n_classes"]))
        total += 2 * n * int(k["per_class"]) * models
    return float(total)


def attack_passes(k: Mapping[str, object], models: int) -> float:
    """Forward+backward passes of PGD (``n_attack`` images × ``pgd_iters`` steps × probes)."""
    return float(int(k["n_attack"]) * int(k["pgd_iters"]) * PROBES * models)


def _n(v) -> int:
    return len(v) if isinstance(v, (tuple, list)) else 1


UNIT = "image pass through a 224 px model"
PAPER_WORK: dict[str, tuple[str, Callable[[Mapping[str, object]], float]]] = {
    # The unit is an image through one model (code extraction; a PGD step counts as one pass).
    # Left out: the model sizes (ResNet-18 ~2 GFLOPs vs VGG-19-BN / ViT-B ~20), JPEG decoding, the
    # SOM training (epochs × codes × units; minutes on a GPU for Fig 7's 64 maps), the codes
    # reused from the shared cache of an earlier notebook (each notebook is costed alone).
    "p3-00": ("notebook run (computes nothing)", lambda k: 1.0),
    "p3-tab01": ("notebook run (computes nothing)", lambda k: 1.0),
    **{
        nid: (UNIT, lambda k: code_passes(k))
        for nid in ("p3-fig01", "p3-fig02", "p3-fig05", "p3-figS2")
    },
    **{
        nid: (UNIT, lambda k: code_passes(k, _n(k["archs"])))
        for nid in ("p3-fig03", "p3-fig04", "p3-fig06", "p3-figS1", "p3-figS3")
    },
    "p3-fig07": (UNIT, lambda k: code_passes(k, _n(k["archs"]))),
    "p3-fig08": (UNIT, lambda k: code_passes(k, datasets=tuple(k["datasets"]))),
    "p3-fig09": (UNIT, lambda k: code_passes(k)),
    "p3-fig10": (UNIT, lambda k: code_passes(k)),
    "p3-fig11": (UNIT, lambda k: code_passes(k, _n(k["archs"])) + attack_passes(k, _n(k["archs"]))),
    "p3-fig12": (UNIT, lambda k: code_passes(k) + attack_passes(k, 1)),
    "p3-tab02": (UNIT, lambda k: attack_passes(k, 2)),  # reads p3-fig11's attacks (2 models)
    "p3-figS4": (
        UNIT,
        lambda k: code_passes(k, _n(k["archs"]) + 1) + attack_passes(k, _n(k["attack_archs"])),
    ),
}


PAPER_BENCH: dict[str, Bench] = {
    **{
        nid: Bench(("arch",), grad=False)
        for nid in ("p3-fig01", "p3-fig02", "p3-fig05", "p3-figS2")
    },
    **{
        nid: Bench(("archs",), grad=False)
        for nid in (
            "p3-fig03",
            "p3-fig04",
            "p3-fig06",
            "p3-fig07",
            "p3-figS1",
            "p3-figS3",
            "p3-fig11",
        )
    },
    **{nid: Bench(("vit_arch",), grad=False) for nid in ("p3-fig09", "p3-fig10", "p3-fig12")},
    "p3-fig08": Bench(("arch",), size=32, classes=100, grad=False),
    "p3-figS4": Bench(("archs", "vit_arch"), grad=False),
    "p3-tab02": Bench(extra_archs=("resnet18", "resnet50")),
}
"""How ``make paper-cost`` times one unit (:mod:`inputspace.run.papercost`): a forward pass of the
notebook's models at 224 px (mean over them; CIFAR/SVHN at 32 px). A PGD step costs a forward and
an input gradient, about 3 forwards, so the notebooks that also attack (Figs. 11, 12, S4) are
under-estimated by up to that factor; Table 2 reads Fig. 11's attacks and is timed as them."""
