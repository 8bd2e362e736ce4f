"""Exploring never touches committed results (inputspace.outputs): only the run with the committed
defaults writes figures/ and the claims record the scorecard aggregates."""

import matplotlib.pyplot as plt
import pytest
import torch

from inputspace import claims, notebook, outputs, paths, plotting
from inputspace.p2 import knobs
from inputspace.plotting import savefig

NID = "p2-triangles"
KNOBS = knobs.KNOBS[NID]


def p2_knobs(nid):
    return knobs.KNOBS[nid]


def _figure():
    fig, ax = plt.subplots()
    ax.plot([0, 1])
    return fig


def _run(namespace):
    """setup + one figure (new and old call form) + one claim, as a notebook does."""
    cfg, card = notebook.setup(NID, namespace, KNOBS)
    fig = _figure()
    saved = savefig(fig, cfg) + savefig(fig, cfg.notebook_id, cfg.profile, suffix="old-form")
    plt.close(fig)
    card.record("C1", "s", "p", "m", True)
    return cfg, card, saved


def test_the_default_run_writes_figures_and_the_aggregated_claims_record(build, capsys):
    cfg, card, saved = _run({})
    assert [p.name for p in saved] == [
        f"{NID}.png",
        f"{NID}.pdf",
        f"{NID}-old-form.png",
        f"{NID}-old-form.pdf",
    ]
    assert {p.parent for p in saved} == {build / "figures"}
    assert card.path == paths.claims_dir("quick") / f"{NID}.json"
    assert [c.claim_id for c in claims.load_all("quick")] == ["C1"]
    assert "outputs: " in capsys.readouterr().out and not outputs.active().exploring


def test_a_run_with_another_parameter_writes_under_build_and_leaves_the_committed_results(
    build, capsys
):
    _run({})
    committed = {
        p: p.read_bytes()
        for p in [*(build / "figures").iterdir(), *paths.claims_dir("quick").iterdir()]
    }
    capsys.readouterr()
    for namespace in ({"seed": 1}, {"iters": 10}, {"profile": "quick", "seed": 2, "grid_n": 3}):
        cfg, card, saved = _run(namespace)
        explore = build / "build" / "explore" / "quick" / NID
        assert {p.parent for p in saved} == {explore}
        assert card.path == explore / "claims" / f"{NID}.json" and card.path.exists()
        out = capsys.readouterr().out
        assert "exploring: " in out and "build/explore/quick/p2-triangles/" in out
        assert ("seed=1" in out) == (namespace.get("seed") == 1)
    now = {
        p: p.read_bytes()
        for p in [*(build / "figures").iterdir(), *paths.claims_dir("quick").iterdir()]
    }
    assert now == committed  # nothing new, nothing rewritten
    assert [c.measured for c in claims.load_all("quick")] == ["m"]


@pytest.mark.parametrize(
    ("namespace", "exploring"),
    [
        ({}, False),
        ({"iters": None}, False),
        ({"iters": 400}, False),  # the default, spelled out
        ({"device": "cpu"}, False),  # the device never counts
        ({"imagenet_root": "/data/imagenet", "at_checkpoint": "/w/at.pt"}, False),  # data locations
        ({"seed": 1}, True),
        ({"iters": 10}, True),
        ({"pool_classes": [0, 1]}, True),
        ({"profile": "smoke"}, False),
        ({"profile": "smoke", "iters": 400}, True),  # smoke's default is 10
    ],
)
def test_which_parameters_make_a_run_exploring(build, namespace, exploring):
    cfg, _ = notebook.setup(NID, namespace, KNOBS)
    assert outputs.for_config(cfg).exploring is exploring
    assert outputs.active(NID, cfg.profile).exploring is exploring


def test_model_seed_and_paper_check_runs_keep_their_own_folders(build, monkeypatch):
    monkeypatch.setenv(paths.MODEL_SEED_ENV, "1")
    cfg, _ = notebook.setup(NID, {}, KNOBS)
    assert savefig(_figure(), cfg)[0].parent == build / "build" / "quick-seed1" / "figures"
    cfg, _ = notebook.setup(NID, {"seed": 3}, KNOBS)
    assert savefig(_figure(), cfg)[0].parent == build / "build" / "explore" / "quick-seed1" / NID
    monkeypatch.delenv(paths.MODEL_SEED_ENV)
    monkeypatch.setenv(
        paths.PAPER_CHECK_ENV, "1"
    )  # reduced work knobs by design: never "exploring"
    cfg, card = notebook.setup(NID, {"profile": "paper", "iters": 2}, KNOBS)
    assert savefig(_figure(), cfg)[0].parent == build / "build" / "paper-check" / "figures"
    assert card.path.parent == build / "build" / "paper-check" / "claims"


def test_the_old_savefig_form_needs_the_notebooks_setup(build):
    fig = _figure()
    with pytest.raises(ValueError, match=r"no notebook.setup\('p2-triangles'.*savefig\(fig, cfg\)"):
        savefig(fig, NID, "quick")
    with pytest.raises(TypeError, match=r"names no run.*savefig\(fig, cfg\)"):
        savefig(fig, NID)
    cfg, _ = notebook.setup(NID, {}, KNOBS)
    with pytest.raises(TypeError, match="suffix is a keyword"):
        savefig(fig, cfg, "paper-eps")
    with pytest.raises(ValueError, match="no notebook.setup"):
        savefig(fig, NID, "smoke")  # the active run is quick's
    assert not (build / "figures").exists()


def test_a_config_outside_setup_is_judged_by_its_knobs(build):
    from inputspace.config import resolve

    assert not outputs.for_config(resolve(NID, {}, KNOBS)).exploring
    assert outputs.for_config(resolve(NID, {"seed": 5}, KNOBS)).changed == ("seed=5",)
    assert outputs.changed_parameters(resolve(NID, {"iters": 7, "seed": 1}, KNOBS), KNOBS) == (
        "seed=1",
        "iters=7",
    )


@pytest.fixture
def shown(monkeypatch):
    """What static_view displays (IPython.display.display), in a kernel nobody watches."""
    import IPython.display

    monkeypatch.setattr(plotting, "headless", lambda: True)
    seen = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: seen.append(obj))
    return seen


def test_an_explorer_saves_its_first_view_where_its_run_writes(build, shown):
    from test_p2_study import fake_grid_run

    from inputspace.p2 import explorer

    run = fake_grid_run()
    box = explorer.lst_paths(
        run, torch.rand(3, 3, 8, 8), ["a", "b", "c"]
    )  # no notebook: nothing saved
    assert shown == [] and not (build / "figures").exists() and not (build / "build").exists()
    notebook.setup("p2-example", {}, p2_knobs("p2-example"))
    box = explorer.lst_paths(run, torch.rand(3, 3, 8, 8), ["a", "b", "c"])
    png = build / "figures" / "p2-example-explorer.png"
    assert png.read_bytes().startswith(b"\x89PNG") and sorted(
        p.name for p in png.parent.iterdir()
    ) == [png.name]
    assert len(shown) == 1 and shown[0].data == png.read_bytes()  # the stored notebook shows it
    assert (
        repr(box) == plotting.EXPLORER_TEXT
        and box._repr_mimebundle_()["text/plain"] == plotting.EXPLORER_TEXT
    )
    committed = png.read_bytes()
    notebook.setup("p2-example", {"seed": 1, "source": 2}, p2_knobs("p2-example"))
    explorer.lst_paths(run, torch.rand(3, 3, 8, 8), ["a", "b", "c"], source=2)
    assert (
        build / "build" / "explore" / "quick" / "p2-example" / "p2-example-explorer.png"
    ).is_file()
    assert png.read_bytes() == committed


def test_a_live_page_gets_the_widget_only(build, shown, monkeypatch):
    from test_p2_study import fake_grid_run

    from inputspace.p2 import explorer

    monkeypatch.setattr(plotting, "headless", lambda: False)
    notebook.setup("p2-example", {}, p2_knobs("p2-example"))
    explorer.lst_paths(fake_grid_run(), torch.rand(3, 3, 8, 8), ["a", "b", "c"])
    assert shown == [] and (build / "figures" / "p2-example-explorer.png").is_file()


@pytest.mark.parametrize("styled", [False, True])
def test_several_figures_of_a_first_view_are_stacked_into_one_image(build, styled):
    with plt.rc_context():
        if styled:
            plotting.use_style()  # savefig.dpi 150, as in a notebook
        run = outputs.RunOutputs("p9-fig01", "quick")
        small, wide = plt.subplots(figsize=(2, 1))[0], plt.subplots(figsize=(4, 2))[0]
        stacked = plotting.stack_figures([small, wide])
        height, width = plt.imread(plotting.savefig(stacked, run, formats=("png",))[0]).shape[:2]
        alone = [
            plt.imread(plotting.savefig(f, run, suffix=s, formats=("png",))[0])
            for f, s in ((small, "a"), (wide, "b"))
        ]
        dpi = plt.rcParams["savefig.dpi"]
        pad = (
            0.2 * (plt.rcParams["figure.dpi"] if dpi == "figure" else dpi) + 12
        )  # tight-bbox margins
    assert (
        0 <= height - sum(a.shape[0] for a in alone) <= pad
        and 0 <= width - alone[1].shape[1] <= pad
    )
    assert stacked not in [
        plt.figure(n) for n in plt.get_fignums()
    ]  # not drawn again by the inline backend
