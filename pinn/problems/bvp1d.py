"""One-dimensional boundary value problems with exact solutions (the README's table of shipped problems).

Each states its equation once, explicitly (:class:`pinn.problems.ode.OrdinaryBVP`), so the PINN residual
and the solve_bvp reference come from the same line.
"""
from __future__ import annotations

import math

import torch
from scipy.optimize import brentq

from pinn.core.domains import interval
from pinn.core.params import Param, positive
from pinn.problems.conditions import Derivative, Dirichlet, Neumann, Robin, constant
from pinn.problems.ode import OrdinaryBVP

PI = math.pi


class Poisson1D(OrdinaryBVP):
    """−u'' = (kπ)² sin(kπx) on (0, 1), u(0) = u(1) = 0; exact u = sin(kπx).

    k = 1 is the baseline; k = 4 and 8 probe spectral bias (a network fits low frequencies first).
    """

    name = "poisson1d"
    summary = "-u'' = (k pi)^2 sin(k pi x) on (0,1), u(0)=u(1)=0; exact sin(k pi x)"
    parameters_spec = {"k": positive("int", default=1, doc="wave number")}
    domain = interval(0.0, 1.0)
    order = 2

    def highest(self, x, lower):
        w = self.params["k"] * PI
        return -w ** 2 * torch.sin(w * x)

    def scale(self, x):
        return -1.0  # the residual of −u'' − f, as written

    def boundary_conditions(self):
        return [Dirichlet(self.domain.side(0, "lower"), constant(0.0)),
                Dirichlet(self.domain.side(0, "upper"), constant(0.0))]

    def exact(self, x):
        return torch.sin(self.params["k"] * PI * x)


class _SquareOnMinusOneOne(OrdinaryBVP):
    """u'' = 2 on (−1, 1), u(−1) = 0, plus a derivative condition at x = 1; exact (x + 1)²."""

    domain = interval(-1.0, 1.0)
    order = 2

    def highest(self, x, lower):
        return torch.full_like(x, 2.0)

    def exact(self, x):
        return (x + 1) ** 2


class Mixed1D(_SquareOnMinusOneOne):
    """u'' = 2 on (−1, 1), u(−1) = 0, u'(1) = 4 (Neumann end); exact (x + 1)²."""

    name = "mixed1d"
    summary = "u'' = 2 on (-1,1), u(-1)=0, u'(1)=4; exact (x+1)^2"

    def boundary_conditions(self):
        return [Dirichlet(self.domain.side(0, "lower"), constant(0.0)),
                Neumann(self.domain.side(0, "upper"), constant(4.0))]


class Robin1D(_SquareOnMinusOneOne):
    """u'' = 2 on (−1, 1), u(−1) = 0, u'(1) = u(1), i.e. −u + u' = 0 (Robin end); exact (x + 1)²."""

    name = "robin1d"
    summary = "u'' = 2 on (-1,1), u(-1)=0, u'(1)=u(1); exact (x+1)^2"

    def boundary_conditions(self):
        return [Dirichlet(self.domain.side(0, "lower"), constant(0.0)),
                Robin(self.domain.side(0, "upper"), constant(0.0), a=-1.0, b=1.0)]


class VarCoef1D(OrdinaryBVP):
    """−((1 + x²) u')' = (1 + x²)π² sin πx − 2πx cos πx on (0, 1), u(0) = u(1) = 0; exact sin πx.

    Expanded: −(1 + x²)u'' − 2x u' = f, so u'' = −(f + 2x u') / (1 + x²); the residual is
    multiplied back by −(1 + x²) to keep the divergence form's scale.
    """

    name = "varcoef1d"
    summary = "-((1+x^2) u')' = f on (0,1), u(0)=u(1)=0; exact sin(pi x)"
    domain = interval(0.0, 1.0)
    order = 2

    def highest(self, x, lower):
        f = (1 + x ** 2) * PI ** 2 * torch.sin(PI * x) - 2 * PI * x * torch.cos(PI * x)
        return -(f + 2 * x * lower[1]) / (1 + x ** 2)

    def scale(self, x):
        return -(1 + x ** 2)

    def boundary_conditions(self):
        return [Dirichlet(self.domain.side(0, "lower"), constant(0.0)),
                Dirichlet(self.domain.side(0, "upper"), constant(0.0))]

    def exact(self, x):
        return torch.sin(PI * x)


class Layer1D(OrdinaryBVP):
    """−εu'' + u' = 1 on (0, 1), u(0) = u(1) = 0: a boundary layer of width ε at x = 1.

    Exact u = x − (e^{(x−1)/ε} − e^{−1/ε}) / (1 − e^{−1/ε}). The residual is −εu'' + u' − 1.
    """

    name = "layer1d"
    summary = "-eps u'' + u' = 1 on (0,1), u(0)=u(1)=0; boundary layer of width eps at x=1"
    parameters_spec = {"eps": positive(default=0.1, doc="layer width", learnable=True)}
    domain = interval(0.0, 1.0)
    order = 2

    def highest(self, x, lower):
        return (lower[1] - 1) / self.params["eps"]

    def scale(self, x):
        return -self.params["eps"]

    def boundary_conditions(self):
        return [Dirichlet(self.domain.side(0, "lower"), constant(0.0)),
                Dirichlet(self.domain.side(0, "upper"), constant(0.0))]

    def exact(self, x):
        eps = self.params["eps"]
        tail = math.exp(-1 / eps)
        return x - (torch.exp((x - 1) / eps) - tail) / (1 - tail)


BRATU_CRITICAL_LAMBDA = 3.513830719125161  # no solution beyond; the two branches meet here
BRATU_CRITICAL_THETA = 4.798714560266765   # θ at the fold: solves θ = 4 coth(θ/4)


class Bratu1D(OrdinaryBVP):
    """u'' + λeᵘ = 0 on (0, 1), u(0) = u(1) = 0, λ < λ* = 3.5138...; the lower branch.

    Exact u = −2 ln[cosh((x − ½)θ/2) / cosh(θ/4)] with θ = √(2λ) cosh(θ/4). For λ < λ* that
    equation has two roots, hence two solutions; the lower one (smaller θ, max u = 0.1405 at λ = 1)
    is the stable, physically meant branch, and the one a PINN started near u = 0 and solve_bvp
    started from the zero guess both find. The upper branch (θ = 10.94 at λ = 1) is unstable.
    """

    name = "bratu1d"
    summary = "u'' + lam e^u = 0 on (0,1), u(0)=u(1)=0; lower branch (lam < 3.5138)"
    parameters_spec = {"lam": Param(1.0, "float", lambda v: 0 < v < BRATU_CRITICAL_LAMBDA,
                                    f"a number in (0, {BRATU_CRITICAL_LAMBDA}) (no solution beyond)", learnable=True)}
    domain = interval(0.0, 1.0)
    order = 2

    @property
    def theta(self) -> float:
        lam = self.params["lam"]
        return brentq(lambda t: t - math.sqrt(2 * lam) * math.cosh(t / 4), 0.0, BRATU_CRITICAL_THETA,
                      xtol=1e-15)

    def highest(self, x, lower):
        return -self.params["lam"] * torch.exp(lower[0])

    def boundary_conditions(self):
        return [Dirichlet(self.domain.side(0, "lower"), constant(0.0)),
                Dirichlet(self.domain.side(0, "upper"), constant(0.0))]

    def exact(self, x):
        theta = self.theta
        return -2 * torch.log(torch.cosh((x - 0.5) * theta / 2) / math.cosh(theta / 4))


class Helmholtz1D(OrdinaryBVP):
    """−u'' − k²u = 0 on (0, 1), u(0) = 0, u(1) = 1; exact sin(kx)/sin(k) (k not a multiple of π).

    The operator is indefinite; the residual is divided by k² so that its scale does not grow
    with k (the loss would otherwise be dominated by k⁴u²).
    """

    name = "helmholtz1d"
    summary = "-u'' - k^2 u = 0 on (0,1), u(0)=0, u(1)=1; exact sin(kx)/sin(k)"
    parameters_spec = {"k": Param(20.0, "float", lambda v: v > 0 and abs(math.sin(v)) > 1e-3,
                                  "a number > 0, not a multiple of pi (there sin(k) = 0)", learnable=True)}
    domain = interval(0.0, 1.0)
    order = 2

    def highest(self, x, lower):
        return -self.params["k"] ** 2 * lower[0]

    def scale(self, x):
        return -1.0 / self.params["k"] ** 2

    def boundary_conditions(self):
        return [Dirichlet(self.domain.side(0, "lower"), constant(0.0)),
                Dirichlet(self.domain.side(0, "upper"), constant(1.0))]

    def exact(self, x):
        k = self.params["k"]
        return torch.sin(k * x) / math.sin(k)


BEAM_SUPPORTS = ("simply", "clamped", "cantilever")


class Beam1D(OrdinaryBVP):
    """Euler–Bernoulli beam u'''' = q on (0, 1) (EI = 1), three supports:

    * simply supported, u = u'' = 0 at both ends; q = 1: u = (x⁴ − 2x³ + x)/24;
    * clamped, u = u' = 0 at both ends; q = 1: u = x²(1 − x)²/24;
    * cantilever, u(0) = u'(0) = 0, free end u''(1) = u'''(1) = 0; q = −1: u = −x⁴/24 + x³/6 − x²/4.

    The exact solutions scale linearly with q. Fourth order: the activation must be C⁴.
    """

    name = "beam1d"
    summary = "u'''' = q on (0,1): simply supported, clamped or cantilever"
    parameters_spec = {
        "support": Param("simply", "str", lambda v: v in BEAM_SUPPORTS, f"one of {', '.join(BEAM_SUPPORTS)}"),
        "q": Param(None, "float", doc="load; default 1, or -1 for the cantilever"),
    }
    domain = interval(0.0, 1.0)
    order = 4

    def __init__(self, **params):
        if params.get("q") is None:
            params["q"] = -1.0 if params.get("support") == "cantilever" else 1.0
        super().__init__(**params)

    def highest(self, x, lower):
        return torch.full_like(x, self.params["q"])

    def boundary_conditions(self):
        left, right, zero = self.domain.side(0, "lower"), self.domain.side(0, "upper"), constant(0.0)
        support = self.params["support"]
        if support == "simply":
            return [Dirichlet(left, zero), Dirichlet(right, zero),
                    Derivative(left, zero, 2), Derivative(right, zero, 2)]
        if support == "clamped":
            return [Dirichlet(left, zero), Dirichlet(right, zero), Neumann(left, zero), Neumann(right, zero)]
        return [Dirichlet(left, zero), Neumann(left, zero), Derivative(right, zero, 2), Derivative(right, zero, 3)]

    def exact(self, x):
        q, support = self.params["q"], self.params["support"]
        if support == "simply":
            return q * (x ** 4 - 2 * x ** 3 + x) / 24
        if support == "clamped":
            return q * x ** 2 * (1 - x) ** 2 / 24
        return -q * (-x ** 4 / 24 + x ** 3 / 6 - x ** 2 / 4)
