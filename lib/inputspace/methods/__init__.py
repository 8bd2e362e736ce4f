"""The papers' algorithms: pure, batched, typed functions of a model and tensors.

Nothing here knows about notebooks, profiles or caches (no import of ``inputspace.config``,
``inputspace.notebook`` or a paper package), so each function can be called on any
``torch.nn.Module`` that maps pixels in [0, 1] to logits.

``attacks``       PGD (ℓ∞), class-keeping PGD, uniform noise, input-optimization attack (P1 Sec. 4,
                  P3 Table 2, px-01)
``inputopt``      feature-visualization-style input optimization (P1's synthetic modes)
``connectivity``  loss along linear paths, barriers, orthogonal bypass rounds (P1 Sec. 3)
``percolation``   site percolation on lattices (P1 Conjecture 5.1)
``detection``     barrier-based adversarial detection scores (P1)
``levelset``      Level Set Traversal (P2 Algorithm 1)
``lst_eval``      what P2 measures on LST outputs: distances, triangular hulls, path widths
``codes``         hidden-layer vector codes (P3 Sec. 2.2)
``som``           toroidal self-organizing map with QuickSOM semantics (P3 Sec. 2.3, Table 1)
``torus``         torus geometry of SOM units: distances, class centres, unfolding (P3), BMU
                  distances of unseen inputs to class centres (px-02, px-04)
``checks``        the input checks of the entry points: eval mode, (N, C, H, W) in [0, 1], layer names
"""
