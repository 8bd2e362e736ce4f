"""Out of GPU memory in a notebook: say which knob to lower (one line, the cell still fails).

:func:`inputspace.notebook.setup` calls :func:`install_oom_hint` under IPython; the knobs come
from each paper's ``cost.MEMORY`` (knob name → what it holds on the device at once).
"""

from __future__ import annotations

import json
import re
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import torch

from .config import Config

OOM_ERRORS: tuple[type[BaseException], ...] = (torch.OutOfMemoryError,)
"""What the hint handles: the caching allocator's error (``torch.cuda.OutOfMemoryError`` is the
same class). Every other exception reaches IPython's usual traceback untouched."""
BATCH_NAMES: tuple[str, ...] = ("batch_size", "batch", "chunk")
"""Argument names under which library functions take their (fixed) forward-pass batch."""


@dataclass(frozen=True)
class DeviceMemory:
    """The CUDA device a notebook ran out of memory on, in GiB."""

    device: str
    name: str
    total_gib: float
    peak_gib: float


@dataclass(frozen=True)
class OOMSite:
    """Where in the library the memory ran out (read off the traceback by :func:`oom_site`).

    ``function``: the innermost ``inputspace`` function; ``caller``: the innermost paper-package
    function on the way there (``None`` when it is ``function`` itself or there is none);
    ``batch``: ``(function, argument, value)`` of the innermost library function on the stack
    that took a batch size (:data:`BATCH_NAMES`), if any.
    """

    function: str
    caller: str | None = None
    batch: tuple[str, str, int] | None = None


def _qualified(frame) -> str:
    return f"{frame.f_globals.get('__name__', '?')}.{frame.f_code.co_qualname}"


def oom_site(tb: TracebackType | None) -> OOMSite | None:
    """The library functions on a traceback's stack (innermost first); ``None`` when the error
    was raised outside ``inputspace`` (e.g. by code typed into the notebook)."""
    frames = [
        f
        for f, _ in traceback.walk_tb(tb)
        if str(f.f_globals.get("__name__", "")).startswith("inputspace.")
    ]
    if not frames:
        return None
    inner = frames[-1]
    papers = [f for f in frames if re.match(r"inputspace\.p\d\.", str(f.f_globals["__name__"]))]
    caller = _qualified(papers[-1]) if papers and papers[-1] is not inner else None
    batch = next(
        (
            (_qualified(f), n, f.f_locals[n])
            for f in reversed(frames)
            for n in BATCH_NAMES
            if type(f.f_locals.get(n)) is int
        ),
        None,
    )
    return OOMSite(_qualified(inner), caller, batch)


def device_memory(device: torch.device) -> DeviceMemory | None:
    """Name, size and peak allocation of a CUDA device; ``None`` for any other device."""
    if device.type != "cuda" or not torch.cuda.is_available():
        return None
    index = device.index if device.index is not None else torch.cuda.current_device()
    props = torch.cuda.get_device_properties(index)
    return DeviceMemory(
        f"cuda:{index}",
        props.name,
        props.total_memory / 2**30,
        torch.cuda.max_memory_allocated(index) / 2**30,
    )


def _smaller(name: str, value: Any) -> str:
    """A papermill option with a smaller value of a knob (half of it), or ``""`` if none is."""
    if isinstance(value, (tuple, list)):
        return (
            f"-y '{name}: {json.dumps(list(value[: len(value) // 2]))}'" if len(value) > 1 else ""
        )
    if isinstance(value, int) and not isinstance(value, bool) and value > 1:
        return f"-p {name} {value // 2}"
    return ""


def _knob_advice(cfg: Config, memory: Mapping[str, str]) -> str:
    """``lower grid_n (now 5): what it holds; e.g. papermill -p grid_n 2``, knobs that hold the
    same thing in one clause, the clauses joined by ``; or``."""
    groups: dict[str, list[str]] = {}
    for name, what in memory.items():
        groups.setdefault(what, []).append(name)
    clauses = []
    for what, names in groups.items():
        values = [cfg.values[n] for n in names]
        knobs = " or ".join(
            f"{n} (now {len(v)} entries)" if isinstance(v, (tuple, list)) else f"{n} (now {v!r})"
            for n, v in zip(names, values)
        )
        example = next((e for e in map(_smaller, names, values) if e), "")
        clauses.append(
            f"lower {knobs}: {what}" + (f"; e.g. papermill … {example}" if example else "")
        )
    return "; or ".join(clauses)


def oom_message(
    cfg: Config,
    memory: Mapping[str, str],
    *,
    site: OOMSite | None = None,
    device: DeviceMemory | None = None,
) -> str:
    """The one line shown when a notebook runs out of GPU memory: where, how full, what to do.

    Args:
        cfg: the notebook's resolved parameters (the knobs' current values).
        memory: knob name → what it holds on the device at once (``cost.MEMORY[notebook id]``);
            empty when no knob of the notebook sets it.
        site: where in the library it ran out (:func:`oom_site`).
        device: the CUDA device (:func:`device_memory`); ``None`` leaves the numbers out.

    Returns:
        e.g. ``GPU out of memory in p2-triangles on cuda:0 (NVIDIA H100, 79.1 of 79.2 GiB allocated
        at peak) in inputspace.methods.levelset._grad_probs: lower grid_n (now 5): …; e.g.
        papermill … -p grid_n 2``. A batch fixed inside the library is named as such (no knob
        shrinks it), and ``device="cpu"`` is not offered as a fix (the same work, far slower).
    """
    kind = "GPU" if device is not None or cfg.device.type == "cuda" else "Device"
    where = device.device if device else str(cfg.device)
    if device:
        where += f" ({device.name}, {device.peak_gib:.1f} of {device.total_gib:.1f} GiB allocated at peak)"
    line = f"{kind} out of memory in {cfg.notebook_id} on {where}"
    if site:
        line += f" in {site.function}" + (f" (called by {site.caller})" if site.caller else "")
    advice = _knob_advice(cfg, memory)
    batch = site.batch if site else None
    fixed = batch is not None and cfg.values.get(batch[1], None) != batch[2]  # not a knob's value
    remedy = (
        "free the GPU of other processes or use one with more memory (device='cpu' is no fix: "
        "the same work, far slower)"
    )
    if advice:
        line += f": {advice}"
    else:
        line += f": no knob of {cfg.notebook_id} sets what it holds on the GPU at once"
    if fixed:
        line += (
            f"; {batch[1]}={batch[2]} of {batch[0]} is fixed in the library (no knob changes it)"
        )
    if not advice:
        line += f"; {remedy}"
    elif fixed:
        line += f"; else {remedy}"
    return line


def install_oom_hint(shell: Any, cfg: Config, memory: Mapping[str, str]) -> None:
    """Make an IPython shell end the traceback of a ``torch.OutOfMemoryError`` with
    :func:`oom_message`. The cell still fails (IPython records the error, the kernel replies
    ``status: error``, papermill raises ``PapermillExecutionError``) and the original traceback is
    shown in full above the line. The last ``setup`` of a kernel wins (its notebook's knobs);
    a custom exception handler someone else installed is left in place."""
    if tuple(shell.custom_exceptions) not in ((), OOM_ERRORS):
        return

    def handler(sh, etype, value, tb, tb_offset=None):
        stb = sh.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
        line = oom_message(cfg, memory, site=oom_site(tb), device=device_memory(cfg.device))
        sh._showtraceback(etype, value, [*stb, line])  # IPython's (and ipykernel's) display hook

    shell.set_custom_exc(OOM_ERRORS, handler)
