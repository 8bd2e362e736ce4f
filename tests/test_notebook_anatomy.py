"""Every committed notebook follows the house anatomy (parameters, setup, claims, provenance)."""

import os
import re

import nbformat
import pytest

from inputspace import catalogue, paths
from inputspace.run import execute, prepare

NOTEBOOKS = sorted(paths.NOTEBOOKS.glob("p*.ipynb"))
OVERVIEWS = [p for p in NOTEBOOKS if re.match(r"p[1-9x]-00-", p.name)]  # one per paper, no claims
# tables and the overviews have no figure
FIGURE_NOTEBOOKS = [p for p in NOTEBOOKS if "-tab" not in p.stem and p not in OVERVIEWS]
CLAIM_NOTEBOOKS = [p for p in NOTEBOOKS if not p.name.startswith("p0-") and p not in OVERVIEWS]


def _code(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_is_tagged_literal_and_has_the_common_knobs(path):
    nb = nbformat.read(path, as_version=4)
    params = [c for c in _code(nb) if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    src = params[0].source
    for name in ("profile", "device", "seed"):
        assert re.search(rf"^{name}: \w+ = ", src, re.M), f"{name} missing from the parameters cell"
    assert "import" not in src and "(" not in src.split("#")[0], "parameters must be literals only"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_setup_validates_with_the_notebook_id_and_no_path_hacks(path):
    nb = nbformat.read(path, as_version=4)
    src = "\n".join(c.source for c in _code(nb))
    assert f'notebook.setup("{catalogue.notebook_id(path)}", globals()' in src
    assert "sys.path" not in src and "os.chdir" not in src
    if path in FIGURE_NOTEBOOKS:
        assert "savefig(" in src


@pytest.mark.parametrize("path", FIGURE_NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebooks_show_their_figure_inline(path):
    """The quick run's outputs are committed: a reader must see the figure in the notebook."""
    outputs = [o for c in _code(nbformat.read(path, as_version=4)) for o in c.get("outputs", [])]
    assert any("image/png" in o.get("data", {}) for o in outputs), "no inline figure in the outputs"


def test_kernels_draw_inline_even_when_the_shell_says_agg(monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    execute.kernel_env("quick")
    assert os.environ["MPLBACKEND"] == execute.INLINE_BACKEND


@pytest.mark.parametrize("path", CLAIM_NOTEBOOKS, ids=lambda p: p.stem)
def test_paper_notebooks_record_claims_through_one_library_call(path):
    """Verdicts are tested library code: the claims cell is one ``claims.<item>(card, …)`` call."""
    src = "\n".join(c.source for c in _code(nbformat.read(path, as_version=4)))
    assert re.search(r"^claims\.\w+\(card\b", src, re.M), "no claims.<item>(card, ...) call"
    assert "card.record(" not in src, "verdict logic belongs in the paper's claims module"


@pytest.mark.parametrize("path", OVERVIEWS, ids=lambda p: p.stem)
def test_overview_links_every_notebook_of_its_paper(path):
    paper = path.name.split("-")[0]
    text = "\n".join(
        c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"
    )
    for other in NOTEBOOKS:
        if other.name.startswith(paper + "-") and other != path:
            assert f"({other.name})" in text, f"{path.name} does not link {other.name}"


@pytest.mark.parametrize(
    "path",
    [p for p in NOTEBOOKS if p.name.startswith(("p1-", "p2-", "p3-")) and p not in OVERVIEWS],
    ids=lambda p: p.stem,
)
def test_figure_notebooks_link_their_papers_overview(path):
    first = nbformat.read(path, as_version=4).cells[0].source
    overview = next(o.name for o in OVERVIEWS if o.name.startswith(path.name.split("-")[0] + "-"))
    assert f"({overview})" in first, f"the header does not link {overview}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_link_to_files_outside_the_repository(path):
    text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
    assert "shared/papers" not in text and "checklist" not in text.lower()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_last_code_cell_is_the_ignored_provenance_cell(path):
    last = _code(nbformat.read(path, as_version=4))[-1].source
    assert last.startswith("# NBVAL_IGNORE_OUTPUT") and "provenance(cfg)" in last


def test_prepare_injects_the_profile_after_the_parameters_cell(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "BUILD", tmp_path)
    written = prepare.prepare("smoke", "p0")
    nb = nbformat.read(written[0], as_version=4)
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    i = next(i for i, t in enumerate(tags) if "parameters" in t)
    assert "injected-parameters" in tags[i + 1] and 'profile = "smoke"' in nb.cells[i + 1].source


TEMPLATE = paths.NOTEBOOKS / "templates" / "figure-template.ipynb"


def test_the_templates_imports_resolve():
    """Every ``inputspace`` name the figure template imports exists (the template is not executed)."""
    import ast
    import importlib

    tree = ast.parse("\n".join(c.source for c in _code(nbformat.read(TEMPLATE, as_version=4))))
    imported = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("inputspace"):
            module = importlib.import_module(node.module)
            for alias in node.names:
                if not hasattr(module, alias.name):
                    importlib.import_module(f"{node.module}.{alias.name}")  # a submodule
                imported.append(f"{node.module}.{alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                importlib.import_module(alias.name)
    assert "inputspace.notebook" in imported and "inputspace.plotting.savefig" in imported


def test_the_template_follows_the_anatomy():
    nb = nbformat.read(TEMPLATE, as_version=4)
    code = _code(nb)
    assert "parameters" in code[0].metadata.get("tags", [])
    src = "\n".join(c.source for c in code)
    assert 'notebook.setup("pN-figK", globals(), knobs.KNOBS["pN-figK"])' in src
    assert re.search(r"^savefig\(fig, cfg\)", src, re.M) and re.search(
        r"^claims\.\w+\(card\b", src, re.M
    )
    assert code[-1].source.splitlines() == ["# NBVAL_IGNORE_OUTPUT", "notebook.provenance(cfg);"]
    assert any(
        c.cell_type == "markdown" and c.source.startswith("**What this shows.**") for c in nb.cells
    )
