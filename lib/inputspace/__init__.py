"""inputspace: reproducible companion to three papers on the input-space geometry of vision models.

Infrastructure: ``paths``, ``config``, ``repro``, ``cache``, ``sources``, ``claims``, ``plotting``,
``notebook``, ``pipeline``. Data and models: ``data``, ``models``, ``inference``, ``zoo``, ``train``.
Algorithms (``inputspace.methods``): ``attacks``, ``inputopt``, ``connectivity``, ``percolation``,
``detection`` (P1), ``levelset``, ``lst_eval`` (P2), ``codes``, ``som``, ``torus`` (P3).
One package per paper (``p1``, ``p2``, ``p3``; ``p0`` is the quick model zoo), each with the role
files ``knobs``, ``tables``, ``plots``, ``claims``, ``explorer`` and modules named after its concepts.
"""
__version__ = "0.1.0"
