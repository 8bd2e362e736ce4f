"""Torus geometry of P3's periodic SOMs (Sec. 2.4, Fig. 2)."""

import math

import torch

from inputspace.methods import torus

M, N = 7, 5


def _nine_copy_distance(p, q, m, n):
    """The paper's definition spelled out: one point on the centre grid, the other on 9 tiles."""
    return min(math.dist(p, (q[0] + a, q[1] + b)) for a in (-m, 0, m) for b in (-n, 0, n))


def test_torus_distance_equals_nine_copy_minimum():
    g = torch.Generator().manual_seed(0)
    p = torch.rand(50, 2, generator=g) * torch.tensor([M, N])
    q = torch.rand(50, 2, generator=g) * torch.tensor([M, N])
    got = torus.torus_distance(p, q, M, N)
    want = torch.tensor([_nine_copy_distance(a.tolist(), b.tolist(), M, N) for a, b in zip(p, q)])
    torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-5)


def test_torus_distance_is_symmetric():
    g = torch.Generator().manual_seed(1)
    p, q = torch.rand(2, 100, 2, generator=g) * 10
    torch.testing.assert_close(torus.torus_distance(p, q, M, N), torus.torus_distance(q, p, M, N))


def test_torus_distance_is_periodic_in_both_axes():
    g = torch.Generator().manual_seed(2)
    p, q = torch.rand(2, 100, 2, generator=g) * torch.tensor([M, N])
    base = torus.torus_distance(p, q, M, N)
    for shift in ([M, 0], [0, N], [-M, 2 * N], [3 * M, -N]):
        shifted = torus.torus_distance(p + torch.tensor(shift, dtype=torch.float32), q, M, N)
        torch.testing.assert_close(shifted, base, rtol=1e-5, atol=1e-5)


def test_neighbours_across_the_seam_are_one_apart():
    p = torch.tensor([[0.0, 0.0], [0.0, 0.0]])
    q = torch.tensor([[M - 1.0, 0.0], [0.0, N - 1.0]])
    torch.testing.assert_close(torus.torus_distance(p, q, M, N), torch.ones(2))


def test_grid_sq_distances_are_squared_torus_distances():
    g = torus.grid_sq_distances(M, N)
    loc = torus.unit_locations(M, N)
    want = torch.tensor(
        [[_nine_copy_distance(a.tolist(), b.tolist(), M, N) ** 2 for b in loc] for a in loc]
    )
    torch.testing.assert_close(g, want, rtol=1e-5, atol=1e-5)


def _seam_cluster():
    """BMUs around unit (M-1, 0): they straddle both seams of the torus; mode (M-1, 0) twice."""
    pts = [(M - 1, 0), (M - 1, 0), (M - 2, 0), (0, 0), (M - 1, 1), (M - 1, N - 1)]
    units = torch.tensor([r * N + c for r, c in pts]).reshape(2, 3)  # 2 inputs x top-3 BMUs
    return units, torch.zeros(2, dtype=torch.long)


def test_unfolding_a_seam_cluster_gives_a_compact_cluster():
    units, _ = _seam_cluster()
    loc = torus.unit_locations(M, N)[units.reshape(-1)]
    unfolded = torus.unfold(loc, loc[0], M, N)
    spread = torch.cdist(unfolded, unfolded).max()
    assert spread <= math.sqrt(2**2 + 2**2) + 1e-6
    assert torch.cdist(loc, loc).max() > M - 2  # folded, the same points look far apart


def test_class_center_of_a_seam_cluster_is_right():
    units, labels = _seam_cluster()
    c = torus.class_centers(units, labels, M, N)
    assert int(c["mode"][0]) == (M - 1) * N
    # unfolded around the mode (M-1, 0): rows M-1, M-1, M-2, M, M-1, M-1; cols 0, 0, 0, 0, 1, -1
    torch.testing.assert_close(c["center"][0], torch.tensor([M - 1.0, 0.0]))
    assert int(torus.center_units(c["center"], M, N)[0]) == (M - 1) * N


def test_d_class_is_mean_unfolded_distance_to_center():
    units, labels = _seam_cluster()
    c = torus.class_centers(units, labels, M, N)
    # distances from (M-1, 0): 0, 0, 1, 1, 1, 1
    torch.testing.assert_close(torus.d_class(units, labels, c, M, N), torch.tensor([4 / 6]))


def test_held_out_bmus_use_the_training_center():
    units, labels = _seam_cluster()
    c = torus.class_centers(units, labels, M, N)
    held = torch.tensor(
        [[0 * N + 0, 1 * N + 0]]
    )  # (0, 0) and (1, 0): 1 and 2 rows below the centre
    d = torus.distance_to_centers(held, torch.tensor([0]), c, M, N)
    torch.testing.assert_close(d, torch.tensor([[1.0, 2.0]]))


def test_center_units_wrap_onto_the_grid():
    centers = torch.tensor([[-1.2, 5.4], [7.6, -0.3]])
    got = torus.center_units(centers, M, N)
    assert got.tolist() == [(M - 1) * N + 0, 1 * N + 0]
