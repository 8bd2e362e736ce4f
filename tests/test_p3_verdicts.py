"""P3 verdict helpers on tiny hand-made data: the trend rule, the ε rule, BMU displacement,
the shuffled-label control, centre cosine distances, BMU density, and the held-out anchor."""

import math
from types import SimpleNamespace

import pytest
import torch

from inputspace.methods import torus
from inputspace.methods.som import SOM, SOMConfig
from inputspace.p3 import attack, claims, geometry
from inputspace.p3.maps import LayerSOM


def _som(weights: torch.Tensor, m: int, n: int) -> SOM:
    assert weights.shape[0] == m * n
    return SOM(weights.float(), SOMConfig(m=m, n=n), torch.zeros(1), torch.zeros(1))


def _ls(
    m,
    n,
    *,
    bmu_tr,
    y_tr,
    bmu_val=None,
    y_val=None,
    weights=None,
    num_classes=None,
    arch="resnet18",
    layer=0,
) -> LayerSOM:
    weights = torch.eye(m * n) if weights is None else weights
    bmu_val = bmu_tr.clone() if bmu_val is None else bmu_val
    y_val = y_tr.clone() if y_val is None else y_val
    num_classes = int(max(y_tr.max(), y_val.max())) + 1 if num_classes is None else num_classes
    return LayerSOM(
        arch, layer, _som(weights, m, n), bmu_tr, bmu_val, y_tr, y_val, y_val.clone(), num_classes
    )


# ------------------------------------------------------------------------------ trend rule
def test_trend_strictly_increasing_passes_up_only():
    assert claims.trend([0.1, 0.2, 0.3, 0.4], "up") == (True, 1.0)
    assert claims.trend([0.1, 0.2, 0.3, 0.4], "down") == (False, 1.0)


def test_trend_reversed_profile_fails_up_and_passes_down():
    assert claims.trend([0.4, 0.3, 0.2, 0.1], "up") == (False, -1.0)
    assert claims.trend([0.4, 0.3, 0.2, 0.1], "down") == (True, -1.0)


@pytest.mark.parametrize(
    "values", [[2.0, 2.0, 2.0, 2.0], [5.0], [], [1.0, float("nan"), 3.0], [1.0, 2.0, float("inf")]]
)
def test_trend_flat_short_or_nonfinite_input_fails_with_nan_rho(values):
    for direction in ("up", "down"):
        passed, rho = claims.trend(values, direction)
        assert passed is False
        assert math.isnan(rho)


def test_trend_one_neighbour_swap_sits_exactly_on_the_threshold():
    # 4 layers, one adjacent swap: rho = 1 - 6*2/(4*15) = 0.8 (0.7999... before rounding)
    passed, rho = claims.trend([1.0, 3.0, 2.0, 4.0], "up")
    assert rho == 0.8 and passed is True
    passed, rho = claims.trend([4.0, 2.0, 3.0, 1.0], "down")
    assert rho == -0.8 and passed is True


def test_trend_two_swaps_fail_despite_last_above_first():
    # rho = 1 - 6*4/60 = 0.6 < 0.8 although the deepest value exceeds the first
    passed, rho = claims.trend([2.0, 1.0, 4.0, 3.0], "up")
    assert passed is False
    assert rho == pytest.approx(0.6)


def test_trend_high_rho_but_deepest_not_above_first_fails():
    # 39 values rising, then a last one below the first: rho = 1 - 6/40 = 0.85 >= 0.8,
    # yet v[-1] < v[0] -> not "grows with depth"
    up = [float(v) for v in range(1, 39)] + [0.5]
    passed, rho = claims.trend(up, "up")
    assert rho == pytest.approx(0.85)
    assert passed is False
    down = [-v for v in up]
    passed, rho = claims.trend(down, "down")
    assert rho == pytest.approx(-0.85)
    assert passed is False
    # without the last-layer drop the same length passes
    assert claims.trend(up[:-1], "up")[0] is True


def test_trend_rejects_unknown_direction():
    with pytest.raises(ValueError):
        claims.trend([1.0, 2.0, 3.0], "sideways")


# ------------------------------------------------------------------------------- ε rule
def _fake_pgd(monkeypatch, acc_of_index, n=4):
    """Replace the cached PGD run by a fake: accuracy ``acc_of_index(i)`` at ``EPS_GRID[i]``."""
    calls = []

    def fake(cfg, arch, eps, kind):
        calls.append((arch, eps, kind))
        i = attack.EPS_GRID.index(eps)
        n_right = round(acc_of_index(i) * n)
        y = torch.zeros(n, dtype=torch.long)
        pred = torch.tensor([0] * n_right + [1] * (n - n_right))
        return {"pred": pred, "y": y}

    monkeypatch.setattr(attack, "perturbed", fake)
    return calls


@pytest.mark.parametrize("t", range(len(attack.EPS_GRID)))
def test_eps_rule_finds_the_first_collapsing_grid_eps(monkeypatch, t):
    grid = attack.EPS_GRID
    calls = _fake_pgd(monkeypatch, lambda i: 1.0 if i < t else 0.0)
    cfg = SimpleNamespace(paper_eps=4 / 255, collapse_acc=0.10)
    r = attack.eps_rule(cfg, "resnet18")
    assert r["found"] is True
    assert r["eps"] == grid[t]
    assert r["probes"][grid[t]] == 0.0
    if t > 0:  # the grid value just below was probed and did not collapse
        assert r["probes"][grid[t - 1]] == 1.0
    assert calls[0] == ("resnet18", 4 / 255, "pgd")  # paper's ε first
    assert all(kind == "pgd" for _, _, kind in calls)
    assert len(calls) < len(grid)  # bisection, not a scan
    assert list(r["probes"]) == sorted(r["probes"])


def test_eps_rule_not_found_when_nothing_collapses(monkeypatch):
    grid = attack.EPS_GRID
    _fake_pgd(monkeypatch, lambda i: [1.0, 1.0, 0.75, 0.75, 0.5, 0.5, 0.25][i])
    cfg = SimpleNamespace(paper_eps=4 / 255, collapse_acc=0.10)
    r = attack.eps_rule(cfg, "resnet18")
    assert r["found"] is False
    assert r["eps"] == grid[-1]
    assert r["probes"][grid[-1]] == 0.25
    assert all(a >= 0.10 for a in r["probes"].values())


def test_eps_rule_collapse_is_strictly_below_the_threshold(monkeypatch):
    grid = attack.EPS_GRID
    # accuracy exactly at collapse_acc (1/4 of 4 images) is not a collapse
    _fake_pgd(monkeypatch, lambda i: [1.0, 1.0, 0.75, 0.5, 0.25, 0.0, 0.0][i])
    r = attack.eps_rule(SimpleNamespace(paper_eps=4 / 255, collapse_acc=0.25), "a")
    assert r["found"] is True and r["eps"] == grid[5]
    assert r["probes"][grid[4]] == 0.25


def test_eps_rule_first_probe_is_the_grid_value_nearest_the_paper_eps(monkeypatch):
    grid = attack.EPS_GRID
    calls = _fake_pgd(monkeypatch, lambda i: 1.0 if i < 3 else 0.0)
    r = attack.eps_rule(SimpleNamespace(paper_eps=30 / 255, collapse_acc=0.10), "a")
    assert calls[0][1] == grid[5]  # 32/255 is nearest to 30/255
    assert r["eps"] == grid[3] and r["found"] is True


# ----------------------------------------------------------------------------- displacement
def _codes(units_per_row, dim, second=None):
    """One code per row: e_u (+ 0.5 e_v) -> BMU order u, v, then ties (identity weights)."""
    x = torch.zeros(len(units_per_row), dim)
    for i, u in enumerate(units_per_row):
        x[i, u] = 1.0
        if second is not None:
            x[i, second[i]] = 0.5
    return x


def test_displacement_zero_for_identical_codes_and_hand_value_for_a_shift(monkeypatch):
    m, n = 4, 5
    loc = lambda r, c: r * n + c  # noqa: E731
    # SOM-val: 3 inputs, top-2 BMUs
    bmu_val = torch.tensor([[loc(0, 0), loc(0, 1)], [loc(1, 2), loc(1, 3)], [loc(0, 1), loc(3, 1)]])
    y = torch.zeros(3, dtype=torch.long)
    soms = [_ls(m, n, bmu_tr=bmu_val, y_tr=y, layer=0), _ls(m, n, bmu_tr=bmu_val, y_tr=y, layer=1)]
    pos = torch.tensor([2, 0, 1])
    clean = bmu_val[pos]
    # layer 0: perturbed codes reproduce the clean BMUs in the same order -> zero displacement
    same = _codes(clean[:, 0].tolist(), m * n, clean[:, 1].tolist())
    # layer 1: known moves (clean -> perturbed), distances on the 4x5 torus:
    #   input pos 2: (0,1)->(2,4): dr 2, dc 3->2: sqrt(8);  (3,1)->(3,1): 0
    #   input pos 0: (0,0)->(3,4): 1,1: sqrt(2);            (0,1)->(0,0): 1
    #   input pos 1: (1,2)->(3,2): 2;                       (1,3)->(1,1): 2
    first = [loc(2, 4), loc(3, 4), loc(3, 2)]
    second = [loc(3, 1), loc(0, 0), loc(1, 1)]
    moved = _codes(first, m * n, second)
    calls = []

    def fake(cfg, arch, eps, kind):
        calls.append((arch, eps, kind))
        return {"pos": pos, "codes": [same, moved]}

    monkeypatch.setattr(attack, "perturbed", fake)
    out = attack.bmu_displacement(SimpleNamespace(), soms, 8 / 255, "noise")
    assert calls == [("resnet18", 8 / 255, "noise")]
    assert len(out) == 2
    torch.testing.assert_close(out[0], torch.zeros(3, 2))
    want = torch.tensor([[math.sqrt(8), 0.0], [math.sqrt(2), 1.0], [2.0, 2.0]])
    torch.testing.assert_close(out[1], want)


# ------------------------------------------------------------------- shuffled-label control
def _two_cluster_ls():
    """6x6 torus, class 0 at unit (1,1), class 1 at unit (1,3) (torus distance 2), 2+2 inputs."""
    a, b = 1 * 6 + 1, 1 * 6 + 3
    bmu = torch.tensor([[a], [a], [b], [b]])
    y = torch.tensor([0, 0, 1, 1])
    return _ls(
        6,
        6,
        bmu_tr=bmu,
        y_tr=y,
        weights=torch.rand(36, 4, generator=torch.Generator().manual_seed(0)) + 0.1,
    )


def test_true_d_class_of_perfect_clusters_is_zero():
    ls = _two_cluster_ls()
    for split in ("tr", "val"):
        torch.testing.assert_close(geometry.d_class_split(ls, split), torch.zeros(2))


def test_shuffled_d_class_on_perfect_clusters_takes_only_the_hand_computed_values():
    ls = _two_cluster_ls()
    # tr shuffle: either the partition survives (D = 0) or each class gets one BMU at each unit
    # (centre at the midpoint (1,2), D = 1). val: distances to the shuffled-tr centres:
    # 0 (same partition), 1 (mixed), 2 (classes swapped); mixed tr centres force val = 1.
    seen_tr, seen_val = set(), set()
    for seed in range(20):
        r = geometry.shuffled_d_class(ls, torch.Generator().manual_seed(seed))
        assert set(r) == {"tr", "val"}
        tr, val = round(r["tr"], 5), round(r["val"], 5)
        assert tr in (0.0, 1.0)
        assert val in (0.0, 1.0, 2.0)
        if tr == 1.0:
            assert val == 1.0
        seen_tr.add(tr)
        seen_val.add(val)
    assert 1.0 in seen_tr  # the control does mix the labels for some seeds
    again = [geometry.shuffled_d_class(ls, torch.Generator().manual_seed(s)) for s in (3, 3)]
    assert again[0] == again[1]  # deterministic given the generator


def test_shuffled_d_class_is_the_mean_of_its_per_class_values():
    ls = _two_cluster_ls()
    per_class = geometry.shuffled_d_class_per_class(ls, torch.Generator().manual_seed(4))
    assert {k: float(v.mean()) for k, v in per_class.items()} == geometry.shuffled_d_class(
        ls, torch.Generator().manual_seed(4)
    )
    assert [len(v) for v in per_class.values()] == [2, 2]  # one value per (pseudo-)class


def test_accuracies_are_the_means_of_the_per_image_correctness():
    correct = {
        "clean": torch.tensor([True, True, False, True]),
        "pgd": torch.zeros(4, dtype=torch.bool),
        "noise": torch.tensor([True, False, False, True]),
    }
    assert attack.accuracies(correct) == {"clean": 0.75, "pgd": 0.0, "noise": 0.5}


def test_shuffled_d_class_of_perfect_clusters_exceeds_true_d_class():
    # 3 classes x 12 inputs, each class on its own unit of an 8x8 torus: true D_class is 0,
    # shuffled labels spread every class over the three units.
    m = n = 8
    units = torch.tensor([0 * n + 0, 3 * n + 3, 6 * n + 1])
    y = torch.arange(3).repeat_interleave(12)
    ls = _ls(m, n, bmu_tr=units[y][:, None], y_tr=y, weights=torch.eye(m * n))
    assert float(geometry.d_class_split(ls, "tr").mean()) == 0.0
    r = geometry.shuffled_d_class(ls, torch.Generator().manual_seed(0))
    assert r["tr"] > 1.0 and r["val"] > 1.0


# ------------------------------------------------------------------------------- centre CD
def test_center_cd_is_zero_for_identical_class_centres():
    m, n = 3, 4
    w = torch.rand(m * n, 5, generator=torch.Generator().manual_seed(1)) + 0.1
    bmu = torch.tensor([[5], [5], [5], [5]])  # both classes centred on unit 5
    ls = _ls(m, n, bmu_tr=bmu, y_tr=torch.tensor([0, 0, 1, 1]), weights=w)
    d = geometry.class_center_cd(ls, 10, torch.Generator().manual_seed(0))
    assert d.shape == (1,)
    assert float(d[0]) == pytest.approx(0.0, abs=1e-6)


def test_center_cd_pairs_of_distinct_centres_and_absent_classes():
    m, n = 3, 4
    w = torch.zeros(m * n, 3)
    w[:, 2] = 1.0  # default weight for every other unit
    w[0] = torch.tensor([1.0, 0.0, 0.0])
    w[6] = torch.tensor([1.0, 1.0, 0.0])  # cos(w0, w6) = 1/sqrt(2)
    w[11] = torch.tensor([0.0, 1.0, 0.0])  # cos(w0, w11) = 0, cos(w6, w11) = 1/sqrt(2)
    bmu = torch.tensor([[0], [0], [6], [6], [11], [11]])
    y = torch.tensor([0, 0, 1, 1, 3, 3])  # class 2 has no inputs
    ls = _ls(m, n, bmu_tr=bmu, y_tr=y, weights=w, num_classes=4)
    c = 1 - 1 / math.sqrt(2)
    all_pairs = geometry.class_center_cd(ls, 10, torch.Generator().manual_seed(0))
    assert sorted(all_pairs.tolist()) == pytest.approx(sorted([c, 1.0, c]), abs=1e-6)
    for seed in range(5):  # n_centers = 2 -> one pair of two present classes
        one = geometry.class_center_cd(ls, 2, torch.Generator().manual_seed(seed))
        assert one.shape == (1,)
        assert float(one[0]) == pytest.approx(c, abs=1e-6) or float(one[0]) == pytest.approx(
            1.0, abs=1e-6
        )


# --------------------------------------------------------------------------------- density
def test_density_counts_never_fraction_and_uniform_expectation():
    m, n = 2, 3
    bmu = torch.tensor([[0, 1], [0, 2], [0, 1], [5, 1]])
    ls = _ls(m, n, bmu_tr=bmu, y_tr=torch.zeros(4, dtype=torch.long))

    d1 = geometry.bmu_density(ls, k=1, resolution=4)
    assert d1["counts"].tolist() == [[3, 0, 0], [0, 0, 1]]
    assert d1["never"] == pytest.approx(4 / 6)
    assert d1["never_uniform"] == pytest.approx((5 / 6) ** 4)  # 4 BMUs on 6 units
    assert d1["kde"].shape == (m * 4, n * 4)

    d2 = geometry.bmu_density(ls, k=2, resolution=2)
    assert d2["counts"].tolist() == [[3, 3, 1], [0, 0, 1]]
    assert d2["never"] == pytest.approx(2 / 6)
    assert d2["never_uniform"] == pytest.approx((5 / 6) ** 8)  # 8 BMUs on 6 units
    kde = d2["kde"]
    assert kde.shape == (m * 2, n * 2)
    assert torch.isfinite(kde).all() and (kde >= 0).all()
    # fine grid spans [0, m-1] x [0, n-1]: (0, 0) is busy, (1, 0) never chosen
    assert kde[0, 0] > kde[-1, 0]


def test_density_uniform_expectation_matches_a_simulation():
    m, n, N = 3, 3, 5
    ls = _ls(
        m, n, bmu_tr=torch.zeros(N, 1, dtype=torch.long) + 4, y_tr=torch.zeros(N, dtype=torch.long)
    )
    d = geometry.bmu_density(ls, k=1)
    assert d["never"] == pytest.approx(8 / 9)
    g = torch.Generator().manual_seed(0)
    draws = torch.randint(0, m * n, (20000, N), generator=g)
    hit = torch.zeros(20000, m * n).scatter_(1, draws, 1.0)
    simulated = float((hit == 0).float().mean())
    assert d["never_uniform"] == pytest.approx(simulated, abs=0.01)


# --------------------------------------------------------------------- held-out BMU anchor
def test_held_out_anchor_mode_and_center_give_different_hand_computed_distances():
    """Lopsided class on row 2 of a 6x10 torus: mode at column 0, centre at column 2.

    SOM-tr columns 0,0,0,3,3,4,4 (mode 0; unfolded around it they stay put) -> centre (2, 2).
    A held-out BMU at column 6: around the mode (col 0) its nearest copy is col -4 (|-4| < 6), so
    its distance to the centre is 6; around the centre (col 2) the nearest copy is col 6 itself
    (4 < 6), distance 4 (= the torus distance). A BMU at column 9 unfolds to -1 either way: 3.
    """
    m, n, row = 6, 10, 2
    cols = [0, 0, 0, 3, 3, 4, 4]
    units = torch.tensor([[row * n + c] for c in cols])
    labels = torch.zeros(len(cols), dtype=torch.long)
    c = torus.class_centers(units, labels, m, n)
    assert int(c["mode"][0]) == row * n + 0
    torch.testing.assert_close(c["center"][0], torch.tensor([2.0, 2.0]))

    held = torch.tensor([[row * n + 6, row * n + 9]])
    target = torch.tensor([0])
    d_mode = torus.distance_to_centers(held, target, c, m, n, anchor="mode")
    d_center = torus.distance_to_centers(held, target, c, m, n, anchor="center")
    torch.testing.assert_close(d_mode, torch.tensor([[6.0, 3.0]]))
    torch.testing.assert_close(d_center, torch.tensor([[4.0, 3.0]]))
    # default is the mode anchor
    torch.testing.assert_close(torus.distance_to_centers(held, target, c, m, n), d_mode)
    # and the per-class D_class differs accordingly: mean(6, 3) vs mean(4, 3)
    torch.testing.assert_close(
        torus.d_class(held, target, c, m, n, anchor="mode"), torch.tensor([4.5])
    )
    torch.testing.assert_close(
        torus.d_class(held, target, c, m, n, anchor="center"), torch.tensor([3.5])
    )


def test_size_ratio_is_max_over_min_per_layer():
    from inputspace.p3.geometry import size_ratio

    res = {
        (10, "a"): [torch.tensor([0.1, 0.3]), torch.tensor([1.0])],
        (20, "a"): [torch.tensor([0.4]), torch.tensor([1.0, 1.0])],
    }
    assert size_ratio(res, (10, 20), "a") == pytest.approx([2.0, 1.0])
    res[(20, "a")][0] = torch.tensor([0.0])
    assert size_ratio(res, (10, 20), "a")[0] == float("inf")


def test_per_class_means_average_each_class_and_group():
    from inputspace.p3.geometry import per_class_means

    r = {
        "distance": torch.tensor([1.0, 3.0, 10.0, 2.0, 4.0]),
        "correct": torch.tensor([True, True, False, True, True]),
        "y": torch.tensor([0, 0, 0, 1, 1]),
    }
    out = per_class_means(r)
    assert out["y"].tolist() == [0, 0, 1] and out["correct"].tolist() == [True, False, True]
    assert out["distance"].tolist() == pytest.approx([2.0, 10.0, 3.0])
