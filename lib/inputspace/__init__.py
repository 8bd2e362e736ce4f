"""inputspace: reproducible companion to three papers on the input-space geometry of vision models.

Core modules: ``paths``, ``config``, ``repro``, ``data``, ``models``/``zoo``, ``train``, ``cache``,
``plotting``, ``claims``, ``notebook``; methods: ``attacks`` (PGD, noise, input optimisation),
``connectivity``/``featvis`` (P1), ``levelset`` (P2), ``codes``/``som``/``torus`` (P3).
"""
__version__ = "0.1.0"
