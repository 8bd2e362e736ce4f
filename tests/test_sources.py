"""Which library sources a cached result depends on (inputspace.sources)."""

import json
import shutil

import pytest

from inputspace import paths, sources


def test_compute_dependencies_follow_the_algorithms_but_not_the_presentation():
    names = {
        str(p.relative_to(sources.LIB))
        for p in sources.compute_dependencies("inputspace.p0.training")
    }
    assert {
        "inputspace/p0/training.py",
        "inputspace/p0/knobs.py",
        "inputspace/zoo.py",
        "inputspace/train.py",
    } <= names
    assert not names & {
        "inputspace/plotting.py",
        "inputspace/notebook.py",
        "inputspace/claims.py",
        "inputspace/p0/plots.py",
        "inputspace/run/execute.py",
        "inputspace/progress.py",
    }


def test_library_dependencies_of_notebook_code_include_the_presentation():
    names = {p.name for p in sources.library_dependencies("from inputspace import notebook")}
    assert {"notebook.py", "plotting.py", "claims.py", "cache.py"} <= names


@pytest.mark.parametrize(
    ("module", "presentation"),
    [
        ("inputspace.notebook", True),
        ("inputspace.claims", True),
        ("inputspace.run.execute", False),  # never imported by compute code: test_digest.py
        ("inputspace.progress", True),
        ("inputspace.p1.plots", True),
        ("inputspace.p2.tables", True),
        ("inputspace.p3.explorer", True),
        ("inputspace.px.claims", True),
        ("inputspace.p3.maps", False),
        ("inputspace.p1.knobs", False),
        ("inputspace.methods.levelset", False),
        ("inputspace.zoo", False),
        ("inputspace.p3.plotsx", False),
        ("inputspace.methods.plots", False),
    ],
)
def test_presentation_follows_the_role_files(module, presentation):
    assert sources.is_presentation(module) is presentation


@pytest.fixture
def fake_paper(tmp_path, monkeypatch):
    """A copy of the library with a paper package p9: a concept module that imports the
    presentation modules (as a notebook-facing module may), and those presentation modules."""
    lib = tmp_path / "lib"
    shutil.copytree(sources.LIB / "inputspace", lib / "inputspace")
    pkg = lib / "inputspace" / "p9"
    pkg.mkdir()
    (pkg / "__init__.py").write_text('"""fake paper"""\n')
    (pkg / "work.py").write_text(
        "from ..methods import lst_eval\nfrom ..cache import cached\nfrom . import tables\n"
    )
    for role in sources.PRESENTATION_ROLES:
        (pkg / f"{role}.py").write_text("X = 1\n")
    monkeypatch.setattr(sources, "LIB", lib)
    return lib / "inputspace"


def test_digest_ignores_presentation_roles_and_follows_the_algorithms(fake_paper):
    before = sources.compute_digest("inputspace.p9.work", "quick")
    for name in ("p9/tables.py", "plotting.py", "claims.py"):
        f = fake_paper / name
        f.write_text(f.read_text() + "\n# a presentation change\n")
        assert sources.compute_digest("inputspace.p9.work", "quick") == before, name
    lst_eval = fake_paper / "methods" / "lst_eval.py"
    lst_eval.write_text(lst_eval.read_text() + "\n# an algorithm change\n")
    assert sources.compute_digest("inputspace.p9.work", "quick") != before


def test_a_cached_computation_in_a_presentation_module_is_refused(fake_paper):
    with pytest.raises(ValueError, match="presentation module"):
        sources.compute_digest("inputspace.p9.plots", "quick")


def test_no_cached_computation_lives_in_a_presentation_module():
    """Static guard for the rule above over the real library (the runtime check only fires
    when the notebook runs)."""
    offenders = []
    for f in sorted((sources.LIB / "inputspace").rglob("*.py")):
        module = ".".join(f.relative_to(sources.LIB).with_suffix("").parts)
        if (
            sources.is_presentation(module)
            and module != "inputspace.notebook"
            and "cached(" in f.read_text()
        ):
            offenders.append(module)
    assert offenders == []


def test_digest_changes_with_retrained_weights_but_not_with_training_time():
    models = paths.models_dir("quick")
    models.mkdir(parents=True)
    manifest = models / "resnet18-digits-standard-s0.json"
    manifest.write_text(json.dumps({"sha256": "aa", "train_seconds": 10.0}))
    first = sources.compute_digest("inputspace.p0.training", "quick")
    manifest.write_text(json.dumps({"sha256": "aa", "train_seconds": 99.0}))
    assert sources.compute_digest("inputspace.p0.training", "quick") == first
    manifest.write_text(json.dumps({"sha256": "bb", "train_seconds": 99.0}))
    assert sources.compute_digest("inputspace.p0.training", "quick") != first
