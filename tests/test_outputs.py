"""Exploring never touches committed results (inputspace.outputs): only the run with the committed
defaults writes figures/ and the claims record the scorecard aggregates."""
import matplotlib.pyplot as plt
import pytest

from inputspace import claims, notebook, outputs, paths
from inputspace.p2 import knobs
from inputspace.plotting import savefig

NID = "p2-fig04"
KNOBS = knobs.KNOBS[NID]


@pytest.fixture(autouse=True)
def no_active_run(monkeypatch):
    """Each test starts without a notebook.setup run in this process."""
    monkeypatch.setattr(outputs, "_active", None)


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
    assert [p.name for p in saved] == [f"{NID}.png", f"{NID}.pdf", f"{NID}-old-form.png", f"{NID}-old-form.pdf"]
    assert {p.parent for p in saved} == {build / "figures"}
    assert card.path == paths.claims_dir("quick") / f"{NID}.json"
    assert [c.claim_id for c in claims.load_all("quick")] == ["C1"]
    assert "outputs: " in capsys.readouterr().out and not outputs.active().exploring


def test_a_run_with_another_parameter_writes_under_build_and_leaves_the_committed_results(build, capsys):
    _run({})
    committed = {p: p.read_bytes() for p in [*(build / "figures").iterdir(), *paths.claims_dir("quick").iterdir()]}
    capsys.readouterr()
    for namespace in ({"seed": 1}, {"iters": 10}, {"profile": "quick", "seed": 2, "grid_n": 3}):
        cfg, card, saved = _run(namespace)
        explore = build / "build" / "explore" / "quick" / NID
        assert {p.parent for p in saved} == {explore}
        assert card.path == explore / "claims" / f"{NID}.json" and card.path.exists()
        out = capsys.readouterr().out
        assert "exploring: " in out and "build/explore/quick/p2-fig04/" in out
        assert ("seed=1" in out) == (namespace.get("seed") == 1)
    now = {p: p.read_bytes() for p in [*(build / "figures").iterdir(), *paths.claims_dir("quick").iterdir()]}
    assert now == committed  # nothing new, nothing rewritten
    assert [c.measured for c in claims.load_all("quick")] == ["m"]


@pytest.mark.parametrize(("namespace", "exploring"), [
    ({}, False), ({"iters": None}, False), ({"iters": 400}, False),  # the default, spelled out
    ({"device": "cpu"}, False),  # the device never counts
    ({"imagenet_root": "/data/imagenet", "at_checkpoint": "/w/at.pt"}, False),  # data locations
    ({"seed": 1}, True), ({"iters": 10}, True), ({"pool_classes": [0, 1]}, True),
    ({"profile": "smoke"}, False), ({"profile": "smoke", "iters": 400}, True),  # smoke's default is 10
])
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
    monkeypatch.setenv(paths.PAPER_CHECK_ENV, "1")  # reduced work knobs by design: never "exploring"
    cfg, card = notebook.setup(NID, {"profile": "paper", "iters": 2}, KNOBS)
    assert savefig(_figure(), cfg)[0].parent == build / "build" / "paper-check" / "figures"
    assert card.path.parent == build / "build" / "paper-check" / "claims"


def test_the_old_savefig_form_needs_the_notebooks_setup(build):
    fig = _figure()
    with pytest.raises(ValueError, match=r"no notebook.setup\('p2-fig04'.*savefig\(fig, cfg\)"):
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
    assert outputs.changed_parameters(resolve(NID, {"iters": 7, "seed": 1}, KNOBS), KNOBS) == ("seed=1", "iters=7")
