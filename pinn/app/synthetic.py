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
from pinn.core import files, geometry


def problem_of(path) -> object:
    """The validated problem section of a YAML run file (its data section is not read)."""
    data, lines = yaml_source.read(Path(path))
    return problem_section(Context(str(path), lines), ("problem",), data.get("problem"))


def measurements(section, count: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray, object]:
    """(points (count, d), values, the noise's standard deviation in units of u) for the problem
    section ``section``: values (count,) of one field; a system's (count, k) of every field, each
    with noise · max |its values| (a float per field), from the exact solution or, without one, the
    system's own reference (an initial value problem's solve_ivp)."""
    truth = problems.truth_from(section)
    known = truth is not None and (truth.has_exact or (truth.is_system and truth.reference_name))
    if not known:
        raise ValueError("synthetic data need an exact solution (or a system's own reference) and the true value "
                         "of every learnt parameter (params.<name>.exact)")
    generator = np.random.default_rng(seed)
    lower, upper = np.array(truth.domain.lower), np.array(truth.domain.upper)
    x = lower + (upper - lower) * generator.random((count, truth.domain.dim))
    if isinstance(truth.domain, geometry.Pieced):  # on a shape: the points inside it, drawn until there are count
        inside = truth.domain.holds(x)
        while not inside.all():
            kept = x[inside]
            x = np.concatenate([kept, lower + (upper - lower) * generator.random((count - len(kept), truth.domain.dim))])
            inside = truth.domain.holds(x)
    x = x[np.lexsort(x.T[::-1])]
    if not truth.is_system:
        u = truth.exact(torch.as_tensor(x, dtype=torch.float64)).detach().numpy().reshape(-1)
        sigma = noise * float(np.abs(u).max())
        return x, u + sigma * generator.standard_normal(count), sigma
    values = (truth.exact(torch.as_tensor(x, dtype=torch.float64)).detach().numpy() if truth.has_exact
              else truth.reference_values(x))
    sigmas = noise * np.abs(values).max(axis=0)
    return x, values + sigmas * generator.standard_normal(values.shape), sigmas


def coordinate_names(section) -> tuple:
    """The column names of the coordinates for the problem section ``section`` (x, y, t)."""
    return problems.build_from(section).domain.names


def write_csv(path: Path, names, x: np.ndarray, u: np.ndarray, comment: str = "", fields: tuple = ("u",)):
    """A CSV file with a header (the coordinates, then u or a system's ``fields``), 17 significant
    digits, written atomically."""
    values = u.reshape(len(x), -1)
    lines = [f"# {line}" for line in comment.splitlines()] + [",".join([*names, *fields])]
    lines += [",".join(f"{v:.17g}" for v in [*row, *measured]) for row, measured in zip(x, values)]
    files.write_text(path, "\n".join(lines) + "\n")
