"""A small on-disk result cache keyed by a hash of the configuration.

Each entry is ``<dir>/<key>-<hash>.pt`` (written with ``torch.save``, read with
``torch.load(weights_only=True)``, so results must be tensors, numbers, strings and nested
lists/dicts of them) plus a ``.json`` sidecar holding the configuration, the sha256 of the
``.pt`` file and, when given, a digest of the code and models that computed it. Writes are
atomic (temporary file + ``os.replace``). On load, a missing sidecar, a checksum mismatch, an
unreadable file or a sidecar whose configuration or code digest differs from the requested one
marks the entry corrupt or stale: it is moved aside (``*.corrupt``, never deleted) with a
warning and recomputed -- never silently used.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import torch

from . import paths
from .config import Config
from .sources import compute_digest

log = logging.getLogger(__name__)
T = TypeVar("T")
FORMAT = 1


def config_hash(config: Mapping[str, Any]) -> str:
    """16 hex digits of sha256 over the JSON of ``config`` (keys sorted)."""
    return hashlib.sha256(_canonical(config).encode()).hexdigest()[:16]


def _canonical(config: Mapping[str, Any]) -> str:
    return json.dumps({"format": FORMAT, **dict(config)}, sort_keys=True, default=str)


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (a reader sees the old file or the new, never half)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual permissions
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_torch_save(obj: Any, path: Path) -> str:
    """``torch.save`` atomically; returns the sha256 of the written file."""
    import io

    buf = io.BytesIO()
    torch.save(obj, buf)
    data = buf.getvalue()
    atomic_write_bytes(Path(path), data)
    return hashlib.sha256(data).hexdigest()


def quarantine(path: Path, reason: str) -> Path:
    """Move a corrupt file aside (``<name>.corrupt``) so it is neither used nor lost."""
    target = path.with_name(path.name + ".corrupt")
    os.replace(path, target)
    log.warning("%s: %s; moved to %s and recomputing", path, reason, target.name)
    return target


def entry_paths(
    key: str, config: Mapping[str, Any], directory: Path | None = None
) -> tuple[Path, Path]:
    """The ``(.pt, .json)`` paths of a cache entry."""
    directory = Path(directory) if directory is not None else paths.data_dir() / "cache"
    stem = f"{key}-{config_hash(config)}"
    return directory / f"{stem}.pt", directory / f"{stem}.json"


def _load_valid(
    pt: Path, side: Path, config: Mapping[str, Any], code: str | None
) -> tuple[bool, Any, dict]:
    if not pt.exists():
        return False, None, {}
    try:
        meta = json.loads(side.read_text())
    except (OSError, ValueError):
        quarantine(pt, "missing or unreadable sidecar")
        return False, None, {}
    if meta.get("config") != json.loads(_canonical(config)):
        quarantine(pt, "stale entry (configuration differs)")
        return False, None, {}
    if code is not None and meta.get("code") != code:
        quarantine(pt, "stale entry (computed by other library code or with other trained models)")
        return False, None, {}
    if meta.get("sha256") != sha256_file(pt):
        quarantine(pt, "checksum mismatch (corrupt file)")
        return False, None, {}
    try:
        return True, torch.load(pt, map_location="cpu", weights_only=True), meta
    except Exception as exc:  # noqa: BLE001 - any unpickling failure means corrupt
        quarantine(pt, f"unreadable ({type(exc).__name__}: {exc})")
        return False, None, {}


READS_LOG = "reads.jsonl"
"""Per cache folder, one JSON line per entry read by another notebook than the one that computed it
(``{"entry", "producer", "consumer"}``): the shared-cache edges a run really had
(:func:`inputspace.run.workflow.plan.missing_edges` checks them against the declared graph)."""


def _note_read(pt: Path, meta: Mapping[str, Any], reader: str | None) -> None:
    producer = meta.get("producer")
    if reader is None or producer is None or producer == reader:
        return
    line = (
        json.dumps({"entry": meta.get("key", pt.stem), "producer": producer, "consumer": reader})
        + "\n"
    )
    with open(
        pt.parent / READS_LOG, "a"
    ) as handle:  # one short append: whole lines under concurrent writers
        handle.write(line)


def load_or_compute(
    key: str,
    fn: Callable[[], T],
    config: Mapping[str, Any],
    directory: Path | None = None,
    code: str | None = None,
    reader: str | None = None,
) -> T:
    """Return the cached result of ``fn()`` for ``config``, computing and storing it if needed.

    Args:
        key: a readable name, e.g. ``"p2-triangles.triangles"``.
        fn: computes the result (tensors / numbers / strings in lists and dicts).
        config: everything the result depends on (profile, sizes, seeds, algorithm version).
        directory: cache folder (default ``data/cache``).
        code: a digest of what computed the result (:func:`inputspace.sources.compute_digest`);
            an entry stored with another digest is stale: moved aside and recomputed.
        reader: the notebook asking (shared entries): stored as the entry's ``producer`` when it
            computes it; a read by another notebook is appended to :data:`READS_LOG`.
    """
    pt, side = entry_paths(key, config, directory)
    ok, value, meta = _load_valid(pt, side, config, code)
    if ok:
        log.info("cache hit %s", pt.name)
        _note_read(pt, meta, reader)
        return value
    with entry_lock(pt):  # another process may be computing this entry: wait, then reuse it
        ok, value, meta = _load_valid(pt, side, config, code)
        if ok:
            log.info("cache hit %s (computed by another process)", pt.name)
            _note_read(pt, meta, reader)
            return value
        value = fn()
        digest = atomic_torch_save(value, pt)
        meta = {
            "key": key,
            "config": json.loads(_canonical(config)),
            "sha256": digest,
            "code": code,
            **({"producer": reader} if reader is not None else {}),
        }
        atomic_write_bytes(side, json.dumps(meta, indent=1, sort_keys=True).encode())
    return value


@contextmanager
def entry_lock(pt: Path) -> Iterator[None]:
    """Hold an exclusive lock on one cache entry across processes (``flock`` on ``<entry>.lock``),
    so that notebooks running at the same time compute a shared entry once: the second waits for
    the first and then loads its result. Entries depend on each other as a DAG (an entry's
    computation may read other entries, never itself), so nested locks cannot deadlock."""
    pt.parent.mkdir(parents=True, exist_ok=True)
    with open(pt.with_name(pt.name + ".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def cached(cfg: Config, key: str, fn: Callable[[], T], shared: bool = False, **extra: Any) -> T:
    """``cache.load_or_compute`` keyed by the notebook's parameters (plus ``extra``).

    ``shared=True`` keys the entry by ``extra`` and the profile only, in
    ``data/cache/<profile>/shared/``, so several notebooks reuse one computation (e.g. P3's
    SOMs); otherwise entries live in ``data/cache/<profile>/<notebook_id>/``. An entry computed
    by other library code (the module defining ``fn`` and what it imports) or with other trained
    models is stale and recomputed (:func:`inputspace.sources.compute_digest`). A shared entry
    remembers the notebook that computed it, and its reads by other notebooks are logged
    (:data:`inputspace.cache.READS_LOG`): the edges ``make figures JOBS=N`` must order.
    """
    if shared:
        config = {"profile": cfg.profile, **extra}
        directory = paths.cache_dir("shared", cfg.profile)
    else:
        config = {**{k: v for k, v in cfg.as_dict().items() if k != "device"}, **extra}
        directory = paths.cache_dir(cfg.notebook_id, cfg.profile)
    code = compute_digest(fn.__module__, cfg.profile)
    return load_or_compute(
        key, fn, config, directory, code=code, reader=cfg.notebook_id if shared else None
    )
