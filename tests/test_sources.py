"""Which library sources a cached result depends on (inputspace.sources)."""
import json
import shutil

from inputspace import paths, sources


def test_compute_dependencies_follow_the_algorithms_but_not_the_presentation():
    names = {p.name for p in sources.compute_dependencies("inputspace.studies.p2")}
    assert {"p2.py", "p2_models.py", "levelset.py", "hulls.py", "zoo.py", "train.py"} <= names
    assert not names & {"plotting.py", "notebook.py", "claims.py", "p2_plots.py", "pipeline.py"}


def test_library_dependencies_of_notebook_code_include_the_presentation():
    names = {p.name for p in sources.library_dependencies("from inputspace import notebook")}
    assert {"notebook.py", "plotting.py", "claims.py", "cache.py"} <= names


def test_digest_changes_when_an_imported_algorithm_changes(tmp_path, monkeypatch):
    lib = tmp_path / "lib"
    shutil.copytree(sources.LIB / "inputspace", lib / "inputspace")
    monkeypatch.setattr(sources, "LIB", lib)
    before = sources.compute_digest("inputspace.studies.p2", "quick")
    plots = lib / "inputspace" / "studies" / "p2_plots.py"
    plots.write_text(plots.read_text() + "\n# a plotting change\n")
    assert sources.compute_digest("inputspace.studies.p2", "quick") == before
    hulls = lib / "inputspace" / "hulls.py"
    hulls.write_text(hulls.read_text() + "\n# an algorithm change\n")
    assert sources.compute_digest("inputspace.studies.p2", "quick") != before


def test_digest_changes_with_retrained_weights_but_not_with_training_time():
    models = paths.models_dir("quick")
    models.mkdir(parents=True)
    manifest = models / "resnet18-digits-standard-s0.json"
    manifest.write_text(json.dumps({"sha256": "aa", "train_seconds": 10.0}))
    first = sources.compute_digest("inputspace.studies.p3", "quick")
    manifest.write_text(json.dumps({"sha256": "aa", "train_seconds": 99.0}))
    assert sources.compute_digest("inputspace.studies.p3", "quick") == first
    manifest.write_text(json.dumps({"sha256": "bb", "train_seconds": 99.0}))
    assert sources.compute_digest("inputspace.studies.p3", "quick") != first
