"""How sure an inverse problem's learnt coefficients are: a Gauss–Newton (Laplace) standard error
and a 95 % interval for each, from the curvature of the data misfit at the optimum.

The PINN's u depends on the coefficients θ through the physics it was trained to satisfy. Write
r_c(w, θ) for the physics rows of the loss (each residual and soft condition at its points, scaled
by √(weight / count) as the loss weighs them), u_d(w) for the network at the n measurement points.
Moving θ by δθ while the physics still holds to first order, A δw + B δθ = 0 with A = ∂r_c/∂w and
B = ∂r_c/∂θ, moves u_d by S δθ with the sensitivity

    S = −U A⁺ B,    U = ∂u_d/∂w,

A⁺ the pseudo-inverse (singular values below ``RCOND`` of the largest dropped: the network has
more weights than the physics pins down, and the smallest change of the weights is the one a
smooth network makes). This is ∂u/∂θ of the PDE's solution at the measurement points, as the
network represents it. The Gauss–Newton covariance of the unconstrained coordinates z of θ
(:class:`pinn.params.LearntSpec`) is then

    Cov(z) = σ² (SᵀS)⁻¹,   σ̂² = Σ (u_d − u_i)² / (n − p)   when the noise is not given,

the interval is z ± q·se(z) mapped to the value (so a positive parameter's interval stays
positive), with q the 97.5 % quantile of Student's t with n − p degrees of freedom when σ is
estimated, of the normal distribution when it is given; the standard error of the value is
|dv/dz|·se(z) (the delta method).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
from scipy import stats

RCOND = 1e-9             # relative cut-off of the physics Jacobian's singular values
ROWS_PER_PASS = 64       # Jacobian rows per batched backward pass
UNMOVED = 1e-3           # relative change below which a parameter "did not move"


@dataclass
class Estimate:
    """One learnt parameter: its value, standard error, 95 % interval and what to be wary of."""

    value: float
    initial: float
    standard_error: float
    interval: tuple
    exact: float | None = None
    warnings: list = field(default_factory=list)

    def as_dict(self) -> dict:
        entry = {"value": self.value, "initial": self.initial, "standard_error": self.standard_error,
                 "interval_95": list(self.interval)}
        if self.exact is not None:
            entry.update(exact=self.exact, relative_error=abs(self.value - self.exact) / abs(self.exact),
                         covered=self.interval[0] <= self.exact <= self.interval[1])
        return entry


@dataclass
class Identification:
    """The learnt parameters with their uncertainty, and the noise level used."""

    estimates: dict
    noise: float
    noise_estimated: bool
    degrees_of_freedom: int
    data_rms: float

    def metrics(self) -> dict:
        return {"parameters": {name: e.as_dict() for name, e in self.estimates.items()},
                "noise": {"sigma": self.noise, "estimated": self.noise_estimated,
                          "degrees_of_freedom": self.degrees_of_freedom, "data_misfit_rms": self.data_rms}}

    def warnings(self) -> list[str]:
        return [warning for e in self.estimates.values() for warning in e.warnings]


def _jacobian(rows: torch.Tensor, params: list) -> torch.Tensor:
    """d rows / d params, shape (len(rows), total size of params), by batched backward passes."""
    rows = rows.reshape(-1)
    blocks = []
    for start in range(0, rows.numel(), ROWS_PER_PASS):
        count = min(ROWS_PER_PASS, rows.numel() - start)
        seeds = torch.zeros(count, rows.numel(), dtype=rows.dtype, device=rows.device)
        seeds[torch.arange(count), torch.arange(start, start + count)] = 1
        grads = torch.autograd.grad(rows, params, grad_outputs=seeds, is_grads_batched=True, retain_graph=True,
                                    allow_unused=True)
        blocks.append(torch.cat([torch.zeros(count, p.numel(), dtype=rows.dtype, device=rows.device) if g is None
                                 else g.reshape(count, -1) for g, p in zip(grads, params)], dim=1))
    return torch.cat(blocks)


def sensitivity(model, loss) -> torch.Tensor:
    """S = ∂u_d/∂z, shape (n, p): the data's response to the learnt coefficients (module docstring)."""
    names = loss.learnt
    theta = model.coefficients.parameters_of(names)
    weights = [p for name, p in model.named_parameters() if not name.startswith("coefficients.")]
    with torch.enable_grad():
        physics = loss.physics_rows(model)
        jacobian = _jacobian(physics, weights + theta)
        a, b = jacobian[:, :-len(theta)], jacobian[:, -len(theta):]
        measured_x, _ = loss.measured
        u_data = _jacobian(model(measured_x), weights)
    left, singular, right_t = torch.linalg.svd(a, full_matrices=False)
    keep = singular > RCOND * singular[0]
    change = -right_t[keep].T @ ((left[:, keep].T @ b) / singular[keep, None])  # δw per unit of each z
    return u_data @ change


def identify(model, loss, noise: float | None) -> Identification:
    """Standard errors and 95 % intervals of the learnt coefficients at the model's current state."""
    names, coefficients = loss.learnt, model.coefficients
    with torch.no_grad():
        misfit = loss.data_misfit(model).reshape(-1).double()
    n, p = misfit.numel(), len(names)
    dof = n - p
    estimated = noise is None
    sigma = float(misfit.norm() / math.sqrt(dof)) if estimated else noise
    s = sensitivity(model, loss).double().cpu()
    quantile = float(stats.t.ppf(0.975, dof)) if estimated else float(stats.norm.ppf(0.975))
    curvature = s.T @ s
    try:
        covariance = sigma ** 2 * torch.linalg.inv(curvature)
        spread = covariance.diagonal().clamp_min(0).sqrt().tolist()
    except RuntimeError:
        spread = [math.inf] * p
    estimates = {}
    for i, name in enumerate(names):
        spec, z = coefficients.specs[name], float(coefficients.raw[name].detach())
        value = float(coefficients.value(name).detach())
        ends = sorted(float(spec.to_value(torch.tensor(z + sign * quantile * spread[i], dtype=torch.float64)))
                      if math.isfinite(spread[i]) else math.copysign(math.inf, sign) for sign in (-1, 1))
        estimate = Estimate(value, spec.initial, abs(coefficients.derivative(name)) * spread[i], tuple(ends),
                            spec.exact)
        estimate.warnings = _warnings(name, spec, estimate, float(s[:, i].norm()))
        estimates[name] = estimate
    return Identification(estimates, sigma, estimated, dof, float(misfit.square().mean().sqrt()))


def _warnings(name: str, spec, estimate: Estimate, response: float) -> list[str]:
    """What a user should hear about an identified parameter (issue: identifiability)."""
    found = []
    value, (lo, hi) = estimate.value, estimate.interval
    if response == 0 or not math.isfinite(estimate.standard_error):
        found.append(f"{name}: the measurements do not respond to it at all; it cannot be identified "
                     f"from these data")
    if abs(value - spec.initial) <= UNMOVED * max(abs(spec.initial), 1e-300):
        found.append(f"{name} = {value:.6g} did not move from its initial value {spec.initial:g}: the data may "
                     f"not inform it (or every stage froze it)")
    bound = spec.at_bound(value)
    if bound:
        found.append(f"{name} = {value:.6g} ran into its {bound} bound {spec.bounds[bound == 'upper']:g}; the "
                     f"optimum may lie beyond it (widen the bounds)")
    if hi - lo > abs(value):
        found.append(f"{name}: its 95 % interval [{lo:.4g}, {hi:.4g}] is wider than its value {value:.4g}; the "
                     f"data determine it poorly (more or less noisy measurements, where u responds to it)")
    return found
