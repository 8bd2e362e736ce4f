import hashlib

import pytest
import torch

from inputspace import data, zoo
from inputspace.models import QUICK_ARCHS, build_net, load_checkpoint, wrap
from inputspace.train import Recipe, random_shift, train_classifier


@pytest.mark.parametrize("arch", QUICK_ARCHS)
def test_quick_architectures_keep_every_stage_spatial_at_32px(arch):
    torch.manual_seed(0)
    model = wrap(build_net(arch, 10, 32), arch, 32)
    logits, feats = model.forward_with_features(torch.rand(2, 3, 32, 32))
    assert logits.shape == (2, 10)
    if model.kind == "cnn":
        assert len(feats) == 4
        assert [f.shape[-1] for f in feats] == [16, 8, 4, 2]  # CL4 is 2x2, never 1x1
    else:
        assert len(feats) == 6 and all(f.shape == (2, 192) for f in feats)  # CLS token per block


def test_wrapper_is_frozen_and_normalizes_inside():
    net = build_net("resnet18", 10, 32)
    model = wrap(net, "resnet18", 32)
    assert not model.training and not any(p.requires_grad for p in model.parameters())
    x = torch.rand(1, 3, 32, 32)
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    assert torch.allclose(model(x), net((x - mean) / std), atol=1e-5)


def test_features_equal_timm_features_only_maps():
    import timm

    torch.manual_seed(0)
    net = build_net("resnet18", 10, 224)  # unmodified at ImageNet size
    model = wrap(net, "resnet18", 224)
    fo = timm.create_model(
        "resnet18", pretrained=False, features_only=True, out_indices=(1, 2, 3, 4)
    )
    fo.load_state_dict(
        {k: v for k, v in net.state_dict().items() if not k.startswith("fc.")}, strict=False
    )
    fo.eval()
    x = torch.rand(1, 3, 224, 224)
    ours = model.features(x)
    ref = fo((x - model.mean) / model.std)
    assert all(torch.allclose(a, b, atol=1e-5) for a, b in zip(ours, ref))


def test_local_checkpoint_with_prefixes_loads_in_paper_profile(tmp_path):
    torch.manual_seed(1)
    ref = build_net("resnet18", 1000, 224)
    ckpt = tmp_path / "r18.pt"
    sd = {f"module.{k}": v for k, v in ref.state_dict().items()}
    sd["normalize.mean"] = torch.zeros(3)
    torch.save({"state_dict": sd}, ckpt)
    model = zoo.load_model("resnet18", "imagenet", "paper", checkpoint=ckpt, pretrained=False)
    x = torch.rand(1, 3, 224, 224)
    ref.eval()
    assert torch.allclose(model(x), ref((x - model.mean) / model.std), atol=1e-5)
    assert [f.shape[-1] for f in model.features(x)] == [56, 28, 14, 7]


def test_checkpoint_of_another_architecture_is_rejected(tmp_path):
    ckpt = tmp_path / "r18.pt"
    torch.save(build_net("resnet18", 10, 32).state_dict(), ckpt)
    with pytest.raises(ValueError, match="does not fit"):
        load_checkpoint(build_net("resnet50", 10, 32), ckpt)


def test_missing_checkpoint_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="local"):
        zoo.load_model("resnet18", "imagenet", "paper", checkpoint=tmp_path / "none.pt")


def test_cifar_in_paper_profile_needs_a_checkpoint():
    with pytest.raises(FileNotFoundError, match="checkpoint"):
        zoo.load_model("resnet50", "cifar10", "paper")


def test_unknown_profile_and_dataset_are_rejected():
    with pytest.raises(ValueError, match="valid"):
        zoo.load_model("resnet18", "digits", "fast")
    with pytest.raises(ValueError, match="valid"):
        zoo.load_model("resnet18", "mnist", "quick")


def test_random_shift_moves_content_by_at_most_max_shift():
    x = torch.zeros(4, 1, 8, 8)
    x[:, :, 4, 4] = 1
    out = random_shift(x, 2, torch.Generator().manual_seed(0))
    pos = [divmod(int(o.flatten().argmax()), 8) for o in out]
    assert all(abs(r - 4) <= 2 and abs(c - 4) <= 2 for r, c in pos) and out.sum() == 4


def _weights_hash(seed: int) -> str:
    torch.manual_seed(seed)
    model = wrap(build_net("resnet18", 10, 32), "resnet18", 32, frozen=False)
    split = data.digits("train").subset(range(64))
    train_classifier(
        model,
        split,
        Recipe(epochs=1, batch_size=16),
        device=torch.device("cpu"),
        seed=seed,
        max_steps=2,
        progress=False,
    )
    h = hashlib.sha256()
    for v in model.state_dict().values():
        h.update(v.numpy().tobytes())
    return h.hexdigest()


def test_training_is_deterministic_on_cpu_for_a_seed():
    assert _weights_hash(0) == _weights_hash(0) != _weights_hash(1)


def test_smoke_zoo_model_is_trained_once_cached_with_manifest_and_reloaded(
    isolated_data, monkeypatch
):
    monkeypatch.setattr(zoo, "recipe_for", lambda a, r, p: Recipe(epochs=1, train_fraction=0.05))
    dev = torch.device("cpu")
    m1, man = zoo.load_quick_model("resnet18", "digits", "smoke", device=dev)
    assert {"arch", "recipe", "seed", "heldout_accuracy", "sha256"} <= set(man)
    pt = isolated_data / "models" / "smoke" / "resnet18-digits-standard-s0.pt"
    mtime = pt.stat().st_mtime
    m2, _ = zoo.load_quick_model("resnet18", "digits", "smoke", device=dev)
    assert pt.stat().st_mtime == mtime  # loaded, not retrained
    x = torch.rand(2, 3, 32, 32)
    assert torch.equal(m1(x), m2(x))
    # a corrupted file is detected, moved aside and retrained -- never used
    pt.write_bytes(pt.read_bytes()[:-10] + b"0123456789")
    zoo.load_quick_model("resnet18", "digits", "smoke", device=dev)
    assert pt.with_name(pt.name + ".corrupt").exists()


def test_a_fine_tuning_recipe_starts_from_the_trained_model_of_its_init_recipe(
    isolated_data, monkeypatch
):
    recipes = {
        "standard": Recipe(epochs=1, train_fraction=0.05),
        "fgsm-at": Recipe(name="fgsm-at", epochs=1, train_fraction=0.05, init="standard"),
    }
    monkeypatch.setattr(zoo, "recipe_for", lambda a, r, p: recipes[r])
    started_from = {}
    real_train = zoo.train_classifier

    def spy(model, train, recipe, **kw):
        started_from[recipe.name] = {k: v.clone() for k, v in model.net.state_dict().items()}
        return real_train(model, train, recipe, max_steps=1, **kw)

    monkeypatch.setattr(zoo, "train_classifier", spy)
    dev = torch.device("cpu")
    _, man = zoo.load_quick_model("resnet18", "digits", "smoke", device=dev, recipe="fgsm-at")
    first, base = zoo.load_quick_model("resnet18", "digits", "smoke", device=dev, fast=False)
    assert (
        man["init_model"] == base["name"] == "resnet18-digits-standard-s0"
        and man["init_sha256"] == base["sha256"]
    )
    trained = first.net.state_dict()
    assert all(
        torch.equal(started_from["fgsm-at"][k], trained[k]) for k in trained
    )  # not a fresh timm init
    assert not all(torch.equal(started_from["standard"][k], trained[k]) for k in trained)
    assert (
        "init" not in Recipe().as_dict() and man["recipe"]["init"] == "standard"
    )  # old manifests still match


def test_training_chains_keep_a_fine_tuned_model_after_its_start_and_longest_first(monkeypatch):
    from inputspace.p0 import training

    recipes = {"standard": Recipe(), "fgsm-at": Recipe(name="fgsm-at", init="standard")}
    monkeypatch.setattr(training, "recipe_for", lambda a, r, p: recipes[r])
    at, r18 = ("resnet18", "digits", "fgsm-at"), ("resnet18", "digits", "standard")
    d121, lfw = ("densenet121", "digits", "standard"), ("resnet50", "lfw", "standard")
    assert training.chains([r18, d121, at, lfw], "quick") == [[d121], [r18, at], [lfw]]
    recipes["fgsm-at"] = Recipe(name="fgsm-at")  # trained from scratch: a chain of its own
    assert training.chains([r18, at], "quick") == [[at], [r18]]


def test_two_workers_train_the_missing_models_once(isolated_data):
    from inputspace.p0 import training

    entries = [("resnet18", "digits", "standard"), ("resnet50", "lfw", "standard")]
    assert not any(zoo.is_trained(*e, "smoke") for e in entries)
    names = training.train_parallel(entries, "smoke", 2)
    assert sorted(names) == ["resnet18-digits-standard-s0", "resnet50-lfw-standard-s0"]
    assert all(zoo.is_trained(*e, "smoke") for e in entries)
    (isolated_data / "models" / "smoke" / "resnet18-digits-standard-s0.pt").write_bytes(b"corrupt")
    assert not zoo.is_trained(*entries[0], "smoke")  # a bad file is not "trained"
