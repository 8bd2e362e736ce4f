"""A real ImageNet network in the default run: pretrained EfficientNet-Lite on bundled photos.

Every notebook that can make its paper's point on a real network has a section that does, beside
the digits result and as evidence of its own (``docs/real-network.md`` fixed what is measured,
and how, before the first number). ``real.knobs``: the sections' parameters; ``real.cost``: their
reduced counts in ``make paper-check``; ``real.pool``: the network, the photos and the pool rule,
and the derived configuration P2's code runs on (:func:`~inputspace.real.pool.config`).

This package is a floor below the paper packages: it holds the network and its photos, and imports
no paper package. The studies on the network live in each paper's ``pretrained`` module, beside
the computations they mirror: ``p1.pretrained`` (synthetic modes, same-class and adversarial
paths, the detector), ``p3.pretrained`` (PGD vs noise, code displacement), ``px.pretrained`` (the
cross-study notebooks px-01 and px-03); P2's code runs on the network unchanged.
"""
