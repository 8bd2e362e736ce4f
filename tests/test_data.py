import pickle

import numpy as np
import pytest
import torch
from PIL import Image

from inputspace import data


def test_digits_are_32px_rgb_in_unit_range_with_fixed_stratified_split():
    tr, ho = data.digits("train"), data.digits("heldout")
    assert tr.x.shape == (1257, 3, 32, 32) and ho.x.shape == (540, 3, 32, 32)
    assert 0 <= float(tr.x.min()) and float(tr.x.max()) <= 1
    assert torch.equal(tr.x[:, 0], tr.x[:, 1])  # grey replicated to RGB
    counts = torch.bincount(ho.y, minlength=10).float()
    totals = counts + torch.bincount(tr.y, minlength=10).float()
    assert torch.all((counts - 0.3 * totals).abs() <= 1)  # stratified: 30 % of every class
    assert torch.equal(data.digits("heldout").x, ho.x)  # fixed split
    assert not (
        set(map(bytes, tr.x.numpy().reshape(len(tr), -1)[:50]))
        & set(map(bytes, ho.x.numpy().reshape(len(ho), -1)))
    )


def test_unknown_split_is_rejected():
    with pytest.raises(ValueError, match="valid"):
        data.digits("test")


def test_lfw_faces_are_balanced_two_class_rgb():
    s = data.lfw_faces("all")
    assert s.x.shape == (200, 3, 32, 32) and torch.bincount(s.y).tolist() == [100, 100]


def test_sample_photos_are_square_rgb():
    s = data.sample_photos(32, ("astronaut", "camera"))
    assert s.x.shape == (2, 3, 32, 32) and 0 <= float(s.x.min()) <= float(s.x.max()) <= 1


def _fake_imagenet(root, n_classes=2, per_class=2):
    for split in ("train", "val"):
        for c in range(n_classes):
            d = root / split / f"n0000000{c}"
            d.mkdir(parents=True)
            for i in range(per_class):
                arr = np.random.default_rng(i).integers(0, 255, (300, 400, 3), dtype=np.uint8)
                Image.fromarray(arr).save(d / f"img{i}.JPEG")


def test_imagenet_loader_reads_a_fake_ilsvrc_folder_at_224(tmp_path):
    _fake_imagenet(tmp_path)
    ds = data.imagenet("val", tmp_path)
    x, y = ds[0]
    assert x.shape == (3, 224, 224) and 0 <= float(x.min()) and float(x.max()) <= 1
    assert len(ds) == 4 and ds.classes == ["n00000000", "n00000001"]
    sub = data.to_split(ds, data.class_balanced_indices(ds.targets, 1, seed=0), "val")
    assert sub.y.tolist() == [0, 1]


def test_imagenet_from_environment_variable(tmp_path, monkeypatch):
    _fake_imagenet(tmp_path)
    monkeypatch.setenv("INPUTSPACE_IMAGENET", str(tmp_path))
    assert len(data.imagenet("train")) == 4


def test_missing_imagenet_says_where_to_put_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="one sub-folder per class"):
        data.imagenet("val", tmp_path / "nowhere")


def test_missing_root_says_which_variable_to_set(monkeypatch):
    monkeypatch.delenv("INPUTSPACE_CIFAR", raising=False)
    with pytest.raises(FileNotFoundError, match="INPUTSPACE_CIFAR"):
        data.torchvision_set("cifar10", "train")


def test_missing_cifar_folder_says_where_to_put_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="cifar-10-batches-py"):
        data.torchvision_set("cifar10", "test", tmp_path)


def test_fake_cifar_root_is_read_offline(tmp_path, monkeypatch):
    from torchvision.datasets import CIFAR10

    folder = tmp_path / "cifar-10-batches-py"
    folder.mkdir()
    rng = np.random.default_rng(0)
    batch = {"data": rng.integers(0, 255, (6, 3072), dtype=np.uint8), "labels": [0, 1, 2, 3, 4, 5]}
    (folder / "test_batch").write_bytes(pickle.dumps(batch))
    (folder / "batches.meta").write_bytes(
        pickle.dumps({"label_names": [f"c{i}" for i in range(10)]})
    )
    import torchvision.datasets.cifar as tv_cifar

    monkeypatch.setattr(
        CIFAR10, "_check_integrity", lambda self: True
    )  # fake files have other md5s
    monkeypatch.setattr(tv_cifar, "check_integrity", lambda *a, **k: True)
    ds = data.torchvision_set("cifar10", "test", tmp_path)
    x, y = ds[2]
    assert len(ds) == 6 and x.shape == (3, 32, 32) and y == 2 and float(x.max()) <= 1


def test_class_balanced_indices_take_equal_counts():
    idx = data.class_balanced_indices([0, 0, 0, 1, 1, 1, 2, 2], 2, seed=1)
    assert np.bincount(np.array([0, 0, 0, 1, 1, 1, 2, 2])[idx]).tolist() == [2, 2, 2]
    with pytest.raises(ValueError, match="only 2"):
        data.class_balanced_indices([0, 0, 1], 3, seed=0)


def test_study_data_is_the_digits_outside_the_paper_profile():
    for profile in ("smoke", "quick"):
        got = data.study_data(profile, "imagenet", "heldout")
        assert isinstance(got, data.Split) and got.name == "digits-heldout"
    assert data.by_name("lfw", "train", "quick").name == "lfw-train"


def test_a_paper_data_set_needs_the_paper_profile(monkeypatch):
    with pytest.raises(ValueError, match="needs the paper profile"):
        data.by_name("cifar10", "train", "quick")
    with pytest.raises(ValueError, match="unknown split"):
        data.by_name("digits", "val", "quick")
    seen = {}
    monkeypatch.setattr(
        data, "torchvision_set", lambda name, split: seen.setdefault("tv", (name, split))
    )
    monkeypatch.setattr(
        data, "imagenet", lambda split, root, **kw: seen.setdefault("in", (split, root, kw))
    )
    data.study_data("paper", "cifar10", "heldout")
    data.study_data("paper", "imagenet", "train", "/r", n_classes=3)
    assert seen == {"tv": ("cifar10", "test"), "in": ("train", "/r", {"n_classes": 3})}
