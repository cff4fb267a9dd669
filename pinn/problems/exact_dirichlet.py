"""Dirichlet data imposed exactly by the network's output transform u = g + d·N (``network.hard_bc``).

* **An interval** with data at the ends E ⊂ {a, b}: with s = (x − a)/(b − a),

      u = g(x) + c · s^{p_a} (1 − s)^{p_b} · N(x),

  g the linear interpolant of the data (constant with one end), p_e = 1 for e in E (0
  otherwise), and c normalising the factor's maximum to 1. Where an end also has u' = 0 and g is
  constant (a clamped end), p_e = 2: then u' = 0 holds exactly too.
* **A 2D box** with data g on all four sides that agree at the corners: u = G + d·N,
  d = 16 s(1 − s) t(1 − t), G the transfinite (Coons) interpolant of g (:func:`on_box`).
* **A 2D shape** (:class:`pinn.core.geometry.Region`) with Dirichlet data on some of its pieces:
  distance functions joined by R-functions, data by transfinite interpolation (:func:`on_region`).
* **Space–time** with u₀ given: :mod:`pinn.problems.evolution_transform` on an interval; on a
  shape × time, u₀ plus the shape's lift and factor (:func:`on_region_in_time`).
* **A system**: each field on its own, from the conditions on that field — a field with data
  at its interval's ends, on its box's four sides, or (in space–time) its initial value gets its
  transform, the others stay free (:class:`pinn.core.network.FieldTransforms`); a ``positive``
  field never does (its body is softplus(N) ≥ 0, and g + d·softplus(N) ≥ g).
* **A system with a base solution** B (a known singular part, the cavity's corner flows):
  field j is B_j + (the transform above for the data g − B_j), or B_j + N_j where it has none,
  with or without exact data; B_j's trace on a side is the problem's ``base_trace`` (one-sided
  where B is discontinuous at a corner).
"""
from __future__ import annotations

from typing import NamedTuple

import torch

from pinn.core.geometry import Region, RegionTime
from pinn.core.geometry.corners import reentrant
from pinn.core.geometry.distance import equivalence, transfinite
from pinn.core.network import FieldTransforms, HardDirichlet
from pinn.problems.conditions import Dirichlet, Neumann, constant
from pinn.problems.evolution_transform import COMPATIBLE, initial_conditions, space_time_transform


def transform(problem, exact: bool = True):
    """(the output transform, the conditions it covers) for ``problem``, or None; with ``exact``
    False only a system's base solution (covering no condition)."""
    if problem.is_system:
        return _per_field(problem, exact)
    if not exact:
        return None
    if problem.domain.time_dim is not None:
        return _in_time(problem)
    return _of(problem.domain, problem.conditions)


def _in_time(problem):
    return on_region_in_time(problem) if isinstance(problem.domain, RegionTime) else space_time_transform(problem)


def _of(domain, conditions):
    if isinstance(domain, Region):
        return on_region(domain, conditions)
    if domain.dim == 2:
        return on_box(domain, conditions)
    if domain.dim == 1:
        return on_interval(domain, conditions)
    return None


class _OneField(NamedTuple):
    """What :func:`space_time_transform` reads of a problem, for one field of a system."""

    domain: object
    conditions: list
    base_solution: None = None


def _per_field(problem, exact: bool):
    """Each field's transform from its own conditions (their data less the base solution, if
    any); none for a ``positive`` field, whose body is softplus(N) ≥ 0: g + d·softplus(N) would
    hold it above its data g."""
    base = problem.base_solution
    found, covered = {}, []
    for j, f in enumerate(problem.fields):
        own = {_less_base(bc, problem, j) if base is not None else bc: bc
               for bc in problem.conditions if getattr(bc, "field", None) == f}
        made = None
        if exact and f not in problem.positive:
            made = (_in_time(_OneField(problem.domain, list(own))) if problem.domain.time_dim is not None
                    else _of(problem.domain, list(own)))
        if made is not None:
            found[j] = made[0] if base is None else _on_base(made[0], base, j)
            covered += [own[bc] for bc in made[1]]
        elif base is not None:
            found[j] = HardDirichlet(lambda x, j=j: base(x)[:, j:j + 1], constant(1.0))
    return (FieldTransforms(found), covered) if found else None


def _less_base(bc, problem, j: int):
    """``bc`` with the data g − B_j on its side (B_j's one-sided trace there, ``base_trace``)."""
    if not isinstance(bc, Dirichlet):
        return bc
    return Dirichlet(bc.side, lambda x: bc.value(x) - problem.base_trace(bc.side, x)[:, j:j + 1]).on(bc.field)


def _on_base(made: HardDirichlet, base, j: int) -> HardDirichlet:
    """B_j + g̃ + d·N from the transform g̃ + d·N of the data less B_j."""
    return HardDirichlet(lambda x: base(x)[:, j:j + 1] + made.lift(x), made.distance)


def on_interval(domain, conditions):
    """The interval's transform (module docstring) from the Dirichlet and clamping ``conditions``."""
    (lo, hi), = domain.bounds
    dirichlet = {bc.side.value: bc for bc in conditions if isinstance(bc, Dirichlet)}
    if not dirichlet:
        return None
    point = lambda v: torch.tensor([[v]], dtype=torch.float64)
    data = {v: float(bc.value(point(v))) for v, bc in dirichlet.items()}
    length = hi - lo
    covered = list(dirichlet.values())
    if len(data) == 2 and data[lo] != data[hi]:
        ga, gb = data[lo], data[hi]
        lift = lambda x: ga + (gb - ga) * (x - lo) / length
    else:
        lift = constant(next(iter(data.values())))
        for bc in conditions:
            if isinstance(bc, Neumann) and bc.side.value in data and float(bc.value(point(bc.side.value))) == 0:
                covered.append(bc)
    clamped = {bc.side.value for bc in covered if isinstance(bc, Neumann)}
    p_a = (lo in data) + (lo in clamped)
    p_b = (hi in data) + (hi in clamped)
    peak = (p_a / (p_a + p_b)) ** p_a * (p_b / (p_a + p_b)) ** p_b
    distance = lambda x: ((x - lo) / length) ** p_a * ((hi - x) / length) ** p_b / peak
    return HardDirichlet(lift, distance), covered


def on_box(domain, conditions):
    """2D, Dirichlet data g on all four sides:  u = G(x, y) + d(x, y) N(x, y)  with

        d = 16 s(1 − s) t(1 − t),   s = (x − a)/(b − a),  t = (y − c)/(d − c),

    and G the transfinite (Coons) interpolant of g, which equals g on the whole boundary:

        G = (1−s) g(a, y) + s g(b, y) + (1−t) g(x, c) + t g(x, d)
            − [(1−s)(1−t) g(a, c) + s(1−t) g(b, c) + (1−s)t g(a, d) + st g(b, d)].

    G reads g on the boundary only, so data defined there alone (a singular exact solution's
    trace, say) are fine.
    """
    faces = {(bc.side.dim, bc.side.value): bc for bc in conditions if isinstance(bc, Dirichlet)}
    (a, b), (c, d) = domain.bounds
    if set(faces) != {(0, a), (0, b), (1, c), (1, d)}:
        return None

    def on(bc, xs, ys):
        return bc.value(torch.cat([xs, ys], dim=1))

    if _corners_disagree(faces, on, (a, b), (c, d)):
        return None

    def lift(p):
        x, y = p[:, :1], p[:, 1:]
        s, t = (x - a) / (b - a), (y - c) / (d - c)
        full = lambda v: torch.full_like(x, v)
        left, right = on(faces[0, a], full(a), y), on(faces[0, b], full(b), y)
        bottom, top = on(faces[1, c], x, full(c)), on(faces[1, d], x, full(d))
        corners = ((1 - s) * (1 - t) * on(faces[0, a], full(a), full(c))
                   + s * (1 - t) * on(faces[0, b], full(b), full(c))
                   + (1 - s) * t * on(faces[0, a], full(a), full(d))
                   + s * t * on(faces[0, b], full(b), full(d)))
        return (1 - s) * left + s * right + (1 - t) * bottom + t * top - corners

    def distance(p):
        s, t = (p[:, :1] - a) / (b - a), (p[:, 1:] - c) / (d - c)
        return 16 * s * (1 - s) * t * (1 - t)
    return HardDirichlet(lift, distance), list(faces.values())


def on_region(domain, conditions):
    """A shape with Dirichlet data g_i on some of its pieces P_i (one condition each):

        u = Σ w_i g_i + (φ / max φ) N,   w_i = Π_{j≠i} φ_j / Σ_k Π_{j≠k} φ_j,   φ = (Σ φ_i⁻¹)⁻¹,

    φ_i the pieces' distance functions (:mod:`pinn.core.geometry.distance`), φ blended into each
    re-entrant corner's singular function where two Dirichlet edges meet
    (:mod:`pinn.core.geometry.corners`) and scaled to a largest value of 1 on the test mesh; the
    other pieces' conditions stay loss terms."""
    dirichlet = [bc for bc in conditions if isinstance(bc, Dirichlet)]
    made = _region_parts(domain, dirichlet)
    return None if made is None else (HardDirichlet(*made), dirichlet)


def _region_parts(region, dirichlet):
    """(lift Σ w_i g_i, factor φ / max φ) of :func:`on_region` for the conditions ``dirichlet`` on
    ``region`` (a :class:`Region`), or None; they read the first two columns of x as (x, y) and
    pass any others (time) to the data."""
    pieces = [bc.side for bc in dirichlet]
    if not dirichlet or len(set(map(id, pieces))) != len(pieces):
        return None
    corners = reentrant([c for p in region.sides() for c in p.parts], [c for p in pieces for c in p.parts])

    def factor(x):
        phi = equivalence([p.distance(x) for p in pieces])
        for corner in corners:
            phi = corner.blend(x, phi)
        return phi
    peak = float(factor(torch.as_tensor(region.test_mesh[0], dtype=torch.float64)).max())

    def lift(x):
        data = []
        for bc in dirichlet:
            value = bc.value(x)
            for corner in corners:
                if not set(corner.edges) & set(bc.side.parts):
                    value = value * (1 - corner.cutoff(x))
            data.append(value)
        return transfinite([p.distance(x) for p in pieces], data)

    def distance(x):
        return factor(x) / peak
    return lift, distance


def on_region_in_time(problem):
    """A shape × [t₀, t₁] with u(x, t₀) = u₀ given and Dirichlet data g_i(x, t) on some pieces,
    s = (t − t₀)/(t₁ − t₀):

        u = u₀(x) + G(x, t) − G(x, t₀) + s φ(x) N(x, t),

    G and φ the steady shape's lift and factor (:func:`on_region`; φ = 1 without Dirichlet pieces).
    At t₀ u = u₀; on P_i, u = g_i(x, t) where the data are compatible, u₀ = g_i(·, t₀) on P_i
    (else, or with a second initial condition u_t, None: the conditions stay loss terms and
    :func:`region_initial_mismatches` says why)."""
    value, rate = initial_conditions(problem)
    if value is None or rate is not None or region_initial_mismatches(problem):
        return None
    domain = problem.domain
    t0, t1 = domain.interval
    dirichlet = [bc for bc in problem.conditions if isinstance(bc, Dirichlet) and bc.side != domain.initial()]
    made = _region_parts(domain.region, dirichlet) if dirichlet else None
    steady_lift, factor = made if made is not None else (lambda x: torch.zeros_like(x[:, :1]), lambda x: 1.0)
    at_start = lambda p: torch.cat([p[:, :2], torch.full_like(p[:, 2:], t0)], dim=1)

    def lift(p):
        start = at_start(p)
        return value.value(start) + steady_lift(p) - steady_lift(start)

    def distance(p):
        return (p[:, 2:] - t0) / (t1 - t0) * factor(p)
    return HardDirichlet(lift, distance), [value, *dirichlet]


def region_initial_mismatches(problem) -> list[str]:
    """Where u₀ disagrees with a piece's Dirichlet data at t₀ on a shape × time, in words (then
    no exact transform: both stay loss terms)."""
    domain = problem.domain
    if not isinstance(domain, RegionTime):
        return []
    value, _ = initial_conditions(problem)
    if value is None:
        return []
    found = []
    for bc in problem.conditions:
        if not isinstance(bc, Dirichlet) or bc.side == domain.initial():
            continue
        points = domain.sample_side(bc.side, 200, "grid", 0, torch.float64, "cpu")
        points[:, 2] = domain.interval[0]
        data, start = bc.value(points).detach(), value.value(points).detach()
        gap = float((data - start).abs().max())
        if gap > COMPATIBLE * (1 + float(data.abs().max())):
            found.append(f"problem: the initial data and the boundary condition {bc} disagree by {gap:.3g} on "
                         f"{bc.side} at t = {domain.interval[0]:g}; they cannot both hold exactly there, so both "
                         f"are trained as loss terms")
    return found


def meeting_jumps(domain, conditions) -> list[str]:
    """Where two pieces with Dirichlet data meet (a polygon's corner between differently named
    edges) and their data differ, in words: the solution jumps there (the transform takes their
    mean at that point), so the error concentrates near it."""
    if not isinstance(domain, Region):
        return []
    data = {id(bc.side): bc for bc in conditions if isinstance(bc, Dirichlet)}
    found = []
    for one in domain.sides():
        for other in domain.sides():
            if one is other or id(one) not in data or id(other) not in data:
                continue
            for a in one.parts:
                for b in other.parts:
                    if getattr(a, "b", None) is None or a.b != getattr(b, "a", None):
                        continue
                    point = torch.tensor([a.b], dtype=torch.float64)
                    left, right = float(data[id(one)].value(point)), float(data[id(other)].value(point))
                    if abs(left - right) > CORNER_TOLERANCE * (1 + abs(left) + abs(right)):
                        found.append(f"problem.boundary: the Dirichlet data on {one} ({left:.6g}) and on {other} "
                                     f"({right:.6g}) disagree at {domain.describe(a.b)}, where the two pieces meet: "
                                     f"the solution jumps there, and the error concentrates near that corner")
    return found

CORNER_TOLERANCE = 1e-9  # relative to 1 + the largest corner value


def _corners_disagree(faces, on, xs, ys) -> bool:
    """Whether two sides' data differ at a shared corner (a lid-driven cavity's u = 1 on the lid,
    0 on the walls): G then takes one side's corner value along the other side (u = y on the
    cavity's walls), so the conditions stay loss terms."""
    point = lambda v: torch.tensor([[v]], dtype=torch.float64)
    gaps, sizes = [], []
    for x in xs:
        for y in ys:
            vertical, horizontal = float(on(faces[0, x], point(x), point(y))), float(on(faces[1, y], point(x), point(y)))
            gaps.append(abs(vertical - horizontal))
            sizes += [abs(vertical), abs(horizontal)]
    return max(gaps) > CORNER_TOLERANCE * (1 + max(sizes))
