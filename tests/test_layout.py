"""The layout of the library: algorithms in ``methods/``, one package per paper with the same role
files, no private name crossing modules, no public name meaning two things, no dead links."""

import ast
import collections
import re
from pathlib import Path

import pytest

from inputspace import paths

LIB = paths.ROOT / "lib" / "inputspace"
PAPERS = ("p1", "p2", "p3", "px")  # px: the cross-study package, with the same role files
ROLE_FILES = ("knobs", "cost", "tables", "plots", "claims", "statements")
EXPLORERS = {"p1": True, "p2": True, "p3": True, "px": True}
# Names every module may define for itself (a logger, a type variable, a command-line entry point) and
# the interface every paper's knobs.py (its knobs) and cost.py provide (the reduced work, the counts kept
# and the work model of `make paper-check`; what each knob holds on the GPU, for the out-of-memory hint).
ALLOWED_REPEATS = {
    "log",
    "T",
    "main",
    "KNOBS",
    "PAPER_CHECK",
    "PAPER_WORK",
    "PAPER_CHECK_FIXED",
    "MEMORY",
    "PAPER_BENCH",
}


def _modules():
    for f in sorted(LIB.rglob("*.py")):
        yield ".".join(f.relative_to(LIB.parent).with_suffix("").parts).removesuffix(".__init__"), f


def _imports(tree, module):
    """(absolute module, imported names) of every ``from … import`` in ``tree``."""
    package = module if module.endswith(("__init__",)) else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            yield base, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, []


def _public_names(tree):
    for node in tree.body:
        names = []
        if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            names = [node.name]
        elif isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names = [node.target.id]
        yield from (n for n in names if not n.startswith("_"))


def test_the_study_layer_is_one_package_per_paper():
    assert not (LIB / "studies").exists(), "lib/inputspace/studies/ must be gone"
    for paper in PAPERS:
        for role in ROLE_FILES + (("explorer",) if EXPLORERS[paper] else ()):
            assert (LIB / paper / f"{role}.py").is_file(), f"{paper}/{role}.py missing"


def test_methods_import_no_paper_package_and_no_notebook_infrastructure():
    for module, f in _modules():
        if not module.startswith("inputspace.methods"):
            continue
        for base, _ in _imports(ast.parse(f.read_text()), module):
            assert not re.match(r"inputspace\.(p\d|px|notebook|config|run|claims|cache)\b", base), (
                f"{module} imports {base}"
            )


def test_no_private_name_is_imported_from_another_module():
    offenders = [
        f"{module}: from {base} import {name}"
        for module, f in _modules()
        for base, names in _imports(ast.parse(f.read_text()), module)
        for name in names
        if name.startswith("_") and not name.startswith("__")
    ]
    assert offenders == []


def _role(module):
    parts = module.split(".")
    return parts[2] if len(parts) == 3 and re.fullmatch(r"p\d|px", parts[1]) else None


def _mirrors(modules):
    """The real network's modules (``inputspace.real``: its photo pool and tables; a paper
    package's ``pretrained`` module: the paper's computations on it) name each function after the
    one it mirrors (``p1.pretrained.bypass_demo`` is ``p1.barriers.bypass_demo`` on
    EfficientNet-Lite, ``real.pool.pool`` P2's pool): one such module beside paper modules."""
    real = [
        m
        for m in modules
        if m.startswith("inputspace.real.") or re.match(r"inputspace\.(p\d|px)\.pretrained$", m)
    ]
    return len(real) == 1 and all(
        re.match(r"inputspace\.(p\d|px)\.", m) for m in modules if m not in real
    )


def test_no_public_name_means_two_things():
    """A public name is defined once in the library, except names defined only in role files
    (``p1.plots.fig01``, ``p1.claims.fig01``, ``p3.plots.fig01``: the notebook item they serve, in the
    role the module names), a real-network module's mirror of a paper computation (:func:`_mirrors`)
    and ALLOWED_REPEATS. A concept module or ``methods`` never shares a name otherwise."""
    where = collections.defaultdict(list)
    for module, f in _modules():
        for name in _public_names(ast.parse(f.read_text())):
            where[name].append(module)
    clashes = {}
    for name, modules in where.items():
        if len(modules) < 2 or name in ALLOWED_REPEATS:
            continue
        if all(
            _role(m) in ROLE_FILES + ("explorer",) and _role(m) not in ("knobs", "cost")
            for m in modules
        ) or _mirrors(modules):
            continue
        clashes[name] = modules
    assert clashes == {}


@pytest.mark.parametrize("path", sorted(LIB.rglob("*.py")), ids=lambda p: str(p.relative_to(LIB)))
def test_library_cites_the_papers_not_a_file_outside_the_repository(path: Path):
    text = path.read_text()
    assert "shared/papers" not in text and "checklist" not in text.lower()


def _imported(module):
    return {
        base
        for m, f in _modules()
        if m == module
        for base, _ in _imports(ast.parse(f.read_text()), m)
    }


def _in_wing(module):
    return module == "inputspace.run" or module.startswith("inputspace.run.")


def test_the_run_wing_stands_on_top_and_no_arrow_runs_back_up():
    """The run machinery is one wing, ``inputspace.run``, and nothing below it imports it: only the
    static site (``inputspace.site``, a sibling tool on top) reads one name there, the widget type of
    an executed notebook (``run.volatile``). Inside the wing, the workflow engine (Snakemake jobs)
    runs the notebook runner as a command (``python -m inputspace.run run-one``) and never imports
    it; both read the notebook catalogue, which imports nothing above ``paths``; a run's outputs
    take the knobs from the catalogue, not from ``notebook`` (which imports them)."""
    modules = [m for m, _ in _modules()]
    wing = [m for m in modules if _in_wing(m)]
    assert {"inputspace.run.cli", "inputspace.run.papercheck", "inputspace.run.papercost"} <= set(
        wing
    )
    for module in modules:
        if module in wing:
            continue
        up = {b for b in _imported(module) if _in_wing(b)}
        allowed = {"inputspace.run.volatile"} if module.startswith("inputspace.site") else set()
        assert up <= allowed, f"{module} imports {sorted(up - allowed)}"
    workflow = [m for m in wing if m.startswith("inputspace.run.workflow")]
    assert len(workflow) >= 4
    for module in workflow:
        runner = {
            b
            for b in _imported(module)
            if _in_wing(b) and not b.startswith("inputspace.run.workflow")
        }
        assert not runner, f"{module} imports {sorted(runner)}"
    assert {b for b in _imported("inputspace.catalogue") if b.startswith("inputspace")} <= {
        "inputspace",
        "inputspace.paths",
        "inputspace.config",
    }  # config: type names only
    assert "inputspace.notebook" not in _imported("inputspace.outputs")
