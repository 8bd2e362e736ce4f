"""p3: Lee & Vijayan, "Generalization ability and vulnerabilities to adversarial perturbations: two
sides of the same coin", arXiv:2205.10952 (v4); notebooks ``notebooks/p3-*.ipynb``, overview p3-00.

``knobs``     notebook knobs per profile and the paper's constants (Table 1, Sec. 3.1 batch sizes)
``cost``      operations data: MEMORY, PAPER_CHECK, PAPER_WORK, PAPER_BENCH
``maps``      images, models, vector codes and the cached toroidal SOM of every layer (Sec. 2.1-2.3)
``geometry``  statistics of one layer SOM on the torus: D_class, weight / class-centre CD, BMU density
``measures``  the numbers behind each SOM figure (Figs 1-10, Supp. Figs 1-4)
``attack``    PGD vs uniform noise and the BMU displacement they cause (Sec. 3.4, Figs 11-12, Table 2)
``tables``    Tables 1 and 2 from the resolved configurations
``plots``     the figures
``explorer``  the ipywidgets explorers of p3-fig05 / p3-fig11 / p3-fig12
``claims``    the verdict rules and each notebook's claims
``statements`` what each claim says and what the paper reports, by claim id (templates per model)
"""
