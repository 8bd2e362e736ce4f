"""What produced a notebook's outputs: the commit, a digest of its sources, uncommitted changes.

The provenance cell of every notebook prints, after the environment (:func:`inputspace.repro.environment_report`)::

    git                  81c09ef
    sources              5d1f0c2a9be47e13
    uncommitted changes  none

``git`` is the checkout's commit. ``sources`` is the first 16 hex digits of
:func:`inputspace.sources.inputs_hash`: the notebook's code cells, the library modules they import
(transitively), the profile and the data locations -- what ``make figures`` compares to skip an
unchanged notebook -- so a committed output can be checked against the committed code later
(``python -m inputspace.run stale``). ``uncommitted changes`` lists the files under ``lib/``
and ``notebooks/`` that differ from the commit; a notebook counts only when its code cells differ
(an executed notebook differs from its committed version in its outputs, which is no change of code).
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .sources import inputs_hash, notebook_code

WATCHED = ("lib", "notebooks")
"""The folders whose uncommitted changes can change an output."""
SHOWN = 4
"""Changed files named in the report (the rest are counted)."""
DIGEST_CHARS = 16


@dataclass(frozen=True)
class GitState:
    """The checkout's commit (None: not a git checkout) and its uncommitted changes (paths)."""

    commit: str | None
    changed: tuple[str, ...] = ()

    def changes_text(self) -> str:
        """``none`` or ``2 files: lib/inputspace/plotting.py, notebooks/p2-triangles-convex-hulls.ipynb``."""
        if not self.changed:
            return "none"
        shown = ", ".join(self.changed[:SHOWN]) + (
            f", … ({len(self.changed) - SHOWN} more)" if len(self.changed) > SHOWN else ""
        )
        return f"{len(self.changed)} file{'s' if len(self.changed) > 1 else ''}: {shown}"


def _git(root: Path, *args: str) -> str | None:
    """Output of ``git -C root args`` (None when git is missing or fails)."""
    try:
        r = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return r.stdout if r.returncode == 0 else None


def _status_paths(porcelain: str) -> list[tuple[str, str]]:
    """``(status, path)`` of ``git status --porcelain=v1 -z`` output (a rename's source skipped)."""
    fields, out = porcelain.split("\0"), []
    i = 0
    while i < len(fields):
        entry = fields[i]
        i += 1
        if len(entry) < 4:
            continue
        status, path = entry[:2], entry[3:]
        if status[0] in "RC":
            i += 1  # the next field is the path it was renamed / copied from
        out.append((status, path))
    return out


def _code_changed(root: Path, path: str) -> bool:
    """Whether the notebook ``path`` (tracked, modified) has other code cells than at HEAD."""
    committed = _git(root, "show", f"HEAD:{path}")
    if committed is None:
        return True
    try:
        return notebook_code(committed) != notebook_code((root / path).read_text())
    except (OSError, ValueError, KeyError, TypeError):  # unreadable or not a notebook: a change
        return True


def git_state(root: Path | None = None) -> GitState:
    """The commit of the checkout at ``root`` (default: this project) and the files under
    :data:`WATCHED` that differ from it: modified, added, deleted or untracked (not ignored), a
    notebook only when its code cells differ."""
    root = paths.ROOT if root is None else root
    head = _git(root, "rev-parse", "--short", "HEAD")
    if not head or not head.strip():
        return GitState(None)
    status = (
        _git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *WATCHED) or ""
    )
    changed = [
        path
        for st, path in _status_paths(status)
        if not (path.endswith(".ipynb") and "D" not in st and not _code_changed(root, path))
    ]
    return GitState(head.strip(), tuple(sorted(changed)))


def cpu_model() -> str:
    """The CPU's model name (``/proc/cpuinfo``; elsewhere what :mod:`platform` knows): how the run
    timings and the paper-cost table say where they were measured."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:  # not Linux
        pass
    import platform

    return platform.processor() or platform.machine()


def sources_digest(nb_path: Path, profile: str) -> str:
    """16 hex digits of :func:`inputspace.sources.inputs_hash` (module doc)."""
    return inputs_hash(nb_path, profile)[:DIGEST_CHARS]


def notebook_file(notebook_id: str) -> Path | None:
    """``notebooks/<id>-<slug>.ipynb`` (the id: the name's first two dash-separated parts, as
    :func:`inputspace.catalogue.notebook_id` reads it); None when there is no such file."""
    found = sorted(paths.NOTEBOOKS.glob(f"{notebook_id}-*.ipynb")) + [
        p for p in [paths.NOTEBOOKS / f"{notebook_id}.ipynb"] if p.is_file()
    ]
    return found[0] if found else None


def report(notebook_path: Path | None, profile: str, root: Path | None = None) -> dict[str, str]:
    """``git``, ``sources`` (when the notebook's file is known) and ``uncommitted changes``."""
    state = git_state(root)
    out = {"git": state.commit or "unknown (not a git checkout)"}
    if notebook_path is not None:
        out["sources"] = sources_digest(notebook_path, profile)
    out["uncommitted changes"] = state.changes_text() if state.commit else "unknown"
    return out


_LINE = re.compile(r"^sources\s+([0-9a-f]{16})\s*$", re.M)


def recorded_digest(nb_path: Path) -> str | None:
    """The ``sources`` digest an executed notebook's provenance cell printed (None: none printed)."""
    for cell in json.loads(Path(nb_path).read_text())["cells"]:
        for o in cell.get("outputs", []):
            text = o.get("text", "") if o.get("output_type") == "stream" else ""
            m = _LINE.search("".join(text) if isinstance(text, list) else text)
            if m:
                return m.group(1)
    return None
