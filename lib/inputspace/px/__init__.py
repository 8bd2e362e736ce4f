"""px: where the three geometries meet (cross-study notebooks px-01 … px-04, issue "Where the three
geometries meet"). P1's loss barriers (Vrabel et al., ICLR 2025), P2's level sets found by LST
(Balasubramanian et al., NeurIPS 2023) and P3's per-layer SOM codes (Lee & Vijayan, arXiv
2205.10952) measured on the same models: P2's normal and adversarially trained rows.

``knobs``       KNOBS of px-01 … px-04 (the P1, P2 and P3 knobs they share, so P2's cached LST runs
                and P3's cached SOMs are reused)
``cost``        operations data: MEMORY, PAPER_CHECK(_FIXED), PAPER_WORK, PAPER_BENCH
``blindspots``  the LST outputs with their sources and targets from P2's cached runs, P1's straight
                segments from their sources (barrier gaps, one bypass round), the class-keeping PGD
``layers``      P3's lens on arbitrary inputs: their BMUs per layer on P3's trained SOMs, the torus
                distance to the source- and target-class centres; SOMs of the AT model
``detector``    p1-detection's barrier detector applied to LST outputs (px-03)
``lenses``      the normal vs AT comparison through the three lenses at once (px-04)
``tables``      DataFrames shown by the notebooks; ``plots`` the figures; ``explorer`` the widget of px-02
``claims``      the hypotheses' rules (stated before the run) and one recording function per notebook
``statements``  the hypotheses verbatim, by id
"""
