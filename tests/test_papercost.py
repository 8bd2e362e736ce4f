"""make paper-cost: unit benchmarks at the papers' sizes, the extrapolation and its table."""

import json

import pytest
import timm
import torch

from inputspace.catalogue import notebook_id, select
from inputspace.notebook import knobs_of
from inputspace.run import papercheck, papercost
from inputspace.run.papercost import Bencher, Timing
from inputspace.workmodel import CONVSTEM, Bench


def test_bench_collects_the_architectures_of_its_knobs_once():
    b = Bench(("arch", "archs"), extra_archs=("resnet50", CONVSTEM))
    assert b.archs({"arch": "resnet18", "archs": ("resnet18", "resnet50")}) == (
        "resnet18",
        "resnet50",
        CONVSTEM,
    )


@pytest.mark.parametrize("grad", [False, True])
def test_time_model_times_a_batch_per_image(grad):
    t = papercost.time_model("resnet18", 32, grad, 10, batch=2, device=torch.device("cpu"), reps=1)
    assert t.seconds > 0 and t.batch == 2 and t.peak_bytes is None  # no peak memory on a CPU


def test_lattice_and_gmac_units_are_positive():
    assert papercost.time_lattice(sites=27_000, reps=1).seconds > 0
    assert papercost.time_gmac(torch.device("cpu"), reps=1).seconds > 0


class FakeBencher(Bencher):
    def __init__(self, seconds):
        super().__init__(torch.device("cpu"), batch=4)
        self.seconds = seconds

    def unit(self, bench, values):
        archs = bench.archs(values)
        if self.seconds is None:
            return "out of memory at batch 4", archs
        return Timing(self.seconds, 3 * 2**30, 4), archs


def test_estimate_is_units_times_seconds_per_unit():
    rows = {
        r["notebook"]: r for r in papercost.cost_rows(["p2-triangles", "p2-00"], FakeBencher(0.5))
    }
    fig04 = rows["p2-triangles"]
    assert fig04["archs"] == ("resnet50",) and fig04["paper_units"] > 1000
    assert fig04["paper_s"] == pytest.approx(0.5 * fig04["paper_units"])
    assert "computes nothing" in rows["p2-00"]["note"] and "paper_s" not in rows["p2-00"]


def test_out_of_memory_is_reported_not_estimated(monkeypatch):
    def oom(*a, **k):
        raise torch.OutOfMemoryError("CUDA out of memory")

    monkeypatch.setattr(papercost, "time_model", oom)
    (row,) = papercost.cost_rows(["p2-example"], Bencher(torch.device("cpu"), batch=64))
    assert row["note"] == "out of memory at batch 64" and "paper_s" not in row


def _rows(seconds_per_unit):
    return papercost.cost_rows(["p1-fig01", "p1-00"], FakeBencher(seconds_per_unit))


def test_cpu_table_says_cpu_and_has_no_peak_memory():
    md = papercost.cost_markdown(
        _rows(0.01), torch.device("cpu"), "a test machine", {"p1-fig01": 0.02}
    )
    assert "**These are CPU measurements**" in md and "Total (CPU, extrapolated)" in md
    assert "check slope" in md and "| 0.02 |" in md
    assert "none is split" in md  # 0.01 s × ~1e4 units is far below a GPU-day


def test_gpu_table_names_the_gpu_and_its_peak_memory(monkeypatch):
    monkeypatch.setattr(papercost, "device_name", lambda d: "Test GPU (80 GiB)")
    md = papercost.cost_markdown(_rows(0.01), torch.device("cuda"), "a test machine")
    assert "**Test GPU (80 GiB)**" in md and "Total (GPU, extrapolated)" in md and "3.0 GiB" in md
    assert "CPU measurements" not in md and "check slope" not in md


def test_a_notebook_over_a_gpu_day_is_flagged_for_splitting(monkeypatch):
    monkeypatch.setattr(papercost, "device_name", lambda d: "Test GPU")
    md = papercost.cost_markdown(_rows(1000.0), torch.device("cuda"), "m")
    assert "more than a day on one GPU" in md and "none is split" not in md


def test_the_json_twin_holds_the_markdown_numbers_for_the_slurm_requests(tmp_path):
    from inputspace.run.workflow import plan

    rows = _rows(0.01)
    data = papercost.cost_json(
        rows, torch.device("cpu"), "a test machine", {"p1-fig01": 0.02}, "2026-12-07"
    )
    (tmp_path / "paper-cost.json").write_text(json.dumps(data))
    cost = plan.read_cost(tmp_path / "paper-cost.json")
    fig01 = cost["notebooks"]["p1-fig01"]
    assert cost["device_type"] == "cpu" and fig01["paper_s"] == pytest.approx(rows[0]["paper_s"])
    assert fig01["archs"] == list(rows[0]["archs"]) and fig01["check_slope_s_per_unit"] == 0.02
    assert "paper_s" not in cost["notebooks"]["p1-00"] and cost["total_s"] == pytest.approx(
        fig01["paper_s"]
    )
    assert plan.cost_estimate(cost, "p1-fig01") == (pytest.approx(fig01["paper_s"]), True)
    assert (
        plan.slurm_resources(["p1-fig01"], cost)["p1-fig01"]["gpu_mem_mb"] == 3 * 1024
    )  # FakeBencher's 3 GiB


@pytest.mark.parametrize("nid", [notebook_id(p) for p in select(None)])
def test_every_notebook_with_work_is_benchmarked_on_real_architectures(nid):
    work, bench = papercheck.paper_work(nid), papercheck.paper_table(nid, "PAPER_BENCH").get(nid)
    if work is None or work[0].startswith("notebook"):
        assert bench is None
        return
    assert bench is not None, f"{nid} has a work model but no PAPER_BENCH entry"
    values = {n: k.default_for("paper") for n, k in knobs_of(nid).items()}
    if bench.kind == "model":
        archs = bench.archs(values)
        assert archs and all(a == CONVSTEM or timm.is_model(a) for a in archs), archs
        assert bench.size in (32, 224)
