"""A run that shows it is alive: the kernels' bars reach the terminal at a readable rate, each
notebook announces its expected time, and the run ends with where the time went."""

import json
import subprocess
import sys
import time

import nbformat
import pytest

from inputspace import progress
from inputspace.run import execute, summary, timings


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
    assert (
        {ln["desc"] for ln in lines} == {"train x"}
        and lines[0]["total"] == 4
        and lines[0]["unit"] == "batch"
    )
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
    state = {
        "desc": "train resnet50 (standard)",
        "n": 120,
        "total": 300,
        "unit": "batch",
        "elapsed": 60.0,
    }
    assert (
        progress.state_text(state)
        == "train resnet50 (standard) 120/300 batches (40 %), ~1.5 min left"
    )
    assert progress.state_text({"desc": "LST", "n": 7, "total": None}) == "LST 7"
    line = progress.status_line("p0-00", 600.0, 3480.0, state)
    assert line.startswith("[ .. ] p0-00 10.0 min of ~58.0 min | train resnet50")
    assert progress.status_line("p2-triangles", 30.0, None, None) == "[ .. ] p2-triangles 30 s"
    assert progress.duration(7200) == "2.0 h" and progress.duration(7200, coarse=True) == "2.0 h"
    assert [progress.duration(s, coarse=True) for s in (17, 1500, 12000, 6.9 * 86400)] == [
        "17 s",
        "25 min",
        "3.3 h",
        "6.9 days",
    ]


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
    runs = {
        "p0-00": {"status": "ok", "seconds": 3000.0},
        "p1-fig01": {"status": "skipped", "seconds": 0.1},
        "p2-triangles": {"status": "failed", "seconds": 1000.0},
        "p3-tab01": {"status": "ok", "seconds": 30.0},
    }
    text = summary.summary_text(runs, 4100.0, top=2)
    head, where = text.splitlines()
    assert head == "2 ran, 1 skipped, 1 failed: ['p2-triangles'] in 68.3 min"
    assert where == "where the time went: p0-00 50.0 min (74 %), p2-triangles 16.7 min (25 %)"
    assert (
        summary.summary_text({"a": {"status": "skipped", "seconds": 0}}, 1.0)
        == "0 ran, 1 skipped, 0 failed in 0.0 min"
    )


def test_reference_timings_keep_the_last_successful_time(build):
    timings.remember_timings(
        "quick",
        {
            "p0-00": {"status": "ok", "seconds": 3000.0},
            "p2-triangles": {"status": "ok", "seconds": 60.0},
        },
    )
    timings.remember_timings(
        "quick",
        {
            "p0-00": {"status": "skipped", "seconds": 0.1},
            "p2-triangles": {"status": "failed", "seconds": 5.0},
            "p1-fig01": {"status": "ok", "seconds": 42.0},
        },
    )
    ref = json.loads((build / "figures" / "timings.json").read_text())["notebooks"]
    assert list(ref) == ["p0-00", "p1-fig01", "p2-triangles"]  # run order
    assert ref["p0-00"]["seconds"] == 3000.0 and ref["p2-triangles"]["seconds"] == 60.0
    sec, source = timings.expected_seconds("p0-00", "quick")
    assert sec == 3000.0 and source.startswith("last run ") and "core" in source
    assert timings.expected_seconds("p3-tab01", "quick") == (None, "")
    assert timings.expected_seconds("p0-00", "smoke") == (None, "")  # each profile its own file


def test_cell_timeout_is_ten_times_the_expected_time_on_this_machine_only(build):
    assert execute.cell_timeout(600.0, True) == 6000
    assert execute.cell_timeout(5.0, True) == execute.MIN_CELL_TIMEOUT_S  # short notebooks: 30 min
    assert execute.cell_timeout(600.0, False) is None  # measured on another machine: no limit
    assert execute.cell_timeout(None, True) is None
    assert (
        execute.cell_timeout(600.0, True, "120") == 120
        and execute.cell_timeout(600.0, True, "0") is None
    )
    with pytest.raises(SystemExit, match="INPUTSPACE_CELL_TIMEOUT"):
        execute.cell_timeout(600.0, True, "ten minutes")
    timings.remember_timings("quick", {"p0-00": {"status": "ok", "seconds": 3000.0}})
    _, source = timings.expected_seconds("p0-00", "quick")
    assert source.endswith(f" on {timings.machine_text()}")  # what run_one compares


def test_paper_profile_expects_the_cost_table_estimate(build):
    (build / "figures").mkdir()
    (build / "figures" / "paper-cost.json").write_text(
        json.dumps(
            {
                "format": 1,
                "device": "CPU x (1 torch thread)",
                "device_type": "cpu",
                "notebooks": {
                    "p2-star": {"unit": "LST step × pair", "paper_s": 10800.0, "peak_bytes": None}
                },
            }
        )
    )
    sec, source = timings.expected_seconds("p2-star", "paper")
    assert source.startswith("paper-cost.json") and sec in (
        10800.0,
        108.0,
    )  # / GPU_SPEEDUP on a GPU


def test_a_kernel_bar_reaches_the_terminal_of_run_one(tmp_path, monkeypatch):
    """A real papermill kernel: a notebook's bar (through the library) shows up as a ``[ .. ]`` line of
    the pipeline, and the run announces the expected time from the previous run."""
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    code = (
        "import time\nfrom inputspace import progress\n"
        "for _ in progress.bar(range(6), desc='fake work', mininterval=0):\n    time.sleep(0.3)"
    )
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(code)],
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
    )
    nbformat.write(nb, nbs / "p9-00-fake.ipynb")
    script = (
        "import sys; from pathlib import Path; from inputspace import paths, progress\n"
        "from inputspace.run import execute, timings\n"
        f"root = Path({str(tmp_path)!r})\n"
        "paths.NOTEBOOKS, paths.BUILD, paths.FIGURES_ROOT = root / 'notebooks', root / 'build', root / 'figures'\n"
        "progress.WRITE_EVERY = 0.0\n"
        "timings.remember_timings('smoke', {'p9-00': {'status': 'ok', 'seconds': 75.0}})\n"
        "print(execute.run_one(paths.NOTEBOOKS / 'p9-00-fake.ipynb', 'smoke', True))\n"
    )
    env = {**__import__("os").environ, progress.EVERY_ENV: "0.2"}
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=240, env=env
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    out = run.stdout
    assert "[run ] p9-00 (smoke), expected ~75 s (last run" in out
    assert "| fake work " in out and "/6" in out, out
    assert out.strip().endswith("ok")


class _Kernel:
    """The part of an ipykernel that :func:`progress.headless` asks: the request it is executing."""

    def __init__(self, msg_type, allow_stdin=None):
        content = {} if allow_stdin is None else {"allow_stdin": allow_stdin}
        self.parent = {"header": {"msg_type": msg_type}, "content": content}

    def get_parent(self):
        return self.parent


def _in_kernel(monkeypatch, kernel):
    import types

    shell = types.SimpleNamespace(kernel=kernel)
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: shell))


@pytest.mark.parametrize(
    ("kernel", "headless"),
    [
        (_Kernel("execute_request", allow_stdin=False), True),  # nbclient (papermill), nbval
        (_Kernel("execute_request", allow_stdin=True), False),  # JupyterLab, Notebook, VS Code
        (_Kernel("execute_request"), True),  # a client that does not say: no stdin
        (_Kernel("comm_msg"), False),  # a widget callback: a live page
    ],
)
def test_headless_kernels_are_those_whose_client_takes_no_input(monkeypatch, kernel, headless):
    monkeypatch.delenv(progress.STYLE_ENV, raising=False)
    _in_kernel(monkeypatch, kernel)
    assert progress.headless() is headless
    monkeypatch.setenv(progress.STYLE_ENV, "widget")
    assert progress.headless() is False
    monkeypatch.setenv(progress.STYLE_ENV, "text")
    assert progress.headless() is True
    monkeypatch.setenv(progress.STYLE_ENV, "fancy")
    with pytest.raises(ValueError, match="'text' or 'widget'"):
        progress.headless()


@pytest.mark.parametrize("style", [None, "text"])
def test_outside_a_kernel_bars_are_tqdm_auto(monkeypatch, style):
    """A terminal, or a worker process a kernel started (it inherits the pipeline's variable)."""
    monkeypatch.setenv(progress.STYLE_ENV, style or "")
    monkeypatch.delitem(sys.modules, "IPython", raising=False)
    assert not progress.headless()
    assert not isinstance(progress.bar(range(2), disable=True), progress.TextBar)
    _in_kernel(monkeypatch, None)  # IPython in a terminal: no kernel
    assert not progress.headless()


def test_a_headless_bar_prints_one_line_when_it_stays_and_none_when_it_leaves(
    monkeypatch, capsys, tmp_path
):
    monkeypatch.delenv(progress.STYLE_ENV, raising=False)
    _in_kernel(monkeypatch, _Kernel("execute_request", allow_stdin=False))
    monkeypatch.delenv(progress.ENV, raising=False)
    b = progress.bar(total=3, desc="train x", unit="batch")
    assert isinstance(b, progress.TextBar)
    for _ in range(3):
        b.update(1)
    b.close()
    assert capsys.readouterr() == (
        "train x 3/3 batches (100 %) in 0 s\n",
        "",
    )  # nothing while it ran
    assert list(progress.bar(range(400), desc="LST", leave=False)) == list(range(400))
    assert capsys.readouterr() == ("", "")
    list(progress.bar(range(4), desc="off", disable=True))
    assert capsys.readouterr() == ("", "")
    feed = tmp_path / "feed.jsonl"  # and it still reports to the pipeline's watcher
    monkeypatch.setenv(progress.ENV, str(feed))
    monkeypatch.setattr(progress, "WRITE_EVERY", 0.0)
    b = progress.bar(range(2), desc="LST", leave=False)
    assert isinstance(b, progress.TextBar)
    list(b)
    assert (
        _lines(feed)[-1]["n"] == 2 and _lines(feed)[-1]["final"] and capsys.readouterr().out == ""
    )


def test_pipeline_kernels_draw_text_bars(monkeypatch):
    for name in (progress.STYLE_ENV, "HF_HUB_OFFLINE", "MPLBACKEND"):  # restored after the test
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    execute.kernel_env("quick")
    _in_kernel(
        monkeypatch, _Kernel("execute_request", allow_stdin=True)
    )  # even if a client said stdin
    assert progress.headless()


def test_a_papermill_run_stores_text_not_a_frozen_widget_bar(tmp_path, monkeypatch):
    """End to end in the project's kernel, papermill as a person runs it by hand (no pipeline)."""
    import papermill as pm

    monkeypatch.delenv(progress.STYLE_ENV, raising=False)
    monkeypatch.delenv(progress.ENV, raising=False)
    code = (
        "from inputspace import progress\n"
        "for _ in progress.bar(range(5), desc='kept'):\n    pass\n"
        "for _ in progress.bar(range(5), desc='LST', leave=False):\n    pass"
    )
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    src, out = tmp_path / "bars.ipynb", tmp_path / "bars.out.ipynb"
    nbformat.write(nb, src)
    pm.execute_notebook(
        str(src), str(out), kernel_name="python3", progress_bar=False, cwd=str(tmp_path)
    )
    outputs = nbformat.read(out, as_version=4).cells[0].outputs
    assert [(o.output_type, o.get("name")) for o in outputs] == [("stream", "stdout")]
    assert outputs[0].text.startswith("kept 5/5 (100 %) in ") and outputs[0].text.count("\n") == 1


def test_a_live_frontend_gets_widgets_and_an_executing_client_text(monkeypatch):
    """A real kernel asked as JupyterLab asks (``allow_stdin=True``) and as nbclient asks (False)."""
    from jupyter_client.manager import start_new_kernel

    monkeypatch.delenv(progress.STYLE_ENV, raising=False)
    km, kc = start_new_kernel(kernel_name="python3")
    try:
        seen = {True: [], False: []}
        for allow_stdin, texts in seen.items():
            kc.execute_interactive(
                "from inputspace import progress\nprint(progress.headless())",
                allow_stdin=allow_stdin,
                timeout=60,
                output_hook=lambda m, out=texts: out.append(m["content"].get("text", "")),
            )
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert {k: "".join(v).strip() for k, v in seen.items()} == {True: "False", False: "True"}
