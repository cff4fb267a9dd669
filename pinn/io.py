"""Atomic file writes: write to a temporary name in the same folder, then rename over the target,
so a run folder never holds a half-written file (a crash leaves the old file or none)."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Callable

import yaml


def write_atomic(path, write: Callable[[str], None]):
    """``write(tmp_path)`` writes the content; the result replaces ``path`` in one rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
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


def write_json(path, data):
    write_text(path, json.dumps(data, indent=2, sort_keys=False) + "\n")


def write_yaml(path, data):
    write_text(path, yaml.safe_dump(data, sort_keys=False))


def write_torch(path, obj):
    import torch
    write_atomic(path, lambda tmp: torch.save(obj, tmp))


def write_figure(path, figure):
    write_atomic(path, lambda tmp: figure.savefig(tmp, format=Path(path).suffix[1:], dpi=120,
                                                  bbox_inches="tight"))
