"""Per-paper orchestration used by the notebooks: knobs (per-profile defaults) and the one or
two calls each notebook makes (load models and data, run the algorithm, cache the result)."""
