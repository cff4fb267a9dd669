"""The half of validation that needs the problem: built here, once each, and the config resolved.

:func:`pinn.app.config.parse` checks a document's syntax and types and builds nothing;
:func:`pinn.app.plan.validate` then calls these, in order:

1. :func:`build_problem` — the problem (its parameters checked together, an expression problem's
   expressions compiled), and each stage's problem where a stage sets ``params``;
2. :func:`build_truth` — an inverse problem at its true parameter values, where they are given;
3. :func:`resolve` — ``auto`` stages and point counts filled for the problem's kind
   (:mod:`pinn.app.defaults`), a ``--steps-scale`` applied to them, the measurements read and
   checked against the problem's domain (a relative path is relative to the YAML file).

Errors are located against the document the config came from (``cfg.origin``), as parse's are.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from pinn import problems
from pinn.app import data as measured
from pinn.app import defaults
from pinn.app.config import RunConfig, scaled_stages, stages_section
from pinn.app.schema import Context
from pinn.core import geometry, sampling
from pinn.core.errors import ConfigError, ParamError
from pinn.core.params import learnt_specs

PROBLEM = ("problem",)


def origin(cfg: RunConfig) -> Context:
    """Where ``cfg`` came from (a config made in Python has no file)."""
    return cfg.origin or Context("<config>")


def build_problem(cfg: RunConfig, params: dict | None = None, stage: int | None = None):
    """The problem of ``cfg``, with a stage's ``params`` overlaid where given (stage: its index)."""
    ctx = origin(cfg)
    try:
        return problems.build_from(cfg.problem, params)
    except ParamError as e:
        where = (("training", "stages", stage, "params", e.key) if stage is not None else
                 PROBLEM + ((e.key,) if e.key == "type" else ("params", e.key)))
        ctx.fail(where, str(e))
    except problems.expression.DefinitionError as e:
        if stage is None:
            ctx.fail(PROBLEM + e.path, e.message, e.detail)
        ctx.fail(("training", "stages", stage, "params"),
                 f"with these parameters, problem.{'.'.join(map(str, e.path))}: {e.message}", e.detail)


def build_truth(cfg: RunConfig):
    """The problem at the true values of its learnt parameters (``problems.truth_from``), or None."""
    try:
        return problems.truth_from(cfg.problem)
    except ParamError as e:
        origin(cfg).fail(PROBLEM + ("params", e.key), f"at the true values (exact): {e}")
    except problems.expression.DefinitionError as e:
        origin(cfg).fail(PROBLEM + e.path, f"at the true values (exact): {e.message}", e.detail)


def resolve(cfg: RunConfig, problem) -> RunConfig:
    """``cfg`` with its ``auto`` stages and point counts chosen for ``problem``'s kind, its steps
    scaled, its measurements read."""
    cfg = _by_problem_kind(cfg, problem)
    points = cfg.training.points
    if points.sampler == sampling.ADAPTIVE and points.candidates < points.interior:
        raise ConfigError(f"training.points.candidates: got {points.candidates}; expected at least "
                          f"training.points.interior ({points.interior}) for sampler: adaptive")
    return _read_data(cfg, problem)


def _by_problem_kind(cfg: RunConfig, problem) -> RunConfig:
    """Fill ``auto`` stages and point counts with the recipe for the problem's kind (pinn.app.defaults)."""
    training, points = cfg.training, cfg.training.points
    auto = [key for key, value in (("stages", training.stages), ("points.interior", points.interior),
                                   ("points.boundary", points.boundary)) if value == defaults.AUTO]
    if not auto:
        return cfg
    interior = defaults.interior_points(problem) if points.interior == defaults.AUTO else points.interior
    boundary = defaults.boundary_points(problem, interior) if points.boundary == defaults.AUTO else points.boundary
    stages = training.stages
    if stages == defaults.AUTO:
        recipe = defaults.stages(problem, defaults.parameter_count(cfg.network, problem),
                                 tuple(learnt_specs(cfg.problem.params)))
        stages = scaled_stages(stages_section(origin(cfg), ("training", "stages"), recipe), training.steps_scale)
    points = dataclasses.replace(points, interior=interior, boundary=boundary)
    if problem.domain.dim == 1 and "points.boundary" in auto:
        auto.remove("points.boundary")  # a 1D side is one point whatever the count: nothing was chosen
    return dataclasses.replace(cfg, training=dataclasses.replace(training, points=points, stages=stages,
                                                                 defaulted=tuple(auto)))


def _read_data(cfg: RunConfig, problem) -> RunConfig:
    """``cfg`` with its measurements, read and checked (pinn.app.data) against the problem's
    domain; learnt parameters need more of them than there are parameters."""
    if cfg.data is None:
        return cfg
    ctx, learnt = origin(cfg), learnt_specs(cfg.problem.params)
    given = Path(cfg.data.file)
    path = given if given.is_absolute() or ctx.source.startswith("<") else Path(ctx.source).parent / given
    domain = problem.domain
    try:
        found = measured.read(path, domain.names, domain.bounds, problem.fields if problem.is_system else None)
    except measured.DataError as e:
        ctx.fail(("data", "file"), f"{path}: {e}")
    if isinstance(domain, geometry.Pieced):
        outside = np.flatnonzero(~domain.holds(found.x))
        if outside.size:
            ctx.fail(("data", "file"), f"{path}: row {outside[0] + 1}: {domain.describe(found.x[outside[0]])} is "
                                       f"outside the shape ({outside.size} such row{'s' * (outside.size > 1)})")
    if isinstance(cfg.data.noise, dict):
        _check_levels(ctx, cfg.data.noise, found.fields, problem, path)
    if found.count <= len(learnt):
        ctx.fail(("data", "file"), f"{path}: {found.count} measurement(s) cannot determine {len(learnt)} learnt "
                                   f"parameter(s); at least {len(learnt) + 1} are needed")
    if cfg.data.noise == "estimate" and found.count <= len(learnt) + 1:
        ctx.fail(("data", "noise"), f"estimate needs at least {len(learnt) + 2} measurements for "
                                    f"{len(learnt)} learnt parameter(s) ({path} has {found.count}); give the "
                                    f"noise level as a number")
    data = dataclasses.replace(cfg.data, file=str(path.resolve()), measurements=found)
    return dataclasses.replace(cfg, data=data)


def _check_levels(ctx, levels: dict, measured: tuple, problem, path: Path):
    """A system's noise levels by field: one for each field the file measures, none for others."""
    if not problem.is_system:
        ctx.expect(("data", "noise"), levels, "estimate, or the noise's standard deviation (a number > 0, in units "
                                              "of u); levels by field are for a system")
    for f in levels:
        if f not in measured:
            ctx.fail(("data", "noise", f), f"{path} measures {', '.join(measured)}, not {f!r}" if f in problem.fields
                     else f"there is no field {f!r}; the fields are {', '.join(problem.fields)}")
    missing = [f for f in measured if f not in levels]
    if missing:
        ctx.fail(("data", "noise"), f"has no level for {', '.join(missing)}, which {path} measures; give one for "
                                    f"each measured field, or one number for all, or estimate")


def resolved(cfg: RunConfig) -> RunConfig:
    """``cfg`` resolved for its problem (built here): what :func:`pinn.app.plan.validate` puts in
    ``Plan.cfg``, without the rest of validation."""
    return resolve(cfg, build_problem(cfg))
