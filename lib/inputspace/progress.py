"""Progress of long work: a tqdm bar in the notebook, and a few readable lines in the terminal.

Inside a notebook that ``make figures`` runs, tqdm draws widgets that only the notebook shows;
the terminal that started the run saw nothing for the hour the model zoo trains. :func:`bar` is
:class:`tqdm.auto.tqdm` (same arguments, same bar in the notebook) and, when the notebook runner
(:mod:`inputspace.run.execute`) set ``INPUTSPACE_PROGRESS`` to a file for the notebook's kernel, it
also appends its state as one JSON line (``desc``, ``n``, ``total``, ``elapsed``) to that file -- at
most every :data:`WRITE_EVERY` seconds per process, and when a bar of some length closes. The runner's
:class:`Watcher` (a thread beside papermill) prints the newest state at a rate a person can read
(:data:`PRINT_EVERY`, ``INPUTSPACE_PROGRESS_EVERY`` seconds) and a heartbeat with the elapsed and
the expected time when no bar reports.

In a notebook nobody watches -- executed by papermill / nbclient (``make figures``) or nbval -- a
widget bar is stored in the output as its first frame (``LST: 0/400`` for ever, the widget state is
gone): there :func:`bar` is a :class:`TextBar`, which draws nothing while it runs and, when a bar
that stays on screen (``leave=True``) closes, prints its final state as one line of text. Which
kernel is watched: :func:`headless`.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

from tqdm.auto import tqdm
from tqdm.std import tqdm as std_tqdm

ENV = "INPUTSPACE_PROGRESS"
STYLE_ENV = "INPUTSPACE_PROGRESS_STYLE"
"""``text`` | ``widget``: how :func:`bar` draws inside a Jupyter kernel, whoever runs it; unset: as
:func:`headless` finds (the runner sets ``text`` for the kernels it starts)."""
EVERY_ENV = "INPUTSPACE_PROGRESS_EVERY"
WRITE_EVERY = 5.0
"""Seconds between two progress lines a kernel writes (the file stays small)."""
PRINT_EVERY = 60.0
"""Default seconds between two terminal lines of one notebook."""
HEARTBEAT = 5
"""Without new bar progress a line still appears every this many print intervals."""


def bar(iterable=None, **kwargs) -> tqdm:
    """``tqdm.auto.tqdm(iterable, **kwargs)`` (a :class:`TextBar` in a :func:`headless` kernel),
    reporting to ``$INPUTSPACE_PROGRESS`` when set."""
    base = TextBar if headless() else tqdm
    path = os.environ.get(ENV)
    return _reporting(path, base)(iterable, **kwargs) if path else base(iterable, **kwargs)


def headless() -> bool:
    """True inside a Jupyter kernel that no person watches, where a widget bar would only leave its
    first frame in the stored notebook: ``INPUTSPACE_PROGRESS_STYLE=text``, or (unset) the running
    cell was sent by a client that cannot answer ``input()`` -- nbclient (papermill, nbconvert
    ``--execute``) and nbval send ``allow_stdin=False``, JupyterLab, Notebook and VS Code send
    ``True``. A widget callback (a comm message) comes from a live page: not headless. Outside a
    kernel (a terminal, a worker process) False, whatever the variable says: tqdm draws its
    terminal bar.

    Raises:
        ValueError: ``INPUTSPACE_PROGRESS_STYLE`` is neither ``text`` nor ``widget``.
    """
    ipython = sys.modules.get("IPython")  # imported by every kernel; absent: not a kernel
    kernel = getattr(ipython.get_ipython(), "kernel", None) if ipython is not None else None
    if kernel is None:  # also a worker process the kernel started, which inherits the variable
        return False
    style = os.environ.get(STYLE_ENV, "").strip().lower()
    if style:
        if style not in ("text", "widget"):
            raise ValueError(
                f"{STYLE_ENV}={style!r}: use 'text' or 'widget' (unset: decided per kernel)"
            )
        return style == "text"
    parent = kernel.get_parent()  # the request the kernel is executing (threads: the shell's)
    if parent.get("header", {}).get("msg_type") != "execute_request":
        return False
    return not parent.get("content", {}).get("allow_stdin", False)


class _Discard:
    """A file that forgets what is written (where a :class:`TextBar` draws while it runs)."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


class TextBar(std_tqdm):
    """A tqdm bar for a notebook nobody watches: counts as any bar (and reports through
    ``INPUTSPACE_PROGRESS``) but draws nothing while it runs; when it closes with ``leave=True``
    it prints one line, ``train resnet18 (standard) 300/300 batches (100 %) in 2.1 min``."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs["file"] = _Discard()
        super().__init__(*args, **kwargs)

    def close(self) -> None:
        line = None
        if not self.disable and self.leave and getattr(self, "start_t", None) is not None:
            line = (
                f"{state_text(_state(self, final=True))} in {duration(time.time() - self.start_t)}"
            )
        super().close()
        if line is not None:
            print(line, flush=True)


def _state(b: std_tqdm, final: bool) -> dict:
    """One progress line of bar ``b`` (what the runner's :class:`Watcher` reads)."""
    now = time.time()
    return {
        "t": now,
        "desc": b.desc or "",
        "n": b.n,
        "total": b.total,
        "unit": b.unit,
        "elapsed": now - b.start_t,
        "final": final,
    }


@cache
def _reporting(path: str, base: type) -> type:
    """A subclass of ``base`` (the auto tqdm class or :class:`TextBar`) whose updates append to
    ``path`` (one class per file and base)."""
    target = Path(path)

    class Reporting(base):
        _last_write = 0.0

        def _report(self, final: bool) -> None:
            now = time.time()
            if self.disable or (not final and now - Reporting._last_write < WRITE_EVERY):
                return
            Reporting._last_write = now
            with target.open("a") as f:  # one short line per write: appends do not interleave
                f.write(json.dumps(_state(self, final)) + "\n")

        def update(self, n=1):
            out = super().update(n)
            self._report(final=False)
            return out

        def close(self):
            if (
                not self.disable
                and getattr(self, "start_t", None) is not None
                and time.time() - self.start_t >= WRITE_EVERY
            ):
                self._report(final=True)
            super().close()

    return Reporting


_FINE = ((90, 1, "s", 0), (5400, 60, "min", 1), (float("inf"), 3600, "h", 1))
_COARSE = (
    (120, 1, "s", 0),
    (7200, 60, "min", 0),
    (3 * 86400, 3600, "h", 1),
    (float("inf"), 86400, "days", 1),
)


def duration(seconds: float, *, coarse: bool = False) -> str:
    """A duration as a person reads it: ``42 s`` / ``3.5 min`` / ``1.2 h`` (terminal lines, run
    summaries); ``coarse``: ``42 s`` / ``25 min`` / ``3.3 h`` / ``6.9 days`` (the paper-cost
    table's orders of magnitude)."""
    steps = _COARSE if coarse else _FINE
    _, unit, name, digits = next(step for step in steps if seconds < step[0])
    return f"{seconds / unit:.{digits}f} {name}"


def state_text(state: dict) -> str:
    """``train resnet50 (standard) 120/300 batches (40 %), ~4.1 min left`` from one progress line."""
    desc = state.get("desc") or "progress"
    n, total = state.get("n", 0), state.get("total")
    u = state.get("unit", "it")
    unit = "" if u == "it" else f" {u}es" if u.endswith(("s", "ch", "sh", "x")) else f" {u}s"
    if not total:
        return f"{desc} {n}{unit}"
    text = f"{desc} {n}/{total}{unit} ({100 * n / total:.0f} %)"
    if 0 < n < total and state.get("elapsed"):
        text += f", ~{duration(state['elapsed'] * (total - n) / n)} left"
    return text


def status_line(nid: str, elapsed: float, expected: float | None, state: dict | None) -> str:
    """One terminal line of a running notebook: elapsed of expected time, newest bar state."""
    head = f"[ .. ] {nid} {duration(elapsed)}" + (f" of ~{duration(expected)}" if expected else "")
    return head + (f" | {state_text(state)}" if state else "")


def read_new(path: Path, offset: int) -> tuple[dict | None, int]:
    """The newest complete JSON line after byte ``offset`` of ``path`` and the new offset."""
    if not path.exists():
        return None, offset
    with path.open("rb") as f:
        f.seek(offset)
        chunk = f.read()
    end = chunk.rfind(b"\n")
    if end < 0:
        return None, offset
    newest = None
    for raw in chunk[:end].splitlines():
        try:
            newest = json.loads(raw)
        except ValueError:
            continue
    return newest, offset + end + 1


class Watcher:
    """A thread that prints :func:`status_line` for one running notebook every ``every`` seconds
    when its bars moved, and every ``HEARTBEAT × every`` seconds regardless (context manager)."""

    def __init__(
        self,
        nid: str,
        path: Path,
        expected: float | None,
        *,
        every: float | None = None,
        emit: Callable[[str], None] = lambda s: print(s, flush=True),
    ) -> None:
        self.nid, self.path, self.expected, self.emit = nid, path, expected, emit
        self.every = every if every is not None else float(os.environ.get(EVERY_ENV, PRINT_EVERY))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> Watcher:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.unlink(missing_ok=True)
        self.t0 = time.time()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        offset, state, quiet = 0, None, 0
        while not self._stop.wait(self.every):
            newest, offset = read_new(self.path, offset)
            quiet = 0 if newest else quiet + 1
            state = newest or state
            if newest or quiet % HEARTBEAT == 0:
                self.emit(
                    status_line(
                        self.nid, time.time() - self.t0, self.expected, state if newest else None
                    )
                )
