"""The figure map (docs/figure-map.md, linked from the README) lists every notebook once, and its
"code" column is what each notebook really calls (``python -m inputspace.run codemap``
rewrites it)."""

import pytest

from inputspace import paths
from inputspace.run import codemap

ROWS = codemap.figmap_rows(codemap.FIGMAP_FILE.read_text())
HEADER = ROWS[0]
LINKED = {
    m.group(1): row for row in ROWS[2:] for m in [codemap.FIGMAP_LINK.search(" ".join(row))] if m
}


def test_every_notebook_is_in_the_map_once():
    names = [m.group(1) for row in ROWS[2:] for m in codemap.FIGMAP_LINK.finditer(" ".join(row))]
    assert sorted(names) == sorted(p.name for p in paths.NOTEBOOKS.glob("p*.ipynb"))


@pytest.mark.parametrize("name", sorted(LINKED))
def test_code_column_lists_the_package_functions_the_notebook_calls(name):
    row = LINKED[name]
    assert row[HEADER.index("code")] == codemap.code_column(paths.NOTEBOOKS / name)


def test_library_calls_resolve_aliases_and_keep_only_paper_and_method_code(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "from inputspace import notebook\n"
            "from inputspace.methods import connectivity as conn\n"
            "from inputspace.p3 import plots, claims\n"
            "cfg, card = notebook.setup('x', globals(), {})\n"
            "fig = plots.fig11(r)\nclaims.fig11(card, r)\nconn.path_losses(m, a, c, y)\n"
            "plots.fig11(r)"
        )
    ]
    p = tmp_path / "x.ipynb"
    nbformat.write(nb, p)
    assert codemap.library_calls(p) == [
        "p3.plots.fig11",
        "p3.claims.fig11",
        "methods.connectivity.path_losses",
    ]
