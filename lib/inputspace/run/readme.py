"""The README's generated blocks: results at a glance and the figure gallery.

After a quick run the claims scorecard (``figures/claims.{md,json}``,
:func:`inputspace.scorecard.write_scorecard`) is rewritten and, from it, the README's block between
the scorecard markers (:func:`inputspace.scorecard.at_a_glance`) and its gallery between the
gallery markers (:func:`inputspace.scorecard.gallery` over :func:`gallery_items`). Another profile or
model seed writes its scorecard under ``build/`` and leaves the README alone.
"""

from __future__ import annotations

import re

import nbformat

from .. import claims, paths
from ..cache import atomic_write_bytes
from ..catalogue import notebook_id, select
from ..scorecard import at_a_glance, gallery, write_scorecard

README_START, README_END = "<!-- scorecard:start -->", "<!-- scorecard:end -->"
GALLERY_START, GALLERY_END = "<!-- gallery:start -->", "<!-- gallery:end -->"


def update_readme(block: str, gallery_block: str | None = None) -> None:
    """Rewrite the README's results at a glance between its scorecard markers
    (:func:`inputspace.scorecard.at_a_glance` of the quick run's claims) and, when given, its
    gallery between the gallery markers (:func:`inputspace.scorecard.gallery`)."""
    readme = paths.ROOT / "README.md"
    text = readme.read_text()
    for start, end, content in (
        (README_START, README_END, block),
        (GALLERY_START, GALLERY_END, gallery_block),
    ):
        if content is None or start not in text:
            continue
        text = re.sub(
            re.escape(start) + ".*?" + re.escape(end),
            lambda _, c=content, a=start, b=end: f"{a}\n{c}\n{b}",
            text,
            flags=re.S,
        )
    atomic_write_bytes(readme, text.encode())


def gallery_items() -> list[tuple[str, str, str, str]]:
    """(notebook id, title, notebook path, figure path) of every notebook with a committed figure,
    in run order: the title is the notebook's first heading after its paper prefix."""
    items = []
    for nb_path in select(None):
        nid = notebook_id(nb_path)
        figure = paths.FIGURES_ROOT / f"{nid}.png"
        if not figure.exists():
            continue
        first = nbformat.read(nb_path, as_version=4).cells[0].source.splitlines()[0]
        title = re.sub(r"^#\s*(P\d|Cross-study \d)\s*—\s*", "", first).strip()
        items.append((nid, title, f"notebooks/{nb_path.name}", f"figures/{figure.name}"))
    return items


def scorecard(profile: str) -> dict[str, int]:
    """Write the profile's scorecard and, after a quick run, the README's blocks; the totals."""
    ids = [notebook_id(p) for p in select(None)]
    out = paths.figures_dir(profile)
    totals = write_scorecard(profile, out, ids)
    if paths.run_name(profile) == "quick":
        rows = claims.load_scorecard(out / "claims.json")
        update_readme(at_a_glance(rows), gallery(rows, gallery_items()))
    print(f"scorecard ({profile}): {totals} -> {out / 'claims.md'}")
    return totals
