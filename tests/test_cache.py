import json

import torch

from inputspace import cache


def _counter():
    calls = []

    def fn():
        calls.append(1)
        return {"x": torch.arange(4.0), "n": 3}

    return fn, calls


def test_second_call_is_a_cache_hit(tmp_path):
    fn, calls = _counter()
    a = cache.load_or_compute("k", fn, {"a": 1}, tmp_path)
    b = cache.load_or_compute("k", fn, {"a": 1}, tmp_path)
    assert len(calls) == 1 and torch.equal(a["x"], b["x"]) and b["n"] == 3


def test_other_config_is_another_entry(tmp_path):
    fn, calls = _counter()
    cache.load_or_compute("k", fn, {"a": 1}, tmp_path)
    cache.load_or_compute("k", fn, {"a": 2}, tmp_path)
    assert len(calls) == 2


def test_corrupt_file_is_detected_quarantined_and_recomputed(tmp_path):
    fn, calls = _counter()
    cache.load_or_compute("k", fn, {"a": 1}, tmp_path)
    pt, _ = cache.entry_paths("k", {"a": 1}, tmp_path)
    pt.write_bytes(b"garbage" + pt.read_bytes()[7:])
    out = cache.load_or_compute("k", fn, {"a": 1}, tmp_path)
    assert len(calls) == 2 and torch.equal(out["x"], torch.arange(4.0))
    assert (tmp_path / (pt.name + ".corrupt")).exists()  # moved aside, not lost


def test_truncated_file_with_matching_sidecar_is_not_used(tmp_path):
    fn, calls = _counter()
    cache.load_or_compute("k", fn, {"a": 1}, tmp_path)
    pt, side = cache.entry_paths("k", {"a": 1}, tmp_path)
    pt.write_bytes(pt.read_bytes()[:20])
    meta = json.loads(side.read_text())
    meta["sha256"] = cache.sha256_file(pt)  # even a consistent checksum cannot make it load
    side.write_text(json.dumps(meta))
    cache.load_or_compute("k", fn, {"a": 1}, tmp_path)
    assert len(calls) == 2


def test_stale_sidecar_config_is_recomputed(tmp_path):
    fn, calls = _counter()
    cache.load_or_compute("k", fn, {"a": 1}, tmp_path)
    _, side = cache.entry_paths("k", {"a": 1}, tmp_path)
    meta = json.loads(side.read_text())
    meta["config"]["a"] = 99
    side.write_text(json.dumps(meta))
    cache.load_or_compute("k", fn, {"a": 1}, tmp_path)
    assert len(calls) == 2


def test_missing_sidecar_is_recomputed(tmp_path):
    fn, calls = _counter()
    cache.load_or_compute("k", fn, {"a": 1}, tmp_path)
    cache.entry_paths("k", {"a": 1}, tmp_path)[1].unlink()
    cache.load_or_compute("k", fn, {"a": 1}, tmp_path)
    assert len(calls) == 2


def test_atomic_write_leaves_no_temporary_files(tmp_path):
    cache.atomic_write_bytes(tmp_path / "f.bin", b"abc")
    assert [p.name for p in tmp_path.iterdir()] == ["f.bin"]
    assert (tmp_path / "f.bin").read_bytes() == b"abc"


def test_entry_computed_by_other_code_is_stale_moved_aside_and_recomputed(tmp_path):
    fn, calls = _counter()
    cache.load_or_compute("k", fn, {"a": 1}, tmp_path, code="old")
    cache.load_or_compute("k", fn, {"a": 1}, tmp_path, code="old")
    assert len(calls) == 1  # same code: a hit
    cache.load_or_compute("k", fn, {"a": 1}, tmp_path, code="new")
    pt, side = cache.entry_paths("k", {"a": 1}, tmp_path)
    assert len(calls) == 2 and (tmp_path / (pt.name + ".corrupt")).exists()
    assert json.loads(side.read_text())["code"] == "new"


_RACER = """
import sys, time
from pathlib import Path
from inputspace import cache
d, me = Path(sys.argv[1]), sys.argv[2]
(d / f"ready-{me}").touch()
while len(list(d.glob("ready-*"))) < 2:  # start both lookups at the same moment
    time.sleep(0.01)
def fn():
    with open(d / "calls.txt", "a") as f:
        f.write(me + "\\n")
    time.sleep(1.0)
    return {"who": me}
print(cache.load_or_compute("shared", fn, {"a": 1}, d / "cache")["who"])
"""


def test_two_processes_compute_a_shared_entry_once(tmp_path):
    import subprocess
    import sys

    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _RACER, str(tmp_path), me], stdout=subprocess.PIPE, text=True
        )
        for me in ("a", "b")
    ]
    outs = [p.communicate(timeout=120)[0].strip() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    calls = (tmp_path / "calls.txt").read_text().split()
    assert len(calls) == 1 and outs == [
        calls[0],
        calls[0],
    ]  # the second waited and loaded the first's result


def test_a_read_by_another_notebook_is_logged_with_the_producer(tmp_path):
    calls = []
    fn = lambda: calls.append(1) or torch.ones(2)  # noqa: E731
    cache.load_or_compute("pool", fn, {"a": 1}, tmp_path, reader="p2-example")
    cache.load_or_compute(
        "pool", fn, {"a": 1}, tmp_path, reader="p2-example"
    )  # its own read: not logged
    assert not (tmp_path / cache.READS_LOG).exists()
    cache.load_or_compute("pool", fn, {"a": 1}, tmp_path, reader="p2-tab01")
    cache.load_or_compute(
        "pool", fn, {"a": 1}, tmp_path
    )  # no reader (a non-shared entry): not logged
    assert len(calls) == 1
    lines = (tmp_path / cache.READS_LOG).read_text().splitlines()
    assert [json.loads(ln) for ln in lines] == [
        {"entry": "pool", "producer": "p2-example", "consumer": "p2-tab01"}
    ]
    side = next(tmp_path.glob("pool-*.json"))
    assert json.loads(side.read_text())["producer"] == "p2-example"
