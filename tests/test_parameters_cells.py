"""Every parameters cell is what ``papermill --help-notebook`` reads: exactly the notebook's knobs."""

import re

import nbformat
import papermill as pm
import pytest

from inputspace import catalogue, notebook, paths
from inputspace.config import COMMON, Knob, per_profile

NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("p*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_papermill_inspects_exactly_the_notebooks_knobs_with_their_help(path):
    knobs = notebook.knobs_of(catalogue.notebook_id(path))
    inspected = pm.inspect_notebook(str(path))
    assert list(inspected) == [*COMMON, *knobs]
    for name, knob in knobs.items():
        assert inspected[name]["help"].startswith(knob.help.strip()), name
        assert inspected[name]["default"] == "None"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_is_the_generated_one(path):
    """The cell is written by ``notebook.parameters_source`` from the knobs (no hand-edited drift)."""
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    common = [ln for ln in cell.source.splitlines() if re.match(r"(profile|device|seed):", ln)]
    assert cell.source == notebook.parameters_source(
        common, notebook.knobs_of(catalogue.notebook_id(path))
    )


def test_parameter_line_is_read_by_papermill_and_rejects_help_it_cannot_parse():
    from papermill.translators import PythonTranslator

    line = notebook.parameter_line("iters", per_profile(1, 10, 400, "T, LST iterations"))
    assert (
        line
        == "iters: int = None  # T, LST iterations; None: profile default (smoke 1, quick 10, paper 400)"
    )
    (param,) = PythonTranslator.inspect(nbformat.v4.new_code_cell(line))
    assert (param.name, param.inferred_type_name, param.default) == ("iters", "int", "None")
    choice = notebook.parameter_line("rule", Knob("a", ("a", "b"), "pool rule"))
    assert "choices: 'a' | 'b'" in choice and "None: profile default ('a')" in choice
    with pytest.raises(ValueError, match="papermill"):
        notebook.parameter_line("k", Knob(1, help="k = 1 means one"))


def test_knobs_of_rejects_unknown_ids():
    with pytest.raises(ValueError, match="unknown notebook id"):
        notebook.knobs_of("p2-fig99")
    with pytest.raises(ValueError, match="no paper package"):
        notebook.knobs_of("p9-fig01")
