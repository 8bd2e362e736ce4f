"""A real ImageNet network in the default run: pretrained EfficientNet-Lite on bundled photos.

Every notebook that can make its paper's point on a real network has a section that does, beside
the digits result and as evidence of its own (``docs/real-network.md`` fixed what is measured,
and how, before the first number). ``real.knobs``: the sections' parameters; ``real.cost``: their
reduced counts in ``make paper-check``; ``real.pool``: the network, the photos and the pool rule,
and the derived configuration P2's code runs on (:func:`~inputspace.real.pool.config`);
``real.modes``: P1 (synthetic modes, same-class and adversarial paths, the detector);
``real.attack``: P3 (PGD vs noise, code displacement);
``real.cross``: the cross-study notebooks px-01 and px-03.
"""
