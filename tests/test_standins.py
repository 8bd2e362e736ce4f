"""Stand-ins of ``make paper-check`` (:mod:`inputspace.run.standins`): the files load through the
library's own paper-profile loaders. Small counts, temporary folders, no large checkpoints."""

import os

import numpy as np
import pytest
import torch
from PIL import Image
from scipy.io import loadmat

from inputspace import data, models, zoo
from inputspace.run import standins


@pytest.fixture(scope="module")
def imagenet_root(tmp_path_factory):
    return standins.write_imagenet(tmp_path_factory.mktemp("standins"), per_class=1, distinct=12)


@pytest.fixture(scope="module")
def r18_out(tmp_path_factory):
    """A stand-in folder holding checkpoints/resnet18.pt (written once for the module)."""
    out = tmp_path_factory.mktemp("weights")
    standins.write_checkpoints(out, ["resnet18"])
    return out


@pytest.mark.parametrize("split", ["train", "val"])
def test_imagenet_standin_has_all_1000_classes_at_224(imagenet_root, split):
    ds = data.imagenet(split, imagenet_root, n_classes=1000)
    assert ds.classes == list(data.imagenet_wnids()) and ds.classes == sorted(ds.classes)
    assert len(ds) == 1000 and ds.targets[:3] == [0, 1, 2]
    for i in (0, 999):
        x, y = ds[i]
        assert x.shape == (3, 224, 224) and y == i and 0 <= float(x.min()) <= float(x.max()) <= 1
    path = ds.samples[5][0]
    assert min(Image.open(path).size) >= 256 and os.stat(path).st_nlink > 1  # a hard link


def test_imagenet_standin_pictures_differ_and_rerun_is_skipped(imagenet_root):
    pics = sorted((imagenet_root / ".pictures").glob("*.JPEG"))
    arrays = [
        np.asarray(Image.open(p).convert("RGB").resize((32, 32)), np.float32) for p in pics[:4]
    ]
    assert len(pics) == 12 and all(np.abs(a - b).mean() > 5 for a, b in zip(arrays, arrays[1:]))
    stamp = (imagenet_root / "standin.json").stat().st_mtime_ns
    standins.write_imagenet(imagenet_root.parent, per_class=1, distinct=12)
    assert (imagenet_root / "standin.json").stat().st_mtime_ns == stamp


def test_cifar_and_svhn_standins_load_through_torchvision_set(tmp_path, monkeypatch):
    cifar, svhn = (
        standins.write_cifar(tmp_path, per_class=1),
        standins.write_svhn(tmp_path, per_class=2),
    )
    for name, n_cls in (("cifar10", 10), ("cifar100", 100)):
        for split in ("train", "test"):
            ds = data.torchvision_set(name, split, cifar)
            x, y = ds[3]
            assert len(ds) == n_cls and x.shape == (3, 32, 32) and y == 3
            assert sorted(set(ds.targets)) == list(range(n_cls)) and len(ds.classes) == n_cls
    monkeypatch.setenv("INPUTSPACE_SVHN", str(svhn))
    ds = data.torchvision_set("svhn", "test")
    raw = loadmat(svhn / "test_32x32.mat")
    assert (
        raw["X"].shape == (32, 32, 3, 20)
        and raw["X"].dtype == np.uint8
        and raw["y"].shape == (20, 1)
    )
    assert sorted(np.unique(raw["y"])) == list(range(1, 11))
    assert ds[0][0].shape == (3, 32, 32) and ds[0][1] == 0 and raw["y"][0, 0] == 10  # 10 is digit 0
    assert sorted(set(ds.labels.tolist())) == list(range(10))


def test_timm_standins_load_through_build_net(r18_out):
    folder = r18_out / "checkpoints"
    (r18,) = standins.write_checkpoints(r18_out, ["resnet18"])
    vit = standins.write_checkpoint(
        standins.Checkpoint("vit_tiny_patch16_224.pt", "vit_tiny_patch16_224", 1000, 224), folder
    )
    assert r18 == folder / "resnet18.pt"
    for arch, p in (("resnet18", r18), ("vit_tiny_patch16_224", vit)):
        net = models.build_net(arch, 1000, 224, checkpoint=p)  # every key and shape must fit
        ref = torch.load(p, weights_only=True)
        assert all(torch.equal(v, ref[k]) for k, v in net.state_dict().items())
    spec = standins.checkpoint_specs()[0]
    assert spec.file == "resnet18.pt" and standins.checkpoint_is_current(spec, folder)
    stamp = r18.stat().st_mtime_ns
    standins.write_checkpoints(r18_out, ["resnet18"])
    assert r18.stat().st_mtime_ns == stamp  # manifest matches: not rewritten
    with pytest.raises(ValueError, match="valid"):
        standins.write_checkpoints(r18_out, ["resnet9000"])


def test_small_input_checkpoint_is_adapted_to_32px(tmp_path):
    spec = standins.Checkpoint(
        "resnet18-cifar100.pt", "resnet18", 100, 32, parameter="checkpoint_dir"
    )
    p = standins.write_checkpoint(spec, tmp_path)
    model = zoo.load_model("resnet18", "cifar100", "paper", checkpoint=p)
    assert model(torch.rand(2, 3, 32, 32)).shape == (2, 100)


def test_robustness_library_layout_loads_into_the_timm_net(tmp_path):
    from torchvision.models import resnet18

    torch.manual_seed(0)
    sd = resnet18(weights=None).state_dict()
    ckpt = tmp_path / "Salman2020Do_R18.pt"
    torch.save(standins.robustness_layout(sd), ckpt)
    keys = torch.load(ckpt, weights_only=True)["state_dict"]
    assert "module.attacker.model.conv1.weight" in keys and "module.normalizer.new_mean" in keys
    net = models.build_net("resnet18", 1000, 224, checkpoint=ckpt)
    assert torch.equal(net.conv1.weight, sd["conv1.weight"]) and torch.equal(
        net.fc.bias, sd["fc.bias"]
    )


def test_paper_specs_cover_every_paper_knob():
    specs = {s.file: s for s in standins.checkpoint_specs()}
    for arch in (
        "resnet18",
        "resnet50",
        "vgg19_bn",
        "densenet121",
        "vit_base_patch16_224",
        "deit_small_patch16_224",
    ):
        assert specs[f"{arch}.pt"].num_classes == 1000
    assert {specs[f"resnet50-{d}.pt"].num_classes for d in ("cifar10", "svhn")} == {10}
    assert specs["resnet50-cifar100.pt"].input_size == 32
    assert specs["robustbench/imagenet/Linf/Salman2020Do_R50.pt"].parameter == "at_checkpoint"
    assert "robustbench/imagenet/Linf/Singh2023Revisiting_ViT-S-ConvStem.pt" in specs


def test_convstem_keeps_the_deit_patch_grid():
    stem = models.ConvStem().eval()
    sd = stem.state_dict()
    assert sd["stem.0.weight"].shape == (48, 3, 3, 3) and sd["stem.12.weight"].shape == (
        384,
        384,
        1,
        1,
    )
    with torch.no_grad():
        assert stem(torch.rand(1, 3, 224, 224)).shape == (1, 384, 14, 14)  # DeiT-S: 14x14 x 384


def test_hub_cache_standin_serves_pretrained_true_offline(r18_out, monkeypatch):
    import huggingface_hub.constants as hf

    hub = standins.write_hub_cache(r18_out, ["resnet18"])
    monkeypatch.setattr(hf, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(hf, "HF_HUB_CACHE", str(hub))
    net = models.build_net("resnet18", 1000, 224, pretrained=True)
    ref = torch.load(r18_out / "checkpoints" / "resnet18.pt", weights_only=True)
    assert torch.equal(net.fc.weight, ref["fc.weight"])


def test_cli_writes_the_small_sets_and_prints_the_parameters(tmp_path, capsys):
    assert standins.main([str(tmp_path), "--only", "cifar,svhn", "--small-per-class", "1"]) == 0
    out = capsys.readouterr().out
    assert f"INPUTSPACE_CIFAR = {tmp_path / 'cifar'}" in out and "at_checkpoint" in out
    assert (tmp_path / "svhn" / "train_32x32.mat").is_file()
    assert len(data.torchvision_set("cifar10", "train", tmp_path / "cifar")) == 10


def test_torch_hub_stand_in_lets_lpips_run_offline(tmp_path, monkeypatch):
    from inputspace.methods import lst_eval

    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    assert not lst_eval.lpips_available()
    f = standins.write_torch_hub(tmp_path)
    assert f == lst_eval.lpips_weights_file() and lst_eval.lpips_available()
    x = torch.rand(3, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    d = lst_eval.lpips_distance(x, x.flip(0))
    assert d.shape == (3,) and torch.isfinite(d).all() and (d[[0, 2]] > 0).all()
    assert lst_eval.lpips_distance(x, x).abs().max() < 1e-6  # identical images: distance 0
