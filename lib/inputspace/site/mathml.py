"""Math on the site as MathML, rendered by the browser itself.

Sphinx's default math renderer loads MathJax from a CDN, which an offline site cannot do; the
overview notebooks' equations are converted at build time with ``latex2mathml`` instead (Chromium,
Firefox and Safari render MathML Core natively). An expression it cannot convert is shown as its
TeX source in a code span rather than failing the build.
"""

from __future__ import annotations

import html
import re
from typing import Any

from docutils import nodes

_UNKNOWN = re.compile(r"\\(arg)(?![a-zA-Z])")
"""Operators latex2mathml does not know, written as ``\\operatorname`` instead."""


def latex_to_mathml(tex: str, display: bool) -> str:
    """``<math>`` markup for ``tex`` (block when ``display``), or ``<code class="tex">`` with the
    source when the converter rejects it."""
    from latex2mathml.converter import convert

    tex = _UNKNOWN.sub(lambda m: rf"\operatorname{{{m.group(1)}}}", tex.strip())
    try:
        return convert(tex, display="block" if display else "inline")
    except Exception:  # any converter failure: the source text instead
        return f'<code class="tex">{html.escape(tex)}</code>'


def _visit_inline(self: Any, node: nodes.Element) -> None:
    self.body.append(latex_to_mathml(node.astext(), display=False))
    raise nodes.SkipNode


def _visit_block(self: Any, node: nodes.Element) -> None:
    self.body.append(
        f'<div class="math-block">{latex_to_mathml(node.astext(), display=True)}</div>'
    )
    raise nodes.SkipNode


def add_mathml_renderer(app: Any) -> None:
    """Register the ``mathml`` HTML math renderer with a Sphinx app (set ``html_math_renderer =
    "mathml"``); called from the generated ``conf.py``."""
    app.add_html_math_renderer(
        "mathml", inline_renderers=(_visit_inline, None), block_renderers=(_visit_block, None)
    )
