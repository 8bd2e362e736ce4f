"""The figure map's "code" column (``docs/figure-map.md``): what each notebook really calls.

:func:`library_calls` reads a notebook's code cells (statically, nothing runs) for the paper-package
and ``methods`` functions it calls; ``python -m inputspace.run codemap`` rewrites the column
(:func:`update_readme_code`) and ``tests/test_readme_map.py`` keeps the two in step.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from .. import paths
from ..cache import atomic_write_bytes
from ..sources import notebook_code

FIGMAP_START, FIGMAP_END = "<!-- figmap:start -->", "<!-- figmap:end -->"
_CODE_TARGET = re.compile(r"^inputspace\.(p\d|px|real|methods)\.")
FIGMAP_FILE: Path = paths.ROOT / "docs" / "figure-map.md"
"""The figure map (linked from the README): its table sits between the figmap markers."""
FIGMAP_LINK = re.compile(r"\((?:\.\./)?notebooks/([^)]+\.ipynb)\)")
"""A notebook link in a map row (relative to ``docs/``)."""


def library_calls(nb_path: Path) -> list[str]:
    """The paper-package and ``methods`` functions a notebook's code cells call, in order of
    first call, as ``p3.plots.fig11`` (what the figure map's "code" column lists)."""
    code = notebook_code(nb_path.read_text())
    tree = ast.parse(
        "\n".join(ln for ln in code.splitlines() if not ln.lstrip().startswith(("%", "!")))
    )
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("inputspace"):
            aliases.update({a.asname or a.name: f"{node.module}.{a.name}" for a in node.names})
        elif isinstance(node, ast.Import):
            aliases.update(
                {
                    a.asname: a.name
                    for a in node.names
                    if a.asname and a.name.startswith("inputspace")
                }
            )
    calls: list[tuple[tuple[int, int], str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in aliases:
            dotted = f"{aliases[f.value.id]}.{f.attr}"
        elif isinstance(f, ast.Name) and f.id in aliases:
            dotted = aliases[f.id]
        else:
            continue
        if _CODE_TARGET.match(dotted):
            calls.append(((node.lineno, node.col_offset), dotted.removeprefix("inputspace.")))
    return list(dict.fromkeys(name for _, name in sorted(calls)))


def code_column(nb_path: Path) -> str:
    """The figure map's "code" cell of one notebook."""
    calls = library_calls(nb_path)
    return ", ".join(f"`{c}`" for c in calls) if calls else "—"


def figmap_rows(text: str) -> list[list[str]]:
    """Cells of every row of the figure map (between the figmap markers of :data:`FIGMAP_FILE`)."""
    block = text.split(FIGMAP_START, 1)[1].split(FIGMAP_END, 1)[0]
    return [
        [c.strip() for c in line.strip().strip("|").split("|")]
        for line in block.strip().splitlines()
    ]


def update_readme_code() -> None:
    """Rewrite the "code" column of the figure map from the notebooks (``codemap`` command)."""
    text = FIGMAP_FILE.read_text()
    rows = figmap_rows(text)
    col = rows[0].index("code")
    for row in rows[2:]:
        link = FIGMAP_LINK.search(" ".join(row))
        if link and not (paths.NOTEBOOKS / link.group(1)).is_file():
            raise SystemExit(
                f"the figure map links notebooks/{link.group(1)}, which does not exist"
            )
        row[col] = code_column(paths.NOTEBOOKS / link.group(1)) if link else "—"
    lines = ["| " + " | ".join(r) + " |" for r in rows]
    lines[1] = "|" + "---|" * len(rows[0])
    table = "\n".join(lines)
    block = f"{FIGMAP_START}\n{table}\n{FIGMAP_END}"
    text = re.sub(
        re.escape(FIGMAP_START) + ".*?" + re.escape(FIGMAP_END), lambda _: block, text, flags=re.S
    )
    atomic_write_bytes(FIGMAP_FILE, text.encode())
