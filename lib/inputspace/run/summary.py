"""The end of a run: the scorecard, the timings files and one summary of what ran.

The sequential runner (``python -m inputspace.run run``) ends with :func:`summarize` over its own
results; a workflow run ends with :func:`aggregate`, the same over the per-notebook records its jobs
wrote (``run-one --record``).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from ..progress import duration
from .readme import scorecard
from .timings import remember_timings, write_timings


def summarize(profile: str, runs: dict[str, dict], t0: float) -> int:
    """End of a run: scorecard (and README totals), timings files, the summary (ran / skipped /
    failed, total time, where the time went); the exit status (1 if a notebook failed)."""
    scorecard(profile)
    write_timings(profile, runs)
    remember_timings(profile, runs)
    print(summary_text(runs, time.time() - t0), flush=True)
    return 1 if any(r["status"] == "failed" for r in runs.values()) else 0


def summary_text(runs: dict[str, dict], wall: float, top: int = 5) -> str:
    """``N ran, M skipped, K failed [ids] in X min`` and the notebooks that took the most time."""
    statuses = [r["status"] for r in runs.values()]
    failed = [nid for nid, r in runs.items() if r["status"] == "failed"]
    head = (
        f"{statuses.count('ok')} ran, {statuses.count('skipped')} skipped, {len(failed)} failed"
        + (f": {failed}" if failed else "")
        + f" in {wall / 60:.1f} min"
    )
    spent = sorted(
        ((r["seconds"], nid) for nid, r in runs.items() if r["status"] != "skipped"), reverse=True
    )
    if not spent:
        return head
    busy = sum(sec for sec, _ in spent)
    where = ", ".join(
        f"{nid} {duration(sec)} ({100 * sec / busy:.0f} %)" for sec, nid in spent[:top] if busy > 0
    )
    return head + (f"\nwhere the time went: {where}" if where else "")


def aggregate(profile: str, records: Path, ids: list[str], t0: float) -> int:
    """:func:`summarize` over the per-notebook records ``records/<id>.json`` of one workflow run,
    in run order; a record that is missing (its job never ran) counts as failed."""
    runs = {}
    for nid in ids:
        rec = records / f"{nid}.json"
        runs[nid] = (
            json.loads(rec.read_text()) if rec.exists() else {"status": "failed", "seconds": 0.0}
        )
    return summarize(profile, runs, t0)
