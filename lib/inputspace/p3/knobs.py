"""Knobs of the P3 notebooks (per-profile defaults) and the paper's constants.

Constants: Table 1 (SOM σ, α, decay schedule) with Sec. 2.3 (periodic grid, cosine distance) and the
SOM batch sizes of Sec. 3.1. Quick profile: the zoo models trained on digits (32x32) and 50 SOM
epochs instead of 5 (the reason is in the overview notebook p3-00 and :data:`QUICK_EPOCHS_NOTE`).
"""

from __future__ import annotations

from ..config import Knob, per_profile
from ..methods import codes as vcodes
from ..real import knobs as real

CNNS: tuple[str, ...] = ("resnet18", "resnet50", "vgg19_bn", "densenet121")


class _Labels(dict):
    """Display names of the architectures; any other timm architecture (a user's own model, the
    paper check's EfficientNet-Lite0) is named by itself."""

    def __missing__(self, arch: str) -> str:
        return arch


LABELS = _Labels(
    {
        "resnet18": "ResNet-18",
        "resnet50": "ResNet-50",
        "vgg19_bn": "VGG-19-BN",
        "vgg19": "VGG-19",
        "densenet121": "DenseNet-121",
        "vit_tiny": "ViT-tiny (6 blocks)",
        "vit_base_patch16_224": "ViT-B/16",
    }
)
TABLE1 = {"sigma": 10.0, "alpha": 0.1, "sched": "exp", "periodic": True, "metric": "cosine"}
"""P3 Table 1 (σ, α initial values, 'exp' decay) + Sec. 2.3 (periodic grid, cosine distance)."""
PAPER_BATCH = {"densenet121": 50}
"""Sec. 3.1: SOM batch 10 for ResNet-18/50 and VGG-19, 50 for DenseNet-121 (others: 10)."""
DEFAULT_BATCH = 10
QUICK_EPOCHS_NOTE = (
    "The quick profile trains every SOM for 50 epochs instead of the paper's 5: SOM-tr has 500 "
    "codes instead of 50 000, so 5 epochs give a 20x20 map only 250 batch updates (DenseNet-121, "
    "batch 50: 50) against the paper's 25 000 (5 000), and the maps collapse onto a few units "
    "(DenseNet-121: one BMU for every input, in every layer and SOM size). 50 epochs give 2 500 "
    "updates (DenseNet 500), still 10x fewer than the paper. `epochs=5` runs the paper's value."
)
"""Why the quick profile departs from the paper's 5 SOM epochs (Sec. 3.1); shown in p3-00."""

DATASETS = ("digits", "lfw", "imagenet", "cifar10", "cifar100", "svhn")
BASE = {
    "dataset": per_profile("digits", "digits", "imagenet", "data set of SOM-tr/SOM-val", DATASETS),
    "per_class": per_profile(5, 50, 50, "inputs per class in SOM-tr and in SOM-val (paper 50)"),
    "n_classes": per_profile(
        None,
        None,
        1000,
        "classes used: the first n of the data set, all if it "
        "has fewer (paper: all 1000 ImageNet classes; None: all)",
    ),
    "som_size": per_profile(4, 20, 20, "side of the square main SOMs (paper 20)"),
    "epochs": per_profile(1, 50, 5, "SOM training epochs (paper 5; quick 50, see p3-00)"),
    "com": Knob("radial", vcodes.COM_MODES, "centre-of-mass scalar of the codes (our choice)"),
    "n_bmus": Knob(10, help="BMUs per input (paper 10)"),
    "checkpoint_dir": Knob(
        "",
        help="paper profile: folder of <arch>-<dataset>.pt (CIFAR/SVHN: required; "
        "ImageNet: used when present, any timm architecture)",
    ),
    "imagenet_root": Knob(
        "",
        help="paper profile: ImageNet folder holding train/ and val/ (empty: $INPUTSPACE_IMAGENET)",
    ),
}
ARCHS = {"archs": per_profile(CNNS, CNNS, CNNS, "CNNs analysed (paper: all four)")}
SIZES = {
    "sizes": per_profile(
        (3, 4),
        (10, 20, 30, 40),
        (10, 20, 30, 40),
        "sides of the square SOMs (paper 10, 20, 30, 40)",
    )
}
VIT = {
    "vit_arch": per_profile(
        "vit_tiny", "vit_tiny", "vit_base_patch16_224", "ViT (paper: 12 blocks, ImageNet)"
    )
}
CENTERS = {"n_centers": Knob(100, help="class centres sampled (paper 100)")}
ATTACK = {
    "n_attack": per_profile(
        6, 50, 500, "attacked images, drawn from SOM-val (paper 500 random images)"
    ),
    "pgd_iters": per_profile(3, 50, 50, "PGD iterations (Table 2: 50)"),
    "paper_eps": Knob(4 / 255, help="the paper's ε (Table 2: 4/255)"),
    "collapse_acc": Knob(0.10, help="ε rule: smallest grid ε with PGD accuracy below this"),
}
KNOBS: dict[str, dict[str, Knob]] = {
    "p3-00": {},  # the overview computes nothing
    "p3-fig01": {
        **BASE,
        "arch": Knob("resnet18", CNNS),
        "image_index": Knob(0, help="SOM-val input shown"),
    },
    "p3-fig02": {**BASE, "arch": Knob("resnet18", CNNS)},
    "p3-fig03": {**BASE, **ARCHS},
    "p3-fig04": {
        **BASE,
        **ARCHS,
        "layer": Knob(1, (0, 1, 2, 3), "CL index shown, 0-based (paper: CL2, index 1)"),
        "density_bmus": Knob(1, help="BMUs per input in the density (1: the BMU)"),
    },
    "p3-fig05": {
        **BASE,
        "arch": Knob("resnet18", CNNS),
        "n_show": per_profile(3, 5, 5, "classes shown"),
    },
    "p3-fig06": {**BASE, "archs": Knob(("resnet18", "resnet50"), help="models of panels A-D")},
    "p3-fig07": {**BASE, **ARCHS, **SIZES, **CENTERS},
    "p3-fig08": {
        **BASE,
        "arch": Knob("resnet50", CNNS),
        "datasets": per_profile(
            ("digits", "lfw"),
            ("digits", "lfw"),
            ("cifar10", "cifar100", "svhn"),
            "data sets (paper CIFAR-10/100, SVHN; quick analog digits, LFW)",
        ),
    },
    "p3-fig09": {**BASE, **VIT},
    "p3-fig10": {**BASE, **VIT, **SIZES, **CENTERS},
    "p3-fig11": {
        **BASE,
        **ATTACK,
        "archs": Knob(("resnet18", "resnet50"), help="attacked models"),
        "real_arch": real.ARCH,
    },
    "p3-fig12": {**BASE, **ATTACK, **VIT},
    "p3-tab01": {},  # prints the resolved configurations of p3-fig03 / p3-fig07
    "p3-tab02": {
        k: v
        for k, v in {**BASE, **ATTACK}.items()  # p3-fig11's configuration, whose
        if k in ("imagenet_root", "n_classes", "per_class", "n_attack", "pgd_iters")
    },  # attacks it reads
    "p3-figS1": {**BASE, **ARCHS, "density_bmus": Knob(1, help="BMUs per input in the density")},
    "p3-figS2": {
        **BASE,
        "arch": Knob("resnet50", CNNS),
        "n_show": per_profile(3, 5, 5, "classes shown"),
    },
    "p3-figS3": {
        **BASE,
        "archs": Knob(("resnet18", "resnet50"), help="models of panels A, B"),
        "aggregate": Knob(
            "class", ("class", "input"), "statistic: per-class means (caption) or per input"
        ),
    },
    "p3-figS4": {**BASE, **ARCHS, **VIT, **ATTACK, "attack_archs": Knob(("resnet18", "resnet50"))},
}
