"""P1 — Vrabel, Shem-Ur, Oz & Krueger, "Input Space Mode Connectivity in Deep Neural Networks"
(ICLR 2025, arXiv 2409.05800); companion code ``JVrabel/input_space_mode_connectivity``.

``knobs``        KNOBS of p1-00 … p1-detection and the paper's constants (STAT_TV, SHAPE)
``cost``         operations data: MEMORY, PAPER_CHECK(_FIXED), PAPER_WORK, PAPER_BENCH
``space``        the classifier in optimization coordinates (OptSpace) and the modes of a class
``barriers``     Figs 1-3: barrier on the linear path and its bypass; the explorer's inputs
``adversarial``  Figs 4-6 and p1-detection: attack, path complexity, barrier statistics, detector
``untrained``    Figs 7, 10: untrained network (torchvision-like init), barrier evolution in training
``theory``       Lemma C.1 (Lipschitz ratios) and Conjecture 5.1 (percolation) made empirical
``tables``       DataFrames and printed summaries; ``plots`` the figures; ``explorer`` the p1-fig03 widget
``claims``       the verdict rules and one recording function per notebook
``statements``   what each claim says and what the paper reports, by claim id
"""
