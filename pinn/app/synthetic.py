"""Synthetic measurements for inverse problems: the true solution at random points, plus noise.

``measurements(cfg, count, noise, seed)`` evaluates the exact solution of the problem with every
learnt parameter at its true value (``exact`` in its declaration) at ``count`` points drawn
uniformly in the domain, and adds Gaussian noise of standard deviation ``noise · max |u|`` (a
relative level: 0.01 is "1 % noise"). Seeded, so a file can be made again bit for bit.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from pinn import problems
from pinn.app import yaml_source
from pinn.app.config import problem_section
from pinn.app.schema import Context
from pinn.core import files


def problem_of(path) -> object:
    """The validated problem section of a YAML run file (its data section is not read)."""
    data, lines = yaml_source.read(Path(path))
    return problem_section(Context(str(path), lines), ("problem",), data.get("problem"))


def measurements(section, count: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray, float]:
    """(points (count, d), values (count,), the noise's standard deviation in units of u) for the
    problem section ``section``."""
    truth = problems.truth_from(section)
    if truth is None or not truth.has_exact:
        raise ValueError("synthetic data need an exact solution and the true value of every learnt "
                         "parameter (params.<name>.exact)")
    generator = np.random.default_rng(seed)
    lower, upper = np.array(truth.domain.lower), np.array(truth.domain.upper)
    x = lower + (upper - lower) * generator.random((count, truth.domain.dim))
    x = x[np.lexsort(x.T[::-1])]
    u = truth.exact(torch.as_tensor(x, dtype=torch.float64)).detach().numpy().reshape(-1)
    sigma = noise * float(np.abs(u).max())
    return x, u + sigma * generator.standard_normal(count), sigma


def coordinate_names(section) -> tuple:
    """The column names of the coordinates for the problem section ``section`` (x, y, t)."""
    return problems.build_from(section).domain.names


def write_csv(path: Path, names, x: np.ndarray, u: np.ndarray, comment: str = ""):
    """A CSV file with a header (the coordinates, then u), 17 significant digits, written atomically."""
    lines = [f"# {line}" for line in comment.splitlines()] + [",".join([*names, "u"])]
    lines += [",".join(f"{v:.17g}" for v in [*row, value]) for row, value in zip(x, u)]
    files.write_text(path, "\n".join(lines) + "\n")
