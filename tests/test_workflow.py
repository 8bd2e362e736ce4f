"""The notebooks on Snakemake (``inputspace.run.workflow``): the dependency graph, JOBS=2 against the
sequential runner, resuming after a killed worker, the SLURM submission plan, the GPU slots."""

import json
import os
import re
import subprocess
import sys
import threading
from types import SimpleNamespace

import nbformat
import pytest

from inputspace import catalogue, paths
from inputspace.run import execute, summary
from inputspace.run.workflow import engine, plan
from inputspace.run.workflow.slots import gpu_slot, slot_device

ROOT = paths.ROOT


def _snakemake(cmd: list[str]) -> str:
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    return res.stdout + res.stderr


def _dry_run_jobs(out: str) -> dict[str, dict[str, str]]:
    """notebook id -> its resources, from Snakemake's dry-run listing."""
    jobs = {}
    for block in out.split("rule notebook:")[1:]:
        nid = re.search(r"wildcards: nid=(\S+)", block).group(1)
        res = re.search(r"resources: (.*)", block).group(1)
        jobs[nid] = dict(kv.split("=", 1) for kv in res.split(", "))
    return jobs


# --- the dependency graph ----------------------------------------------------------------------


def test_zoo_first_and_declared_shared_cache_edges_on_a_fake_notebook_set():
    ids = ["p0-00", "p1-fig01", "p1-fig02", "p7-a", "p7-b"]
    deps = plan.dependencies(ids, {"p1-fig01": ("p1-fig02", "p9-absent"), "p7-a": ("p7-b",)})
    assert deps == {
        "p0-00": [],
        "p1-fig01": ["p0-00"],
        "p1-fig02": ["p0-00", "p1-fig01"],
        "p7-a": ["p0-00"],
        "p7-b": ["p0-00", "p7-a"],
    }
    # an ONLY= selection without the zoo or the producer: nothing to wait for (the locks order it)
    assert plan.dependencies(["p1-fig02", "p7-b"], {"p7-a": ("p7-b",)}) == {
        "p1-fig02": [],
        "p7-b": [],
    }
    with pytest.raises(ValueError, match="cycle"):
        plan.dependencies(["a", "b"], {"a": ("b",), "b": ("a",)})


def test_declared_edges_name_real_notebooks_and_the_engine_uses_them():
    ids = [catalogue.notebook_id(p) for p in catalogue.select(None)]
    for producer, consumers in plan.SHARED_CACHE_EDGES.items():
        assert producer in ids and set(consumers) <= set(ids), (producer, consumers)
    chosen = ["p0-00", "p1-fig01", "p1-fig02", "p3-fig11", "p3-tab02"]
    cmd = engine.snakemake_command("smoke", 1, run_id="test-dag", ids=chosen)
    dot = _snakemake([*cmd, "--dag"])
    label = dict(re.findall(r'(\d+)\[label = "notebook\\nnid: ([^"\\]+)', dot))
    edges = {
        (label[a], label[b])
        for a, b in re.findall(r"(\d+) -> (\d+)", dot)
        if a in label and b in label
    }
    assert edges == {("p0-00", n) for n in chosen[1:]} | {
        ("p1-fig01", "p1-fig02"),
        ("p3-fig11", "p3-tab02"),
    }


def test_reads_the_graph_does_not_order_are_missing_edges():
    log = [
        json.dumps({"entry": "p2.derangements", "producer": "p2-star", "consumer": "p2-tab01"}),
        json.dumps({"entry": "p2.pool", "producer": "p2-example", "consumer": "p2-tab01"}),
        json.dumps({"entry": "p2.pool", "producer": "p2-example", "consumer": "p2-star"}),
        '{"entry": "torn',
        "",
    ]
    observed = plan.read_edges(log)
    assert observed == {
        ("p2-star", "p2-tab01"): {"p2.derangements"},
        ("p2-example", "p2-tab01"): {"p2.pool"},
        ("p2-example", "p2-star"): {"p2.pool"},
    }
    ids = ["p0-00", "p2-example", "p2-star", "p2-tab01"]
    only_fig01 = {"p2-example": ("p2-star", "p2-tab01")}
    assert plan.missing_edges(observed, ids, only_fig01) == {
        ("p2-star", "p2-tab01"): {"p2.derangements"}
    }
    # ordered through another notebook (fig01 -> fig03 -> tab01) is ordered
    chain = {"p2-example": ("p2-star",), "p2-star": ("p2-tab01",)}
    assert plan.missing_edges(observed, ids, chain) == {}
    # a read by a notebook outside the selection is no edge of this run
    assert plan.missing_edges(observed, ["p2-example", "p2-star"], {}) == {
        ("p2-example", "p2-star"): {"p2.pool"}
    }


def test_threads_per_job():
    assert [plan.threads_per_job(16, j) for j in (1, 2, 3, 8, 32)] == [16, 8, 5, 2, 1]
    with pytest.raises(ValueError):
        plan.threads_per_job(4, 0)


# --- JOBS=2 against JOBS=1 on two cheap smoke notebooks -------------------------------------

CHEAP = [
    "p2-00",
    "p3-tab01",
]  # p3-tab01 records claims; both compute nothing (kernel start + imports)


def _claims(nid: str) -> dict:
    return json.loads((paths.claims_dir("smoke") / f"{nid}.json").read_text())


def _torch_threads(nid: str) -> int:
    nb = catalogue.notebook_path(nid)
    text = (paths.BUILD / "smoke" / nb.name).read_text()
    return int(re.search(r"torch_threads\s+(\d+)", text).group(1))


def test_jobs2_gives_the_outputs_of_jobs1_and_each_job_its_threads_and_gpu():
    py = sys.executable
    only = ",".join(CHEAP)
    run1 = subprocess.run(
        [py, "-m", "inputspace.run", "run", "--profile", "smoke", "--only", only, "--force"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run1.returncode == 0, run1.stdout[-3000:]
    ref = {nid: _claims(nid) for nid in CHEAP}
    assert ref["p3-tab01"]["claims"], (
        "p3-tab01 should record claims (else this test compares nothing)"
    )
    run2 = subprocess.run(
        [
            py,
            "-m",
            "inputspace.run.workflow",
            "run",
            "--profile",
            "smoke",
            "--jobs",
            "2",
            "--only",
            only,
            "--force",
            "--gpus",
            "5,6",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run2.returncode == 0, run2.stdout[-3000:] + run2.stderr[-3000:]
    assert {nid: _claims(nid) for nid in CHEAP} == ref
    assert "2 ran, 0 skipped, 0 failed" in run2.stdout
    said = run2.stdout + run2.stderr  # our [run ]/[ ok ] lines, not Snakemake's per-job records
    assert "[ ok ] p2-00" in said and not any(
        s in said for s in ("Finished jobid", "steps (", "rule notebook:")
    )
    timings = json.loads((paths.BUILD / "smoke" / "timings.json").read_text())["notebooks"]
    assert set(timings) == set(CHEAP) and {t["status"] for t in timings.values()} == {"ok"}
    threads = plan.threads_per_job(os.cpu_count() or 1, 2)
    assert {t["threads"] for t in timings.values()} == {str(threads)}
    assert sorted(t["gpu"] for t in timings.values()) == ["5", "6"]  # one slot (GPU) per job
    assert all(_torch_threads(nid) == threads for nid in CHEAP)  # the kernel inherited it


# --- resume after a killed worker --------------------------------------------------------------


def test_a_killed_notebook_never_promotes_and_the_restart_runs_it_then_skips(tmp_path, monkeypatch):
    import papermill

    nbs, build = tmp_path / "notebooks", tmp_path / "build"
    nbs.mkdir()
    monkeypatch.setattr(paths, "NOTEBOOKS", nbs)
    monkeypatch.setattr(paths, "BUILD", build)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    src = nbs / "p9-00-fake.ipynb"
    nbformat.write(nb, src)
    committed = src.read_bytes()
    out = build / "quick" / src.name
    record = tmp_path / "runs" / "p9-00.json"

    def killed(inp, outp, **kw):
        out.write_text('{"cells": [')  # half-written, then the worker dies
        raise KeyboardInterrupt

    def executes(inp, outp, **kw):
        done = nbformat.read(inp, as_version=4)
        done.cells[0].outputs = [nbformat.v4.new_output("stream", text="ran\n")]
        nbformat.write(done, outp)

    monkeypatch.setattr(papermill, "execute_notebook", killed)
    with pytest.raises(KeyboardInterrupt):
        execute.run_and_record("p9-00", "quick", False, record)
    assert src.read_bytes() == committed  # nothing promoted
    assert not (build / "quick" / "stamps" / "p9-00.sha256").exists() and not record.exists()

    monkeypatch.setattr(papermill, "execute_notebook", executes)
    assert execute.run_and_record("p9-00", "quick", False, record) == "ok"
    assert nbformat.read(src, as_version=4).cells[0].outputs[0]["text"] == "ran\n"
    assert json.loads(record.read_text())["status"] == "ok"
    monkeypatch.setattr(papermill, "execute_notebook", killed)  # must not even start
    assert execute.run_and_record("p9-00", "quick", False, record) == "skipped"


def test_aggregate_counts_a_notebook_without_record_as_failed(tmp_path, monkeypatch):
    seen = {}
    monkeypatch.setattr(summary, "summarize", lambda profile, runs, t0: seen.update(runs) or 0)
    (tmp_path / "p2-00.json").write_text(json.dumps({"status": "ok", "seconds": 3.0}))
    summary.aggregate("smoke", tmp_path, ["p2-00", "p3-00"], 0.0)
    assert seen == {
        "p2-00": {"status": "ok", "seconds": 3.0},
        "p3-00": {"status": "failed", "seconds": 0.0},
    }


# --- the SLURM plan ----------------------------------------------------------------------------

COST = {
    "format": 1,
    "device": "CPU x86_64 (2 torch threads)",
    "device_type": "cpu",
    "machine": "a test machine",
    "date": "2026-12-02",
    "total_s": 6.9 * 86400 + 3 * 3600,
    "notebooks": {
        "p0-00": {"unit": "—", "note": "no work model"},
        "p1-fig06": {
            "unit": "224 px pass",
            "paper_units": 1.43e7,
            "s_per_unit": 0.042,
            "paper_s": 6.9 * 86400,
            "peak_bytes": None,
            "batch": 8,
        },
        "p2-star": {
            "unit": "LST step × pair",
            "paper_units": 3e4,
            "s_per_unit": 0.361,
            "paper_s": 3 * 3600,
            "peak_bytes": 2.5 * 2**30,
            "batch": 8,
        },
    },
}
"""``figures/paper-cost.json`` as :func:`inputspace.run.papercost.cost_json` writes it, measured on a CPU."""


def test_slurm_requests_from_the_cost_table():
    res = plan.slurm_resources(["p0-00", "p1-fig06", "p2-star", "p3-fig01"], COST)
    assert res["p1-fig06"]["runtime"] == 150  # 6.9 days / 100 (CPU-measured) × 1.5 = 149.04 min
    assert res["p2-star"]["runtime"] == 30  # 2.7 min: the 30 min floor
    assert res["p0-00"]["runtime"] == res["p3-fig01"]["runtime"] == 120  # no estimate: the default
    assert res["p2-star"]["gpu_mem_mb"] == 2560 and res["p1-fig06"]["gpu_mem_mb"] == 0
    assert {r["gpu"] for r in res.values()} == {1} and {
        r["cpus_per_task"] for r in res.values()
    } == {8}
    gpu_table = {**COST, "device": "NVIDIA H200 (139 GiB)", "device_type": "cuda"}
    assert plan.slurm_resources(["p2-star"], gpu_table)["p2-star"]["runtime"] == 270  # 3 h × 1.5
    assert (
        plan.slurm_resources(["p1-fig06"], None)["p1-fig06"]["runtime"] == 120
    )  # no table: the defaults


def test_the_cost_table_is_read_from_its_json_twin(tmp_path):
    assert plan.read_cost(tmp_path / "paper-cost.json") is None
    (tmp_path / "paper-cost.json").write_text(json.dumps(COST))
    assert plan.read_cost(tmp_path / "paper-cost.json") == COST
    (tmp_path / "old.json").write_text(json.dumps({"format": 0, "notebooks": {}}))
    with pytest.raises(ValueError, match="make paper-cost"):
        plan.read_cost(tmp_path / "old.json")


def test_the_committed_cost_table_has_a_json_twin_with_every_estimate_of_the_markdown():
    cost = plan.read_cost(paths.FIGURES_ROOT / "paper-cost.json")
    md = (paths.FIGURES_ROOT / "paper-cost.md").read_text()
    assert (
        cost is not None and cost["device_type"] == "cpu" and "**These are CPU measurements**" in md
    )
    rows = [ln.split("|")[1].strip() for ln in md.splitlines() if ln.startswith("| p")]
    assert sorted(rows) == sorted(cost["notebooks"])
    estimated = [nid for nid, e in cost["notebooks"].items() if "paper_s" in e]
    assert estimated and all(f"| {nid} |" in md for nid in estimated)


def test_slurm_dry_run_submits_one_job_per_notebook_with_the_table_requests(tmp_path):
    from snakemake_executor_plugin_slurm.submit_string import get_submit_command
    from snakemake_executor_plugin_slurm.utils import set_gres_string

    table = tmp_path / "paper-cost.json"
    table.write_text(json.dumps(COST))
    ids = ["p0-00", "p1-fig06", "p2-star"]
    cmd = engine.snakemake_command(
        "paper", 1, run_id="test-slurm", ids=ids, engine="slurm", dry_run=True, cost_table=table
    )
    jobs = _dry_run_jobs(_snakemake(cmd))
    assert sorted(jobs) == ids  # one job per notebook
    expected = plan.slurm_resources(ids, COST)
    for nid, res in jobs.items():
        assert {k: int(res[k]) for k in expected[nid]} == expected[nid]

    class Resources(dict):
        __getattr__ = dict.__getitem__

    r = {k: int(v) for k, v in jobs["p1-fig06"].items() if v.isdigit()}
    job = SimpleNamespace(resources=Resources(r), threads=8)
    params = {
        "run_uuid": "u",
        "slurm_logfile": "log",
        "comment_str": "p1-fig06",
        "account": "",
        "partition": "",
        "workdir": "",
    }
    sbatch = get_submit_command(job, params) + set_gres_string(job)
    for flag in ("-t 150", "--mem 32000", "--cpus-per-task=8", "--gpus=1"):
        assert flag in sbatch, sbatch


# --- GPU slots ---------------------------------------------------------------------------------


def test_each_concurrent_job_gets_its_own_gpu_and_the_env_is_restored(tmp_path, monkeypatch):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "outer")
    with gpu_slot(tmp_path, 2, ["5", "6"]) as (a, dev_a):
        assert (a, dev_a, os.environ["CUDA_VISIBLE_DEVICES"]) == (0, "5", "5")
        probe = subprocess.run(  # another job (process) while slot 0 is held
            [
                sys.executable,
                "-c",
                "import os, pathlib; from inputspace.run.workflow.slots import gpu_slot\n"
                f"with gpu_slot(pathlib.Path({str(tmp_path)!r}), 2, ['5', '6']) as s: "
                "print(s, os.environ['CUDA_VISIBLE_DEVICES'])",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert probe.stdout.strip() == "(1, '6') 6", probe.stderr
    assert os.environ["CUDA_VISIBLE_DEVICES"] == "outer"
    assert [slot_device(i, ["0", "1"]) for i in range(4)] == ["0", "1", "0", "1"]  # JOBS > GPUs


def test_a_job_waits_for_a_free_slot(tmp_path):
    events = []

    def second():
        with gpu_slot(tmp_path, 1, ["0"], poll_s=0.01):
            events.append("second acquired")

    with gpu_slot(tmp_path, 1, ["0"]):
        t = threading.Thread(target=second)
        t.start()
        t.join(0.2)
        events.append("first releases")
    t.join(60)
    assert events == ["first releases", "second acquired"]


# --- papermill's kernels: encrypted transport, so no "running over TCP without encryption" ----


def test_pipeline_kernels_get_curve_keys():
    from jupyter_client import KernelManager

    km = KernelManager(kernel_name="python3", config=execute.kernel_config())
    km.pre_start_kernel()  # writes the connection file, launches nothing
    try:
        assert km.curve_secretkey is not None and km.curve_publickey is not None
    finally:
        km.cleanup_connection_file()
    plain = KernelManager(kernel_name="python3")
    plain.pre_start_kernel()
    try:
        assert plain.curve_secretkey is None  # the default that makes ipykernel warn
    finally:
        plain.cleanup_connection_file()
