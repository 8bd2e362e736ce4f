"""Tests of the barrier-based adversarial detector (inputspace.methods.detection)."""

import numpy as np
import torch
from torch import nn

from inputspace.methods.detection import barrier_scores, max_softmax_scores, roc


class TwoWells(nn.Module):
    """1-pixel-pair toy: class 0 logit high near (-2, 0) and near (2, 0), low in between;
    class 1 logit constant. Inputs (N, 1, 1, 2)."""

    def forward(self, x):
        p = x.view(len(x), 2)
        w = torch.exp(-((p[:, 0] + 2) ** 2 + p[:, 1] ** 2)) + torch.exp(
            -((p[:, 0] - 2) ** 2 + p[:, 1] ** 2)
        )
        return torch.stack([12 * w - 4, torch.zeros_like(w)], 1)


def test_input_across_a_barrier_scores_higher_than_one_beside_the_mode():
    model = TwoWells()
    refs = torch.tensor([[-2.0, 0.0], [0.0, 9.0]]).view(2, 1, 1, 2)
    labels = torch.tensor([0, 1])
    x = torch.tensor([[-1.9, 0.0], [2.0, 0.0]]).view(2, 1, 1, 2)
    s = barrier_scores(model, x, refs, labels, n_points=41)
    assert s[1] > 1.0 > 1e-3 > s[0]


def test_max_softmax_baseline_is_one_minus_confidence():
    model = nn.Identity()
    s = max_softmax_scores(model, torch.tensor([[10.0, 0.0], [0.0, 0.0]]))
    torch.testing.assert_close(s, torch.tensor([1 - torch.sigmoid(torch.tensor(10.0)).item(), 0.5]))


def test_roc_auc_of_separated_and_reversed_scores():
    assert roc([0.1, 0.2], [0.8, 0.9])["auc"] == 1.0
    assert roc([0.8, 0.9], [0.1, 0.2])["auc"] == 0.0


def test_roc_p_value_tracks_separation_and_sample_size():
    """The one-sided Mann-Whitney p-value: small when adversarial scores are larger, ~1 when smaller,
    and the same AUC is significant only with enough samples."""
    from inputspace.methods.detection import roc

    sep = roc(np.arange(10.0), np.arange(10.0) + 10)
    assert (
        sep["auc"] == 1.0 and sep["p_value"] < 1e-4 and (sep["n_clean"], sep["n_adv"]) == (10, 10)
    )
    assert roc(np.arange(10.0) + 10, np.arange(10.0))["p_value"] > 0.99
    small = roc(np.array([0.0, 2.0]), np.array([1.0, 3.0]))  # AUC 0.75 on 2 + 2 inputs
    large = roc(np.tile([0.0, 2.0], 30), np.tile([1.0, 3.0], 30))  # AUC 0.75 on 60 + 60 inputs
    assert small["auc"] == large["auc"] == 0.75
    assert small["p_value"] > 0.05 > large["p_value"]
