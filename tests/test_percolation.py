"""Tests of the site-percolation simulation (inputspace.methods.percolation)."""

import numpy as np
import torch
from torch import nn

from inputspace.methods.percolation import (
    LITERATURE_PC,
    connection_probability,
    low_loss_mask,
    slice_losses,
    spans,
    threshold_samples,
)


def test_2d_threshold_matches_literature_within_002():
    samples = threshold_samples(2, 64, 60, np.random.default_rng(0))
    assert abs(np.median(samples) - LITERATURE_PC[2]) < 0.02


def test_spanning_needs_a_connected_path_between_faces():
    m = np.zeros((4, 4), dtype=bool)
    m[:, 1] = True
    assert spans(m, axis=0) and not spans(m, axis=1)
    m[2, 1] = False
    assert not spans(m, axis=0)


def test_connection_probability_from_cluster_sizes():
    m = np.zeros((1, 7), dtype=bool)
    m[0, [0, 1, 2, 5, 6]] = True  # clusters of 3 and 2 -> (6 + 2) / (5 * 4)
    assert connection_probability(m) == 8 / 20


def test_low_loss_mask_opens_exact_fraction_of_lowest_values():
    v = np.arange(20.0)[::-1].reshape(4, 5)
    m = low_loss_mask(v, 0.25)
    assert m.sum() == 5 and v[m].max() < v[~m].min()


def test_slice_losses_shape_and_center_value():
    model = nn.Sequential(nn.Flatten(), nn.Linear(12, 3)).eval()
    center = torch.randn(3, 2, 2)
    out = slice_losses(
        model, center, 1, d=2, side=3, radius=1.0, generator=torch.Generator().manual_seed(0)
    )
    ce = nn.functional.cross_entropy(model(center[None]), torch.tensor([1])).item()
    assert out.shape == (3, 3) and abs(out[1, 1] - ce) < 1e-5
