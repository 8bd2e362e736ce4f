import json
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import pytest

from inputspace import catalogue, claims, paths, scorecard, sources
from inputspace.outputs import RunOutputs
from inputspace.plotting import savefig
from inputspace.run import execute, readme, seeds, timings, volatile


def test_scorecard_records_saves_and_aggregates_per_paper(build):
    card = claims.Scorecard("p2-triangles", "quick")
    card.record("C1", "AT keeps more of the triangle", "> normal", "0.61 vs 0.20", True)
    card.record("C2", "target confidence stays low", "< 0.1", "0.30", False, "fails")
    card.record("C2", "target confidence stays low", "< 0.1", "0.31", False)  # re-record replaces
    claims.Scorecard("p1-fig01", "quick").record("C1", "barrier exists", "yes", "n/a", None)
    totals = scorecard.write_scorecard("quick", build / "out")
    assert totals == {"PASS": 1, "FAIL": 1, "N/A": 1}
    md = (build / "out" / "claims.md").read_text()
    assert "## P1" in md and "## P2" in md and "0.31" in md and "0.30" not in md
    assert json.loads((build / "out" / "claims.json").read_text())["totals"]["FAIL"] == 1


def test_running_one_notebook_keeps_the_other_notebooks_rows_of_the_scorecard(build):
    out = build / "out"
    claims.Scorecard("p1-fig01", "quick").record("C1", "barrier exists", "yes", "old", True)
    claims.Scorecard("p2-triangles", "quick").record(
        "C1", "AT keeps more", "> normal", "old", False
    )
    claims.Scorecard("p3-fig01", "quick").record("C1", "SOM", "yes", "old", True)
    scorecard.write_scorecard(
        "quick", out, ["p1-fig01", "p2-triangles", "p3-fig01"]
    )  # the committed scorecard
    for p in paths.claims_dir("quick").glob("*.json"):  # a fresh clone: no run records
        p.unlink()
    claims.Scorecard("p2-triangles", "quick").record(
        "C1", "AT keeps more", "> normal", "new", True
    )  # ONLY=p2-triangles
    claims.Scorecard("p9-fig01", "quick")  # a notebook that ran and records no claim (p0-00)
    totals = scorecard.write_scorecard("quick", out, ["p1-fig01", "p2-triangles", "p3-fig01"])
    rows = [(c.notebook_id, c.measured) for c in claims.load_scorecard(out / "claims.json")]
    assert rows == [
        ("p1-fig01", "old"),
        ("p2-triangles", "new"),
        ("p3-fig01", "old"),
    ]  # notebook order kept
    assert totals == {"PASS": 3, "FAIL": 0, "N/A": 0}
    # a notebook no longer in the selection (removed) drops out
    assert [
        c.notebook_id for c in claims.current_claims("quick", out, ["p2-triangles", "p3-fig01"])
    ] == ["p2-triangles", "p3-fig01"]


def test_a_rerun_starts_the_notebook_scorecard_empty(build):
    claims.Scorecard("p2-triangles", "quick").record("C1", "s", "p", "m", True)
    claims.Scorecard("p2-triangles", "quick")
    assert claims.load_all("quick") == []


def test_savefig_writes_png_and_pdf_without_dates(build):
    fig, ax = plt.subplots()
    ax.plot([0, 1])
    run = RunOutputs("p9-fig01", "quick")
    written = savefig(fig, run)
    assert sorted(p.suffix for p in written) == [".pdf", ".png"]
    assert b"CreationDate" not in written[1].read_bytes()
    a = written[0].read_bytes()
    savefig(fig, run)
    assert written[0].read_bytes() == a  # stable bytes across reruns
    assert (
        savefig(fig, RunOutputs("p9-fig01", "smoke"))[0].parent
        == build / "build" / "smoke" / "figures"
    )


def test_saved_figures_show_repository_relative_paths(monkeypatch):
    from inputspace.plotting import Saved

    shown = repr(Saved([paths.ROOT / "figures" / "p0-00.png", Path("/elsewhere/x.pdf")]))
    assert shown == "saved figures/p0-00.png, /elsewhere/x.pdf"


def test_notebook_ids_and_selection():
    assert (
        catalogue.notebook_id(paths.NOTEBOOKS / "p2-triangles-convex-hulls.ipynb") == "p2-triangles"
    )
    with pytest.raises(SystemExit, match="no notebook matches"):
        catalogue.select("p9-nothing")


def test_strip_volatile_keeps_tags_counts_and_outputs():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(
        "x = 1",
        execution_count=3,
        metadata={
            "tags": ["parameters"],
            "papermill": {"duration": 1.0},
            "execution": {"iopub.status.busy": "2026"},
        },
    )
    cell.outputs = [nbformat.v4.new_output("stream", text="hi")]
    nb.cells = [cell]
    nb.metadata["papermill"] = {"start_time": "2026"}
    out = volatile.strip_volatile(nb)
    c = out.cells[0]
    assert "papermill" not in out.metadata and set(c.metadata) == {"tags"}
    assert c.execution_count == 3 and c.outputs[0].text == "hi"


def test_inputs_hash_changes_with_code_and_profile_but_not_outputs(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("a = 1")]
    p = tmp_path / "p9-x.ipynb"
    nbformat.write(nb, p)
    h = sources.inputs_hash(p, "quick")
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", text="out")]
    nbformat.write(nb, p)
    assert sources.inputs_hash(p, "quick") == h != sources.inputs_hash(p, "smoke")
    nb.cells[0].source = "a = 2"
    nbformat.write(nb, p)
    assert sources.inputs_hash(p, "quick") != h


def test_library_dependencies_follow_imports_transitively_and_only_those():
    deps = {
        str(p.relative_to(paths.ROOT / "lib" / "inputspace"))
        for p in sources.library_dependencies("from inputspace.p0 import training")
    }
    assert {"p0/training.py", "p0/knobs.py", "zoo.py", "train.py", "models.py", "config.py"} <= deps
    assert not any(d.startswith(("p1/", "p2/", "p3/")) for d in deps)
    assert "p0/plots.py" not in deps


def test_timings_record_each_notebook_and_the_total(build):
    out = timings.write_timings(
        "quick",
        {
            "p0-00": {"status": "ok", "seconds": 60.0},
            "p1-fig01": {"status": "skipped", "seconds": 0.5},
        },
    )
    rec = json.loads(out.read_text())
    assert out.parent == paths.BUILD / "quick"
    assert rec["total_seconds"] == 60.5
    assert rec["notebooks"]["p1-fig01"] == {"status": "skipped", "seconds": 0.5}


def test_strip_volatile_gives_widget_views_stable_ids():
    def executed(model_id):
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell("w", execution_count=1)
        cell.outputs = [
            nbformat.v4.new_output(
                "display_data",
                data={
                    "text/plain": "VBox()",
                    volatile.WIDGET_VIEW: {"model_id": model_id, "version_major": 2},
                },
            )
        ]
        nb.cells = [nbformat.v4.new_markdown_cell("# t"), cell]
        return volatile.strip_volatile(nb)

    a, b = executed("5dd74cb5"), executed("5afbc0bc")
    assert a.cells[1].outputs == b.cells[1].outputs
    assert a.cells[1].outputs[0].data[volatile.WIDGET_VIEW]["model_id"] == "cell1-0"
    assert a.cells[1].outputs[0].data["text/plain"] == "VBox()"


def test_readme_totals_carry_the_certainty_split(build, monkeypatch):
    import numpy as np

    from inputspace import certainty

    monkeypatch.setattr(paths, "ROOT", build)
    (build / "README.md").write_text(
        f"intro\n{readme.README_START}\nold\n{readme.README_END}\nrest\n"
    )
    card = claims.Scorecard("p2-triangles", "quick")
    card.record(
        "C1", "s", "p", "0.9", True, evidence=certainty.evidence(np.full(8, 0.9), lambda m: m > 0.5)
    )
    card.record("C2", "s", "p", "0.3", False)
    readme.scorecard("quick")
    text = (build / "README.md").read_text()
    assert (
        "**Paper claims on the quick models: 1 pass (1 clear, 0 marginal), 1 fail (0 clear, 0 marginal, "
        "1 without an interval), 0 not evaluated** (of 2;"
    ) in text
    assert "- **P2**: 1 of 2 paper claims hold; 1 not reproduced (unexplained: C2)." in text
    assert text.startswith("intro\n") and text.endswith("rest\n") and "\nold\n" not in text


def test_another_model_seed_runs_apart_from_the_committed_results(build, monkeypatch):
    monkeypatch.setenv(paths.MODEL_SEED_ENV, "1")
    assert paths.run_name("quick") == "quick-seed1" and paths.run_name("paper") == "paper"
    assert paths.figures_dir("quick") == build / "build" / "quick-seed1" / "figures"
    assert paths.claims_dir("quick") == build / "build" / "quick-seed1" / "claims"
    assert paths.cache_dir("p2-triangles", "quick").parent.name == "quick-seed1"
    monkeypatch.setenv(paths.MODEL_SEED_ENV, "one")
    with pytest.raises(ValueError, match="non-negative integer"):
        paths.model_seed()
    monkeypatch.delenv(paths.MODEL_SEED_ENV)
    assert paths.run_name("quick") == "quick" and paths.figures_dir("quick") == build / "figures"


def test_a_quick_run_under_model_seed_1_promotes_nothing(build, monkeypatch):
    import papermill

    nbs = build / "notebooks"
    nbs.mkdir()
    monkeypatch.setattr(paths, "NOTEBOOKS", nbs)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    src = nbs / "p9-00-fake.ipynb"
    nbformat.write(nb, src)
    committed = src.read_bytes()

    def executes(inp, outp, **kw):
        done = nbformat.read(inp, as_version=4)
        done.cells[0].outputs = [nbformat.v4.new_output("stream", text="ran\n")]
        nbformat.write(done, outp)

    monkeypatch.setattr(papermill, "execute_notebook", executes)
    monkeypatch.setenv(paths.MODEL_SEED_ENV, "1")
    assert execute.run_one(src, "quick", True) == "ok"
    assert src.read_bytes() == committed and (build / "build" / "quick-seed1" / src.name).exists()
    monkeypatch.delenv(paths.MODEL_SEED_ENV)
    assert (
        execute.run_one(src, "quick", True) == "ok" and src.read_bytes() != committed
    )  # seed 0 promotes


def test_compare_writes_the_seed_table_from_both_scorecards(build, monkeypatch):
    with pytest.raises(SystemExit, match="MODEL_SEED=1"):
        seeds.compare()
    claims.Scorecard("p2-triangles", "quick").record("C1", "s", "p", "0.61", True)
    scorecard.write_scorecard("quick", build / "figures")
    monkeypatch.setenv(paths.MODEL_SEED_ENV, "1")
    claims.Scorecard("p2-triangles", "quick").record("C1", "s", "p", "0.41", False)
    scorecard.write_scorecard("quick", paths.figures_dir("quick"))
    monkeypatch.delenv(paths.MODEL_SEED_ENV)
    md = seeds.compare().read_text()
    assert "Model seeds 0, 1; 1 of 1 claims change verdict" in md
    assert "| p2-triangles | C1 | **PASS** 0.61 | **FAIL** 0.41 | yes |" in md
