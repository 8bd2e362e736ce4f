"""A run that shows it is alive: the kernels' bars reach the terminal at a readable rate, each
notebook announces its expected time, and the run ends with where the time went."""
import json
import subprocess
import sys
import time

import nbformat
import pytest

from inputspace import pipeline, progress


def _lines(path):
    return [json.loads(ln) for ln in path.read_text().splitlines()]


def test_bar_reports_to_the_file_named_by_the_environment(tmp_path, monkeypatch):
    feed = tmp_path / "feed.jsonl"
    monkeypatch.setattr(progress, "WRITE_EVERY", 0.0)
    monkeypatch.delenv(progress.ENV, raising=False)
    list(progress.bar(range(3), desc="plain"))
    assert not feed.exists()  # without the variable a bar is a plain tqdm bar
    monkeypatch.setenv(progress.ENV, str(feed))
    with progress.bar(total=4, desc="train x", unit="batch") as b:
        for _ in range(4):
            b.update(1)
    lines = _lines(feed)
    assert [ln["n"] for ln in lines] == [1, 2, 3, 4, 4] and lines[-1]["final"]
    assert {ln["desc"] for ln in lines} == {"train x"} and lines[0]["total"] == 4 and lines[0]["unit"] == "batch"
    list(progress.bar(range(5), desc="loop"))  # iteration reports through update() too
    assert _lines(feed)[-1]["desc"] == "loop" and _lines(feed)[-1]["n"] == 5


def test_a_fast_bar_writes_at_most_once_per_interval(tmp_path, monkeypatch):
    feed = tmp_path / "fast.jsonl"
    monkeypatch.setenv(progress.ENV, str(feed))
    monkeypatch.setattr(progress, "WRITE_EVERY", 3600.0)
    with progress.bar(total=1000, desc="fast", mininterval=0) as b:
        for _ in range(1000):
            b.update(1)
    assert len(_lines(feed)) == 1  # the first update only; a short bar writes no final line


def test_describe_and_status_lines():
    state = {"desc": "train resnet50 (standard)", "n": 120, "total": 300, "unit": "batch", "elapsed": 60.0}
    assert progress.state_text(state) == "train resnet50 (standard) 120/300 batches (40 %), ~1.5 min left"
    assert progress.state_text({"desc": "LST", "n": 7, "total": None}) == "LST 7"
    line = progress.status_line("p0-00", 600.0, 3480.0, state)
    assert line.startswith("[ .. ] p0-00 10.0 min of ~58.0 min | train resnet50")
    assert progress.status_line("p2-fig04", 30.0, None, None) == "[ .. ] p2-fig04 30 s"
    assert progress.minutes(7200) == "2.0 h"


def test_read_new_skips_a_half_written_line(tmp_path):
    feed = tmp_path / "f.jsonl"
    feed.write_text('{"n": 1}\n{"n": 2}\n{"n": 3')
    state, offset = progress.read_new(feed, 0)
    assert state == {"n": 2}
    assert progress.read_new(feed, offset) == (None, offset)
    with feed.open("a") as f:
        f.write("}\n")
    assert progress.read_new(feed, offset)[0] == {"n": 3}


def test_watcher_prints_progress_and_a_heartbeat_when_nothing_moves(tmp_path, monkeypatch):
    monkeypatch.setattr(progress, "HEARTBEAT", 2)
    feed, seen = tmp_path / "p" / "w.jsonl", []
    with progress.Watcher("p9-00", feed, 100.0, every=0.05, emit=seen.append):
        feed.write_text(json.dumps({"desc": "LST", "n": 3, "total": 10, "elapsed": 1.0}) + "\n")
        time.sleep(0.5)
    assert any("| LST 3/10 (30 %)" in s for s in seen)
    assert seen[0].startswith("[ .. ] p9-00") and " of ~1.7 min" in seen[0]
    beats = [s for s in seen if "|" not in s]
    assert beats and len(beats) < len(seen)  # heartbeats, but not one per tick


def test_summary_says_where_the_time_went():
    runs = {"p0-00": {"status": "ok", "seconds": 3000.0}, "p1-fig01": {"status": "skipped", "seconds": 0.1},
            "p2-fig04": {"status": "failed", "seconds": 1000.0}, "p3-tab01": {"status": "ok", "seconds": 30.0}}
    text = pipeline.summary_text(runs, 4100.0, top=2)
    head, where = text.splitlines()
    assert head == "2 ran, 1 skipped, 1 failed: ['p2-fig04'] in 68.3 min"
    assert where == "where the time went: p0-00 50.0 min (74 %), p2-fig04 16.7 min (25 %)"
    assert pipeline.summary_text({"a": {"status": "skipped", "seconds": 0}}, 1.0) == "0 ran, 1 skipped, 0 failed in 0.0 min"


def test_reference_timings_keep_the_last_successful_time(build):
    pipeline.remember_timings("quick", {"p0-00": {"status": "ok", "seconds": 3000.0},
                                        "p2-fig04": {"status": "ok", "seconds": 60.0}})
    pipeline.remember_timings("quick", {"p0-00": {"status": "skipped", "seconds": 0.1},
                                        "p2-fig04": {"status": "failed", "seconds": 5.0},
                                        "p1-fig01": {"status": "ok", "seconds": 42.0}})
    ref = json.loads((build / "figures" / "timings.json").read_text())["notebooks"]
    assert list(ref) == ["p0-00", "p1-fig01", "p2-fig04"]  # run order
    assert ref["p0-00"]["seconds"] == 3000.0 and ref["p2-fig04"]["seconds"] == 60.0
    sec, source = pipeline.expected_seconds("p0-00", "quick")
    assert sec == 3000.0 and source.startswith("last run ") and "core" in source
    assert pipeline.expected_seconds("p3-tab01", "quick") == (None, "")
    assert pipeline.expected_seconds("p0-00", "smoke") == (None, "")  # each profile its own file


def test_cell_timeout_is_ten_times_the_expected_time_on_this_machine_only(build):
    assert pipeline.cell_timeout(600.0, True) == 6000
    assert pipeline.cell_timeout(5.0, True) == pipeline.MIN_CELL_TIMEOUT_S  # short notebooks: 30 min
    assert pipeline.cell_timeout(600.0, False) is None  # measured on another machine: no limit
    assert pipeline.cell_timeout(None, True) is None
    assert pipeline.cell_timeout(600.0, True, "120") == 120 and pipeline.cell_timeout(600.0, True, "0") is None
    with pytest.raises(SystemExit, match="INPUTSPACE_CELL_TIMEOUT"):
        pipeline.cell_timeout(600.0, True, "ten minutes")
    pipeline.remember_timings("quick", {"p0-00": {"status": "ok", "seconds": 3000.0}})
    _, source = pipeline.expected_seconds("p0-00", "quick")
    assert source.endswith(f" on {pipeline.machine_text()}")  # what run_one compares


def test_paper_profile_expects_the_cost_table_estimate(build):
    (build / "figures").mkdir()
    (build / "figures" / "paper-cost.md").write_text(
        "# cost\n\ndevice **CPU x (1 torch thread)**; **These are CPU measurements**\n\n"
        "| notebook | paper estimate | peak memory |\n|---|---|---|\n| p2-fig03 | 3.0 h | — |\n")
    sec, source = pipeline.expected_seconds("p2-fig03", "paper")
    assert source.startswith("paper-cost.md") and sec in (10800.0, 108.0)  # / GPU_SPEEDUP on a GPU


def test_a_kernel_bar_reaches_the_terminal_of_run_one(tmp_path, monkeypatch):
    """A real papermill kernel: a notebook's bar (through the library) shows up as a ``[ .. ]`` line of
    the pipeline, and the run announces the expected time from the previous run."""
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    code = ("import time\nfrom inputspace import progress\n"
            "for _ in progress.bar(range(6), desc='fake work', mininterval=0):\n    time.sleep(0.3)")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)], metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    nbformat.write(nb, nbs / "p9-00-fake.ipynb")
    script = (
        "import sys; from pathlib import Path; from inputspace import paths, pipeline, progress\n"
        f"root = Path({str(tmp_path)!r})\n"
        "paths.NOTEBOOKS, paths.BUILD, paths.FIGURES_ROOT = root / 'notebooks', root / 'build', root / 'figures'\n"
        "progress.WRITE_EVERY = 0.0\n"
        "pipeline.remember_timings('smoke', {'p9-00': {'status': 'ok', 'seconds': 75.0}})\n"
        "print(pipeline.run_one(paths.NOTEBOOKS / 'p9-00-fake.ipynb', 'smoke', True))\n")
    env = {**__import__("os").environ, progress.EVERY_ENV: "0.2"}
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=240, env=env)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    out = run.stdout
    assert "[run ] p9-00 (smoke), expected ~75 s (last run" in out
    assert "| fake work " in out and "/6" in out, out
    assert out.strip().endswith("ok")
