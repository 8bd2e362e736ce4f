"""The notebooks on the site: which section each belongs to, in what order, and the notebook as
staged for the site (the committed outputs, never re-executed, with four changes for a static
page: ipywidgets explorers become their saved static view, progress bars go, long outputs fold,
and a closing cell lists the notebook's rows of the scorecard).

The table of contents is computed from the notebooks folder, so a notebook added there appears on
the site without anyone editing a list; one whose prefix is unknown lands under "Other notebooks".
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..catalogue import notebook_id, reading_order
from ..certainty import verdict_text
from ..claims import PAPERS
from ..run.volatile import WIDGET_VIEW
from .links import SiteMap, rewrite_links

PARTS: dict[str, str] = {"p0": "Model zoo", **{k: v.split(" (")[0] for k, v in PAPERS.items()}}
"""Section captions by notebook prefix, in site order (the papers' from the scorecard)."""
OTHER = "Other notebooks"
LIVE_LINE = "Run it live: `make lab`, then open this notebook."
"""What every explorer's static view on the site says (the site cannot run a kernel)."""
FOLD_LINES = 40
"""Outputs longer than this many lines are folded into a ``<details>`` block."""
_PROGRESS = re.compile(
    r"\d+%\|.*\|\s*\d+/\d+"
)  # tqdm's text: "LST:  0%|    | 0/400 [00:00<?, ?it/s]"


@dataclass(frozen=True)
class Part:
    """One section of the table of contents: its prefix (``p1``), caption and notebooks in order."""

    key: str
    caption: str
    notebooks: tuple[Path, ...]


def notebook_parts(notebooks: Sequence[Path]) -> list[Part]:
    """``notebooks`` (e.g. :func:`inputspace.catalogue.select`) grouped by prefix into the site's
    sections, in :data:`PARTS` order, then "Other notebooks" for any unknown prefix."""
    groups: dict[str, list[Path]] = {}
    for nb in notebooks:
        prefix = nb.stem.split("-", 1)[0]
        groups.setdefault(prefix if prefix in PARTS else "other", []).append(nb)
    captions = {**PARTS, "other": OTHER}
    return [
        Part(key, captions[key], tuple(sorted(groups[key], key=reading_order)))
        for key in captions
        if key in groups
    ]


def notebook_title(nb: nbformat.NotebookNode, fallback: str) -> str:
    """The first level-1 heading of the notebook's markdown cells, else ``fallback``."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+?)\s*$", cell.source, re.M)
            if m:
                return m.group(1)
    return fallback


def is_progress_bar(output: dict) -> bool:
    """A tqdm bar drawn as a widget (its text fallback looks like ``0%| | 0/400``): on a static
    page it would show a frozen bar, so the site drops it."""
    text = output.get("data", {}).get("text/plain", "")
    return WIDGET_VIEW in output.get("data", {}) and bool(_PROGRESS.search("".join(text)))


def explorer_output(png: Path | None) -> nbformat.NotebookNode:
    """What replaces an explorer's widget output: a ``<figure class="site-explorer">`` with its
    saved static view (``png``, embedded) when there is one, else a short note; its caption ends
    with :data:`LIVE_LINE`."""
    live = html.escape(LIVE_LINE).replace("`make lab`", "<code>make lab</code>")
    if png is not None and png.is_file():
        data = base64.b64encode(png.read_bytes()).decode()
        body = (
            f'<img src="data:image/png;base64,{data}" alt="static view of the interactive explorer">'
            f"<figcaption><em>A saved static view of the interactive explorer.</em> {live}</figcaption>"
        )
    else:
        body = (
            "<figcaption><em>An interactive explorer (ipywidgets): it needs a running kernel, so the "
            f"site has no view of it.</em> {live}</figcaption>"
        )
    return nbformat.v4.new_output(
        "display_data",
        data={
            "text/html": f'<figure class="site-explorer">{body}</figure>',
            "text/plain": LIVE_LINE,
        },
    )


def replace_widgets(nb: nbformat.NotebookNode, explorer_png: Path | None) -> int:
    """Drop widget progress bars and replace every other widget output (an explorer) by
    :func:`explorer_output`; the widget state goes too. Returns how many explorers were replaced."""
    nb.metadata.pop("widgets", None)
    replaced = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for out in cell.outputs:
            if WIDGET_VIEW not in out.get("data", {}):
                outputs.append(out)
            elif not is_progress_bar(out):
                outputs.append(explorer_output(explorer_png))
                replaced += 1
        cell.outputs = outputs
    return replaced


def _length(out: dict) -> int:
    """Lines an output takes on the page (table rows for HTML)."""
    if out.get("output_type") == "stream":
        return "".join(out.get("text", "")).count("\n") + 1
    data = out.get("data", {})
    if "text/html" in data:
        page = "".join(data["text/html"])
        return max(page.count("<tr"), page.count("\n") // 4)
    if "text/plain" in data and not ({"image/png", "image/jpeg", "image/svg+xml"} & data.keys()):
        return "".join(data["text/plain"]).count("\n") + 1
    return 0


def fold_long_outputs(nb: nbformat.NotebookNode, max_lines: int = FOLD_LINES) -> int:
    """Fold every text or HTML output longer than ``max_lines`` into a ``<details>`` block (a
    summary line says how long it is); returns how many were folded."""
    folded = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for i, out in enumerate(cell.outputs):
            n = _length(out)
            if n <= max_lines:
                continue
            if out.get("output_type") == "stream":
                body = f"<pre>{html.escape(''.join(out['text']))}</pre>"
            elif "text/html" in out.get("data", {}):
                body = "".join(out["data"]["text/html"])
            else:
                body = f"<pre>{html.escape(''.join(out['data']['text/plain']))}</pre>"
            what = "rows" if "text/html" in out.get("data", {}) else "lines"
            cell.outputs[i] = nbformat.v4.new_output(
                "display_data",
                data={
                    "text/html": f'<details class="site-fold"><summary>Long output ({n} {what}): '
                    f"click to show</summary>\n{body}\n</details>",
                    "text/plain": f"(long output, {n} {what})",
                },
            )
            folded += 1
    return folded


def claims_cell(nid: str, rows: Sequence[dict], scorecard: str) -> nbformat.NotebookNode | None:
    """A closing markdown cell: the notebook's rows of the scorecard (claim id, verdict, measured
    value), linking to its section of the scorecard page (``scorecard``: the link target)."""
    if not rows:
        return None
    lines = [
        "## On the scorecard",
        "",
        f"This notebook's claims on the [claims scorecard]({scorecard}) (quick profile):",
        "",
        "| claim | verdict | measured |",
        "|---|---|---|",
    ]
    lines += [
        f"| {r.get('claim_id', '?')} | {verdict_of(r)} | {table_cell(r.get('measured', ''))} |"
        for r in rows
    ]
    return nbformat.v4.new_markdown_cell("\n".join(lines))


def verdict_of(row: dict) -> str:
    """PASS / FAIL / N/A of a scorecard row, with its certainty label when it has one."""
    verdict = {True: "PASS", False: "FAIL"}.get(row.get("passed"), "N/A")
    return verdict_text(verdict, (row.get("evidence") or {}).get("certainty"))


def table_cell(value: object) -> str:
    """``value`` as text that fits one cell of a markdown table."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def stage_notebook(
    src: Path,
    dst: Path,
    *,
    repo_path: str,
    staged: str,
    site: SiteMap,
    figures: Path,
    claims_rows: Sequence[dict],
    scorecard_link: str,
    fold_lines: int = FOLD_LINES,
) -> nbformat.NotebookNode:
    """Write ``src`` as the site shows it to ``dst``: links re-pointed (:mod:`.links`), widgets
    replaced (``figures/<id>-explorer.png`` is the static view), long outputs folded, the claims
    cell appended; a notebook without a title gets its id as one. Returns the staged notebook."""
    nb = nbformat.read(src, as_version=4)
    nb.metadata.setdefault(
        "language_info", {"name": "python"}
    )  # code highlighting without a kernel
    nid = notebook_id(src)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = rewrite_links(cell.source, repo_path, staged, site)
    if notebook_title(nb, "") == "":
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(f"# {nid}"))
    replace_widgets(nb, figures / f"{nid}-explorer.png")
    fold_long_outputs(nb, fold_lines)
    closing = claims_cell(nid, claims_rows, scorecard_link)
    if closing is not None:
        nb.cells.append(closing)
    dst.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dst)
    return nb
