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
(:class:`pinn.core.params.LearntSpec`) is then

    Cov(z) = σ² (SᵀS)⁻¹,   σ̂² = Σ (u_d − u_i)² / (n − p)   when the noise is not given,

the interval is z ± q·se(z) mapped to the value (so a positive parameter's interval stays
positive), with q the 97.5 % quantile of Student's t with n − p degrees of freedom when σ is
estimated, of the normal distribution when it is given; the standard error of the value is
|dv/dz|·se(z) (the delta method).

Where SᵀS is singular (the data see only combinations of the parameters, such as their sum), the
inverse is taken on the directions the data determine (``RANK_TOL``), p in n − p becomes their
number r, each parameter with a part outside them gets an infinite standard error (never a zero
one), and a warning names the combinations that are determined.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import torch
from scipy import stats

RCOND = 1e-9             # relative cut-off of the physics Jacobian's singular values
ROWS_PER_PASS = 64       # Jacobian rows per batched backward pass
UNMOVED = 1e-3           # relative change below which a parameter "did not move"
SAY_EVERY = 10.0         # seconds between progress lines while a Jacobian is taken
# Directions of the (column-scaled) SᵀS with eigenvalues below RANK_TOL of the largest are not
# determined by the data (a correlation of 1 − 1e-10 between two parameters' effects); a parameter
# whose unit vector has more than UNDETERMINED of its square in them has no finite standard error.
# 20 coefficients entering only through their sum gave eigenvalues of 1e-17 against 20.
RANK_TOL = 1e-10
UNDETERMINED = 1e-6


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
            error = abs(self.value - self.exact)
            entry.update(exact=self.exact, **({"relative_error": error / abs(self.exact)} if self.exact
                                              else {"absolute_error": error}),
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

    combinations: list = field(default_factory=list)  # what the data determine where not each parameter

    def warnings(self) -> list[str]:
        found = []
        if self.combinations:
            names = list(self.estimates)
            found.append(f"the measurements determine only {len(self.combinations)} combination(s) of the "
                         f"{len(names)} learnt parameters, not each one: {'; '.join(self.combinations) or 'none'}. "
                         f"The others cannot be identified from these data (unbounded intervals): fix all but "
                         f"{len(self.combinations)} of them, or measure where they act differently")
        return found + [warning for e in self.estimates.values() for warning in e.warnings]


def _jacobian(rows: torch.Tensor, params: list, say=None, what: str = "") -> torch.Tensor:
    """d rows / d params, shape (len(rows), total size of params), by batched backward passes;
    ``say(text)`` hears how far it is every ``SAY_EVERY`` seconds."""
    rows = rows.reshape(-1)
    blocks, began, said = [], time.perf_counter(), time.perf_counter()
    for start in range(0, rows.numel(), ROWS_PER_PASS):
        count = min(ROWS_PER_PASS, rows.numel() - start)
        seeds = torch.zeros(count, rows.numel(), dtype=rows.dtype, device=rows.device)
        seeds[torch.arange(count), torch.arange(start, start + count)] = 1
        grads = torch.autograd.grad(rows, params, grad_outputs=seeds, is_grads_batched=True, retain_graph=True,
                                    allow_unused=True)
        blocks.append(torch.cat([torch.zeros(count, p.numel(), dtype=rows.dtype, device=rows.device) if g is None
                                 else g.reshape(count, -1) for g, p in zip(grads, params)], dim=1))
        if say is not None and time.perf_counter() - said > SAY_EVERY:
            said = time.perf_counter()
            say(f"intervals: {what}, {start + count} of {rows.numel()} rows in {said - began:.0f} s")
    return torch.cat(blocks)


def sensitivity(trainables, loss, say=None) -> torch.Tensor:
    """S = ∂u_d/∂z, shape (n, p): the data's response to the learnt coefficients (module docstring).
    U S-products are taken ``ROWS_PER_PASS`` measurements at a time (u at one point does not
    depend on the others) and never held whole, so that time and memory grow with n, not n² or
    n × weights."""
    names = loss.learnt
    theta = trainables.coefficients.parameters_of(names)
    weights = trainables.weights()
    with torch.enable_grad():
        physics = loss.physics_rows(trainables)
        jacobian = _jacobian(physics, weights + theta, say, "the physics Jacobian")
    a, b = jacobian[:, :-len(theta)], jacobian[:, -len(theta):]
    left, singular, right_t = torch.linalg.svd(a, full_matrices=False)
    keep = singular > RCOND * singular[0]
    change = -right_t[keep].T @ ((left[:, keep].T @ b) / singular[keep, None])  # δw per unit of each z
    measured_x, _, columns = loss.measured
    fitted = (lambda x: trainables.network(x)) if columns is None else (lambda x: trainables.network(x)[:, columns])
    with torch.enable_grad():
        return torch.cat([_jacobian(fitted(measured_x[start:start + ROWS_PER_PASS]), weights) @ change
                          for start in range(0, measured_x.shape[0], ROWS_PER_PASS)])


def identify(trainables, loss, noise, say=None, fields: tuple = ("u",)) -> Identification:
    """Standard errors and 95 % intervals of the learnt coefficients at the trainables' current state;
    ``noise``: None (estimated) or the level of each measured field in ``fields`` (``say``: a
    function that hears progress on long Jacobians)."""
    names, coefficients = loss.learnt, trainables.coefficients
    with torch.no_grad():
        by_field = loss.data_misfit(trainables).double()
    misfit = by_field.reshape(-1)
    n, p = misfit.numel(), len(names)
    s = sensitivity(trainables, loss, say).double().cpu()
    unit_spread, determined = _spread(s)
    dof = n - determined.shape[1]  # the data fit as many numbers as they determine
    estimated = noise is None
    quantile = float(stats.t.ppf(0.975, dof)) if estimated else float(stats.norm.ppf(0.975))
    if by_field.shape[1] == 1:
        sigma = float(misfit.norm() / math.sqrt(dof)) if estimated else float(noise[0])
        spread = [sigma * se for se in unit_spread]
    else:
        sigma, spread = _whitened(s, by_field, noise, determined.shape[1], fields)
    estimates = {}
    for i, name in enumerate(names):
        spec, z = coefficients.specs[name], float(coefficients.raw[name].detach())
        value = float(coefficients.value(name).detach())
        ends = sorted(float(spec.to_value(torch.tensor(z + sign * quantile * spread[i], dtype=torch.float64)))
                      for sign in (-1, 1))  # an unbounded z-interval maps to the value's own range
        estimate = Estimate(value, spec.initial, abs(coefficients.derivative(name)) * spread[i], tuple(ends),
                            spec.exact)
        estimate.warnings = _warnings(name, spec, estimate, float(s[:, i].norm()), determined.shape[1] < p)
        estimates[name] = estimate
    result = Identification(estimates, sigma, estimated, dof, float(misfit.square().mean().sqrt()))
    if determined.shape[1] < p:
        result.combinations = _combinations(names, coefficients, s, determined)
    return result


def _whitened(s: torch.Tensor, misfit: torch.Tensor, noise, determined: int, fields: tuple) -> tuple[dict, list]:
    """Several measured fields, each with its own noise level σ_j (given, or estimated from its
    misfit with its share n_j − r·n_j/N of the degrees of freedom): Cov(z) = (S_wᵀ S_w)⁻¹ with the
    rows of S divided by their field's σ_j. Returns the levels by field and se(z)."""
    misfit = misfit.cpu()
    rows, count = misfit.shape
    if noise is None:
        share = rows - determined / count  # n_j − r·n_j/N with n_j = rows, N = rows·count
        noise = (misfit.square().sum(dim=0) / share).sqrt()
    levels = torch.as_tensor(noise, dtype=torch.float64)
    spread, _ = _spread(s / levels.repeat(rows)[:, None])
    return {f: float(level) for f, level in zip(fields, levels)}, spread


def _spread(s: torch.Tensor) -> tuple[list, torch.Tensor]:
    """se(z) of each coordinate for σ = 1, and the directions (columns, in z scaled by the columns'
    norms) that the data determine. Cov(z) = (SᵀS)⁺ on those directions; a coordinate with a part
    outside them (SᵀS is singular there: only a combination enters the data) has no finite
    standard error, never a zero one."""
    norms = s.norm(dim=0)
    scale = torch.where(norms > 0, norms, torch.ones_like(norms))
    values, vectors = torch.linalg.eigh((s / scale).T @ (s / scale))
    kept = values > RANK_TOL * values.max().clamp_min(torch.finfo(s.dtype).tiny)
    kept &= torch.isfinite(values)
    determined, undetermined = vectors[:, kept], vectors[:, ~kept]
    covariance = (determined / values[kept]) @ determined.T / scale[:, None] / scale[None, :]
    lost = undetermined.square().sum(dim=1) > UNDETERMINED
    spread = [math.inf if lost[i] or norms[i] == 0 else float(covariance[i, i].clamp_min(0).sqrt())
              for i in range(s.shape[1])]
    return spread, determined


def _combinations(names, coefficients, s: torch.Tensor, determined: torch.Tensor) -> list[str]:
    """The combinations of the learnt values that the data determine, in words: for each
    determined direction, Σ c_i v_i with c ∝ ∂u/∂v_i projected on it (largest |c| = 1)."""
    slopes = torch.tensor([coefficients.derivative(name) for name in names], dtype=torch.float64)
    found = []
    for k in range(determined.shape[1]):
        weights = determined[:, k] / torch.where(slopes != 0, slopes, torch.ones_like(slopes))
        weights = weights / weights.abs().max()
        terms = [(float(c), name) for c, name in zip(weights, names) if abs(float(c)) >= 0.01]
        shown = " + ".join(f"{name}" if abs(c - 1) < 5e-3 else f"{c:.3g}·{name}" for c, name in terms[:6])
        found.append(shown.replace("+ -", "- ") + (f" + … ({len(terms)} terms)" if len(terms) > 6 else ""))
    return found

def _warnings(name: str, spec, estimate: Estimate, response: float, confounded: bool = False) -> list[str]:
    """What a user should hear about an identified parameter; ``confounded``: the data determine
    only combinations of the parameters (said once, by :meth:`Identification.warnings`)."""
    found = []
    value, (lo, hi) = estimate.value, estimate.interval
    if response == 0:
        found.append(f"{name}: the measurements do not respond to it at all; it cannot be identified "
                     f"from these data")
    elif not math.isfinite(estimate.standard_error) and not confounded:
        found.append(f"{name}: its standard error is not finite; it cannot be identified from these data")
    if abs(value - spec.initial) <= UNMOVED * max(abs(spec.initial), 1e-300):
        found.append(f"{name} = {value:.6g} did not move from its initial value {spec.initial:g}: the data may "
                     f"not inform it (or every stage froze it)")
    bound = spec.at_bound(value)
    if bound:
        found.append(f"{name} = {value:.6g} ran into its {bound} bound {spec.bounds[bound == 'upper']:g}; the "
                     f"optimum may lie beyond it (widen the bounds)")
    if hi - lo > abs(value) and math.isfinite(estimate.standard_error):
        found.append(f"{name}: its 95 % interval [{lo:.4g}, {hi:.4g}] is wider than its value {value:.4g}; the "
                     f"data determine it poorly (more or less noisy measurements, where u responds to it)")
    return found
