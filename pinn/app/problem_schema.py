"""The ``problem`` section of the YAML schema: a registered problem by name, or one written in the
expression language (``type: expression``: domain, equation, boundary, exact, obstacle).

Here the section's syntax and types are checked; the problem is built (a registered problem's
parameters checked together, an expression problem's expressions compiled) once, in validation
(:mod:`pinn.app.resolve`), where every mistake in an expression is still reported against its key,
with a caret under the culprit, before anything runs.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, Mapping

from pinn.app.schema import choice, integer, mapping, number, option, section, section_list, text
from pinn.core import expr
from pinn.core.errors import ParamError
from pinn.core.params import LearntSpec, as_float, initial_values, learnt_specs, unknown_key_message
from pinn.problems import expression, learnable, resolve_params

EXPRESSION = "expression"
BOUNDARY_TYPES = ("dirichlet", "neumann", "robin", "derivative", "periodic")
SPACE_AXES = ("x", "y")


def expression_text(ctx, path, value):
    """An expression of the language in pinn.core.expr, as written: text, or a plain number."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)) or not str(value).strip():
        ctx.expect(path, value, 'an expression such as "sin(pi*x)", or a number')
    return str(value)


def domain_box(ctx, path, value):
    """By name, ``{x: [lo, hi], t: [t0, t1]}`` (x, optionally y, optionally time t), or the list
    form ``[[lo, hi]]``, ``[[lo, hi], [lo, hi]]`` (x, then y); bounds are numbers or constant
    expressions ("2*pi"). Returns a mapping name -> (lo, hi), or a tuple of pairs for the list form."""
    if isinstance(value, dict):
        names = list(value)
        wanted = [n for n in (*SPACE_AXES, expr.TIME) if n in value]
        if "x" not in value or names != wanted:
            ctx.expect(path, value, "x, optionally y, optionally t, in that order, e.g. {x: [-1, 1], t: [0, 1]}")
        return {name: _bounds(ctx, path + (name,), value[name], "[lo, hi], e.g. [0, 1]") for name in names}
    example = "one [lo, hi] per coordinate, e.g. [[0, 1]] or [[-2, 2], [-2, 2]], or {x: [-1, 1], t: [0, 1]}"
    if not isinstance(value, list) or not 1 <= len(value) <= 2:
        ctx.expect(path, value, example)
    return tuple(_bounds(ctx, path + (i,), pair, example) for i, pair in enumerate(value))


def _bounds(ctx, path, pair, example):
    if not isinstance(pair, list) or len(pair) != 2:
        ctx.expect(path, pair, example)
    ends = []
    for j, end in enumerate(pair):
        try:
            ends.append(expr.parse(expression_text(ctx, path + (j,), end), expr.Symbols(())).value())
        except expr.ExpressionError as e:
            ctx.fail(path + (j,), f"{e}", e.caret())
    lo, hi = ends
    if not (lo < hi and math.isfinite(hi - lo)):
        ctx.expect(path, pair, "finite bounds with lo < hi")
    return lo, hi


@dataclass(frozen=True)
class BoundarySpec:
    at: str = option(dataclasses.MISSING, text, 'where: a side such as "x = 0", "boundary" (all sides), or '
                                                'an axis such as "x" (periodic: both its sides)')
    type: str = option(dataclasses.MISSING, choice(*BOUNDARY_TYPES), "the kind of condition")
    value: str = option("0", expression_text, "the data g, a function of the coordinates")
    a: float | None = option(None, number(), "robin: a in a*u + b*u_x = value")
    b: float | None = option(None, number(), "robin: b in a*u + b*u_x = value")
    order: int | None = option(None, integer(1), "derivative: which derivative along the side's axis")


def boundary_list(ctx, path, value):
    specs = []
    for i, _, spec in section_list(BoundarySpec, '[{at: "x = 0", type: dirichlet, value: "0"}]')(ctx, path, value):
        needs = {"robin": ("a", "b"), "derivative": ("order",)}.get(spec.type, ())
        for key in needs:
            if getattr(spec, key) is None:
                ctx.fail(path + (i, key), f"missing; a {spec.type} condition needs {' and '.join(needs)}")
        for key in ("a", "b", "order"):
            if key not in needs and getattr(spec, key) is not None:
                ctx.fail(path + (i, key), f"is not used by a {spec.type} condition (remove it)")
        if spec.type == "periodic" and spec.value != "0":
            ctx.fail(path + (i, "value"), "is not used by a periodic condition (remove it)")
        specs.append(spec)
    return tuple(specs)


@dataclass(frozen=True)
class InitialSpec:
    value: str = option(dataclasses.MISSING, expression_text, "the data at t = t0, a function of the space "
                                                               "coordinates")
    derivative: int = option(0, integer(0, 1), "0: u(x, t0) = value; 1: u_t(x, t0) = value")


def initial_list(ctx, path, value):
    specs = [spec for _, _, spec in section_list(InitialSpec, '[{value: "sin(pi*x)"}]')(ctx, path, value)]
    for i, (raw, spec) in enumerate(zip(value, specs)):
        if any(other.derivative == spec.derivative for other in specs[:i]):
            ctx.fail(path + (i, *(("derivative",) if "derivative" in raw else ())),
                     f"u{'_t' * spec.derivative}(x, t0) is given twice")
    return tuple(specs)


EXPRESSION_KEYS = ("domain", "equation", "boundary", "initial", "exact", "obstacle", "base")


@dataclass(frozen=True)
class ProblemConfig:
    type: str = option(dataclasses.MISSING, text, "a registered problem (see `pinn list`) or expression")
    params: Mapping = option(dict, mapping, "the problem's parameters")
    reference: str = option("auto", choice("auto", "exact", "solve_bvp", "fd-active-set", "cole-hopf", "etdrk4",
                                           "crank-nicolson", "none"),
                            "what the PINN is scored against: auto is exact if known, else solve_bvp "
                            "(1D ODEs), fd-active-set (obstacle problems), or the problem's own "
                            "(cole-hopf: burgers1d, etdrk4: allen_cahn1d, crank-nicolson: american_put)")
    domain: Any = option(None, domain_box, "expression: {x: [lo, hi], t: [t0, t1]} or one [lo, hi] per "
                                           "coordinate")
    equation: str | None = option(None, expression_text, "expression: the residual R[u] of R[u] = 0")
    boundary: tuple | None = option(None, boundary_list, "expression: the boundary conditions")
    initial: tuple | None = option(None, initial_list, "expression, with a time axis t: u(x, t0) and, for "
                                                       "u_tt, u_t(x, t0) ({value: ..., derivative: 1})")
    exact: str | None = option(None, expression_text, "expression: the exact solution, if known")
    obstacle: str | None = option(None, expression_text, "expression: a lower obstacle, u >= obstacle")
    base: str | None = option(None, expression_text, "expression, with a time axis t: a known function with u's "
                                                     "initial data and kinks; the network learns u - base")


LEARNT_KEYS = ("learn", "initial", "positive", "bounds", "exact")
# history and figure names a learnt parameter must not take
TERM_NAMES = ("residual", "boundary", "data", "constraint", "complementarity", "penalty", "gap", "alpha")


def learnt_param(ctx, path, value) -> LearntSpec:
    """``{learn: true, initial: 0.5, positive: true | bounds: [lo, hi], exact: 0.05}``."""
    for key in value:
        if key not in LEARNT_KEYS:
            ctx.fail(path + (key,), unknown_key_message(key, LEARNT_KEYS))
    if value.get("learn") is not True:
        ctx.expect(path + ("learn",), value.get("learn"), "true (a fixed parameter is a plain number)")
    if "initial" not in value:
        ctx.fail(path + ("initial",), "missing; a learnt parameter needs an initial value, e.g. "
                                      "{learn: true, initial: 0.5, positive: true}")
    initial = number()(ctx, path + ("initial",), value["initial"])
    positive = choice(True, False)(ctx, path + ("positive",), value.get("positive", False))
    bounds = None
    if "bounds" in value:
        if positive:
            ctx.fail(path + ("bounds",), "give positive or bounds, not both (bounds [lo, hi] with lo > 0 "
                                         "keep it positive)")
        given = value["bounds"]
        if not isinstance(given, list) or len(given) != 2:
            ctx.expect(path + ("bounds",), given, "[lo, hi], e.g. [1e-3, 1]")
        bounds = tuple(number()(ctx, path + ("bounds", i), v) for i, v in enumerate(given))
        if not (bounds[0] < bounds[1] and math.isfinite(bounds[1] - bounds[0])):
            ctx.expect(path + ("bounds",), given, "[lo, hi] with lo < hi, both finite")
    spec = LearntSpec(initial, positive, bounds,
                      number()(ctx, path + ("exact",), value["exact"]) if "exact" in value else None)
    for key, v in (("initial", spec.initial), ("exact", spec.exact)):
        if v is None:
            continue
        if positive and not v > 0:
            ctx.expect(path + (key,), v, "a number > 0 (the parameter is positive)")
        if bounds and not bounds[0] < v < bounds[1]:
            ctx.expect(path + (key,), v, f"a number strictly inside the bounds ({bounds[0]:g}, {bounds[1]:g})")
    if bounds and spec.at_bound(spec.initial):  # the logistic map is flat there: the value would not move
        ctx.expect(path + ("initial",), spec.initial, f"a start at least 0.1 % of the interval inside the bounds "
                                                      f"({bounds[0]:g}, {bounds[1]:g}), where the bounded map "
                                                      f"still moves it")
    return spec


def _learnt_params(ctx, path, cfg: ProblemConfig) -> ProblemConfig:
    """Parse the learnt entries of ``params`` into LearntSpec; the rest stay as given."""
    params = dict(cfg.params)
    for name, value in params.items():
        if isinstance(value, dict):
            if name in TERM_NAMES:
                ctx.fail(path + ("params", name), f"a learnt parameter cannot be called {name!r}: the name "
                                                  f"is taken by a loss term ({', '.join(TERM_NAMES)})")
            params[name] = learnt_param(ctx, path + ("params", name), value)
    return dataclasses.replace(cfg, params=params)


def problem_section(ctx, path, value):
    cfg = _learnt_params(ctx, path, section(ProblemConfig)(ctx, path, value))
    if cfg.type == EXPRESSION:
        return _expression_problem(ctx, path, cfg)
    try:  # the type first: with a typo in it, "domain is only for type: expression" would mislead
        resolve_params(cfg.type, {})
    except ParamError as e:
        if e.key == "type":
            ctx.fail(path + ("type",), str(e))
    for key in EXPRESSION_KEYS:
        if getattr(cfg, key) is not None:
            ctx.fail(path + (key,), f"is only for type: expression; {cfg.type} states its own equation "
                                    f"(remove the key, or write the whole problem with type: expression)")
    learnt = learnt_specs(cfg.params)
    for name in learnt:
        if name in resolve_params(cfg.type, {}) and not learnable(cfg.type, name):
            allowed = [n for n in resolve_params(cfg.type, {}) if learnable(cfg.type, n)]
            ctx.fail(path + ("params", name, "learn"), f"{cfg.type} cannot learn {name}; its learnable "
                                                       f"parameters: {', '.join(allowed) or 'none'}")
    try:
        params = resolve_params(cfg.type, initial_values(cfg.params))
        for name, spec in learnt.items():
            if spec.exact is not None:
                resolve_params(cfg.type, {**params, name: spec.exact})
        return dataclasses.replace(cfg, params={**params, **learnt})
    except ParamError as e:
        ctx.fail(path + ((e.key,) if e.key == "type" else ("params", e.key)), str(e))


def _expression_problem(ctx, path, cfg: ProblemConfig) -> ProblemConfig:
    """Check the keys present and the names and values of params (the expressions are compiled when
    the problem is built: pinn.app.resolve)."""
    for key in ("domain", "equation", "boundary"):
        if getattr(cfg, key) is None:
            ctx.fail(path + (key,), "missing; type: expression needs domain, equation and boundary")
    params = {}
    for name, value in cfg.params.items():
        converted = value if isinstance(value, LearntSpec) else as_float(value)
        if converted is None or (not isinstance(value, LearntSpec) and not math.isfinite(converted)):
            ctx.expect(path + ("params", name), value, "a finite number, or {learn: true, initial: ...}")
        params[name] = converted
    try:
        expression.check_param_names(params)
    except expression.DefinitionError as e:
        ctx.fail(path + e.path, e.message, e.detail)
    return dataclasses.replace(cfg, params=params)
