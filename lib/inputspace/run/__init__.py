"""The run machinery: what executes, schedules, times, checks and costs the notebooks, and keeps
the generated parts of the README and the figure map up to date.

A wing on top of the house: it imports the library below it (the catalogue, the scorecard, the
paper packages' ``cost`` tables) and nothing below imports it (the static site, a sibling on top,
reads one constant from :mod:`.volatile`); no notebook and no computation depends on it, so the
digest of a cached result never follows it (``tests/test_digest.py``).

Commands: ``python -m inputspace.run`` (:mod:`.cli`: run, run-one, aggregate, prepare, scorecard,
list, codemap, compare, stale), ``python -m inputspace.run.workflow`` (Snakemake, SLURM),
``python -m inputspace.run.papercheck``, ``python -m inputspace.run.papercost`` and
``python -m inputspace.run.standins``; ``make help`` names the targets that call them.

One job per module, from the ground of the wing up:

* :mod:`.status` (the ``[run ]`` / ``[skip]`` / ``[ ok ]`` / ``[FAIL]`` lines of both runners),
  :mod:`.volatile` (what an executed notebook keeps), :mod:`.timings` (this run's, the remembered
  and the expected times), :mod:`.workflow` (the Snakemake engine, its plan and GPU slots);
* :mod:`.execute` (one notebook with papermill: skip by content, run, promote),
  :mod:`.prepare` (``make test``'s parameterized copies), :mod:`.readme` (the scorecard and the
  README's generated blocks), :mod:`.codemap` (the figure map's code column), :mod:`.seeds`
  (verdicts across model seeds), :mod:`.stale` (outputs from other sources), :mod:`.summary` (the
  end of a run), :mod:`.cli`;
* :mod:`.standins` (the paper profile's data and weights, faked), :mod:`.papercheck` (the paper
  profile end to end on them), :mod:`.papercost` (its cost from unit benchmarks).

Nothing is imported here, so ``from inputspace.run.workflow import plan`` (the Snakefile) stays
light.
"""
