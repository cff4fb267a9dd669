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
from pathlib import Path
from typing import Any, Mapping

from pinn.app.schema import choice, integer, mapping, number, option, section, section_list, text
from pinn.core import expr, geometry
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
    expressions ("2*pi"). Returns a mapping name -> (lo, hi), or a tuple of pairs for the list form.
    A shape (:mod:`pinn.core.geometry.spec`: disk, ellipse, rectangle, polygon, annulus,
    difference, union, intersection, mesh; in 3D ball, box, cylinder, difference), with
    ``t: [t0, t1]`` beside a 2D one for time, is checked by building it and kept as written."""
    if geometry.is_shape(value):
        shape = _space_of(value)
        if isinstance(shape.get("mesh"), str) and not ctx.source.startswith("<"):  # relative to the config
            shape["mesh"] = str((Path(ctx.source).parent / shape["mesh"]).resolve())
        try:
            made = geometry.make(shape)
        except geometry.ShapeSpecError as e:
            ctx.fail(path + e.path, str(e))
        if expr.TIME in value and made.dim == 3:
            ctx.fail(path + (expr.TIME,), "time on a 3D body is not yet supported (on a 2D shape it is)")
        if expr.TIME in value:  # a shape times an interval: {disk: [0, 0], radius: 1, t: [0, 1]}
            return {**shape, expr.TIME: list(_bounds(ctx, path + (expr.TIME,), value[expr.TIME], "[t0, t1], e.g. [0, 1]"))}
        return shape
    if isinstance(value, dict):
        names = list(value)
        wanted = [n for n in (*SPACE_AXES, expr.TIME) if n in value]
        if ("x" not in value and names != [expr.TIME]) or names != wanted:
            ctx.expect(path, value, "x, optionally y, optionally t, in that order, e.g. {x: [-1, 1], t: [0, 1]}; "
                                    "or t alone, {t: [0, 3]}, for ordinary differential equations in time")
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


def expression_map(ctx, path, value) -> dict:
    """``{name: expression}``: a system's equations, exact solutions or boundary values by name."""
    if not isinstance(value, dict) or not value:
        ctx.expect(path, value, 'a mapping of names to expressions, e.g. {u: "sin(pi*x)", v: "0"}')
    return {str(name): expression_text(ctx, path + (name,), v) for name, v in value.items()}


def expression_or_map(ctx, path, value):
    """One expression (one field), or ``{field: expression}`` (a system)."""
    return expression_map(ctx, path, value) if isinstance(value, dict) else expression_text(ctx, path, value)


def field_names(ctx, path, value) -> tuple:
    """A system's unknowns: ``[u, v, p]``, names without an underscore (u_x is a derivative)."""
    if not isinstance(value, list) or not value:
        ctx.expect(path, value, "a list of field names, e.g. [u, v, p]")
    for i, name in enumerate(value):
        if not (isinstance(name, str) and name.isidentifier() and name.isascii() and "_" not in name):
            ctx.expect(path + (i,), name, "a name of letters and digits without '_', e.g. u, v, p or c1 "
                                          "(v_x is v's derivative)")
        if name in expression.RESERVED - {"u"}:
            ctx.fail(path + (i,), f"the name {name!r} is taken by the expression language (coordinates, "
                                  f"functions, pi, e)")
        if name in value[:i]:
            ctx.fail(path + (i,), f"the field {name!r} is listed twice")
    return tuple(value)


@dataclass(frozen=True)
class GaugeSpec:
    mean: str | None = option(None, expression_text, "the field's mean over the domain (a constant "
                                                      "expression: a number, or e.g. \"0.5*(1 - exp(lam))\")")
    at: tuple | None = option(None, lambda c, p, v: _point(c, p, v), "a point [x, y] where the field is given")
    value: str = option("0", expression_text, "with at: the field's value there (a constant expression)")


def _point(ctx, path, value):
    if not isinstance(value, list) or not value:
        ctx.expect(path, value, "a point, one number per coordinate, e.g. [1.0, 0.5]")
    return tuple(number()(ctx, path + (i,), v) for i, v in enumerate(value))


def gauge_map(ctx, path, value) -> dict:
    """``{p: {mean: 0}}`` or ``{p: {at: [1, 0.5], value: 0}}``: fixes a field known up to a constant."""
    gauges = {name: section(GaugeSpec)(ctx, path + (name,), spec) for name, spec in mapping(ctx, path, value).items()}
    for name, spec in gauges.items():
        if (spec.mean is None) == (spec.at is None):
            ctx.fail(path + (name,), "give mean: <number> or at: [point] (with value), one of them")
        if spec.at is None and "value" in value[name]:
            ctx.fail(path + (name, "value"), "is used with at: a point (the mean is given by mean)")
    return gauges


def vector_map(ctx, path, value) -> dict:
    """``{velocity: [u, v]}``: fields scored and exported together as one vector."""
    vectors = {}
    for name, parts in mapping(ctx, path, value).items():
        if not isinstance(parts, list) or len(parts) < 2 or not all(isinstance(f, str) for f in parts):
            ctx.expect(path + (name,), parts, "a list of two or three field names, e.g. [u, v]")
        vectors[str(name)] = tuple(parts)
    return vectors


@dataclass(frozen=True)
class BoundarySpec:
    at: str = option(dataclasses.MISSING, text, 'where: a side such as "x = 0", "boundary" (all sides), or '
                                                'an axis such as "x" (periodic: both its sides)')
    type: str = option(dataclasses.MISSING, choice(*BOUNDARY_TYPES), "the kind of condition")
    value: str = option("0", expression_text, "the data g, a function of the coordinates")
    field: str | None = option(None, text, "a system: the field the condition is on")
    values: dict | None = option(None, expression_map, "a system: the data of several fields at once, "
                                                       '{u: "...", v: "..."}')
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
        if spec.values is not None and (spec.field is not None or "value" in value[i]):
            ctx.fail(path + (i, "values"), "gives the data of several fields; remove field and value "
                                           "(or give one field with field and value)")
        specs.append(spec)
    return tuple(specs)


@dataclass(frozen=True)
class InitialSpec:
    value: str = option(dataclasses.MISSING, expression_text, "the data at t = t0, a function of the space "
                                                               "coordinates")
    derivative: int = option(0, integer(0, 1), "0: u(x, t0) = value; 1: u_t(x, t0) = value")
    field: str | None = option(None, text, "a system: the field the initial value is of")


def initial_list(ctx, path, value):
    specs = [spec for _, _, spec in section_list(InitialSpec, '[{value: "sin(pi*x)"}]')(ctx, path, value)]
    for i, (raw, spec) in enumerate(zip(value, specs)):
        if any(other.derivative == spec.derivative and other.field == spec.field for other in specs[:i]):
            ctx.fail(path + (i, *(("derivative",) if "derivative" in raw else ())),
                     f"{spec.field or 'u'}{'_t' * spec.derivative}(x, t0) is given twice")
    return tuple(specs)


EXPRESSION_KEYS = ("domain", "equation", "boundary", "initial", "exact", "obstacle", "base", "fields", "equations",
                   "gauge", "vectors", "positive")


@dataclass(frozen=True)
class ProblemConfig:
    type: str = option(dataclasses.MISSING, text, "a registered problem (see `pinn list`) or expression")
    params: Mapping = option(dict, mapping, "the problem's parameters")
    reference: str = option("auto", choice("auto", "exact", "solve_bvp", "fd-active-set", "cole-hopf", "etdrk4",
                                           "crank-nicolson", "fd-vorticity", "none"),
                            "what the PINN is scored against: auto is exact if known, else solve_bvp "
                            "(1D ODEs), fd-active-set (obstacle problems), or the problem's own "
                            "(cole-hopf: burgers1d, etdrk4: allen_cahn1d, crank-nicolson: american_put, "
                            "fd-vorticity: lid_driven_cavity)")
    domain: Any = option(None, domain_box, "expression: {x: [lo, hi], t: [t0, t1]} or one [lo, hi] per "
                                           "coordinate")
    equation: str | None = option(None, expression_text, "expression: the residual R[u] of R[u] = 0")
    boundary: tuple | None = option(None, boundary_list, "expression: the boundary conditions")
    initial: tuple | None = option(None, initial_list, "expression, with a time axis t: u(x, t0) and, for "
                                                       "u_tt, u_t(x, t0) ({value: ..., derivative: 1})")
    exact: Any = option(None, expression_or_map, "expression: the exact solution, if known (a system: "
                                                 "{field: expression} for every field)")
    obstacle: str | None = option(None, expression_text, "expression: a lower obstacle, u >= obstacle")
    base: str | None = option(None, expression_text, "expression, with a time axis t: a known function with u's "
                                                     "initial data and kinks; the network learns u - base")
    fields: tuple | None = option(None, field_names, "expression, a system of PDEs: the unknowns, e.g. [u, v, p]")
    equations: dict | None = option(None, expression_map, "a system: its residuals by name, "
                                                          '{mass: "u_x + v_y", ...}')
    gauge: dict | None = option(None, gauge_map, "a system: a field known up to a constant, fixed by its "
                                                 "mean or a point value, e.g. {p: {mean: 0}}")
    positive: tuple | None = option(None, lambda c, p, v: field_names(c, p, v), "a system: fields that are "
                                   "never negative (concentrations), written softplus(N), e.g. [a, b]")
    vectors: dict | None = option(None, vector_map, "a system: fields scored and exported as one vector, "
                                                    "e.g. {velocity: [u, v]}")


LEARNT_KEYS = ("learn", "initial", "positive", "bounds", "exact")
# history and figure names a learnt parameter must not take
TERM_NAMES = ("residual", "boundary", "data", "constraint", "complementarity", "penalty", "gap", "alpha", "gauge")


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


def _space_of(domain: dict) -> dict:
    """A shape's entry without its time interval."""
    return {k: v for k, v in domain.items() if k != expr.TIME}


def _expression_problem(ctx, path, cfg: ProblemConfig) -> ProblemConfig:
    """Check the keys present and the names and values of params (the expressions are compiled when
    the problem is built: pinn.app.resolve)."""
    if cfg.fields is not None:
        _system_keys(ctx, path, cfg)
    else:
        for key in ("equations", "gauge", "vectors", "positive"):
            if getattr(cfg, key) is not None:
                ctx.fail(path + (key,), "is for a system (declare its unknowns with fields: [u, v, ...]); one "
                                        "field is written with equation")
    for key in ("domain", "equation" if cfg.fields is None else "equations", "boundary"):
        if getattr(cfg, key) is None:
            ctx.fail(path + (key,), f"missing; type: expression needs domain, {key} and boundary")
    if geometry.is_shape(cfg.domain):
        if cfg.base is not None:
            ctx.fail(path + ("base",), "a base solution on a shape is not yet supported (on a box it is)")
        if cfg.obstacle is not None and (expr.TIME in cfg.domain or geometry.make(_space_of(cfg.domain)).dim == 3):
            ctx.fail(path + ("obstacle",), "an obstacle on a shape in time or in a 3D body is not yet supported "
                                           "(on a 2D shape, and on a box in time, it is)")
    params = {}
    for name, value in cfg.params.items():
        converted = value if isinstance(value, LearntSpec) else as_float(value)
        if converted is None or (not isinstance(value, LearntSpec) and not math.isfinite(converted)):
            ctx.expect(path + ("params", name), value, "a finite number, or {learn: true, initial: ...}")
        params[name] = converted
    try:
        expression.check_param_names(params, cfg.fields or ("u",))
    except expression.DefinitionError as e:
        ctx.fail(path + e.path, e.message, e.detail)
    return dataclasses.replace(cfg, params=params)


def _system_keys(ctx, path, cfg: ProblemConfig):
    """A system's keys against its fields: equations (not equation), exact for every field, fields
    that exist wherever one is named; no obstacle or base (one-field features)."""
    fields = cfg.fields
    for key, instead in (("equation", "equations: {name: residual, ...}"), ("obstacle", None), ("base", None)):
        if getattr(cfg, key) is not None:
            ctx.fail(path + (key,), f"is for one field; a system writes {instead}" if instead else
                     "is for one field; a system of PDEs takes no obstacle or base yet")
    for name in cfg.equations or {}:
        if not name.isidentifier() or name in TERM_NAMES:
            ctx.fail(path + ("equations", name), f"an equation's name must be an identifier other than "
                                                 f"{', '.join(TERM_NAMES)} (it names a loss term)")
    named = lambda f, where: f in fields or ctx.fail(where, f"there is no field {f!r}; the fields are "
                                                            f"{', '.join(fields)}")
    if cfg.exact is not None:
        if not isinstance(cfg.exact, dict):
            listed = ", ".join(f"{f}: ..." for f in fields)
            ctx.expect(path + ("exact",), cfg.exact, f"one expression per field, {{{listed}}}")
        for f in cfg.exact:
            named(f, path + ("exact", f))
        missing = [f for f in fields if f not in cfg.exact]
        if missing:
            ctx.fail(path + ("exact",), f"has no exact solution for {', '.join(missing)}; give one for every field "
                                        f"(or none)")
    for i, spec in enumerate(cfg.boundary or ()):
        if spec.type == "periodic":
            continue
        if spec.field is None and spec.values is None:
            ctx.fail(path + ("boundary", i), f"names no field; add field: <one of {', '.join(fields)}> (or "
                                             f"values: {{field: data, ...}} for several)")
        for f in (spec.values or {spec.field: None}):
            named(f, path + ("boundary", i, *(("values", f) if spec.values else ("field",))))
    for i, spec in enumerate(cfg.initial or ()):
        if spec.field is None:
            ctx.fail(path + ("initial", i), f"names no field; add field: <one of {', '.join(fields)}>")
        named(spec.field, path + ("initial", i, "field"))
    for f in cfg.gauge or {}:
        named(f, path + ("gauge", f))
    for i, f in enumerate(cfg.positive or ()):
        named(f, path + ("positive", i))
    for name, parts in (cfg.vectors or {}).items():
        if name in fields:
            ctx.fail(path + ("vectors", name), f"the name {name!r} is a field's; a vector needs its own")
        for j, f in enumerate(parts):
            named(f, path + ("vectors", name, j))
