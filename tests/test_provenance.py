"""Provenance names a real commit, the digest of the sources, and uncommitted changes only when
there are some (inputspace.provenance)."""

import json
import subprocess

import pytest

from inputspace import paths, provenance, sources
from inputspace.run import stale


def _notebook(code, output=""):
    """nbformat-4 JSON of one code cell (with a stdout output) and one markdown cell."""
    cell = {
        "cell_type": "code",
        "execution_count": 1,
        "metadata": {},
        "source": code.splitlines(True),
        "outputs": [{"output_type": "stream", "name": "stdout", "text": output.splitlines(True)}],
    }
    md = {"cell_type": "markdown", "metadata": {}, "source": ["# title"]}
    return json.dumps(
        {"cells": [md, cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1
    )


def _git(root, *args):
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path):
    """A committed checkout: one library module, one notebook, a README."""
    root = tmp_path / "repo"
    (root / "lib" / "inputspace").mkdir(parents=True)
    (root / "notebooks").mkdir()
    (root / "lib" / "inputspace" / "x.py").write_text("X = 1\n")
    (root / "notebooks" / "p9-fig01-a.ipynb").write_text(_notebook("x = 1", "1\n"))
    (root / "README.md").write_text("readme\n")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "first")
    return root


def test_a_clean_checkout_names_its_commit_and_no_change(repo):
    state = provenance.git_state(repo)
    head = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    assert state == provenance.GitState(head, ())
    assert state.changes_text() == "none" and "+dirty" not in state.commit


def test_an_executed_notebook_is_no_change_but_its_code_is(repo):
    nb = repo / "notebooks" / "p9-fig01-a.ipynb"
    nb.write_text(_notebook("x = 1", "other output, as after a run\n"))
    (repo / "README.md").write_text("outside lib/ and notebooks/\n")
    assert provenance.git_state(repo).changed == ()
    nb.write_text(_notebook("x = 2", "1\n"))
    assert provenance.git_state(repo).changed == ("notebooks/p9-fig01-a.ipynb",)


def test_library_edits_new_and_deleted_files_are_changes(repo):
    (repo / "lib" / "inputspace" / "x.py").write_text("X = 2\n")
    (repo / "lib" / "inputspace" / "new.py").write_text("Y = 1\n")  # untracked, not ignored
    state = provenance.git_state(repo)
    assert state.changed == ("lib/inputspace/new.py", "lib/inputspace/x.py")
    assert state.changes_text() == "2 files: lib/inputspace/new.py, lib/inputspace/x.py"
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "second")
    (repo / "notebooks" / "p9-fig01-a.ipynb").unlink()
    assert provenance.git_state(repo).changed == ("notebooks/p9-fig01-a.ipynb",)
    many = provenance.GitState("abc", tuple(f"lib/m{i}.py" for i in range(6)))
    assert many.changes_text() == "6 files: lib/m0.py, lib/m1.py, lib/m2.py, lib/m3.py, … (2 more)"


def test_outside_a_git_checkout_nothing_is_claimed(tmp_path):
    assert provenance.git_state(tmp_path) == provenance.GitState(None)
    assert provenance.report(None, "quick", tmp_path) == {
        "git": "unknown (not a git checkout)",
        "uncommitted changes": "unknown",
    }


def test_the_report_names_commit_digest_and_changes(repo):
    nb = repo / "notebooks" / "p9-fig01-a.ipynb"
    out = provenance.report(nb, "quick", repo)
    assert list(out) == ["git", "sources", "uncommitted changes"]
    assert (
        out["sources"] == sources.inputs_hash(nb, "quick")[:16]
        and out["uncommitted changes"] == "none"
    )
    (repo / "lib" / "inputspace" / "x.py").write_text("X = 3\n")
    assert (
        provenance.report(nb, "quick", repo)["uncommitted changes"] == "1 file: lib/inputspace/x.py"
    )


def test_the_notebook_file_of_an_id():
    assert (
        provenance.notebook_file("p2-triangles")
        == paths.NOTEBOOKS / "p2-triangles-convex-hulls.ipynb"
    )
    assert provenance.notebook_file("p2-fig4") is None


def test_stale_lists_outputs_from_other_sources(tmp_path, capsys):
    nb = tmp_path / "p9-fig01-a.ipynb"
    nb.write_text(_notebook("x = 1"))
    digest = provenance.sources_digest(nb, "quick")
    nb.write_text(
        _notebook("x = 1", f"git                  abc1234\nsources              {digest}\n")
    )
    assert provenance.recorded_digest(nb) == digest
    assert stale.stale([nb]) == []
    nb.write_text(
        _notebook("x = 2", f"sources              {digest}\n")
    )  # code changed since that run
    assert stale.stale([nb]) == ["p9-fig01"]
    nb.write_text(_notebook("x = 1", "git 3f35952+dirty\n"))  # before provenance printed a digest
    assert stale.stale([nb]) == ["p9-fig01"] and "[none] p9-fig01" in capsys.readouterr().out


def test_notebook_code_reads_code_cells_only():
    text = _notebook("a = 1\nb = 2", "out\n")
    assert sources.notebook_code(text) == "a = 1\nb = 2"
