"""The code digest of cached results follows what computes them, nothing else.

:func:`inputspace.sources.compute_digest` keys every cached result by the sources of the module
that computed it and of every library module it imports, transitively. A module that only
reports (progress bars, tables, figures, claims, the scorecard), costs (``make paper-cost``, the
``cost`` role files, the work model) or fakes (the stand-ins of ``make paper-check``) must not
enter that closure: editing it would throw away hours of cached LST runs, SOMs and attacks without
any number changing. These tests find every module that defines a cached computation and check
its closure; the synthetic library below shows that the check catches such an import.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from inputspace import sources

LIB = sources.LIB / "inputspace"
PACKAGES = r"(p\d|px|real)"
NON_COMPUTING = re.compile(
    r"^inputspace\.("
    r"progress|workmodel|plotting|catalogue|scorecard|verdicts|claims"
    r"|outputs|provenance|notebook|oomhint|sources|run(\..+)?|site(\..+)?"
    rf"|{PACKAGES}\.(cost|plots|tables|claims|statements|explorer)"
    r")$"
)
"""Modules that report, cost or fake: none of them may change what a cached computation returns."""


def offenders(modules: list[str]) -> list[str]:
    """The names in ``modules`` (dotted module names) that do not compute."""
    return sorted(m for m in modules if NON_COMPUTING.match(m))


def module_name(path: Path, lib: Path = sources.LIB) -> str:
    """``lib/inputspace/p3/maps.py`` → ``inputspace.p3.maps`` (a package's ``__init__`` → the package)."""
    return ".".join(path.relative_to(lib).with_suffix("").parts).removesuffix(".__init__")


def _calls_cached(tree: ast.AST) -> bool:
    return any(
        isinstance(n, ast.Call)
        and (getattr(n.func, "id", None) == "cached" or getattr(n.func, "attr", None) == "cached")
        for n in ast.walk(tree)
    )


def cached_modules() -> list[str]:
    """Every library module that hands a computation to :func:`inputspace.cache.cached` (the
    computation is a function of that module, so its digest starts there)."""
    return sorted(
        module_name(f)
        for f in LIB.rglob("*.py")
        if f.name != "cache.py" and _calls_cached(ast.parse(f.read_text()))
    )


def test_the_cached_computations_are_found():
    found = cached_modules()
    assert {
        "inputspace.p1.adversarial",
        "inputspace.p2.lst",
        "inputspace.p2.roles",
        "inputspace.p3.maps",
        "inputspace.px.layers",
        "inputspace.p1.pretrained",
    } <= set(found)
    assert not offenders(found), "a cached computation lives in a module that does not compute"


@pytest.mark.parametrize("module", cached_modules())
def test_no_module_that_only_reports_costs_or_fakes_enters_the_digest(module):
    deps = [module_name(f) for f in sources.compute_dependencies(module)]
    assert module in deps
    assert offenders(deps) == [], f"the code digest of {module} follows modules that do not compute"


def test_the_non_computing_modules_named_exist():
    """A renamed module must not make the check above silently vacuous."""
    for name in (
        "progress",
        "run.papercost",
        "run.papercheck",
        "workmodel",
        "run.standins",
        "plotting",
        "run.execute",
        "run.cli",
        "scorecard",
        "verdicts",
        "claims",
        "outputs",
        "provenance",
        "run.workflow.engine",
        "site.build",
        "p0.cost",
        "p1.cost",
        "p2.cost",
        "p3.cost",
        "px.cost",
        "real.cost",
        "p1.plots",
        "p3.tables",
    ):
        assert (LIB.joinpath(*name.split(".")).with_suffix(".py")).is_file(), name
        assert offenders([f"inputspace.{name}"]), name


def test_the_checker_flags_a_non_computing_module_and_only_those():
    assert offenders(
        [
            "inputspace.methods.levelset",
            "inputspace.progress",
            "inputspace.p2.knobs",
            "inputspace.p2.cost",
            "inputspace.run.workflow.engine",
            "inputspace.models",
        ]
    ) == ["inputspace.p2.cost", "inputspace.progress", "inputspace.run.workflow.engine"]
    assert offenders(["inputspace.p3.maps", "inputspace.p3.knobs", "inputspace.real.pool"]) == []


def _write(lib: Path, module: str, source: str) -> None:
    f = lib.joinpath(*module.split(".")).with_suffix(".py")
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text(source)


@pytest.mark.parametrize(
    "bad", ["inputspace.run.papercost", "inputspace.run.standins", "inputspace.p9.cost"]
)
def test_a_compute_module_importing_a_non_computing_one_is_caught(tmp_path, monkeypatch, bad):
    """A synthetic library: ``inputspace.p9.maps`` caches a computation and imports ``bad``; its
    digest then follows ``bad`` and the check names it. Without that import it passes."""
    lib = tmp_path / "lib"
    _write(lib, "inputspace.__init__", "")
    _write(lib, "inputspace.p9.__init__", "")
    _write(lib, "inputspace.p9.knobs", "K = 1\n")
    _write(lib, bad, "X = 2\n")
    _write(lib, "inputspace.p9.maps", f"from inputspace.p9 import knobs\nimport {bad}\n")
    _write(lib, "inputspace.p9.clean", "from inputspace.p9 import knobs\n")
    monkeypatch.setattr(sources, "LIB", lib)
    deps = [module_name(f, lib) for f in sources.compute_dependencies("inputspace.p9.maps")]
    assert bad in deps and offenders(deps) == [bad]
    clean = [module_name(f, lib) for f in sources.compute_dependencies("inputspace.p9.clean")]
    assert "inputspace.p9.knobs" in clean and offenders(clean) == []


def test_a_progress_bar_is_presentation_so_the_digest_never_follows_it():
    """Algorithms draw their bars with ``progress`` (``levelset``, ``inputopt``, ``train``): it is one
    of the modules the digest skips, so a change to a bar keeps every cached result."""
    assert sources.is_presentation("inputspace.progress")
    assert "inputspace.progress" not in [
        module_name(f) for f in sources.compute_dependencies("inputspace.p2.lst")
    ]
