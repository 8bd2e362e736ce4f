"""``make test``'s notebooks: parameterized copies in ``build/<profile>/nb/`` for ``pytest --nbval-lax``.

The copies keep the committed outputs (cells marked ``NBVAL_CHECK_OUTPUT`` are compared with
them) and get the profile as a papermill parameter; nothing is executed here (nbval runs them).
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from .. import paths
from ..catalogue import select
from .volatile import strip_volatile


def prepare(profile: str, only: str | None) -> list[Path]:
    """Parameterized copies (outputs kept, for NBVAL_CHECK_OUTPUT cells) in build/<profile>/nb/."""
    from papermill.iorw import load_notebook_node  # gives every cell a (possibly empty) tags list
    from papermill.parameterize import parameterize_notebook

    out_dir = paths.build_dir(profile) / "nb"
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.ipynb"):
        old.unlink()
    written = []
    for nb_path in select(only):
        nb = parameterize_notebook(load_notebook_node(str(nb_path)), {"profile": profile})
        target = out_dir / nb_path.name
        nbformat.write(strip_volatile(nb), target)
        written.append(target)
    print(f"prepared {len(written)} notebooks in {out_dir}")
    return written
