"""Paper-profile inputs that are missing or wrong fail with one line that says what to do
(:mod:`inputspace.data`, :mod:`inputspace.models`)."""

import numpy as np
import pytest
import torch
from PIL import Image
from torch import nn

from inputspace import data, models
from inputspace.models import build_net, load_checkpoint


def _jpeg(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.full((260, 300, 3), 128, np.uint8)).save(path)


def test_missing_imagenet_root_names_the_parameter_and_variable(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError, match=r"imagenet_root.*INPUTSPACE_IMAGENET"):
        data.imagenet("val", tmp_path / "nowhere")
    monkeypatch.delenv("INPUTSPACE_IMAGENET", raising=False)
    with pytest.raises(FileNotFoundError, match=r"imagenet_root.*INPUTSPACE_IMAGENET"):
        data.imagenet("train")


def test_val_images_lying_directly_in_val_are_refused(tmp_path):
    for i in range(3):
        _jpeg(tmp_path / "val" / f"ILSVRC2012_val_{i:08d}.JPEG")
    with pytest.raises(
        FileNotFoundError, match=r"3 image files.*directly.*val/n01440764.*imagenet_root"
    ):
        data.imagenet("val", tmp_path)


def test_partial_imagenet_and_too_few_classes_are_refused(tmp_path):
    for wnid in data.imagenet_wnids()[:3]:
        _jpeg(tmp_path / "train" / wnid / "a.JPEG")
    with pytest.raises(FileNotFoundError, match=r"only 3 of the 1000.*imagenet_root"):
        data.imagenet("train", tmp_path)
    with pytest.raises(FileNotFoundError, match="3 class folders where 1000 are needed"):
        data.imagenet("train", tmp_path, n_classes=1000)


def test_class_folder_without_images_is_refused(tmp_path):
    _jpeg(tmp_path / "val" / "n00000000" / "a.JPEG")
    (tmp_path / "val" / "n00000001").mkdir()
    with pytest.raises(FileNotFoundError, match=r"n00000001.*imagenet_root"):
        data.imagenet("val", tmp_path)


@pytest.mark.parametrize(
    "dataset, split, file, env",
    [
        ("cifar10", "train", "cifar-10-batches-py/data_batch_1", "INPUTSPACE_CIFAR"),
        ("cifar100", "test", "cifar-100-python/test", "INPUTSPACE_CIFAR"),
        ("svhn", "train", "train_32x32.mat", "INPUTSPACE_SVHN"),
    ],
)
def test_missing_small_set_files_name_files_and_variable(tmp_path, dataset, split, file, env):
    with pytest.raises(FileNotFoundError, match=rf"{file}.*missing.*\${env}"):
        data.torchvision_set(dataset, split, tmp_path)


def test_unreadable_small_set_files_are_a_clear_error(tmp_path):
    for f in data.small_set_files("cifar10", "test") + data.small_set_files("svhn", "test"):
        (tmp_path / f).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / f).write_bytes(b"not a pickle")
    for dataset in ("cifar10", "svhn"):
        with pytest.raises(FileNotFoundError, match=r"unreadable.*INPUTSPACE_"):
            data.torchvision_set(dataset, "test", tmp_path)


def test_pretrained_weights_absent_offline_name_the_weights_and_checkpoint(monkeypatch):
    from huggingface_hub.errors import LocalEntryNotFoundError

    real = models.timm.create_model

    def offline(name, pretrained=False, **kw):
        if pretrained:
            raise LocalEntryNotFoundError("cannot find the requested files in the local cache")
        return real(name, pretrained=False, **kw)

    monkeypatch.setattr(models.timm, "create_model", offline)
    with pytest.raises(
        FileNotFoundError, match=r"timm/resnet50\.a1_in1k.*checkpoint parameter.*online"
    ):
        build_net("resnet50", 1000, 224, pretrained=True)
    assert build_net("resnet18", 10, 32).num_classes == 10  # no hub, no error


def test_checkpoint_of_the_wrong_architecture_names_keys_and_arch(tmp_path):
    ckpt = tmp_path / "r18.pt"
    net = build_net("resnet18", 10, 32)
    torch.save(net.state_dict(), ckpt)
    with pytest.raises(
        ValueError, match=r"architecture resnet50 .*missing \[.*layer1\.0\.conv3\.weight"
    ):
        load_checkpoint(build_net("resnet50", 10, 32), ckpt)
    with pytest.raises(ValueError, match=r"fc\.weight \(10, 512\) vs \(7, 512\)"):
        build_net("resnet18", 7, 32, checkpoint=ckpt)
    torch.save({**net.state_dict(), "extra.weight": torch.zeros(1)}, ckpt)
    with pytest.raises(ValueError, match=r"unexpected \['extra\.weight'\]"):
        load_checkpoint(net, ckpt)


def test_checkpoint_in_an_unknown_layout_lists_the_accepted_ones(tmp_path):
    net = build_net("resnet18", 10, 32)
    cases = {"model.pt": nn.Linear(2, 2), "meta.pt": {"epoch": 3, "acc": 0.5}, "list.pt": [1, 2]}
    for name, obj in cases.items():
        torch.save(obj, tmp_path / name)
    (tmp_path / "junk.pt").write_bytes(b"garbage")
    for name, word in (
        ("model.pt", "weights_only"),
        ("meta.pt", "not a tensor"),
        ("list.pt", "not a state dict"),
        ("junk.pt", "weights_only"),
    ):
        with pytest.raises(ValueError, match=rf"{word}.*accepted layouts: a state dict"):
            load_checkpoint(net, tmp_path / name)
