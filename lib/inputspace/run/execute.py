"""Execute one notebook with papermill: skip it by content, run it into ``build/``, promote it.

A notebook whose inputs (code cells, library sources, profile, data locations:
:func:`inputspace.sources.inputs_hash`) did not change since its last successful run is skipped.
Otherwise it runs into ``build/<profile>/``, watched by :class:`inputspace.progress.Watcher`, with a
cell time-out drawn from its expected time (:func:`cell_timeout`); in the quick profile a success
is promoted into ``notebooks/`` (volatile metadata stripped, :mod:`.volatile`), a failure never
overwrites the committed notebook. :func:`run_and_record` is the same as one workflow job (a GPU
slot, a timing record).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import nbformat
from traitlets.config import Config

from .. import paths, progress
from ..cache import atomic_write_bytes
from ..catalogue import ZOO_NOTEBOOK, notebook_id, notebook_path
from ..sources import inputs_hash
from . import status
from .timings import expected_seconds, machine_text
from .volatile import strip_volatile

INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def kernel_env(profile: str) -> None:
    """Environment the papermill kernels inherit. An ``MPLBACKEND`` from the caller's shell (e.g.
    ``Agg``) must not reach them: the executed notebooks would carry no figures (only figures/ would).
    Progress bars are text (:func:`inputspace.progress.headless`): nobody watches these kernels, and
    a widget bar would stay in the committed notebook as its first frame."""
    if profile != "paper":
        os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["MPLBACKEND"] = INLINE_BACKEND
    os.environ.setdefault(progress.STYLE_ENV, "text")
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


def kernel_config() -> Config:
    """Kernel-manager settings for papermill's kernels: ``transport_encryption="auto"`` makes
    jupyter_client (>= 8.10) provision CurveZMQ keys for a kernel whose kernelspec declares
    support (ipykernel's ``python3`` does), so the kernel talks over encrypted local TCP and
    ipykernel has no reason to warn "Kernel is running over TCP without encryption". A kernel
    without support still starts (unencrypted, and then it still warns)."""
    return Config({"KernelManager": {"transport_encryption": "auto"}})


CELL_TIMEOUT_ENV = "INPUTSPACE_CELL_TIMEOUT"
"""Seconds one cell may run before the notebook fails (``0``: no limit); overrides :func:`cell_timeout`."""
HANG_FACTOR = 10
MIN_CELL_TIMEOUT_S = 1800


def cell_timeout(
    expected: float | None, same_machine: bool, override: str | None = None
) -> int | None:
    """papermill's per-cell ``execution_timeout``: ``HANG_FACTOR`` (10) times the notebook's expected
    time, at least 30 min, when that time was measured on this machine kind; otherwise none (another
    machine may be far slower). A kernel that stops answering mid-cell (seen under a 4x overloaded
    CPU: papermill has no timeout of its own and waits forever) then fails the notebook, and the run
    goes on. ``override`` (``INPUTSPACE_CELL_TIMEOUT``) sets it in seconds, ``0`` for none."""
    if override is not None and override.strip():
        try:
            value = float(override)
        except ValueError:
            raise SystemExit(
                f"{CELL_TIMEOUT_ENV}={override!r}: give seconds (0: no limit)"
            ) from None
        return None if value <= 0 else int(value)
    if expected is None or not same_machine:
        return None
    return int(max(MIN_CELL_TIMEOUT_S, HANG_FACTOR * expected))


def run_one(nb_path: Path, profile: str, force: bool) -> str:
    """Execute one notebook; returns ``"ok"``, ``"skipped"`` or ``"failed"``."""
    import papermill as pm

    nid = notebook_id(nb_path)
    stamp = paths.build_dir(profile) / "stamps" / f"{nid}.sha256"
    digest = inputs_hash(nb_path, profile)
    if not force and stamp.exists() and stamp.read_text() == digest:
        status.skipped(nid, f"inputs unchanged since its last successful {profile} run")
        return "skipped"
    out = paths.build_dir(profile) / nb_path.name
    out.parent.mkdir(parents=True, exist_ok=True)
    params = {} if profile == "quick" else {"profile": profile}
    expected, source = expected_seconds(nid, profile)
    status.started(
        nid,
        f"({profile})"
        + (
            f", expected ~{progress.duration(expected)} ({source})"
            if expected
            else ", no earlier time on record"
        ),
    )
    # the zoo's time depends on how many models are already trained (a minute or an hour): no limit
    timeout = cell_timeout(
        None if nid == ZOO_NOTEBOOK else expected,
        source.endswith(f" on {machine_text()}"),
        os.environ.get(CELL_TIMEOUT_ENV),
    )
    t0 = time.time()
    feed = paths.build_dir(profile) / "progress" / f"{nid}.jsonl"
    os.environ[progress.ENV] = str(feed)  # the kernel inherits it: its bars report to the watcher
    try:
        with progress.Watcher(nid, feed, expected):
            pm.execute_notebook(
                str(nb_path),
                str(out),
                parameters=params,
                kernel_name="python3",
                progress_bar=sys.stderr.isatty(),
                cwd=str(paths.NOTEBOOKS),
                config=kernel_config(),
                execution_timeout=timeout,
            )
    except Exception as exc:  # noqa: BLE001 - report and go on with the other notebooks
        status.failed(
            nid,
            f"{time.time() - t0:.0f}",
            f"{type(exc).__name__}: "
            f"{str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}",
            [f"see {out}"],
        )
        return "failed"
    finally:
        os.environ.pop(progress.ENV, None)
    if (
        paths.run_name(profile) == "quick"
    ):  # another model seed never touches the committed notebooks
        nb = strip_volatile(nbformat.read(out, as_version=4))
        atomic_write_bytes(nb_path, (nbformat.writes(nb) + "\n").encode())
    atomic_write_bytes(stamp, inputs_hash(nb_path, profile).encode())
    status.succeeded(nid, f"{time.time() - t0:.0f}")
    return "ok"


def run_and_record(
    nid: str,
    profile: str,
    force: bool,
    record: Path | None = None,
    gpu_slots: int = 0,
    gpu_devices: list[str] | None = None,
    slot_dir: Path | None = None,
) -> str:
    """:func:`run_one` for one notebook id, as one workflow job: with ``gpu_slots`` it first takes
    a GPU slot (:func:`inputspace.run.workflow.slots.gpu_slot`; the kernel sees only that GPU), and it
    writes ``{"status", "seconds", "threads", "gpu"}`` to ``record`` (atomically) -- the per-notebook
    timing that ``aggregate`` collects. ``threads``/``gpu`` are the ``OMP_NUM_THREADS`` and
    ``CUDA_VISIBLE_DEVICES`` the notebook's kernel inherited."""
    from contextlib import nullcontext

    from .workflow.slots import gpu_slot

    nb_path = notebook_path(nid)
    slots = (
        gpu_slot(slot_dir or paths.build_dir(profile) / "gpu-slots", gpu_slots, gpu_devices or [])
        if gpu_slots
        else nullcontext()
    )
    with slots:
        t = time.time()
        result = run_one(nb_path, profile, force)
        rec = {
            "status": result,
            "seconds": round(time.time() - t, 1),
            "threads": os.environ.get("OMP_NUM_THREADS"),
            "gpu": os.environ.get("CUDA_VISIBLE_DEVICES"),
        }
    if record is not None:
        atomic_write_bytes(record, json.dumps(rec).encode())
    return result
