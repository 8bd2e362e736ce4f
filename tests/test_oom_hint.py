"""Out of GPU memory: one line that says which knob of the notebook to lower (issue 13).

``notebook.setup`` makes the kernel end a ``torch.OutOfMemoryError``'s traceback with
:func:`inputspace.oomhint.oom_message`; the cell still fails. The knobs come from each paper's
``cost.MEMORY`` table, checked here against the notebooks' real knobs.
"""

import importlib

import nbformat
import papermill as pm
import pytest
import torch

from inputspace import notebook, oomhint
from inputspace.config import resolve
from inputspace.methods import connectivity
from inputspace.outputs import RunOutputs

PAPERS = ("p0", "p1", "p2", "p3", "px")
H100 = oomhint.DeviceMemory("cuda:0", "NVIDIA H100 80GB HBM3", 79.2, 79.1)


def _cfg(nid, profile="paper", **values):
    return resolve(nid, {"profile": profile, "device": "cpu", **values}, notebook.knobs_of(nid))


class _OutOfMemory(torch.nn.Module):
    """A model whose forward pass runs out of memory (as a too large batch on a GPU would)."""

    def forward(self, x):
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")


def _oom_in_path_losses():
    try:
        connectivity.path_losses(
            _OutOfMemory(), torch.zeros(1, 3), torch.ones(1, 3), torch.zeros(1, dtype=torch.long), 4
        )
    except torch.OutOfMemoryError as exc:
        return exc
    raise AssertionError("path_losses did not run out of memory")


# --- the message ---------------------------------------------------------------------------------
def test_message_names_the_knob_its_value_and_a_smaller_one_on_one_line():
    line = oomhint.oom_message(
        _cfg("p2-triangles"), notebook.memory_of("p2-triangles"), device=H100
    )
    assert "\n" not in line
    assert line.startswith(
        "GPU out of memory in p2-triangles on cuda:0 (NVIDIA H100 80GB HBM3, "
        "79.1 of 79.2 GiB allocated at peak): lower grid_n (now 5): "
    )
    assert "-p grid_n 2" in line and "lattice_n (now 10)" in line
    assert line.index("grid_n") < line.index("lattice_n")  # the table's order: lower grid_n first
    assert "no knob" not in line and "device='cpu'" not in line


def test_message_follows_the_run_s_values_and_groups_knobs_holding_the_same_thing():
    line = oomhint.oom_message(_cfg("p1-fig06", n_classes=40), notebook.memory_of("p1-fig06"))
    assert line.startswith(
        "Device out of memory in p1-fig06 on cpu: lower n_classes (now 40) or "
        "pairs_per_class (now 7): "
    )
    assert line.endswith("; e.g. papermill … -p n_classes 20")
    sequences = oomhint.oom_message(_cfg("p2-widths"), notebook.memory_of("p2-widths"))
    assert "width_pairs (now 3 entries)" in sequences and "-y 'width_pairs: [[0, 1]]'" in sequences


def test_message_without_a_knob_says_so_and_offers_no_false_fix():
    for nid in ("p2-00", "p1-fig07", "p3-tab02"):
        line = oomhint.oom_message(_cfg(nid), notebook.memory_of(nid), device=H100)
        assert f"no knob of {nid} sets what it holds on the GPU at once" in line
        assert ": lower " not in line and "-p " not in line
        assert "use one with more memory (device='cpu' is no fix" in line


def test_site_names_the_library_function_and_its_fixed_batch():
    site = oomhint.oom_site(_oom_in_path_losses().__traceback__)
    assert site == oomhint.OOMSite(
        "inputspace.methods.connectivity.path_losses",
        None,
        ("inputspace.methods.connectivity.path_losses", "batch_size", 256),
    )
    line = oomhint.oom_message(
        _cfg("p1-fig07"), notebook.memory_of("p1-fig07"), site=site, device=H100
    )
    assert " in inputspace.methods.connectivity.path_losses: no knob of p1-fig07" in line
    assert (
        "batch_size=256 of inputspace.methods.connectivity.path_losses is fixed in the library "
        "(no knob changes it)"
    ) in line
    with_knobs = oomhint.oom_message(_cfg("p1-fig06"), notebook.memory_of("p1-fig06"), site=site)
    assert "lower n_classes" in with_knobs and "is fixed in the library" in with_knobs
    assert "; else free the GPU" in with_knobs


def test_site_is_none_outside_the_library_and_a_knob_s_batch_is_not_called_fixed():
    try:
        raise torch.OutOfMemoryError("typed into the notebook")
    except torch.OutOfMemoryError as exc:
        assert oomhint.oom_site(exc.__traceback__) is None
    cfg = _cfg("p1-fig10")  # batch_size is a knob of p1-fig10 (512 in the paper profile)
    knob = oomhint.OOMSite(
        "inputspace.p1.untrained._barrier_evolution",
        None,
        ("inputspace.p1.untrained._barrier_evolution", "batch_size", 512),
    )
    line = oomhint.oom_message(cfg, notebook.memory_of("p1-fig10"), site=knob)
    assert "fixed in the library" not in line and "lower batch_size (now 512)" in line
    fixed = oomhint.OOMSite(
        "inputspace.methods.connectivity.path_losses",
        "inputspace.p1.untrained._measure",
        ("inputspace.methods.connectivity.path_losses", "batch_size", 256),
    )
    line = oomhint.oom_message(cfg, notebook.memory_of("p1-fig10"), site=fixed)
    assert "(called by inputspace.p1.untrained._measure)" in line and "batch_size=256 of" in line


def test_device_memory_is_read_only_for_a_cuda_device():
    assert oomhint.device_memory(torch.device("cpu")) is None


# --- the MEMORY tables -----------------------------------------------------------------------------
@pytest.mark.parametrize("paper", PAPERS)
def test_every_notebook_has_a_memory_entry_of_its_own_knobs(paper):
    mod = importlib.import_module(f"inputspace.{paper}.knobs")
    ops = importlib.import_module(f"inputspace.{paper}.cost")
    assert set(ops.MEMORY) == set(mod.KNOBS)  # every notebook, the overviews documented-empty
    assert set(getattr(ops, "PAPER_WORK", {})) <= set(ops.MEMORY)
    for nid, table in ops.MEMORY.items():
        knobs = notebook.knobs_of(nid)
        assert set(table) <= set(knobs), (
            f"{nid}: {sorted(set(table) - set(knobs))} are not its knobs"
        )
        paper_values = resolve(nid, {"profile": "paper", "device": "cpu"}, knobs).values
        for name, what in table.items():
            assert what.strip() and "\n" not in what, (nid, name)
            value = paper_values[name]  # a count or a list: something that can be lowered
            assert isinstance(value, (tuple, list)) or type(value) is int, (nid, name, value)


def test_the_knobs_that_set_what_is_on_the_gpu_at_once_are_listed():
    assert list(notebook.memory_of("p2-triangles")) == ["grid_n", "lattice_n"]
    assert {"n_runs", "pool_classes"} <= set(notebook.memory_of("p2-tab01"))
    assert {"n_classes", "pairs_per_class"} == set(notebook.memory_of("p1-fig06"))
    assert {"n_classes", "per_class"} == set(notebook.memory_of("p3-fig07"))
    with pytest.raises(ValueError, match="unknown notebook id"):
        notebook.memory_of("p2-fig99")


# --- the handler ------------------------------------------------------------------------------------
class _Shell:
    """What ``install_oom_hint`` uses of an IPython shell."""

    def __init__(self, custom=()):
        self.custom_exceptions, self.handler, self.shown = custom, None, None
        self.InteractiveTB = self

    def set_custom_exc(self, exc_tuple, handler):
        self.custom_exceptions, self.handler = exc_tuple, handler

    def structured_traceback(self, etype, value, tb, tb_offset=None):
        return ["Traceback …", f"{etype.__name__}: {value}"]

    def _showtraceback(self, etype, value, stb):
        self.shown = (etype, value, stb)


def test_handler_shows_the_full_traceback_then_the_line_and_replaces_only_itself():
    shell = _Shell()
    oomhint.install_oom_hint(
        shell, _cfg("p2-example", profile="smoke"), notebook.memory_of("p2-example")
    )
    oomhint.install_oom_hint(
        shell, _cfg("p2-triangles", profile="smoke"), notebook.memory_of("p2-triangles")
    )
    assert shell.custom_exceptions == (torch.OutOfMemoryError,)
    exc = _oom_in_path_losses()
    shell.handler(shell, type(exc), exc, exc.__traceback__)
    etype, value, stb = shell.shown
    assert etype is torch.OutOfMemoryError and value is exc  # the original error, not replaced
    assert stb[:2] == [
        "Traceback …",
        "OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB",
    ]
    assert stb[2].startswith(
        "Device out of memory in p2-triangles on cpu in "
        "inputspace.methods.connectivity.path_losses: lower grid_n (now 3)"
    )
    other = _Shell(custom=(KeyError,))  # someone else's handler stays
    oomhint.install_oom_hint(other, _cfg("p2-triangles"), notebook.memory_of("p2-triangles"))
    assert other.custom_exceptions == (KeyError,) and other.handler is None


def test_a_notebook_that_runs_out_of_memory_fails_with_the_line(tmp_path):
    """End to end in the project's kernel: setup (twice, as a rerun cell would) prints what it
    always printed, the out-of-memory cell still fails papermill, the original error is kept
    and the last line of the failure (what ``make figures`` prints) is the hint."""
    cells = [
        'profile = "smoke"\ndevice = "cpu"',
        "from inputspace import notebook\nfrom inputspace.p2 import knobs\n"
        'notebook.setup("p2-triangles", globals(), knobs.KNOBS["p2-triangles"])\n'
        'cfg, card = notebook.setup("p2-triangles", globals(), knobs.KNOBS["p2-triangles"])',
        "import torch\nfrom inputspace.methods import connectivity\n\n\n"
        "class OutOfMemory(torch.nn.Module):\n    def forward(self, x):\n"
        '        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")\n\n\n'
        "assert get_ipython().custom_exceptions == (torch.OutOfMemoryError,)\n"
        "connectivity.path_losses(OutOfMemory(), torch.zeros(1, 3), torch.ones(1, 3), "
        "torch.zeros(1, dtype=torch.long), 4)",
        'print("not reached")',
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    src, out = tmp_path / "oom.ipynb", tmp_path / "oom.out.ipynb"
    nbformat.write(nb, src)
    with pytest.raises(pm.PapermillExecutionError) as err:
        pm.execute_notebook(
            str(src), str(out), kernel_name="python3", progress_bar=False, cwd=str(tmp_path)
        )
    assert err.value.ename == "OutOfMemoryError"
    assert err.value.evalue == "CUDA out of memory. Tried to allocate 2.00 GiB"
    last = str(err.value).strip().splitlines()[-1]
    assert last.startswith(
        "Device out of memory in p2-triangles on cpu in inputspace.methods.connectivity."
        "path_losses: lower grid_n (now 3): "
    )
    assert (
        "-p grid_n 1" in last
        and "batch_size=256 of inputspace.methods.connectivity.path_losses" in last
    )
    executed = [
        c for c in nbformat.read(out, as_version=4).cells if c.cell_type == "code"
    ]  # papermill
    assert [c.source for c in executed] == cells  # adds a banner
    outputs = RunOutputs("p2-triangles", "smoke").describe()
    printed = f"{_cfg('p2-triangles', profile='smoke')}\ndevice used: cpu\n{outputs}\n"
    assert [(o.output_type, o.get("name"), o.get("text")) for o in executed[1].outputs] == [
        ("stream", "stdout", printed * 2)
    ]
    error = [o for o in executed[2].outputs if o.output_type == "error"]
    assert len(error) == 1 and error[0].traceback[-1] == last
    assert "Tried to allocate 2.00 GiB" in error[0].traceback[-2]
    assert executed[3].outputs == []
