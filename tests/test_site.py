"""The static site's generators (``inputspace.site``), without a browser: README sections by
heading and their fallbacks, link rewriting, the table of contents, the notebooks as staged
(explorers, progress bars, long outputs, claims), the scorecard page, and the checks the browser
tests rely on, each shown to pass on a sound input and to fail on a broken one. One test builds a
small site from a fixture repository with Sphinx (seconds)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from inputspace.run.volatile import WIDGET_VIEW
from inputspace.site import build, check, links, notebooks, pages, readme

README = """# demo

Opening text of the README, see [the scorecard](figures/claims.md).

## What this is

A companion to three papers; [overview](notebooks/p1-00-overview.ipynb).

```bash
## not a heading: inside a code block
```

## Results at a glance

Seven claims pass.

## Running

Run `make figures`.

### The paper profile on a GPU

Needs ImageNet, see [data](data/README.md).

## Use it on your own model

Any `torch.nn.Module`.

### 1. Level sets

Code here.

## On a SLURM cluster

sbatch.
"""
BARE_README = "# demo\n\nJust an opening paragraph.\n\n## Layout\n\nFolders.\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
    b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def widget(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_output(
        "display_data",
        data={
            WIDGET_VIEW: {"model_id": "m", "version_major": 2, "version_minor": 0},
            "text/plain": text,
        },
    )


def make_notebook(title: str | None, outputs=(), links_md: str = "") -> nbformat.NotebookNode:
    cells = [
        nbformat.v4.new_markdown_cell(f"# {title}\n\n{links_md}" if title else links_md or "text")
    ]
    params = nbformat.v4.new_code_cell('profile: str = "quick"')
    params.metadata["tags"] = ["parameters"]
    code = nbformat.v4.new_code_cell("explorer.show()")
    code.outputs = list(outputs)
    return nbformat.v4.new_notebook(cells=cells + [params, code])


@pytest.fixture
def repo(tmp_path: Path) -> build.SiteSources:
    """A repository in miniature: README, five notebooks (one explorer, one progress bar, one long
    output), figures (one explorer view), a scorecard with an unknown field, one docs page."""
    root = tmp_path / "repo"
    nbs, figs, docs = root / "notebooks", root / "figures", root / "docs"
    for d in (nbs, figs, docs):
        d.mkdir(parents=True)
    (root / "README.md").write_text(README)
    long = nbformat.v4.new_output(
        "stream", name="stdout", text="".join(f"line {i}\n" for i in range(100))
    )
    books = {
        "p0-00-models.ipynb": make_notebook("P0 — zoo"),
        "p1-00-overview.ipynb": make_notebook(
            "P1 — Overview", links_md="Math $x^2$; [fig 1](p1-fig01-barrier.ipynb)."
        ),
        "p1-fig01-barrier.ipynb": make_notebook(
            "P1 — Figure 1",
            [widget("VBox(children=(...))"), long],
            "Back to [the overview](p1-00-overview.ipynb), code in [lib](../lib/x.py).",
        ),
        "p2-example-lst-path.ipynb": make_notebook(
            "P2 — Figure 1", [widget("LST:  0%|    | 0/400 [00:00<?, ?it/s]"), widget("VBox()")]
        ),
        "px-01-blindspot-paths.ipynb": make_notebook(None),
    }
    for name, nb in books.items():
        nbformat.write(nb, nbs / name)
    for name in ("p1-fig01.png", "p1-fig01-explorer.png", "p2-example.png"):
        (figs / name).write_bytes(PNG)
    rows = [
        {
            "notebook_id": "p1-fig01",
            "claim_id": "P1.1-1",
            "statement": "a | b",
            "paper_value": "x",
            "measured": "y",
            "passed": True,
            "note": "",
            "standin": False,
            "evidence": {
                "statistic": 1.0,
                "interval": [0.5, 1.0],
                "n_items": 9,
                "certainty": "marginal",
            },
        },
        {
            "notebook_id": "p2-example",
            "claim_id": "P2.6-1",
            "statement": "s",
            "paper_value": "p",
            "measured": "m",
            "passed": False,
            "note": "n",
            "standin": False,
            "network": "efficientnet_lite0",
        },
        {
            "notebook_id": "p9-gone",
            "claim_id": "Z-1",
            "statement": "s",
            "paper_value": "p",
            "measured": "m",
            "passed": None,
            "note": "",
        },
    ]
    (figs / "claims.json").write_text(json.dumps({"profile": "quick", "claims": rows}))
    (docs / "guide.md").write_text("Some guide without a title, links [readme](../README.md).\n")
    return build.SiteSources(
        root,
        root / "README.md",
        tuple(sorted(nbs.glob("*.ipynb"))),
        figs / "claims.json",
        figs,
        docs,
    )


# --- README sections -------------------------------------------------------------------------------


def test_sections_by_heading_ignore_code_blocks_and_nest():
    secs = readme.readme_sections(README)
    titles = [s.title for s in secs]
    assert "not a heading: inside a code block" not in titles
    running = readme.find_section(secs, "running")
    assert "### The paper profile on a GPU" in running.body and "On a SLURM" not in running.body
    assert readme.find_section(secs, "what this is").body.startswith("A companion")
    assert readme.find_section(secs, "no such section", "another") is None
    assert readme.preamble(README).startswith(
        "Opening text"
    ) and "What this is" not in readme.preamble(README)


def test_find_section_prefers_a_title_that_starts_with_the_candidate():
    secs = readme.readme_sections("# t\n## More results\nb\n## Results at a glance\na\n")
    assert readme.find_section(secs, "results").title == "Results at a glance"


def test_sections_matching_takes_outermost_and_relevel_keeps_order():
    secs = readme.readme_sections(README)
    found = [s.title for s in readme.sections_matching(secs, "running", "paper profile", "slurm")]
    assert found == ["Running", "On a SLURM cluster"]  # the paper profile is inside Running
    page = readme.as_page(readme.find_section(secs, "use it on your own model"))
    assert page.startswith("# Use it on your own model") and "\n## 1. Level sets" in page


# --- links ---------------------------------------------------------------------------------------


def test_links_point_at_site_pages_or_become_text():
    site = links.SiteMap()
    site.add("notebooks/a.ipynb", "notebooks/a.ipynb", ["Intro", "The `x` method"])
    site.add("figures/claims.md", "scorecard.md")
    md = (
        "[a](notebooks/a.ipynb) [m](notebooks/a.ipynb#the-x-method) [gone](notebooks/a.ipynb#nope) "
        "[`claims`](figures/claims.md) [src](lib/x.py) ![img](figures/none.png) [web](https://arxiv.org/abs/1) "
        "`[code](lib/y.py)`\n```\n[fenced](lib/z.py)\n```\n"
    )
    out = links.rewrite_links(md, "README.md", "docs/page.md", site)
    assert "[a](../notebooks/a.ipynb)" in out and "[m](../notebooks/a.ipynb#the-x-method)" in out
    assert (
        "[gone](../notebooks/a.ipynb)" in out
    )  # an anchor the page lacks is dropped, not kept broken
    assert "[`claims`](../scorecard.md)" in out
    assert "[src]" not in out and " src " in out and "*img*" in out  # no target on the site: text
    assert "[web](https://arxiv.org/abs/1)" in out
    assert "`[code](lib/y.py)`" in out and "[fenced](lib/z.py)" in out  # code untouched


# --- table of contents -------------------------------------------------------------------------------


def test_parts_follow_the_papers_with_overviews_first_and_unknown_prefixes_last():
    names = [
        "p3-tab01-a",
        "p3-figS1-b",
        "p3-fig10-c",
        "p3-fig02-d",
        "p3-00-overview",
        "p1-detection-e",
        "p1-fig01-f",
        "p1-00-overview",
        "q7-new-thing",
        "px-01-g",
        "p0-00-models",
    ]
    parts = notebooks.notebook_parts([Path(f"{n}.ipynb") for n in names])
    assert [p.key for p in parts] == ["p0", "p1", "p3", "px", "other"]
    p3 = [nb.stem for nb in parts[2].notebooks]
    assert p3 == ["p3-00-overview", "p3-fig02-d", "p3-fig10-c", "p3-tab01-a", "p3-figS1-b"]
    assert [nb.stem for nb in parts[1].notebooks] == [
        "p1-00-overview",
        "p1-fig01-f",
        "p1-detection-e",
    ]
    assert parts[-1].caption == notebooks.OTHER and parts[-1].notebooks == (
        Path("q7-new-thing.ipynb"),
    )


# --- notebooks as staged -------------------------------------------------------------------------


def _texts(nb) -> list[str]:
    return [json.dumps(o) for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def test_explorer_becomes_its_static_view_with_the_live_line(tmp_path):
    png = tmp_path / "x-explorer.png"
    png.write_bytes(PNG)
    nb = make_notebook("t", [widget("VBox()")])
    assert notebooks.replace_widgets(nb, png) == 1
    (out,) = nb.cells[-1].outputs
    view = out["data"]["text/html"]
    assert view.startswith(
        '<figure class="site-explorer"><img src="data:image/png;base64,iVBORw0KGgo'
    )
    assert "Run it live: <code>make lab</code>, then open this notebook." in view
    assert not any(WIDGET_VIEW in t for t in _texts(nb)) and "widgets" not in nb.metadata


def test_explorer_without_a_saved_view_gets_a_note_and_the_live_line(tmp_path):
    nb = make_notebook("t", [widget("VBox()")])
    notebooks.replace_widgets(nb, tmp_path / "missing.png")
    (out,) = nb.cells[-1].outputs
    assert (
        "<img" not in out["data"]["text/html"]
        and "needs a running kernel" in out["data"]["text/html"]
    )
    assert out["data"]["text/html"].endswith("then open this notebook.</figcaption></figure>")


def test_progress_bars_go_and_other_outputs_stay():
    keep = nbformat.v4.new_output("stream", name="stdout", text="hello\n")
    nb = make_notebook("t", [widget("LST:  40%|####  | 160/400 [00:02<00:03, 60it/s]"), keep])
    assert notebooks.replace_widgets(nb, None) == 0
    assert nb.cells[-1].outputs == [keep]


def test_long_outputs_fold_and_short_ones_do_not():
    short = nbformat.v4.new_output("stream", name="stdout", text="a\nb\n")
    long = nbformat.v4.new_output("stream", name="stdout", text="x<y\n" * 50)
    table = nbformat.v4.new_output(
        "execute_result",
        data={"text/html": "<table>" + "<tr><td>1</td></tr>" * 60 + "</table>", "text/plain": "df"},
    )
    nb = make_notebook("t", [short, long, table])
    assert notebooks.fold_long_outputs(nb, max_lines=40) == 2
    outs = nb.cells[-1].outputs
    assert outs[0] == short
    assert outs[1]["data"]["text/html"].startswith(
        '<details class="site-fold"><summary>Long output (51 lines)'
    )
    assert "x&lt;y" in outs[1]["data"]["text/html"]
    assert (
        "(60 rows)" in outs[2]["data"]["text/html"] and "<td>1</td>" in outs[2]["data"]["text/html"]
    )


# --- pages -------------------------------------------------------------------------------------


def test_landing_page_takes_readme_sections_by_heading(repo):
    claims = json.loads(repo.claims.read_text())
    item = pages.GalleryItem(
        "p1-fig01",
        "_static/gallery/p1-fig01.png",
        "notebooks/p1-fig01-barrier.ipynb",
        "p1-fig01",
        "Figure <1>",
    )
    md = pages.landing_page(
        README, claims, [item], [("P1", ["notebooks/p1-fig01-barrier.ipynb"])], links.SiteMap()
    )
    assert "## What this is\n\nA companion to three papers" in md and "Opening text" not in md
    assert "## Results at a glance\n\nSeven claims pass." in md
    assert (
        '<a class="site-thumb" href="notebooks/p1-fig01-barrier.html"><img src="_static/gallery/p1-fig01.png"'
        in md
    )
    assert "Figure &lt;1&gt;" in md
    assert "```{toctree}\n:caption: P1\n:maxdepth: 1\n\nnotebooks/p1-fig01-barrier\n```" in md


def test_landing_page_falls_back_without_those_sections(repo):
    claims = json.loads(repo.claims.read_text())
    md = pages.landing_page(BARE_README, claims, [], [], links.SiteMap())
    assert "## What this is\n\nJust an opening paragraph." in md
    results = md.split("## Results at a glance", 1)[1]
    assert "**1 pass, 1 fail, 1 not evaluated** of 3 claims" in results
    assert (
        "](scorecard.md#p1--vrabel-et-al-input-space-mode-connectivity-in-deep-neural-networks)"
        in results
    )


def test_readme_pages_fall_back_when_the_section_is_gone():
    site = links.SiteMap()
    own = pages.readme_page(
        BARE_README, "Use it on your own model", pages.OWN_MODEL, "Not there.", site, "own.md"
    )
    assert own == "# Use it on your own model\n\nNot there."
    running = pages.running_page(BARE_README, site, "running.md")
    assert running.startswith("# Running") and "README.md" in running
    found = pages.running_page(README, site, "running.md")
    assert (
        "## Running" in found
        and "### The paper profile on a GPU" in found
        and "## On a SLURM cluster" in found
    )
    assert "[data]" not in found  # data/README.md is not on the site: plain text


def test_running_page_joins_the_readme_sections_and_the_running_guides():
    site = links.SiteMap()
    site.add("notebooks/a.ipynb", "notebooks/a.ipynb")
    site.add("docs/paper-profile.md", "running.md", ["The paper profile", "Many cores"])
    guides = [
        (
            "docs/running.md",
            "# Running the notebooks\n\nSee [a](../notebooks/a.ipynb).\n\n## Caches\n\ntext\n",
        ),
        (
            "docs/paper-profile.md",
            "No title here, see [cores](paper-profile.md#many-cores).\n\n## Many cores\n",
        ),
    ]
    md = pages.running_page(README, site, "running.md", guides)
    assert md.startswith("# Running: profiles, paper scale and clusters\n")
    assert (
        md.index("## Running\n")
        < md.index("## On a SLURM cluster")
        < md.index("## Running the notebooks")
    )
    assert (
        "### Caches" in md and "## Paper profile\n" in md and "### Many cores" in md
    )  # one level down
    assert "[a](notebooks/a.ipynb)" in md  # links re-pointed from the guide's own folder
    assert "[cores](running.md#many-cores)" in md
    bare = pages.running_page(BARE_README, site, "running.md", guides[:1])
    assert "## Running the notebooks" in bare and "has no section" not in bare


def test_guides_in_docs_make_the_companion_pages_and_are_not_repeated(repo, tmp_path):
    docs = repo.docs
    (docs / "own-model.md").write_text(
        "# Use it on your own model\n\nFrom the guide; [running](running.md#caches).\n\n"
        "## 1. Level sets\n\n```python\nx = 1\n```\n"
    )
    (docs / "running.md").write_text(
        "# Running the notebooks\n\n## Caches\n\nSee [the paper profile](paper-profile.md).\n"
    )
    (docs / "paper-profile.md").write_text(
        "# The paper profile\n\n## SLURM\n\n### Deep detail\n\nsbatch.\n"
    )
    (docs / "guide.md").write_text(
        "Links [own](own-model.md), [deep](paper-profile.md#deep-detail), "
        "[slurm](paper-profile.md#slurm).\n"
    )
    staged = build.stage_site(repo, tmp_path / "stage")
    assert {"own-model.md", "running.md", "docs/guide.md"} <= set(staged.pages)
    assert not {"docs/own-model.md", "docs/running.md", "docs/paper-profile.md"} & set(staged.pages)
    own = (staged.stage / "own-model.md").read_text()
    assert (
        own.startswith("# Use it on your own model\n\nFrom the guide")
        and "Any `torch.nn.Module`" not in own
    )
    assert "[running](running.md#caches)" in own
    running = (staged.stage / "running.md").read_text()
    assert (
        "## Running\n" in running
        and "## Running the notebooks" in running
        and "## The paper profile" in running
    )
    assert "[the paper profile](running.md)" in running
    guide = (staged.stage / "docs" / "guide.md").read_text()
    # the deep heading sits at level 4 on the running page: no anchor there, so the link leads to the page
    assert "[own](../own-model.md)" in guide and "[deep](../running.md)" in guide
    assert "[slurm](../running.md#slurm)" in guide
    index = (staged.stage / "index.md").read_text()
    documents = index.split(":caption: Documents", 1)[1].split("```", 1)[0]
    assert "docs/guide" in documents and "running" not in documents and "own-model" not in documents


def test_anchor_depth_is_the_one_sphinx_is_told():
    assert f"myst_heading_anchors = {build.ANCHOR_DEPTH}\n" in build.CONF_PY


def test_scorecard_links_claims_and_keeps_unknown_fields(repo):
    claims = json.loads(repo.claims.read_text())
    md = pages.scorecard_page(
        claims,
        {
            "p1-fig01": ("notebooks/p1-fig01-barrier.ipynb", "Figure 1"),
            "p2-example": ("notebooks/p2-example-lst-path.ipynb", "LST"),
        },
        ["p1-fig01", "p2-example"],
    )
    assert "| [P1.1-1](notebooks/p1-fig01-barrier.ipynb) | a \\| b |" in md
    assert "y [95 % CI 0.5–1, n = 9] | **PASS-marginal** |" in md
    assert "network: efficientnet_lite0" in md and "| more |" in md
    assert (
        "### p9-gone" in md
        and "p9-gone (no notebook page)" in md
        and "| Z-1 |" in md
        and "**N/A**" in md
    )
    assert md.index("### p1-fig01") < md.index("### p2-example") < md.index("### p9-gone")


# --- checks the browser tests use ------------------------------------------------------------------


def test_toc_check_finds_missing_and_stray_notebooks():
    nbs = [Path("notebooks/p1-00-overview.ipynb"), Path("notebooks/p1-fig01-barrier.ipynb")]
    listed = [
        "notebooks/p1-00-overview.html",
        "./notebooks/p1-fig01-barrier.html#top",
        "scorecard.html",
    ]
    assert check.toc_problems(listed, nbs) == []
    assert check.toc_problems(listed[:1], nbs) == [
        "p1-fig01-barrier.ipynb is not in the table of contents"
    ]
    assert check.toc_problems(listed + ["notebooks/old.html"], nbs) == [
        "notebooks/old.html is in the table of contents but notebooks/ has no such notebook"
    ]


def test_external_asset_check(tmp_path):
    (tmp_path / "ok.html").write_text(
        '<script src="_static/a.js"></script><a href="https://arxiv.org">paper</a>'
        '<img src="http://127.0.0.1:8000/x.png">'
    )
    (tmp_path / "ok.css").write_text("@font-face { src: url(fonts/a.woff2) } @import 'basic.css';")
    assert check.external_assets(tmp_path) == []
    (tmp_path / "bad.html").write_text(
        '<link rel="stylesheet" href="https://cdn.example.org/x.css">'
        '<script src="//cdn.example.org/m.js"></script>'
    )
    (tmp_path / "bad.css").write_text("@import url('https://fonts.example.com/css?family=A');")
    assert check.external_assets(tmp_path) == [
        "bad.html: <link> https://cdn.example.org/x.css",
        "bad.html: <script> //cdn.example.org/m.js",
        "bad.css: https://fonts.example.com/css?family=A",
    ]


def test_link_crawler_finds_missing_files_and_anchors():
    site = {
        "http://h/s/index.html": b'<a href="a.html#sec">a</a><img src="i.png"><a href="https://x.org">x</a>',
        "http://h/s/a.html": b'<h2 id="sec">S</h2><a href="index.html">home</a>',
        "http://h/s/i.png": b"png",
    }
    assert check.broken_links("http://h/s/index.html", site.get) == ([], 2)
    site["http://h/s/a.html"] = (
        b'<h2 id="other">S</h2><a href="gone.html">x</a><a href="../outside.html">o</a>'
    )
    problems, _ = check.broken_links("http://h/s/index.html", site.get)
    assert problems == [
        "index.html: <a> a.html#sec -> no #sec in a.html",
        "a.html: <a> gone.html -> not found",
    ]


# --- a whole (small) site ------------------------------------------------------------------------------


@pytest.fixture
def small_site(repo, tmp_path):
    staged = build.build_site(tmp_path / "site", tmp_path / "stage", repo)
    return tmp_path / "site", staged


def test_small_site_builds_with_every_page_and_nothing_broken(small_site, repo):
    site, staged = small_site
    assert staged.notebooks == 5 and staged.explorers == 2
    assert (
        (site / "index.html").is_file()
        and (site / "search.html").is_file()
        and (site / "searchindex.js").is_file()
    )
    assert {"scorecard.md", "own-model.md", "running.md", "docs/guide.md", "index.md"} <= set(
        staged.pages
    )
    nav = check.parse_page((site / "index.html").read_text()).nav
    assert check.toc_problems([h for _, hrefs in nav for h in hrefs], repo.notebooks) == []
    captions = [c for c, _ in nav if c]
    assert captions[:2] == ["The companion", "Model zoo"] and captions[-2:] == [
        "Cross-study — the three geometries on the same models",
        "Documents",
    ]
    assert check.external_assets(site) == []
    fig01 = (site / "notebooks" / "p1-fig01-barrier.html").read_text()
    assert (
        "Run it live" in fig01
        and "<img" in fig01
        and "site-fold" in fig01
        and "tag_parameters" in fig01
    )
    assert 'href="p1-00-overview.html"' in fig01 and "On the scorecard" in fig01
    p2 = (site / "notebooks" / "p2-example-lst-path.html").read_text()
    assert "Run it live" in p2 and "0/400" not in p2
    assert "<math" in (site / "notebooks" / "p1-00-overview.html").read_text()
    assert (site / "notebooks" / "px-01-blindspot-paths.html").is_file()
    warnings = (staged.stage / "warnings.txt").read_text()
    assert warnings.strip() == "", warnings


def test_toc_check_fails_when_a_notebook_is_missing_from_the_site(small_site, repo):
    """The built navigation against a notebooks folder that has one notebook more (added after the
    build) and one fewer (deleted): both are reported."""
    site, _ = small_site
    hrefs = [h for _, hs in check.parse_page((site / "index.html").read_text()).nav for h in hs]
    added = repo.root / "notebooks" / "p2-grid-new.ipynb"
    nbformat.write(make_notebook("new"), added)
    assert check.toc_problems(hrefs, sorted(repo.notebooks + (added,))) == [
        "p2-grid-new.ipynb is not in the table of contents"
    ]
    fewer = [nb for nb in repo.notebooks if nb.name != "p0-00-models.ipynb"]
    assert check.toc_problems(hrefs, fewer) == [
        "notebooks/p0-00-models.html is in the table of contents but notebooks/ has no such notebook"
    ]


def test_no_library_module_outside_the_site_imports_it():
    """The site is presentation: a module that computes (and whose imports the cache digest follows)
    must never depend on it."""
    import ast

    from inputspace import paths

    lib = paths.ROOT / "lib"
    offenders = []
    for f in sorted((lib / "inputspace").rglob("*.py")):
        module = ".".join(f.relative_to(lib).with_suffix("").parts)
        if module.startswith("inputspace.site"):
            continue
        package = (
            module.rsplit(".", 1)[0]
            if f.name != "__init__.py"
            else module.removesuffix(".__init__")
        )
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = (
                    ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                    if node.level
                    else ""
                )
                full = ".".join(p for p in (base, node.module) if p)
                names = [full] + [f"{full}.{a.name}" for a in node.names]
            else:
                continue
            if any(n == "inputspace.site" or n.startswith("inputspace.site.") for n in names):
                offenders.append(module)
    assert offenders == []
