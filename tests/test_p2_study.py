"""P2 orchestration: model rows (paper checkpoints offline), pool rule, knobs, explorer."""

import pytest
import torch
from torch import nn

from inputspace.config import resolve
from inputspace.models import build_net
from inputspace.p2 import explorer, knobs, lst, roles

LST_NOTEBOOKS = sorted(n for n in knobs.KNOBS if n != "p2-00")  # p2-00 computes nothing


@pytest.mark.parametrize("notebook_id", LST_NOTEBOOKS)
@pytest.mark.parametrize("profile", ["smoke", "quick", "paper"])
def test_every_notebook_resolves_its_knobs_in_every_profile(notebook_id, profile):
    cfg = resolve(notebook_id, {"profile": profile, "device": "cpu"}, knobs.KNOBS[notebook_id])
    assert cfg.iters > 0 and 0 < cfg.pthresh < 1


def test_paper_at_row_loads_a_local_robustbench_style_checkpoint(tmp_path):
    torch.manual_seed(0)
    net = build_net("resnet18", 1000, 224)
    sd = {f"module.model.{k}": v for k, v in net.state_dict().items()}
    sd["module.normalize.mean"] = torch.zeros(3)
    path = tmp_path / "Salman2020Do_R50.pt"
    torch.save(sd, path)
    row = roles.load_role(
        "at",
        "paper",
        device=torch.device("cpu"),
        arch="resnet18",
        vit_arch="deit_small_patch16_224",
        at_checkpoint=str(path),
    )
    x = torch.rand(1, 3, 224, 224)
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    with torch.no_grad():
        assert torch.allclose(row.model(x), net.eval()((x - mean) / std), atol=1e-4)
    assert row.label == "ResNet-50 (AT)"


def test_paper_at_rows_without_local_files_say_what_to_give():
    kw = dict(device=torch.device("cpu"), arch="resnet18", vit_arch="deit_small_patch16_224")
    assert "at_checkpoint" in roles.load_role("at", "paper", **kw).note
    assert "vit_at_checkpoint_dir" in roles.load_role("vit-at", "paper", **kw).note


def test_quick_vit_at_row_is_reported_not_available():
    row = roles.load_role(
        "vit-at", "quick", device=torch.device("cpu"), arch="resnet18", vit_arch="vit_tiny"
    )
    assert row.model is None and "not available in quick" in row.note


class ByMean(nn.Module):
    """Class 1 when the image is bright, class 0 when dark; confidence grows with contrast."""

    def forward(self, x):
        m = x.flatten(1).mean(1, keepdim=True) - 0.5
        return torch.cat([-10 * m, 10 * m], dim=1)


def test_pool_takes_the_first_image_per_class_that_every_model_gets_right_confidently():
    x = torch.stack([torch.full((3, 2, 2), v) for v in (0.49, 0.1, 0.9, 0.2, 0.55)])
    y = torch.tensor([0, 0, 1, 1, 1])
    idx, imgs = roles.select_pool([ByMean()], [(x, y, torch.arange(5))], (1, 0))
    assert idx == [2, 1]  # 0.49 is class 0 but not confident (p < 0.6); 0.2 is wrong
    assert torch.equal(imgs, x[[2, 1]])
    idx, _ = roles.select_pool([ByMean()], [(x, y, torch.arange(5))], (1, 0), rule="first")
    assert idx == [2, 0]


def test_pool_without_a_qualifying_image_raises_with_advice():
    x, y = torch.full((1, 3, 2, 2), 0.5), torch.tensor([1])
    with pytest.raises(RuntimeError, match="pool_rule"):
        roles.select_pool([ByMean()], [(x, y, torch.arange(1))], (1,))


def fake_grid_run(n: int = 3, steps: int = 4) -> dict:
    pairs = [(i, j) for i in range(n) for j in range(n) if i != j]
    b = len(pairs)
    return {
        "src": torch.tensor([p[0] for p in pairs]),
        "tgt": torch.tensor([p[1] for p in pairs]),
        "steps": list(range(steps)),
        "log_images": torch.rand(steps, b, 3, 8, 8),
        "log_p_src": torch.rand(steps, b),
        "log_p_tgt": torch.rand(steps, b),
        "log_rms_l2": torch.rand(steps, b),
        "x": torch.rand(b, 3, 8, 8),
    }


def test_explorer_builds_headless_and_follows_its_controls():
    run = fake_grid_run()
    w = explorer.lst_paths(run, torch.rand(3, 3, 8, 8), ["a", "b", "c"])
    src, tgt = w.children[0].children
    slider, out = w.children[1], w.children[2]
    assert (src.value, tgt.value, slider.max) == (0, 1, 3)
    assert [o["output_type"] for o in out.outputs] == ["stream", "display_data"]
    k = 0  # pair (0, 1)
    assert out.outputs[0]["text"].startswith(
        f"a → b, step 3: source conf {run['log_p_src'][3, k]:.4f}"
    )
    slider.value = 1
    assert (
        len(out.outputs) == 2 and "Figure" in out.outputs[1]["data"]["text/plain"]
    )  # the new frame only
    assert f"RMS ℓ2 to target {run['log_rms_l2'][1, k]:.4f}" in out.outputs[0]["text"]
    tgt.value = 0  # same as the source: a message instead of a frame
    assert [o["output_type"] for o in out.outputs] == ["stream"] and "different" in out.outputs[0][
        "text"
    ]


def test_strip_indices_pick_the_nearest_logged_steps():
    assert lst.strip_indices([0, 10, 20, 30, 40], [0, 10, 12, 40, 400]) == [0, 1, 4]


def test_paper_pool_scans_a_local_imagenet_folder_offline(tmp_path):
    from PIL import Image

    for cls, value in (("n0001", 40), ("n0002", 200)):
        (tmp_path / "val" / cls).mkdir(parents=True)
        for i in range(3):
            Image.new("RGB", (300, 260), (value + i, value, value)).save(
                tmp_path / "val" / cls / f"{i}.png"
            )
    cfg = resolve(
        "p2-tab01",
        {
            "profile": "paper",
            "device": "cpu",
            "imagenet_root": str(tmp_path),
            "pool_classes": (1, 0),
            "pool_rule": "first",
        },
        knobs.KNOBS["p2-tab01"],
    )
    idx, imgs = roles.select_pool([], roles.pool_batches(cfg), cfg.pool_classes, rule="first")
    assert imgs.shape == (2, 3, 224, 224)  # Resize(256) + CenterCrop(224)
    assert imgs[0].mean() > 0.7 > 0.3 > imgs[1].mean()  # class 1 is the bright folder
    assert idx[0] in (3, 4, 5) and idx[1] in (0, 1, 2)  # dataset indices of each class's images


def test_pool_applies_one_confidence_bar_per_model():
    x = torch.stack([torch.full((3, 2, 2), v) for v in (0.51, 0.9)])
    y = torch.tensor([1, 1])
    batches = [(x, y, torch.arange(2))]
    idx, _ = roles.select_pool([ByMean(), ByMean()], batches, (1,), min_conf=(0.6, 0.0))
    assert idx == [1]  # 0.51 is classified correctly with p = 0.55: it fails the first bar
    idx, _ = roles.select_pool([ByMean(), ByMean()], batches, (1,), min_conf=(0.0, 0.0))
    assert idx == [0]
    with pytest.raises(ValueError, match="bars"):
        roles.select_pool([ByMean()], batches, (1,), min_conf=(0.6, 0.0))


def test_paper_vit_at_row_loads_the_convstem_file_without_robustbench(tmp_path):
    from inputspace.models import vit_s_convstem

    net = vit_s_convstem(seed=3).eval()
    folder = tmp_path / "imagenet" / "Linf"
    folder.mkdir(parents=True)
    torch.save(net.state_dict(), folder / f"{knobs.RB_VIT_AT}.pt")
    torch.manual_seed(0)
    before = torch.rand(1)
    torch.manual_seed(0)
    row = roles.load_role(
        "vit-at",
        "paper",
        device=torch.device("cpu"),
        arch="resnet50",
        vit_arch="deit_small_patch16_224",
        vit_at_checkpoint_dir=str(tmp_path),
    )
    assert torch.equal(torch.rand(1), before)  # building the architecture leaves the RNG alone
    x = torch.rand(1, 3, 224, 224)
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    with torch.no_grad():
        assert torch.allclose(row.model(x), net((x - mean) / std), atol=1e-4)
    assert row.label == "DeiT-S (AT)" and row.note == ""
