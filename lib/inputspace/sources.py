"""Which library sources a piece of code depends on, and a digest of them.

Two users: the notebook runner skips a notebook whose code cells and imported library modules
did not change (:func:`inputs_hash`, which every notebook's provenance cell prints too), and the
result cache refuses an entry computed by other
library code or with other trained models (:func:`compute_digest`): the cache key holds the
parameters only, so without this a changed algorithm would silently reuse old results.
Dependencies are found statically (``import`` statements, transitively), without importing.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from . import paths

LIB = paths.ROOT / "lib"
# Modules that shape how results are shown or stored, not what they are: a change there must not
# invalidate cached results (re-plotting stays cheap), so the compute digest does not follow them.
# They are the infrastructure modules below and, in every study package (p0 … p3, px, real), the
# role files named in PRESENTATION_ROLES; nothing cached may be computed in one of them. ``progress``
# is one too: algorithms draw their bars with it, but a bar never changes what they compute. The
# run machinery (``inputspace.run``) is not skipped: no computing module ever imports it, and
# tests/test_digest.py would see one that did.
PRESENTATION_INFRA: tuple[str, ...] = (
    "notebook",
    "oomhint",
    "plotting",
    "claims",
    "scorecard",
    "verdicts",
    "sources",
    "progress",
)
PRESENTATION_ROLES: tuple[str, ...] = ("tables", "plots", "explorer", "claims", "statements")
PRESENTATION = re.compile(
    rf"^inputspace\.(({'|'.join(PRESENTATION_INFRA)})"
    rf"|(p(\d|x)|real)\.({'|'.join(PRESENTATION_ROLES)}))$"
)


def is_presentation(module: str) -> bool:
    """True for a module whose changes must not invalidate cached results (see PRESENTATION)."""
    return PRESENTATION.match(module) is not None


def _imported_modules(source: str, package: str) -> set[str]:
    """Absolute names of the ``inputspace`` modules a piece of code imports (statically)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("inputspace")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            if base.startswith("inputspace"):
                out.add(base)
                out |= {f"{base}.{a.name}" for a in node.names}
    return out


def _module_file(name: str) -> Path | None:
    base = LIB.joinpath(*name.split("."))
    for cand in (base.with_suffix(".py"), base / "__init__.py"):
        if cand.is_file():
            return cand
    return None


def _closure(names: set[str], skip: re.Pattern | None = None) -> list[Path]:
    """Source files of ``names`` and of every ``inputspace`` module they import, transitively;
    modules whose name matches ``skip`` are neither included nor followed."""
    todo, seen = list(names | {"inputspace"}), {}
    while todo:
        name = todo.pop()
        f = _module_file(name)
        if f is None or f in seen.values() or name in seen or (skip and skip.match(name)):
            continue
        seen[name] = f
        pkg = name if f.name == "__init__.py" else name.rpartition(".")[0]
        todo += list(_imported_modules(f.read_text(), pkg)) + ([pkg] if pkg != name else [])
    return sorted(set(seen.values()))


def library_dependencies(source: str) -> list[Path]:
    """Source files of every ``inputspace`` module ``source`` imports, transitively."""
    return _closure(_imported_modules(source, "__main__"))


def compute_dependencies(module: str) -> list[Path]:
    """Source files that can change what code in ``module`` computes (presentation modules left out)."""
    return _closure({module}, PRESENTATION)


def compute_digest(module: str, profile: str) -> str:
    """16 hex digits of sha256 over :func:`compute_dependencies` of ``module`` and the manifests
    of the profile's trained models (retraining a model changes its sha256, so results computed
    with the old weights are not reused).

    Raises:
        ValueError: ``module`` is a presentation module, whose own code the digest would not
            cover: a cached computation belongs in a concept module of its paper package.
    """
    if is_presentation(module):
        raise ValueError(
            f"{module} is a presentation module (its code is not part of the cache "
            f"digest): move the cached computation into a concept module"
        )
    h = hashlib.sha256(_sources_digest(module, _lib_state(LIB)).encode())
    models = paths.models_dir(profile)
    for manifest in sorted(models.glob("*.json")) if models.is_dir() else []:
        h.update(manifest.name.encode())
        h.update(_weights_sha(manifest).encode())
    return h.hexdigest()[:16]


def _lib_state(lib: Path) -> tuple:
    """(path, mtime, size) of every library source: the memo key of :func:`_sources_digest`."""
    return tuple(
        (str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in sorted(lib.rglob("*.py"))
    )


@functools.lru_cache(maxsize=64)
def _sources_digest(module: str, state: tuple) -> str:
    """sha256 over the compute dependencies of ``module`` (memoized while no source changes:
    parsing them costs ~60 ms, and a P3 notebook asks for hundreds of cached SOMs)."""
    h = hashlib.sha256()
    update_with_sources(h, compute_dependencies(module))
    return h.hexdigest()


def update_with_sources(h: Any, files: list[Path]) -> None:
    """Feed each library source file (its path below ``lib/`` and its bytes) into the hash ``h``."""
    for src in files:
        h.update(str(src.relative_to(LIB)).encode())
        h.update(src.read_bytes())


def _weights_sha(manifest: Path) -> str:
    """The weights' sha256 a model manifest records (its raw text if it cannot be parsed)."""
    text = manifest.read_text()
    try:
        return str(json.loads(text).get("sha256"))
    except ValueError:
        return text


DATA_ENV = (
    "INPUTSPACE_IMAGENET",
    "INPUTSPACE_CIFAR",
    "INPUTSPACE_SVHN",
    "INPUTSPACE_DATA",
    paths.MODEL_SEED_ENV,
)
"""Environment variables that say which data and models a notebook runs on (part of :func:`inputs_hash`)."""


def notebook_code(text: str) -> str:
    """A notebook's code (nbformat 4 JSON text): its code cells joined, outputs, markdown and
    metadata left out. Plain JSON, no nbformat: importing nbformat costs ~2 s in a kernel."""
    cells = json.loads(text)["cells"]
    return "\n".join(
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        for c in cells
        if c["cell_type"] == "code"
    )


def inputs_hash(nb_path: Path, profile: str) -> str:
    """sha256 over what a run depends on: code cells, the library modules they import
    (transitively), the profile and the data locations (``make figures`` skips a notebook whose
    hash did not change since its last successful run)."""
    h = hashlib.sha256()
    code = notebook_code(Path(nb_path).read_text())
    h.update(code.encode())
    clean = "\n".join(
        line for line in code.splitlines() if not line.lstrip().startswith(("%", "!"))
    )
    update_with_sources(h, library_dependencies(clean))
    h.update(profile.encode())
    h.update(json.dumps({k: os.environ.get(k, "") for k in DATA_ENV}).encode())
    return h.hexdigest()
