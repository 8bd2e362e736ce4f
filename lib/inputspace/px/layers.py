"""P3's lens on arbitrary inputs: in which layer an input sits near which class (px-02, px-04).

P3 (Lee & Vijayan, Sec. 2.1-2.4) maps the vector codes of each composite layer CL1-CL4 onto a
toroidal SOM trained on SOM-tr and takes class centres from SOM-tr's BMUs. Here the SOMs are P3's
own cached maps of the normal model (:func:`inputspace.p3.maps.model_soms`: the zoo ResNet-18 in
quick, timm's ResNet-50 in paper, the very weights of P2's normal row) and inputs P3 never saw are
placed on them: P2's LST outputs, PGD adversarials and P1's input-optimization adversarials K'.
Each input's best-matching unit (rank 1, :func:`inputspace.methods.som.bmus`) is measured to two
class centres with the torus distance (:func:`inputspace.methods.torus.bmu_center_distances`):
an LST output to its source's and its target's centre, a class-changing PGD adversarial to its true
and its predicted class's, a K' to its clean input's class's and its target's.

PGD adversarials (px-02, X2.4) are P3's own cached runs (:func:`inputspace.p3.attack.perturbed`) on
its attacked SOM-val images at ε* of its rule (:func:`inputspace.p3.attack.eps_rule`), those whose
prediction changed. K' (px-02, X2.5) are p1-detection's targeted input-optimization attack (Fig 6's
attack, early-stopped at the target's lowest reference CE) from p1-detection's clean inputs
(:func:`input_optimization_set`), those classified as their target; the true class is the clean
input's, the second class the target.

For the AT row (px-04) no P3 map exists, so P3's pipeline is run on it with P3's own settings
(:func:`role_soms`): the SOM-tr / SOM-val samples of :func:`inputspace.p3.maps.sample_indices`, the
codes of :mod:`inputspace.methods.codes`, one SOM per layer with :func:`inputspace.p3.maps.som_config`
and P3's seeds; its PGD and noise runs (:func:`role_displacement`) repeat P3's Table 2 attack on
the same attacked images with the same random starts.
"""

from __future__ import annotations

import torch

from ..cache import cached
from ..config import Config
from ..methods.attacks import pgd_linf, uniform_noise
from ..methods.codes import model_codes
from ..methods.detection import predict
from ..methods.som import SOM, bmus, train_som
from ..methods.torus import bmu_center_distances, torus_distance, unit_locations
from ..p1.adversarial import References, clean_inputs, inputopt_adversarials, random_targets
from ..p1.space import num_classes
from ..p2.roles import role_model
from ..p3.attack import STEP_FRACTION, attack_positions, bmu_displacement, eps_rule, perturbed
from ..p3.maps import (
    LayerSOM,
    layer_names,
    load_images,
    model_soms,
    sample_indices,
    som_config,
    split_meta,
)
from .blindspots import lst_outputs, space_of

IMAGE_BATCH = 256
"""Images loaded and coded at once for the AT model's SOM-tr / SOM-val codes."""


def codes_of(cfg: Config, net, x: torch.Tensor) -> list[torch.Tensor]:
    """Vector codes of every analysed layer of ``net`` for images ``x`` (P3 Sec. 2.2), on the CPU."""
    return model_codes(net.features, x, com=cfg.com, device=cfg.device)


def top_units(soms: list[LayerSOM], codes: list[torch.Tensor]) -> list[torch.Tensor]:
    """Per layer the best-matching unit ``(N,)`` of each code on that layer's SOM."""
    return [bmus(c, ls.som, 1)[0][:, 0] for c, ls in zip(codes, soms)]


def centre_sides(
    soms: list[LayerSOM], units: list[torch.Tensor], first: torch.Tensor, second: torch.Tensor
) -> dict[str, list[torch.Tensor]]:
    """Per layer the torus distance of each input's unit to the SOM-tr centre of class ``first[i]``
    and of class ``second[i]``: ``{"first": [(N,) per layer], "second": [...]}``."""
    out: dict[str, list[torch.Tensor]] = {"first": [], "second": []}
    for ls, u in zip(soms, units):
        centres = ls.centers()["center"]
        for key, cls in (("first", first), ("second", second)):
            out[key].append(bmu_center_distances(u[:, None], cls, centres, ls.m, ls.n)[:, 0])
    return out


def _blindspot_layers(cfg: Config) -> dict:
    soms = model_soms(cfg, cfg.arch)
    net = role_model(cfg, "normal").model
    bs = lst_outputs(cfg, "normal")
    res: dict = {"layers": layer_names(soms), "m": soms[0].m, "n": soms[0].n}
    if len(bs):
        units = top_units(soms, codes_of(cfg, net, bs.x))
        sides = centre_sides(soms, units, bs.y_src, bs.y_tgt)
        res["lst"] = {
            "units": units,
            "src_units": top_units(soms, codes_of(cfg, net, bs.source)),
            "tgt_units": top_units(soms, codes_of(cfg, net, bs.target)),
            "d_src": sides["first"],
            "d_tgt": sides["second"],
            "y_src": bs.y_src,
            "y_tgt": bs.y_tgt,
            "row": bs.row,
        }
    eps = eps_rule(cfg, cfg.arch)["eps"]
    run = perturbed(cfg, cfg.arch, eps, "pgd")
    changed = run["pred"] != run["y"]
    units = top_units(soms, [c[changed] for c in run["codes"]])
    sides = centre_sides(soms, units, run["y"][changed], run["pred"][changed])
    res["pgd"] = {
        "eps": eps,
        "attacked": len(changed),
        "pos": run["pos"][changed],
        "units": units,
        "clean_units": [ls.bmu_val[run["pos"][changed], 0] for ls in soms],
        "y": run["y"][changed],
        "pred": run["pred"][changed],
        "d_true": sides["first"],
        "d_pred": sides["second"],
    }
    res["inputopt"] = _inputopt_layers(cfg, soms, net)
    return res


def input_optimization_set(cfg: Config) -> dict[str, torch.Tensor]:
    """P1's input-optimization adversarials K' under the normal row's model, by p1-detection's code
    (:func:`inputspace.p1.adversarial.clean_inputs` and :func:`~inputspace.p1.adversarial.inputopt_adversarials`):
    from each of its clean inputs towards a random other class (:func:`~inputspace.p1.adversarial.random_targets`,
    drawn from a generator seeded with ``seed``: px-02 runs none of p1-detection's PGD, so these
    targets, and hence these K', are not p1-detection's own), the successful ones (classified as the
    target). P1's normalized coordinates have no pixel box, so K' is clipped to pixels in [0, 1] (P3's
    codes are of images) and kept only if still classified as its target after clipping.
    ``{"x" K', "source" its clean input, "y" the clean label, "target"}``, on the CPU."""
    sp = space_of(cfg, "normal")
    x, y, _ = clean_inputs(cfg, sp)
    g = torch.Generator().manual_seed(cfg.seed)
    tgt = random_targets(y, num_classes(cfg), g)
    adv, ok = inputopt_adversarials(cfg, sp, References(cfg, sp), x, tgt)
    # P1's companion optimizes without a pixel box, P3's codes take images: K' clipped to [0, 1], and
    # only those still classified as their target after the clipping are kept
    adv = adv.clamp(0.0, 1.0)
    ok &= predict(sp.pixel_model, adv) == tgt
    return {
        "x": adv[ok].cpu(),
        "source": x[ok].cpu(),
        "y": y[ok].cpu(),
        "target": tgt[ok].cpu(),
        "attacked": len(x),
    }


def _inputopt_layers(cfg: Config, soms: list[LayerSOM], net) -> dict:
    k = input_optimization_set(cfg)
    if len(k["x"]) == 0:  # no K' reached its target (the smoke profile's 1-epoch models)
        none, far = [torch.zeros(0, dtype=torch.long)] * len(soms), [torch.zeros(0)] * len(soms)
        return {**k, "units": none, "clean_units": none, "d_true": far, "d_tgt": far}
    units = top_units(soms, codes_of(cfg, net, k["x"]))
    sides = centre_sides(soms, units, k["y"], k["target"])
    return {
        **k,
        "units": units,
        "clean_units": top_units(soms, codes_of(cfg, net, k["source"])),
        "d_true": sides["first"],
        "d_tgt": sides["second"],
    }


def blindspot_layers(cfg: Config) -> dict:
    """px-02 (cached): per layer, the BMUs of the normal row's LST outputs (and of their sources and
    targets) and their distances to the source- and target-class centres (``"lst"``, absent without
    items), for P3's class-changing PGD adversarials at ε* the distances to the true- and the
    predicted-class centres (``"pgd"``), and for P1's successful input-optimization adversarials K'
    (:func:`input_optimization_set`) the distances to the true- and the target-class centres, with
    the images (``"inputopt"``); ``"layers"`` CL1…CL4, ``"m"``, ``"n"`` the SOM size."""
    return cached(cfg, "px.layers", lambda: _blindspot_layers(cfg))


# ----------------------------------------------------------------------------- the AT row's maps
def _role_codes(cfg: Config, role: str, which: str) -> dict:
    """Codes, labels and predictions of the SOM-tr (``"tr"``) or SOM-val sample under a row's model."""
    net = role_model(cfg, role).model
    idx = sample_indices(
        cfg.dataset, which, cfg.per_class, cfg.seed, cfg.profile, cfg.n_classes, cfg.imagenet_root
    )
    layers, ys, preds = [], [], []
    for start in range(0, len(idx), IMAGE_BATCH):
        x, y = load_images(
            cfg.dataset, which, idx[start : start + IMAGE_BATCH], cfg.profile, cfg.imagenet_root
        )
        layers.append(codes_of(cfg, net, x))
        ys.append(y)
        preds.append(predict(net, x.to(cfg.device)).cpu())
    return {
        "codes": [torch.cat(c) for c in zip(*layers)],
        "y": torch.cat(ys),
        "pred": torch.cat(preds),
    }


def _train_role_soms(cfg: Config, role: str) -> dict:
    tr, val = _role_codes(cfg, role, "tr"), _role_codes(cfg, role, "val")
    maps = []
    for layer, (c_tr, c_val) in enumerate(zip(tr["codes"], val["codes"])):
        gen = torch.Generator().manual_seed(
            cfg.seed * 1000 + layer * 10 + cfg.som_size
        )  # P3's seeds
        s = train_som(c_tr, som_config(cfg, cfg.arch), generator=gen, device=cfg.device)
        maps.append(
            {
                **s.to_dict(),
                "bmu_tr": bmus(c_tr, s, cfg.n_bmus)[0],
                "bmu_val": bmus(c_val, s, cfg.n_bmus)[0],
            }
        )
    return {"maps": maps, "y_tr": tr["y"], "y_val": val["y"], "pred_val": val["pred"]}


def role_soms(cfg: Config, role: str) -> list[LayerSOM]:
    """One :class:`~inputspace.p3.maps.LayerSOM` per layer of a P2 row's model: P3's cached maps for
    the normal row, for the AT row P3's pipeline on its model (module doc; cached)."""
    if role == "normal":
        return model_soms(cfg, cfg.arch)
    d = cached(cfg, f"px.soms.{role}", lambda: _train_role_soms(cfg, role), role=role)
    k = int(max(d["y_tr"].max(), d["y_val"].max())) + 1
    return [
        LayerSOM(
            f"{cfg.arch}-{role}",
            i,
            SOM.from_dict(m),
            m["bmu_tr"],
            m["bmu_val"],
            d["y_tr"],
            d["y_val"],
            d["pred_val"],
            k,
        )
        for i, m in enumerate(d["maps"])
    ]


def _attack_role(cfg: Config, role: str, eps: float) -> dict:
    """P3's Table 2 PGD and its noise control on P3's attacked images under a row's model, with
    P3's batches of 50 and random starts (:func:`inputspace.p3.attack.perturbed`)."""
    net = role_model(cfg, role).model
    pos = attack_positions(cfg, cfg.arch)
    x, y = load_images(
        cfg.dataset,
        "val",
        split_meta(cfg, cfg.arch, "val")["idx"][pos],
        cfg.profile,
        cfg.imagenet_root,
    )
    out: dict = {"pos": pos, "y": y, "eps": eps}
    for kind in ("pgd", "noise"):
        layers, preds = [], []
        for start in range(0, len(x), 50):
            xb, yb = x[start : start + 50].to(cfg.device), y[start : start + 50].to(cfg.device)
            gen = torch.Generator().manual_seed(
                cfg.seed * 7919 + start + (0 if kind == "pgd" else 1)
            )
            xp = (
                pgd_linf(
                    net,
                    xb,
                    yb,
                    eps=eps,
                    iters=cfg.pgd_iters,
                    step_size=eps * STEP_FRACTION,
                    generator=gen,
                )
                if kind == "pgd"
                else uniform_noise(xb, eps, generator=gen)
            )
            layers.append(codes_of(cfg, net, xp))
            preds.append(predict(net, xp).cpu())
        out[kind] = {"codes": [torch.cat(c) for c in zip(*layers)], "pred": torch.cat(preds)}
    return out


def role_displacement(
    cfg: Config, role: str, soms: list[LayerSOM], eps: float
) -> dict[str, list[torch.Tensor]]:
    """Per kind (``"pgd"``, ``"noise"``) and layer the ``(n_attack, n_bmus)`` torus distances
    between rank-matched clean and perturbed BMUs (P3 Figs 11-12) at ``eps``: P3's cached runs for
    the normal row (:func:`inputspace.p3.attack.bmu_displacement`), the same attack on the AT row."""
    if role == "normal":
        return {kind: bmu_displacement(cfg, soms, eps, kind) for kind in ("pgd", "noise")}
    run = cached(
        cfg, f"px.attack.{role}", lambda: _attack_role(cfg, role, eps), role=role, eps=round(eps, 8)
    )
    out: dict[str, list[torch.Tensor]] = {}
    for kind in ("pgd", "noise"):
        out[kind] = []
        for ls, codes in zip(soms, run[kind]["codes"]):
            clean = ls.bmu_val[run["pos"]]
            moved = bmus(codes, ls.som, clean.shape[1])[0]
            loc = unit_locations(ls.m, ls.n)
            out[kind].append(torus_distance(loc[clean], loc[moved], ls.m, ls.n))
    return out


def attack_eps(cfg: Config) -> float:
    """The ε both rows are attacked at in px-04: P3's ε* of the normal row (its cached rule)."""
    return float(eps_rule(cfg, cfg.arch)["eps"])
