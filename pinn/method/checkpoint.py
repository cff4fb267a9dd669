"""The run folder's ``checkpoint.pt``: written atomically, read without running pickled code.

A checkpoint holds the trainer's state (:meth:`pinn.method.train.Trainer._checkpoint`: weights,
position, optimiser state, history, points) and two fingerprints of the configuration
(:func:`pinn.app.config.model_sha256`, :func:`pinn.app.config.sha256`). It is read with
``torch.load(weights_only=True)``, which accepts tensors and plain containers only, so a crafted
file cannot execute code; anything unreadable, truncated or foreign is a ConfigError (exit 2).
"""
from __future__ import annotations

import warnings
from pathlib import Path

import torch

from pinn.core import files
from pinn.core.errors import ConfigError

FORMAT = 3  # 3: the weights are the Trainables container's (network., penalty., coefficients.)
REQUIRED = {"format": int, "model": dict, "position": dict, "history": dict, "points": torch.Tensor,
            "complete": bool, "model_sha256": str, "config_sha256": str}
POSITION_KEYS = {"stage", "step", "chunk_start", "chunk_loss", "previous_chunk_loss", "seconds"}


def save(path: Path, state: dict, fingerprints: dict, version: str):
    files.write_torch(path, {**state, **fingerprints, "format": FORMAT, "pinn_version": version})


def load(path: Path, device, fingerprints: dict) -> tuple[dict, bool]:
    """The checkpoint at ``path`` for a run with ``fingerprints``, and whether its schedule (stages,
    weights) differs from the run's (then the run goes on under the new schedule)."""
    if not path.exists():
        raise ConfigError(f"--resume: there is no checkpoint at {path}")
    try:
        with warnings.catch_warnings():  # torch warns about pickle protocols of files it then refuses
            warnings.simplefilter("ignore")
            data = torch.load(path, map_location=device, weights_only=True)
    except Exception as e:  # torch raises many kinds for damaged files: all mean "not readable"
        raise ConfigError(f"--resume: {path} is not a readable pinn checkpoint ({type(e).__name__}); "
                          f"remove it to train from the start") from None
    problem = _malformed(data)
    if problem:
        raise ConfigError(f"--resume: {path} is not a pinn checkpoint of this version ({problem}); remove "
                          f"it to train from the start")
    if data["model_sha256"] != fingerprints["model_sha256"]:
        parts, now = data.get("model_parts"), fingerprints.get("model_parts", {})
        changed = ([PART_NAMES.get(part, part) for part in now if parts.get(part) != now[part]]
                   if isinstance(parts, dict) else [])
        what = " and ".join(changed) or "problem, network, seed, dtype, points or data"
        raise ConfigError(f"--resume: {path} was written for a different {what} (model_sha256 differs); resume "
                          f"needs {'it' if len(changed) == 1 else 'them'} unchanged")
    return data, data["config_sha256"] != fingerprints["config_sha256"]


PART_NAMES = {"problem": "problem", "network": "network", "constraint": "constraint",
              "training": "seed, dtype or points", "data": "data (the measurements or their noise level)"}


def _malformed(data) -> str | None:
    if not isinstance(data, dict):
        return f"it holds a {type(data).__name__}, not a mapping"
    for key, kind in REQUIRED.items():
        if not isinstance(data.get(key), kind):
            return f"{key!r} is missing or not a {kind.__name__}"
    if data["format"] != FORMAT:
        return f"format {data['format']}, expected {FORMAT}"
    if set(data["position"]) != POSITION_KEYS:
        return "its position is not a training position"
    if not all(isinstance(v, torch.Tensor) for v in data["model"].values()):
        return "its weights are not all tensors"
    return None
