"""The browsable companion: a static HTML site built from the committed notebooks, the README and
the claims scorecard (``make site`` -> ``build/site/``).

Presentation only, like the notebook runner and ``claims``: nothing here computes or caches a result, no
notebook is executed (the committed quick outputs are the content) and no module that computes
results imports this package. The engine is Sphinx with myst-nb and sphinx-book-theme (Jupyter
Book 1's engine, without its CLI, whose pins clash with this project's docutils): it installs
from PyPI, builds the whole site in seconds and ships its own offline search index.

Modules: :mod:`.readme` (README sections by heading), :mod:`.links` (repository links -> site
pages), :mod:`.notebooks` (the table of contents and the notebooks as staged for the site),
:mod:`.pages` (landing page, scorecard, README and ``docs/`` pages), :mod:`.mathml` (math as
MathML, no MathJax from a CDN), :mod:`.build` (staging + Sphinx), :mod:`.check` (what the tests
assert on a built site: table of contents, links, no external assets).
"""
