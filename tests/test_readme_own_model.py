"""The own-model guide's snippets (``docs/own-model.md``, which the README's "Use it on your own
model" section points to), executed from the guide itself (so they cannot rot) in one namespace,
and what each one computes checked against its method."""

import re

import pytest
import torch

from inputspace import paths

GUIDE = paths.ROOT / "docs" / "own-model.md"
TITLE = "# Use it on your own model\n"
README_SECTION = "## Use it on your own model"
# What each snippet must show, in order: setup, then the four uses named by the issue.
SNIPPETS = (
    ("setup", ("timm.create_model(", "Normalize(", ".eval()")),
    ("LST", ("traverse(",)),
    ("barrier and bypass", ("path_losses(", "barriers(", "bypass(")),
    ("codes and SOM", ("layer_outputs(", "model_codes(", "train_som(", "bmus(")),
    ("PGD and noise", ("pgd_linf(", "uniform_noise(")),
)


def _section() -> str:
    """The guide below its title (the whole page: its sub-sections are the snippets)."""
    text = GUIDE.read_text()
    assert text.startswith(TITLE) and text.count(TITLE) == 1, (
        f"{GUIDE.name} must open with '{TITLE.strip()}'"
    )
    return text.split(TITLE, 1)[1]


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", _section(), flags=re.S)


def test_readme_has_one_own_model_section_that_links_the_guide():
    text = (paths.ROOT / "README.md").read_text()
    assert text.count(README_SECTION) == 1, (
        f"README.md needs exactly one '{README_SECTION}' section"
    )
    section = text.split(README_SECTION, 1)[1].split("\n## ", 1)[0]
    assert "](docs/own-model.md)" in section


def test_section_has_a_setup_and_the_four_snippets_in_order():
    blocks = _blocks()
    assert len(blocks) == len(SNIPPETS)
    for (what, calls), block in zip(SNIPPETS, blocks):
        missing = [c for c in calls if c not in block]
        assert not missing, f"the {what} snippet lacks {missing}"


@pytest.fixture(scope="module")
def ns():
    """The namespace after running every snippet (one thread: the model is tiny)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        namespace: dict = {}
        for block in _blocks():
            exec(compile(block, str(GUIDE), "exec"), namespace)  # the guide's own code
        return namespace
    finally:
        torch.set_num_threads(threads)


def test_setup_is_an_eval_model_on_pixels(ns):
    model, images = ns["model"], ns["images"]
    assert not any(m.training for m in model.modules())
    assert images.shape == (32, 3, 32, 32) and 0 <= float(images.min()) and float(images.max()) <= 1
    # the normalization is inside the model: model(x) == net((x - mean) / std)
    mean = torch.tensor((0.485, 0.456, 0.406)).view(1, 3, 1, 1)
    std = torch.tensor((0.229, 0.224, 0.225)).view(1, 3, 1, 1)
    with torch.no_grad():
        torch.testing.assert_close(model(images[:2]), ns["net"]((images[:2] - mean) / std))


def test_lst_keeps_the_source_confidence_and_approaches_the_target(ns):
    lst, images = ns["lst"], ns["images"]
    assert bool(lst.valid.all())  # sources classified as their label
    assert lst.x.shape == (4, 3, 32, 32) and 0 <= float(lst.x.min()) and float(lst.x.max()) <= 1
    assert bool((lst.p0 - lst.p_src < 0.2).all())  # the level set: within pthresh of p0
    assert bool((lst.p0 - lst.log_p_src < 0.2).all())  # at every logged step too
    assert lst.steps == [0, 10, 20, 30, 40, 50]
    rms = lst.log_rms_l2
    assert bool((rms[-1] < 0.8 * rms[0]).all())  # moved towards the target
    final = (lst.x - images[4:8]).flatten(1).norm(dim=1) / (3 * 32 * 32) ** 0.5
    torch.testing.assert_close(final, rms[-1])


def test_barrier_is_the_path_maximum_and_the_exact_bypass_stays_orthogonal(ns):
    i, j, k, labels = ns["i"], ns["j"], ns["k"], ns["labels"]
    a, c, b, losses, bar, byp = (ns[n] for n in ("a", "c", "b", "losses", "bar", "byp"))
    assert len(i) > 1 and bool((labels[i] == labels[j]).all()) and bool((i < j).all())
    ends = torch.maximum(losses[:, 0], losses[:, -1])
    assert bool((bar.gap >= 0).all()) and bool((bar.height >= ends).all())
    torch.testing.assert_close(bar.height, losses.amax(1))
    assert float(bar.gap[k]) == float(bar.gap.max())  # the highest interior barrier was chosen
    al = bar.alpha[k].view(-1, 1, 1, 1)
    torch.testing.assert_close(b, (1 - al) * a + al * c)  # B is the path point at the maximum
    move, path = (byp.b_prime - b).flatten(1), (c - a).flatten(1)
    assert bool((move.norm(dim=1) > 0).all())
    assert bool(((move * path).sum(1).abs() <= 1e-4 * move.norm(dim=1) * path.norm(dim=1)).all())
    assert bool((byp.cosine.abs() < 1e-4).all())
    assert bool((byp.ce < bar.height[k]).all())  # the bypass lowered the loss


def test_codes_have_four_numbers_per_channel_and_bmus_are_units(ns):
    codes, units, soms, layers, images = (
        ns["codes"],
        ns["units"],
        ns["soms"],
        ns["layers"],
        ns["images"],
    )
    with torch.no_grad():
        channels = [f.shape[1] for f in ns["features"](images[:1])]
    assert len(codes) == len(layers) == len(soms) == len(units) == 3
    for code, ch, som, u in zip(codes, channels, soms, units):
        assert code.shape == (len(images), 4 * ch) and bool(torch.isfinite(code).all())
        assert som.weights.shape == (36, 4 * ch)
        assert u.shape == (len(images), 3) and u.dtype == torch.long
        assert 0 <= int(u.min()) and int(u.max()) < 36
        assert all(len(set(row)) == 3 for row in u.tolist())  # three different units, nearest first
        assert len(u[:, 0].unique()) > 1  # the map spreads the images over units


def test_pgd_stays_in_its_ball_and_the_noise_control_has_the_same_budget(ns):
    images, labels, eps, model = ns["images"], ns["labels"], ns["eps"], ns["model"]
    d_pgd, d_noise = ns["x_pgd"] - images, ns["x_noise"] - images
    for x in (ns["x_pgd"], ns["x_noise"]):
        assert 0 <= float(x.min()) and float(x.max()) <= 1
    assert float(d_pgd.abs().amax()) <= eps + 1e-6
    assert float(d_noise.min()) >= 0 and float(d_noise.amax()) <= eps + 1e-6  # U(0, eps)
    assert float(d_noise.amax()) > 0.9 * eps  # the whole budget is used
    with torch.no_grad():
        acc = {
            k: float((model(ns[k]).argmax(1) == labels).float().mean())
            for k in ("x_pgd", "x_noise")
        }
    assert acc["x_pgd"] < acc["x_noise"]  # the attack, not the budget, changes the predictions
