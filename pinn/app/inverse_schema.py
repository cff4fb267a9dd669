"""The YAML keys of inverse problems: the ``data`` section (measurements of u and their noise)
and a stage's ``freeze`` list. The measurements are read and checked against the problem's domain
in validation (:mod:`pinn.app.resolve`, :mod:`pinn.app.data`), a relative path being relative to
the YAML file."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from pinn import problems
from pinn.app.schema import derived, number, option, text
from pinn.core.params import as_float, learnt_specs


def names_list(ctx, path, value):
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        ctx.expect(path, value, "a list of learnt parameter names, e.g. [eps]")
    return tuple(value)


def noise_spec(ctx, path, value):
    if value == "estimate":
        return value
    if as_float(value) is None:  # "1e-3" is a number (PyYAML reads it as text), "estmate" is not
        ctx.expect(path, value, "estimate, or the noise's standard deviation (a number > 0, in units of u)")
    return number(greater_than=0)(ctx, path, value)


@dataclass(frozen=True)
class DataConfig:
    file: str = option(dataclasses.MISSING, text, "measurements of u: a .csv with a header (the coordinates "
                                                  "and u) or an .npz; relative to this YAML file")
    noise: Any = option("estimate", noise_spec, "the noise's standard deviation in units of u, or estimate "
                                                "(from the misfit at the optimum)")
    measurements: Any = derived(None)  # pinn.app.data.Measurements, read and checked in validation


def check_data(ctx, cfg):
    """Learnt parameters need measurements (a data section), and an obstacle problem learns none.
    The measurements themselves are read in validation (:mod:`pinn.app.resolve`), against the
    problem's domain."""
    learnt = learnt_specs(cfg.problem.params)
    if learnt and problems.has_constraints(cfg.problem):
        ctx.fail(("problem", "params", next(iter(learnt)), "learn"),
                 "learning a parameter of an obstacle problem is not supported (its uncertainty would rest on "
                 "a non-smooth loss); give it as a number")
    if cfg.data is None and learnt:
        ctx.fail(("problem", "params", next(iter(learnt)), "learn"),
                 "a learnt parameter needs measurements to learn it from; add a data section "
                 "(data: {file: measurements.csv})")
    return cfg
