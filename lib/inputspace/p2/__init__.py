"""p2: Balasubramanian, Sriramanan, Sadasivan & Feizi, "Exploring Geometry of Blind Spots in
Vision Models", NeurIPS 2023 (arXiv 2310.19889; official code ``SriramB-98/blindspots-neurips-sub``).

``knobs``     the notebooks' knobs and the paper's constants (model rows, README steps, triangle pairs)
``cost``      operations data: MEMORY, PAPER_CHECK(_FIXED), PAPER_WORK, PAPER_BENCH
``roles``     the model of each table row (normal / AT, CNN / ViT) and the source/target pool
``lst``       the cached Level Set Traversal runs (grid, derangements, path widths) and their summaries
``geometry``  star-like segments and triangular convex hulls of the LST outputs (Table 2, hull figure)
``tables``    the printed tables (Tables 1 and 2, path summaries, grid captions, widths, models)
``plots``     the figures (path strip, LST grid, star segments, triangles, width surfaces)
``explorer``  the interactive LST path explorer of p2-example
``claims``    the verdict rules of the notebooks' claims
``statements`` what each claim says and what the paper reports, by claim id
"""
