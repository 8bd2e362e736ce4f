import math

import pytest
import torch

from inputspace.config import Knob, resolve
from inputspace.repro import resolve_device, seed_everything

KNOBS = {
    "n_points": Knob({"smoke": 5, "quick": 50, "paper": 1000}, help="points"),
    "mode": Knob("code", choices=("code", "exact")),
    "radii": Knob((0.5, 1.0)),
}


def test_defaults_come_from_the_profile():
    cfg = resolve("p9-x", {"profile": "smoke", "n_points": None}, KNOBS)
    assert cfg.n_points == 5 and cfg.mode == "code" and cfg.profile == "smoke"
    assert resolve("p9-x", {"profile": "paper"}, KNOBS).n_points == 1000


def test_unknown_parameter_is_rejected_with_the_valid_names():
    with pytest.raises(ValueError, match=r"unknown parameter.*n_pionts.*valid.*n_points"):
        resolve("p9-x", {"n_pionts": 3}, KNOBS)


def test_unknown_profile_is_rejected_with_the_valid_profiles():
    with pytest.raises(ValueError, match=r"unknown profile 'fast'.*smoke.*quick.*paper"):
        resolve("p9-x", {"profile": "fast"}, KNOBS)


def test_invalid_choice_lists_valid_values():
    with pytest.raises(ValueError, match=r"'strict'.*valid: \['code', 'exact'\]"):
        resolve("p9-x", {"mode": "strict"}, KNOBS)


def test_wrong_type_is_rejected():
    with pytest.raises(TypeError, match="n_points"):
        resolve("p9-x", {"n_points": "many"}, KNOBS)


def test_list_is_accepted_for_a_tuple_knob():
    assert resolve("p9-x", {"radii": [1, 2]}, KNOBS).radii == (1, 2)


def test_modules_functions_and_ipython_names_are_not_parameters():
    ns = {"math": math, "resolve": resolve, "In": [], "_": None, "Knob": Knob, "profile": "quick"}
    assert resolve("p9-x", ns, KNOBS).profile == "quick"


def test_bad_seed_is_rejected():
    with pytest.raises(ValueError, match="seed"):
        resolve("p9-x", {"seed": -1}, KNOBS)


def test_config_hash_ignores_device_but_not_values():
    a = resolve("p9-x", {"device": "cpu"}, KNOBS)
    b = resolve("p9-x", {"device": "auto"}, KNOBS)
    c = resolve("p9-x", {"n_points": 7}, KNOBS)
    assert a.hash() == b.hash() != c.hash()


def test_non_paper_profiles_force_hub_offline(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    resolve("p9-x", {"profile": "quick"}, KNOBS)
    import os

    assert os.environ["HF_HUB_OFFLINE"] == "1"


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without a GPU")
def test_cuda_without_gpu_is_an_error_not_a_fallback():
    with pytest.raises(RuntimeError, match="no CUDA GPU"):
        resolve_device("cuda")
    with pytest.raises(RuntimeError, match="no CUDA GPU"):
        resolve("p9-x", {"device": "cuda"}, KNOBS)


def test_auto_device_matches_availability():
    assert resolve_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")


def test_unknown_device_is_rejected():
    with pytest.raises(ValueError, match="valid"):
        resolve_device("tpu")


def test_seed_everything_is_reproducible():
    seed_everything(3)
    a = torch.rand(3)
    g = seed_everything(3)
    assert torch.equal(a, torch.rand(3))
    assert torch.equal(
        torch.rand(2, generator=g), torch.rand(2, generator=torch.Generator().manual_seed(3))
    )
