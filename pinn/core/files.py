"""Atomic file writes: write to a temporary name in the same folder, then rename over the target,
so a run folder never holds a half-written file (a crash leaves the old file or none).

Files get the permissions the user's umask gives a new file (mkstemp alone would make them
0600), and JSON is strict: a NaN or infinite number is written as null, never as the NaN or
Infinity that JSON readers reject."""
from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Callable

import yaml


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


FILE_MODE = 0o666 & ~_umask()


def write_atomic(path, write: Callable[[str], None]):
    """``write(tmp_path)`` writes the content; the result replaces ``path`` in one rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        os.chmod(tmp, FILE_MODE)
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_text(path, text: str):
    def write(tmp):
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
    write_atomic(path, write)


def finite_json(value):
    """``value`` with every NaN or infinite float replaced by None (JSON has no such numbers)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_json(v) for v in value]
    return value


def write_json(path, data):
    write_text(path, json.dumps(finite_json(data), indent=2, sort_keys=False, allow_nan=False) + "\n")


def write_yaml(path, data):
    write_text(path, yaml.safe_dump(data, sort_keys=False))


def write_torch(path, obj):
    import torch
    write_atomic(path, lambda tmp: torch.save(obj, tmp))


def write_figure(path, figure):
    write_atomic(path, lambda tmp: figure.savefig(tmp, format=Path(path).suffix[1:], dpi=120,
                                                  bbox_inches="tight"))
