"""Vector codes of feature maps (P3 Sec. 2.1, Fig. 1)."""

import math

import pytest
import torch

from inputspace.methods import codes


def _two_channel_map():
    f = torch.zeros(1, 2, 2, 2)
    f[0, 0] = torch.tensor([[1.0, 0.0], [0.0, 3.0]])
    f[0, 1] = torch.tensor([[0.0, 2.0], [0.0, 0.0]])
    return f


def test_vector_code_layout_is_max_mean_std_com_per_channel():
    c = codes.vector_codes(_two_channel_map())
    assert c.shape == (1, 8)
    # channel 0: max 3, mean 1, population std sqrt(10/4 - 1); CoM at (3/4, 3/4) of [0,1]^2 ->
    # distance sqrt(2)/4 from the centre / half-diagonal sqrt(2)/2 = 0.5
    # channel 1: max 2, mean 0.5, std sqrt(4/4 - 0.25); CoM at the corner (0, 1) -> 1.0
    want = torch.tensor([[3.0, 2.0, 1.0, 0.5, math.sqrt(1.5), math.sqrt(0.75), 0.5, 1.0]])
    torch.testing.assert_close(c, want)


def test_index_center_of_mass_is_normalised_flat_index():
    com = codes.center_of_mass(_two_channel_map(), "index")
    torch.testing.assert_close(com, torch.tensor([[(1 * 0 + 3 * 1) / 4, 1 / 3]]))


def test_row_and_col_center_of_mass():
    f = _two_channel_map()
    torch.testing.assert_close(codes.center_of_mass(f, "row"), torch.tensor([[0.75, 0.0]]))
    torch.testing.assert_close(codes.center_of_mass(f, "col"), torch.tensor([[0.75, 1.0]]))


@pytest.mark.parametrize("mode", codes.COM_MODES)
def test_one_by_one_map_gives_finite_codes(mode):
    f = torch.tensor([[[[2.5]], [[0.0]]]])
    for unbiased in (False, True):
        c = codes.vector_codes(f, com=mode, unbiased=unbiased)
        assert torch.isfinite(c).all()
        assert c[0, 4:6].tolist() == [0.0, 0.0]  # std of one pixel
        torch.testing.assert_close(c[0, :4], torch.tensor([2.5, 0.0, 2.5, 0.0]))


@pytest.mark.parametrize("mode", codes.COM_MODES)
def test_dead_channel_gives_finite_codes_with_the_map_centre(mode):
    f = torch.zeros(3, 4, 5, 6)
    c = codes.vector_codes(f, com=mode)
    assert torch.isfinite(c).all()
    assert (c[:, :12] == 0).all()
    expected = 0.0 if mode == "radial" else 0.5
    torch.testing.assert_close(c[:, 12:], torch.full((3, 4), expected))


def test_center_of_mass_uses_the_positive_part_of_signed_maps():
    f = torch.tensor([[[[-5.0, 0.0], [0.0, 2.0]]]])
    torch.testing.assert_close(codes.center_of_mass(f, "row"), torch.tensor([[1.0]]))


def test_unknown_center_of_mass_mode_is_rejected():
    with pytest.raises(ValueError, match="valid"):
        codes.vector_codes(torch.zeros(1, 1, 2, 2), com="centroid")


def test_layer_codes_pass_cls_tokens_through():
    maps, tokens = torch.rand(2, 3, 4, 4), torch.randn(2, 7)
    out = codes.layer_codes([maps, tokens])
    assert out[0].shape == (2, 12)
    assert torch.equal(out[1], tokens)


def test_model_codes_batches_like_one_pass():
    conv = torch.nn.Conv2d(3, 4, 3, padding=1)
    feats = lambda x: [torch.relu(conv(x)), torch.relu(conv(x))[:, :, ::2, ::2]]
    x = torch.rand(10, 3, 8, 8)
    batched = codes.model_codes(feats, x, batch_size=3)
    whole = codes.layer_codes([f.detach() for f in feats(x)])
    for a, b in zip(batched, whole):
        torch.testing.assert_close(a, b)
    assert [c.shape[1] for c in batched] == [16, 16]
