"""``requirements.lock`` on every platform torch supports: platform-only wheels carry a marker.

The lock is ``pip freeze`` of a Linux ``.venv``, so it pins the CUDA and triton wheels that torch
requires only on Linux (its own metadata says ``platform_system == "Linux"``); unmarked, pip on
macOS or Windows fails on them. :func:`mark` adds the environment marker of :data:`PLATFORM_ONLY`
to each such line, so one lock installs on Linux (identical to before), macOS and Windows.

``python -m inputspace.lockfile freeze requirements.lock`` (``make lock``) rewrites the lock from
the current environment: its header comment kept, ``pip freeze --exclude-editable``, markers added.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

LINUX = 'sys_platform == "linux"'
PLATFORM_ONLY: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"^nvidia-"), LINUX),  # CUDA libraries of torch's Linux wheels
    (re.compile(r"^cuda-"), LINUX),  # cuda-toolkit, cuda-bindings, cuda-pathfinder
    (re.compile(r"^triton$"), LINUX),  # torch.compile's GPU backend, Linux wheels only
    (re.compile(r"^(pywin32|pywinpty)$"), 'sys_platform == "win32"'),  # a lock frozen on Windows
    (re.compile(r"^appnope$"), 'sys_platform == "darwin"'),  # a lock frozen on macOS
)
"""Name patterns (normalized names) of packages that exist only on some platforms, with the marker
their lock line needs."""
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalized(name: str) -> str:
    """PEP 503 normalized project name (``Foo_Bar`` -> ``foo-bar``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def platform_marker(line: str) -> str | None:
    """The marker a requirement line needs (None: a package for every platform, or no requirement)."""
    m = _NAME.match(line)
    if not m or line.lstrip().startswith(("#", "-")):
        return None
    name = normalized(m.group(1))
    return next((marker for pattern, marker in PLATFORM_ONLY if pattern.search(name)), None)


def has_marker(line: str) -> bool:
    """Whether a requirement line carries an environment marker (``pkg==1 ; sys_platform == ...``)."""
    return ";" in line.split("#", 1)[0]


def unmarked(text: str) -> list[str]:
    """The platform-only requirement lines of a lock without an environment marker."""
    return [ln.strip() for ln in text.splitlines() if platform_marker(ln) and not has_marker(ln)]


def mark(text: str) -> str:
    """The lock with :data:`PLATFORM_ONLY`'s marker added to each unmarked platform-only line."""
    lines = [
        f"{ln.rstrip()} ; {platform_marker(ln)}"
        if platform_marker(ln) and not has_marker(ln)
        else ln
        for ln in text.splitlines()
    ]
    return "\n".join(lines) + "\n"


def freeze(lock: Path) -> None:
    """Rewrite ``lock`` from this environment (module doc)."""
    header = (
        [ln for ln in lock.read_text().splitlines() if ln.startswith("#")] if lock.exists() else []
    )
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    lock.write_text(mark("\n".join([*header, frozen.strip()])))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m inputspace.lockfile",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("command", choices=("freeze", "check"))
    ap.add_argument("lock", type=Path)
    args = ap.parse_args(argv)
    if args.command == "freeze":
        freeze(args.lock)
        return 0
    missing = unmarked(args.lock.read_text())
    for line in missing:
        print(f"{args.lock}: platform-only package without a marker: {line}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
