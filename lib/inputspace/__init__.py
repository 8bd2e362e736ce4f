"""inputspace: reproducible companion to three papers on the input-space geometry of vision models.

Floor plan, from the ground up (a module imports only from its own floor or below):

* Ground: ``paths``, ``repro``, ``progress`` (terminal progress bars), ``certainty``, ``verdicts``,
  ``liteweights``, ``photos``, ``data``, ``inference``, ``workmodel`` (what one unit of paper-scale
  work is).
* Algorithms (``inputspace.methods``): ``attacks`` (PGD, class-keeping PGD, noise,
  input-optimization attack), ``inputopt``, ``connectivity``, ``percolation``, ``detection`` (P1),
  ``levelset``, ``lst_eval`` (P2), ``codes``, ``som``, ``torus`` (P3; BMU distances for px),
  ``checks``. Pure functions of a model and tensors: no notebook, profile or cache.
* Infrastructure: ``config`` (knobs and profiles), ``sources`` (what the cache digest follows),
  ``cache``, ``models`` (wrappers and the architectures loaded from checkpoints, the
  ViT-S-ConvStem included), ``zoo``, ``train``; ``catalogue`` (notebook ids, selection, each
  notebook's knobs), ``outputs``, ``provenance``, ``oomhint``, ``claims``, ``plotting``.
* ``real``: the pretrained ImageNet network and its photos for the real-network sections (its
  knobs, the photo pool, the network), below the paper packages.
* One package per paper (``p1``, ``p2``, ``p3``; ``px`` the cross-study notebooks; ``p0`` the quick
  model zoo), each with the role files ``knobs`` (parameters and the constants computations use),
  ``cost`` (operations data: what a knob holds on the GPU, the paper check's reduced work, the
  paper-cost work model), ``tables``, ``plots``, ``claims``, ``statements`` (each claim's text
  and paper value), ``explorer`` and modules named after its concepts, which compute and cache;
  ``pretrained`` (p1, p3, px) runs the paper's computations on the real network.
* On top: ``notebook`` (what every notebook calls), ``scorecard``, ``site`` (the static site).
* The run wing, ``inputspace.run``, on top beside ``site``; nothing below imports it (``site``, a
  sibling tool, reads one constant of it): executing the notebooks (``cli``, ``execute``,
  ``status``, ``timings``, ``summary``, ``prepare``), the README's generated blocks and the figure
  map (``readme``, ``codemap``), ``seeds``, ``stale``, ``workflow`` (the same on Snakemake /
  SLURM), ``standins`` and ``papercheck`` (the paper profile on stand-ins), ``papercost``.
  ``docs/house.md`` lists each module's job.

The rule of the house: a cached result is keyed by the code that computed it
(:func:`inputspace.sources.compute_digest`: its module and every library module it imports), so
nothing that only reports, costs or fakes may be imported by a computing module: not ``progress``
(skipped by the digest as presentation), the role files ``cost``, ``tables``, ``plots``, ``claims``,
``explorer``, nor ``workmodel``, ``scorecard``, ``outputs``, ``provenance``, ``site`` or anything of
the run wing ``run``. ``tests/test_digest.py`` checks every cached computation; ``docs/house.md``
says why.
"""

__version__ = "0.1.0"
