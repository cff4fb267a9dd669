"""The C^k suitability check, made before any training.

A residual of order k is evaluated by differentiating the network k times. For an MLP body with
activation σ this produces products of σ^(j)(y) for j <= k, so the activation must be C^k and its
k-th derivative must not vanish almost everywhere; otherwise autograd silently returns a residual
that ignores the PDE (ReLU: u'' = 0 at every point off a null set).

Declared classes (:mod:`pinn.core.activations`) are used when available; anything else is probed:
derivatives up to order k by autograd on a fine grid, in float64. The probe looks for

* non-finite values (a derivative that blows up),
* jumps: on a grid of spacing h the largest step |f(x_{i+1}) - f(x_i)| of a continuous f shrinks
  like h, that of a discontinuous one does not; we compare the largest step at spacings h and h/8,
* a derivative that is zero on almost all of the grid.
"""
from __future__ import annotations

import torch

from pinn.core.activations import INFINITE, REGISTRY, Activation, Smoothness, factory
from pinn.core.errors import SmoothnessError

PROBE_INTERVAL = (-6.0, 6.0)
PROBE_POINTS = 2 ** 13 + 1  # odd: the grid contains 0, where most kinks of activations sit
PROBE_REFINE = 8
JUMP_RATIO = 0.5   # continuous: largest step shrinks ~1/8 when h does; a jump keeps it ~1
FLAT_FRACTION = 0.99
ZERO_TOLERANCE = 1e-12


def _derivatives(fn, x: torch.Tensor, max_order: int) -> list[torch.Tensor]:
    x = x.clone().requires_grad_(True)
    values = [fn(x)]
    for _ in range(max_order):
        prev = values[-1]
        if not prev.requires_grad:  # a constant (or piecewise constant) function: derivative 0
            values.append(torch.zeros_like(x))
            continue
        (g,) = torch.autograd.grad(prev.sum(), x, create_graph=True, allow_unused=True)
        values.append(torch.zeros_like(x) if g is None else g)
    return [v.detach() for v in values]


def probe(fn, max_order: int) -> Smoothness:
    """Classify an elementwise function by autograd derivatives of order 0..max_order.

    Returns ``Smoothness(c, flat_from)`` where c is the highest order whose derivatives up to it
    showed no jump and no non-finite value (``max_order`` means "at least max_order": the probe
    looks no further), and flat_from the lowest order >= 1 whose derivative is zero on at least 99%
    of the grid.
    """
    lo, hi = PROBE_INTERVAL
    coarse = torch.linspace(lo, hi, PROBE_POINTS, dtype=torch.float64)
    fine = torch.linspace(lo, hi, (PROBE_POINTS - 1) * PROBE_REFINE + 1, dtype=torch.float64)
    with torch.enable_grad():
        dc, df = _derivatives(fn, coarse, max_order), _derivatives(fn, fine, max_order)
    scale = max((float(d.abs().max()) for d in df if torch.isfinite(d).all()), default=1.0) or 1.0
    continuity, flat_from = max_order, None
    for order, (c, f) in enumerate(zip(dc, df)):
        if not (torch.isfinite(c).all() and torch.isfinite(f).all()):
            continuity = order - 1
            break
        step_coarse, step_fine = float(c.diff().abs().max()), float(f.diff().abs().max())
        if step_fine > JUMP_RATIO * step_coarse and step_fine > 1e-6 * scale:
            continuity = order - 1
            break
    for order, f in enumerate(df):
        if order >= 1 and torch.isfinite(f).all() and \
                float((f.abs() <= ZERO_TOLERANCE * scale).double().mean()) >= FLAT_FRACTION:
            flat_from = order
            break
    return Smoothness(continuity, flat_from)


def smoothness_of(activation, order: int) -> tuple[Smoothness, str]:
    """The activation's smoothness and where it came from ('declared' or 'probed')."""
    if isinstance(activation, Activation):
        return activation.smoothness(), "declared"
    return probe(activation, order), "probed"


def is_suitable(s: Smoothness, order: int) -> bool:
    return s.continuity >= order and (s.flat_from is None or s.flat_from > order)


def suitable_names(order: int) -> list[str]:
    """Registered activations (with default parameters) that pass for this order."""
    return [name for name in REGISTRY if is_suitable(factory(name)().smoothness(), order)]


def _finite_on(fn, x: torch.Tensor) -> bool:
    with torch.no_grad():
        return bool(torch.isfinite(fn(x)).all())


def require(activation, order: int, label: str, force: bool = False) -> str | None:
    """Refuse an activation unsuited to a residual of order ``order``, before training.

    ``label`` names the activation in messages. Returns None when suitable; with ``force``, returns
    the explanation as a warning instead of raising :class:`SmoothnessError`.
    """
    s, source = smoothness_of(activation, order)
    if is_suitable(s, order):
        return None
    lo, hi = PROBE_INTERVAL
    if source == "probed" and not _finite_on(activation, torch.linspace(lo, hi, PROBE_POINTS, dtype=torch.float64)):
        raise SmoothnessError(f"activation {label} is infinite or NaN on [{lo:g}, {hi:g}], where a network's "
                              f"pre-activations lie (it overflows), so it cannot be used, not even with --force")
    if s.continuity < order:
        why = (f"it is only C^{int(s.continuity)} ({source}): its derivative of order "
               f"{int(s.continuity) + 1} is discontinuous or infinite")
    else:
        why = f"its derivatives of order >= {s.flat_from} vanish almost everywhere ({source})"
    continuity = "C^inf" if s.continuity == INFINITE else f"C^{int(s.continuity)}"
    message = (f"activation {label} is {continuity} and the residual has order {order}: {why}, so "
               f"autograd would compute a derivative of order {order} that ignores the PDE almost "
               f"everywhere. A strong-form residual of order {order} needs a C^{order} activation "
               f"whose derivative of order {order} is not zero almost everywhere; suitable: "
               f"{', '.join(suitable_names(order))}. Use --force to train anyway.")
    if force:
        return message
    raise SmoothnessError(message)
