"""The mistakes a user makes with their own model raise one clear ValueError at every public entry
point (LST, path losses / bypass, layer outputs / codes, PGD), and valid input passes."""

from collections import OrderedDict

import pytest
import torch
from torch import nn

from inputspace.methods import checks, codes, connectivity, levelset
from inputspace.methods.attacks import pgd_linf

TRAIN = r"train mode: call model\.eval\(\) first"


def _net() -> nn.Module:
    """A tiny CNN on 3x8x8 pixels with BatchNorm (train mode matters) inside a named container."""
    torch.manual_seed(0)
    body = nn.Sequential(
        OrderedDict(
            conv=nn.Conv2d(3, 4, 3, padding=1),
            bn=nn.BatchNorm2d(4),
            act=nn.ReLU(),
            flat=nn.Flatten(),
            fc=nn.Linear(4 * 8 * 8, 3),
        )
    )
    return nn.Sequential(OrderedDict(net=body))


def _x(n: int = 2) -> torch.Tensor:
    return torch.rand(n, 3, 8, 8, generator=torch.Generator().manual_seed(1))


def _predicted(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    with torch.no_grad():
        return model(x).argmax(1)


# Every entry point, called as a user would; `x` is the image batch, `y` its labels.
ENTRY_POINTS = {
    "LST": lambda m, x, y: levelset.traverse(m, x, y, x.flip(0), iters=2),
    "reference LST": lambda m, x, y: levelset.reference_traverse(m, x, y, x.flip(0), iters=2),
    "PGD": lambda m, x, y: pgd_linf(m, x, y, eps=0.03, iters=2, step_size=0.01),
    "path_losses": lambda m, x, y: connectivity.path_losses(m, x, x.flip(0), y, 5),
    "bypass": lambda m, x, y: connectivity.bypass(
        m, x, x.flip(0), (x + x.flip(0)) / 2, y, iterations=2
    ),
    "optimize_free": lambda m, x, y: connectivity.optimize_free(m, x, y, iterations=2),
    "connect": lambda m, x, y: connectivity.connect(
        m, x, x.flip(0), y, n_points=5, max_rounds=1, iterations=2
    ),
    "layer_outputs": lambda m, x, y: codes.layer_outputs(m, x, ["net.conv", "net.act"]),
}
IMAGE_CHECKED = (
    "LST",
    "reference LST",
    "PGD",
    "layer_outputs",
)  # the P1 path functions live in any space


@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_a_model_in_train_mode_is_refused_and_the_eval_model_passes(name):
    model, x = _net(), _x()
    y = _predicted(model.eval(), x)
    model.train()
    with pytest.raises(ValueError, match=TRAIN):
        ENTRY_POINTS[name](model, x, y)
    ENTRY_POINTS[name](model.eval(), x, y)  # the same call after model.eval() runs


def test_one_submodule_left_in_train_mode_is_named():
    model = _net().eval()
    model.net.bn.train()
    with pytest.raises(ValueError, match=r"module 'net\.bn' \(BatchNorm2d\) is in train mode"):
        checks.require_eval(model, "LST")


def test_stateless_modules_compute_the_same_in_both_modes_and_pass():
    """Analytic toy models (constant buffers only) and a parameter-free container around an
    eval-mode model (P1's normalized-coordinates view) are not refused; dropout is."""

    class Toy(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("w", torch.ones(3))

        def forward(self, x):
            return x.flatten(1)[:, :3] * self.w

    checks.require_eval(Toy(), "path_losses")  # Toy() is in train mode
    inner = _net().eval()
    inner.mean, inner.std = torch.zeros(1, 3, 1, 1), torch.ones(1, 3, 1, 1)
    checks.require_eval(connectivity.NormalizedInput(inner), "bypass")  # its own flag is True
    with pytest.raises(ValueError, match=r"'model' \(Dropout\)"):
        checks.require_eval(nn.Dropout(0.5), "PGD")


@pytest.mark.parametrize("name", IMAGE_CHECKED)
@pytest.mark.parametrize(
    "bad,message",
    [
        (lambda x: x * 255, r"pixels in \[0, 1\].*divide by 255"),
        (lambda x: (x - 0.5) / 0.25, r"pixels in \[0, 1\].*normalized images\?"),
        (lambda x: x[0], r"\(N, C, H, W\).*x\[None\]"),
        (lambda x: x.flatten(1), r"\(N, C, H, W\), got shape \(2, 192\)"),
        (lambda x: (x * 255).to(torch.uint8), r"float tensor.*uint8"),
        (lambda x: torch.where(x > 0.5, torch.nan, x), r"NaN"),
    ],
)
def test_images_outside_the_unit_box_or_of_the_wrong_shape_are_refused(name, bad, message):
    model, x = _net().eval(), _x()
    y = _predicted(model, x)
    with pytest.raises(ValueError, match=message):
        ENTRY_POINTS[name](model, bad(x), y)


def test_the_range_check_allows_float_rounding_only():
    x = _x()
    x[0, 0, 0, 0] = 1 + 1e-7  # what x + (clamp(x + d) - x) can give
    checks.require_images(x, "x", "PGD")
    x[0, 0, 0, 0] = 1 + 1e-4
    with pytest.raises(ValueError, match=r"got values in \[.*, 1\]"):
        checks.require_images(x, "x", "PGD")


def test_pgd_checks_the_range_of_its_own_clip_box():
    model, x = _net().eval(), _x()
    y = _predicted(model, x)
    x255 = x * 255
    pgd_linf(
        model, x255, y, eps=8.0, iters=1, step_size=2.0, clip=(0.0, 255.0)
    )  # a 0-255 model is fine
    with pytest.raises(ValueError, match=r"pixels in \[0, 255\]"):
        pgd_linf(model, x255 + 1, y, eps=8.0, iters=1, step_size=2.0, clip=(0.0, 255.0))


def test_lst_target_must_be_pixels_of_the_source_shape():
    model, x = _net().eval(), _x()
    y = _predicted(model, x)
    with pytest.raises(ValueError, match=r"x_tgt must hold pixels in \[0, 1\]"):
        levelset.traverse(model, x, y, x.flip(0) * 255, iters=1)
    with pytest.raises(ValueError, match=r"x_tgt \(2, 3, 4, 4\) must match x_src"):
        levelset.traverse(model, x, y, torch.rand(2, 3, 4, 4), iters=1)
    levelset.traverse(model, x, y, x[0], iters=1)  # one target image for the whole batch


@pytest.mark.parametrize("name", ENTRY_POINTS.keys() - {"layer_outputs"})
def test_labels_must_be_one_integer_class_per_input(name):
    model, x = _net().eval(), _x()
    y = _predicted(model, x)
    with pytest.raises(ValueError, match=r"integer class tensor of shape \(2,\)"):
        ENTRY_POINTS[name](model, x, y[:1])
    with pytest.raises(ValueError, match=r"integer class tensor.*float32"):
        ENTRY_POINTS[name](model, x, y.float())


def test_path_endpoints_must_share_a_shape():
    model, x = _net().eval(), _x()
    y = _predicted(model, x)
    with pytest.raises(
        ValueError, match=r"path_losses: c has shape \(1, 3, 8, 8\), expected the shape of a"
    ):
        connectivity.path_losses(model, x, x[:1], y, 5)
    with pytest.raises(ValueError, match=r"bypass: b has shape \(2, 3, 4, 4\)"):
        connectivity.bypass(model, x, x.flip(0), torch.rand(2, 3, 4, 4), y, iterations=1)
    # not checked against [0, 1]: P1 works in normalized coordinates
    connectivity.path_losses(model, (x - 0.5) / 0.25, x.flip(0) * 4, y, 5)


def test_an_unknown_layer_lists_the_valid_names_and_a_close_match():
    model, x = _net().eval(), _x()
    with pytest.raises(
        ValueError,
        match=r"no module named 'conv'; did you mean 'net\.conv'\? "
        r"valid names: \['net', 'net\.conv', 'net\.bn'",
    ):
        codes.layer_outputs(model, x, ["conv"])
    with pytest.raises(ValueError, match=r"a list of module names.*\['net\.conv'\]"):
        codes.layer_outputs(model, x, "net.conv")
    logits, (conv, act) = codes.layer_outputs(model, x, ["net.conv", "net.act"])
    assert logits.shape == (2, 3) and conv.shape == act.shape == (2, 4, 8, 8)
    assert bool((act >= 0).all()) and bool((conv < 0).any())  # the hooks caught the right modules


def test_a_long_module_list_is_truncated_shallowest_first():
    model = nn.Sequential(*[nn.Sequential(nn.Identity(), nn.Identity()) for _ in range(30)]).eval()
    with pytest.raises(ValueError) as err:
        checks.find_modules(model, ["nope"], "layer_outputs")
    text = str(err.value)
    assert "'29'" in text and "'0.0'" in text and "'29.1'" not in text  # depth 1 first, then cut
    assert f"+{90 - checks.MAX_LISTED} deeper" in text


def test_a_module_off_the_forward_path_is_refused():
    class WithSpare(nn.Module):
        def __init__(self):
            super().__init__()
            self.net, self.spare = _net(), nn.Identity()

        def forward(self, x):
            return self.net(x)

    model = WithSpare().eval()
    with pytest.raises(ValueError, match=r"'spare' exists but the model's forward never calls it"):
        codes.layer_outputs(model, _x(), ["spare"])
    codes.layer_outputs(model, _x(), ["net.net.fc"])


def test_model_codes_checks_its_images():
    model = _net().eval()

    def features(x):
        return codes.layer_outputs(model, x, ["net.act"])[1]

    assert codes.model_codes(features, _x())[0].shape == (2, 16)
    with pytest.raises(ValueError, match=r"model_codes: x must hold pixels in \[0, 1\]"):
        codes.model_codes(features, _x() * 255)
