"""The batched torch SOM with QuickSOM 1.0.0 semantics (P3 Table 1)."""

import functools
import math

import pytest
import torch

from inputspace.methods import som, torus


def _codes(n=120, dim=16, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(n, dim, generator=g) + 0.1 * torch.randn(n, dim, generator=g)


def test_schedule_factor_is_one_at_start_and_exp_minus_five_at_end():
    assert som.schedule(0, 1000, "exp") == 1.0
    assert som.schedule(1000, 1000, "exp") == pytest.approx(math.exp(-5))


def test_training_records_quicksom_step_counter():
    cfg = som.SOMConfig(m=3, n=3, epochs=2, batch_size=7)
    s = som.train_som(_codes(20), cfg, generator=torch.Generator().manual_seed(0))
    assert len(s.loss) == 2 * math.ceil(20 / 7)
    assert s.steps.tolist() == [
        7.0 * i for i in range(len(s.loss))
    ]  # QuickSOM adds the nominal size


def test_blocked_training_equals_direct_training():
    x = _codes()
    for metric in ("cosine", "euclidean"):
        cfg = som.SOMConfig(m=5, n=4, epochs=2, batch_size=7, metric=metric)
        a = som.train_som(x, cfg, generator=torch.Generator().manual_seed(3), algorithm="direct")
        b = som.train_som(
            x, cfg, generator=torch.Generator().manual_seed(3), algorithm="blocked", block_rows=40
        )
        torch.testing.assert_close(b.weights, a.weights, rtol=1e-4, atol=1e-5)
        torch.testing.assert_close(b.loss, a.loss, rtol=1e-4, atol=1e-5)


def test_training_matches_quicksom_reference():
    qs = pytest.importorskip("quicksom.som")
    x, w0, cfg = (
        _codes(40, 8),
        torch.randn(16, 8, generator=torch.Generator().manual_seed(5)),
        som.SOMConfig(m=4, n=4, epochs=1, batch_size=10),
    )
    ours = som.train_som(x, cfg, generator=torch.Generator().manual_seed(9), init=w0)
    order = torch.randperm(40, generator=torch.Generator().manual_seed(9))

    def cosine(a, b):
        return 1 - (a / a.norm(dim=-1, keepdim=True)) @ (b / b.norm(dim=-1, keepdim=True)).T

    ref = qs.SOM(
        4,
        4,
        8,
        alpha=0.1,
        sigma=10,
        sched="exp",
        periodic=True,
        metric=cosine,
        centroids=w0.clone(),
    )
    torch.testing.assert_close(ref.distance_mat.float(), torus.grid_sq_distances(4, 4))
    losses = []
    for i, step in enumerate(range(0, 40, 10)):
        _, err = ref(x[order[i * 10 : (i + 1) * 10]], learning_rate_op=ref.scheduler(step, 40))
        losses.append(float(err))
    torch.testing.assert_close(ours.weights, ref.centroids, rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(ours.loss, torch.tensor(losses), rtol=1e-4, atol=1e-5)


def test_top_k_bmus_equal_brute_force_argsort():
    x = _codes(50)
    s = som.train_som(
        x, som.SOMConfig(m=4, n=5, epochs=1), generator=torch.Generator().manual_seed(0)
    )
    idx, dist = som.bmus(x, s, k=7, chunk=13)
    d = som.code_distances(x, s.weights, "cosine")
    want = torch.argsort(d, dim=1)[:, :7]
    assert torch.equal(idx, want)
    torch.testing.assert_close(dist, d.gather(1, want))


def test_som_separates_well_separated_gaussian_clusters():
    g = torch.Generator().manual_seed(0)
    means = torch.eye(3, 12) * 10 + 1.0
    x = torch.cat([m + 0.3 * torch.randn(40, 12, generator=g) for m in means])
    labels = torch.arange(3).repeat_interleave(40)
    s = som.train_som(x, som.SOMConfig(m=8, n=8, sigma=4, epochs=5), generator=g)
    bmu = som.bmus(x, s, k=1)[0][:, 0]
    units = [set(bmu[labels == c].tolist()) for c in range(3)]
    assert not (units[0] & units[1] or units[0] & units[2] or units[1] & units[2])
    loc = torus.unit_locations(8, 8)
    centers = torus.class_centers(bmu[:, None], labels, 8, 8)["center"]
    own = torus.torus_distance(loc[bmu], centers[labels], 8, 8)
    other = torch.stack(
        [torus.torus_distance(loc[bmu], centers[c].expand(len(bmu), 2), 8, 8) for c in range(3)], 1
    )
    other[torch.arange(len(bmu)), labels] = float("inf")
    assert (own < other.min(1).values).all()


def test_loss_decreases_during_training():
    s = som.train_som(
        _codes(200), som.SOMConfig(m=6, n=6, epochs=3), generator=torch.Generator().manual_seed(0)
    )
    assert s.loss[-10:].mean() < s.loss[:10].mean()


def test_non_finite_codes_are_rejected():
    x = _codes(10)
    x[3, 2] = float("nan")
    with pytest.raises(ValueError, match="NaN"):
        som.train_som(x, som.SOMConfig(m=2, n=2, epochs=1))


def test_pairwise_weight_distances_cover_all_unordered_pairs():
    s = som.SOM(torch.randn(6, 4), som.SOMConfig(m=2, n=3), torch.zeros(1), torch.zeros(1))
    d = som.pairwise_weight_distances(s)
    assert d.shape == (15,)
    assert ((d >= 0) & (d <= 2)).all()
    d01 = 1 - torch.nn.functional.cosine_similarity(s.weights[0], s.weights[1], dim=0)
    torch.testing.assert_close(d[0], d01)


def test_som_round_trips_through_a_plain_dict():
    s = som.train_som(
        _codes(20), som.SOMConfig(m=2, n=2, epochs=1), generator=torch.Generator().manual_seed(0)
    )
    t = som.SOM.from_dict(s.to_dict())
    assert torch.equal(t.weights, s.weights) and t.config == s.config


def test_neighbourhood_has_no_subnormal_values_and_keeps_the_others_exactly():
    g = torus.grid_sq_distances(40, 40)
    bmu = torch.tensor([0, 801, 1599])
    tiny = torch.finfo(torch.float32).tiny
    # P3's last steps: sigma 10 * e^-5, scale alpha e^-5 / B
    sigma, scale = 10.0 * math.exp(-5), 0.1 * math.exp(-5) / 10
    ref = som.neighbourhood(g, bmu, sigma, scale, flush=0.0)  # the formula before the flush
    assert ((ref > 0) & (ref < tiny)).float().mean() > 0.9  # what the flush is for
    h = som.neighbourhood(g, bmu, sigma, scale)
    assert not ((h > 0) & (h < tiny)).any()
    kept = ref >= som.FLUSH
    assert torch.equal(h[kept], ref[kept]) and (h[~kept] == 0).all()
    assert (h[torch.arange(3), bmu] == scale).all()  # each BMU itself: exp(0) * scale


def test_flushing_subnormals_leaves_trained_maps_bit_identical(monkeypatch):
    x = torch.relu(_codes(300, 64, seed=4) - 0.3)
    cfg = som.SOMConfig(m=12, n=12, epochs=3, batch_size=10)
    for algorithm in ("blocked", "direct"):
        a = som.train_som(x, cfg, generator=torch.Generator().manual_seed(2), algorithm=algorithm)
        with monkeypatch.context() as mp:
            mp.setattr(som, "neighbourhood", functools.partial(som.neighbourhood, flush=0.0))
            b = som.train_som(
                x, cfg, generator=torch.Generator().manual_seed(2), algorithm=algorithm
            )
        assert torch.equal(a.weights, b.weights) and torch.equal(a.loss, b.loss)
