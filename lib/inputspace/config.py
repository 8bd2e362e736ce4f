"""Profiles and notebook parameters.

Three profiles share one code path and differ only in sizes and data:

``smoke``  tiny sizes so ``make test`` executes every notebook end to end in CI;
``quick``  the default: offline on a 2-core CPU in minutes (digits, locally trained timm models);
``paper``  the papers' own setting (ImageNet/CIFAR/SVHN from local folders, pretrained weights, GPU).

A notebook declares its knobs as :class:`Knob` objects (per-profile defaults, allowed values).
:func:`resolve` reads the notebook's namespace after papermill injected its parameters and
rejects unknown names or values with a message listing the valid ones: papermill itself only
*warns* about an unknown ``-p`` name, which would otherwise silently run the defaults.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import torch

from .repro import resolve_device

PROFILES: tuple[str, ...] = ("smoke", "quick", "paper")
COMMON: tuple[str, ...] = ("profile", "device", "seed")
_IPYTHON_NAMES = {"In", "Out", "get_ipython", "exit", "quit", "open"}


@dataclass(frozen=True)
class Knob:
    """One notebook parameter.

    Args:
        default: a value used in every profile, or a mapping ``{profile: value}``.
        choices: allowed values (``None`` = any value of the default's type).
        help: one line shown in error messages and the parameter tables.
    """

    default: Any
    choices: tuple | None = None
    help: str = ""

    def default_for(self, profile: str) -> Any:
        if isinstance(self.default, Mapping):
            return self.default[profile]
        return self.default


def per_profile(
    smoke: Any, quick: Any, paper: Any, help: str = "", choices: tuple | None = None
) -> Knob:
    """A :class:`Knob` whose default differs by profile (the one helper every paper package uses)."""
    return Knob({"smoke": smoke, "quick": quick, "paper": paper}, choices, help)


@dataclass(frozen=True)
class Config:
    """The resolved parameters of one notebook run (frozen; hashed for caching)."""

    notebook_id: str
    profile: str
    device: torch.device
    seed: int
    values: Mapping[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        values = object.__getattribute__(self, "values")
        if name in values:
            return values[name]
        raise AttributeError(
            f"{name!r} is not a parameter of this notebook; valid: {sorted(values)}"
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-able view (the device as a string)."""
        return {
            "notebook_id": self.notebook_id,
            "profile": self.profile,
            "device": str(self.device),
            "seed": self.seed,
            **dict(self.values),
        }

    def hash(self, *exclude: str) -> str:
        """Stable 16-hex-digit hash of the parameters (the device is excluded: results must not
        depend on it up to floating point, and a cache made on a GPU stays usable on a CPU)."""
        d = {k: v for k, v in self.as_dict().items() if k not in ("device", *exclude)}
        return hashlib.sha256(json.dumps(d, sort_keys=True, default=str).encode()).hexdigest()[:16]

    def __str__(self) -> str:
        knobs = ", ".join(f"{k}={v!r}" for k, v in self.values.items())
        return (
            f"{self.notebook_id}: profile={self.profile} device={self.device} seed={self.seed}"
            + (f" | {knobs}" if knobs else "")
        )


def _user_names(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """Variables a parameters cell (or papermill's injected cell) could have defined."""
    out = {}
    for name, value in namespace.items():
        if name.startswith("_") or name in _IPYTHON_NAMES:
            continue
        if isinstance(
            value, (types.ModuleType, types.FunctionType, types.BuiltinFunctionType, type)
        ):
            continue
        if inspect.isclass(value) or callable(value) and not isinstance(value, (int, float, str)):
            continue
        out[name] = value
    return out


def _check_value(name: str, value: Any, knob: Knob, profile: str) -> Any:
    if value is None:
        return knob.default_for(profile)
    if knob.choices is not None and value not in knob.choices:
        raise ValueError(
            f"invalid value {value!r} for parameter {name!r}; valid: {list(knob.choices)}"
            + (f" ({knob.help})" if knob.help else "")
        )
    default = knob.default_for(profile)
    if default is not None and knob.choices is None:
        ok_types = (
            (int, float)
            if isinstance(default, (int, float)) and not isinstance(default, bool)
            else type(default)
        )
        if isinstance(default, (list, tuple)):
            ok_types = (list, tuple)
        if not isinstance(value, ok_types) or (
            isinstance(value, bool) and not isinstance(default, bool)
        ):
            raise TypeError(f"parameter {name!r} expects {type(default).__name__}, got {value!r}")
        if isinstance(default, tuple) and isinstance(value, list):
            value = tuple(value)
    return value


def resolve(notebook_id: str, namespace: Mapping[str, Any], knobs: Mapping[str, Knob]) -> Config:
    """Validate a notebook's parameters and fill ``None`` knobs with the profile's defaults.

    Args:
        notebook_id: e.g. ``"p2-triangles"``; names every artifact of the notebook.
        namespace: the notebook's ``globals()`` after the parameters (and injected) cells ran.
        knobs: the notebook's own parameters besides ``profile``, ``device`` and ``seed``.

    Returns:
        The frozen :class:`Config`. Outside the paper profile ``HF_HUB_OFFLINE=1`` is set, so
        an accidental ``pretrained=True`` fails at once instead of retrying a hub for ~46 s.

    Raises:
        ValueError / TypeError: unknown parameter names, unknown profile, invalid values.
    """
    given = _user_names(namespace)
    valid = set(COMMON) | set(knobs)
    unknown = sorted(set(given) - valid)
    if unknown:
        raise ValueError(
            f"unknown parameter(s) {unknown} for {notebook_id}; valid: {sorted(valid)}"
        )
    profile = given.get("profile", "quick")
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; valid: {list(PROFILES)}")
    seed = given.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    device = resolve_device(str(given.get("device", "auto")))
    values = {
        name: _check_value(name, given.get(name), knob, profile) for name, knob in knobs.items()
    }
    if profile != "paper":
        os.environ["HF_HUB_OFFLINE"] = "1"
    return Config(notebook_id, profile, device, seed, values)
