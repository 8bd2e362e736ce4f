"""The notebooks on a workflow engine (Snakemake 9): ``make figures JOBS=N`` locally in parallel,
one GPU per job on a multi-GPU machine, and ``ENGINE=slurm`` on a cluster.

:mod:`.plan` holds the dependency graph and the SLURM requests, :mod:`.slots` the GPU slots,
:mod:`.engine` the ``snakemake`` command line; ``Snakefile`` and ``slurm/config.yaml`` are the
engine's inputs. Per-notebook work stays in the notebook runner (``python -m inputspace.run
run-one``, ``aggregate``), which the jobs run as commands; the notebook catalogue both read is
:mod:`inputspace.catalogue`, so nothing here imports the rest of :mod:`inputspace.run`.
"""
