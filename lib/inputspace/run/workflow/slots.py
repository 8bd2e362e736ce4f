"""One GPU per concurrently running notebook on a multi-GPU machine.

Snakemake's local executor counts cores and user resources but does not say *which* GPU a job
may use. Each notebook job therefore takes the first free slot ``0 … slots-1`` -- a file
``slot<i>.lock`` held with an exclusive ``flock`` for the job's lifetime, released by the kernel
when the process exits, even when it is killed -- and sees only the GPU of that slot
(``CUDA_VISIBLE_DEVICES``, which the papermill kernel inherits). With more slots (``JOBS``) than
GPUs, slot ``i`` gets GPU ``i mod #GPUs``: several notebooks share a device.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


def slot_device(slot: int, devices: Sequence[str]) -> str:
    """The GPU (an entry of ``CUDA_VISIBLE_DEVICES``) that slot ``slot`` uses."""
    if not devices:
        raise ValueError("no GPUs to hand out: pass the devices (e.g. '0,1,2,3') or no GPU slots")
    return devices[slot % len(devices)]


@contextmanager
def gpu_slot(
    slot_dir: Path, slots: int, devices: Sequence[str], poll_s: float = 0.5
) -> Iterator[tuple[int, str]]:
    """Hold a free slot (waiting while all ``slots`` are taken) and set ``CUDA_VISIBLE_DEVICES``
    to its GPU for the duration; yields ``(slot, device)``. The previous value is restored."""
    if slots < 1:
        raise ValueError(f"slots must be >= 1, got {slots}")
    slot_dir.mkdir(parents=True, exist_ok=True)
    while True:
        for i in range(slots):
            f = open(slot_dir / f"slot{i}.lock", "a+")
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                f.close()
                continue
            device = slot_device(i, devices)
            before = os.environ.get("CUDA_VISIBLE_DEVICES")
            os.environ["CUDA_VISIBLE_DEVICES"] = device
            try:
                f.seek(0)
                f.truncate()
                f.write(f"{os.getpid()}\n")
                f.flush()
                yield i, device
            finally:
                if before is None:
                    os.environ.pop("CUDA_VISIBLE_DEVICES", None)
                else:
                    os.environ["CUDA_VISIBLE_DEVICES"] = before
                fcntl.flock(f, fcntl.LOCK_UN)
                f.close()
            return
        time.sleep(poll_s)


def visible_devices() -> list[str]:
    """The GPUs this process may hand out: ``CUDA_VISIBLE_DEVICES`` when set, else every device
    torch sees (none without CUDA)."""
    env = os.environ.get("CUDA_VISIBLE_DEVICES")
    if env is not None:
        return [d.strip() for d in env.split(",") if d.strip() and not d.strip().startswith("-")]
    import torch

    return [str(i) for i in range(torch.cuda.device_count())] if torch.cuda.is_available() else []
