"""Reproducibility helpers: seeding, explicit device resolution, environment report."""

from __future__ import annotations

import logging
import os
import platform
import random
import sys

import numpy as np
import torch

log = logging.getLogger(__name__)

DEVICES = ("auto", "cpu", "cuda")


def seed_everything(seed: int) -> torch.Generator:
    """Seed python, numpy and torch (CPU and CUDA); return a CPU generator seeded the same.

    Algorithms take an explicit ``generator`` so their randomness does not depend on what ran
    before them; the global seeds cover library code that has no such argument (timm init).
    """
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


def resolve_device(device: str) -> torch.device:
    """Turn ``auto`` | ``cpu`` | ``cuda[:N]`` into a device, never falling back silently.

    ``auto`` picks CUDA when a GPU is present, else the CPU. Asking for ``cuda`` on a machine
    without one is an error (a silent CPU fallback hides a misconfigured GPU run).
    """
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cpu":
        return torch.device("cpu")
    if device.startswith("cuda"):
        if not torch.cuda.is_available():
            raise RuntimeError(
                f"device={device!r} was requested but no CUDA GPU is available on this machine. "
                "Run with device='cpu' (or 'auto'), or on a machine with a GPU."
            )
        return torch.device(device)
    raise ValueError(f"unknown device {device!r}; valid: 'auto', 'cpu', 'cuda' or 'cuda:N'")


def environment_report(
    device: torch.device | str | None = None, profile: str | None = None
) -> dict:
    """Versions, device and threads: the environment half of every notebook's provenance cell (the
    sources half, commit and uncommitted changes: :mod:`inputspace.provenance`)."""
    import timm  # local: keep `import inputspace.repro` light

    report = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "torch": torch.__version__,
        "timm": timm.__version__,
        "numpy": np.__version__,
        "device": str(device) if device is not None else "n/a",
        "cuda_available": torch.cuda.is_available(),
        "torch_threads": torch.get_num_threads(),
        "HF_HUB_OFFLINE": os.environ.get("HF_HUB_OFFLINE", ""),
    }
    if profile is not None:
        report["profile"] = profile
    if torch.cuda.is_available():
        report["gpu"] = torch.cuda.get_device_name(0)
    return report
