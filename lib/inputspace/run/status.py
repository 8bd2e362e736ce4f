"""The status lines of one notebook run: ``[run ]`` as it starts, ``[skip]``, ``[ ok ]`` or ``[FAIL]``.

Both runners print them, :mod:`.execute` (``make figures``) and :mod:`.papercheck` (``make
paper-check``), so one module writes them: a log reads the same whichever runner made it. Each line
is flushed at once (Snakemake and CI show it as it happens); a ``[FAIL]`` line's details follow on
lines indented under the notebook id. The running notebook's ``[ .. ]`` lines are the progress
watcher's (:func:`inputspace.progress.status_line`).
"""

from __future__ import annotations

from collections.abc import Sequence

INDENT = " " * 7
"""Continuation lines of a status line start under its notebook id (``[FAIL] `` is 7 wide)."""


def _line(tag: str, nid: str, text: str, details: Sequence[str] = ()) -> None:
    print(f"[{tag}] {nid}{text}" + "".join(f"\n{INDENT}{d}" for d in details), flush=True)


def started(nid: str, how: str) -> None:
    """``[run ] p2-triangles (quick), expected ~3.5 min (…)``: ``how`` says in what it runs."""
    _line("run ", nid, f" {how}")


def skipped(nid: str, why: str) -> None:
    """``[skip] p2-triangles: inputs unchanged …``."""
    _line("skip", nid, f": {why}")


def succeeded(nid: str, seconds: str) -> None:
    """``[ ok ] p2-triangles in 212s`` (``seconds`` as the runner rounds it)."""
    _line(" ok ", nid, f" in {seconds}s")


def failed(nid: str, seconds: str, why: str, details: Sequence[str] = ()) -> None:
    """``[FAIL] p2-triangles after 30s: why`` and one indented line per entry of ``details``."""
    _line("FAIL", nid, f" after {seconds}s: {why}", details)
