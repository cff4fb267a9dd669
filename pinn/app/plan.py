"""``validate(cfg) -> Plan``: every check that can be made without training, in one place.

``pinn check`` and ``pinn solve`` both call :func:`validate`, so they never disagree: a file that
``check`` calls valid does not fail in ``solve`` before its first step. In order:

1. the problem is built (its parameters, conditions and expressions) and its order is supported;
   the config is resolved for it (``auto`` stages and points, the measurements read:
   :mod:`pinn.app.resolve`); each stage's problem and an inverse problem's truth are built — each
   problem once in a run;
2. the activation is checked against that order (:mod:`pinn.core.smoothness`);
3. the sizes: the parameter count, the memory the points need (estimated below), bfgs's dense
   matrix, adaptive sampling's candidates, the thread count;
4. the device is resolved, the network built on it, exact Dirichlet data resolved;
5. the reference solution is computed on the test grid (it must exist and be finite);
6. the loss is evaluated once at the initial weights: a NaN or infinite term there is an equation
   or data that is not finite on the domain, refused with the first such point.

Memory is estimated, not measured: each training point carries S derivative streams (u and the
partial derivatives up to the problem's order, S = C(d + k, k)) through every hidden layer, and
autograd keeps about ``SAVED_PER_STREAM`` tensors per stream and layer for the backward pass, so

    bytes ≈ N · S · Σ widths · SAVED_PER_STREAM · itemsize   (+ parameters and optimiser state).

The estimate is meant to catch the impossible (a million-wide layer, 10⁸ points), not to fit
tightly: a run is refused only when it exceeds the memory available.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from math import comb

import torch

from pinn.app import data as datafile
from pinn.app import defaults, report
from pinn.app.config import RunConfig
from pinn.app.inverse_schema import noise_levels
from pinn.app.resolve import build_problem, build_truth, resolve
from pinn.core import activations, expr, sampling, smoothness
from pinn.core.errors import ConfigError
from pinn.core.network import MLP, SeparateMLPs
from pinn.core.params import learnt_specs
from pinn.method import constraints, penalties, threads
from pinn.method.coefficients import Coefficients, LiveParams
from pinn.method.losses import PinnLoss, collocation
from pinn.method.optimizers import OPTIMIZERS
from pinn.method.trainables import Trainables
from pinn.method.train import StageSetting
from pinn.method.uncertainty import ROWS_PER_PASS
from pinn.problems.references import fem
from pinn.problems.references.bvp import resolve_kind

MIN_SIDE_POINTS = 16     # fewer on a soft 2D side leave the condition free between them
SAVED_PER_STREAM = 4     # tensors autograd keeps per stream and layer (pre-activation, σ', σ'', output)


@dataclass
class Plan:
    """What a validated run is made of; training starts from here and nothing re-reads the YAML."""

    cfg: RunConfig
    problem: object
    warnings: list             # a smoothness check overridden with --force
    notes: list                # what the user gave that looks wrong (_given): said before training
    device: torch.device
    dtype: torch.dtype
    trainables: Trainables     # the network, a learnable penalty, learnt coefficients
    soft_conditions: list
    formulation: object        # constraints.Formulation, or None
    loss: PinnLoss
    reference_kind: str
    reference_rows: list | None  # the reference on the test grid (report.reference_on_grid)
    threads: int | None        # CPU threads to train with (pinn.method.threads); None off the CPU
    memory_bytes: int          # the estimate above
    truth: object              # inverse problems: the problem at the true parameter values, where given
    settings: list             # a StageSetting per stage: its problem (continuation) and μ

    @property
    def model(self) -> MLP | SeparateMLPs:
        """The network."""
        return self.trainables.network


def activation_label(cfg: RunConfig) -> str:
    return cfg.network.activation.label()


def check_problem(cfg: RunConfig, force: bool = False):
    """Build the problem and check the activation against its order; trains nothing.

    Returns (problem, activation factory, warnings). Raises SmoothnessError when refused.
    """
    problem = build_problem(cfg)
    if problem.order > expr.MAX_ORDER:
        raise ConfigError(f"problem: {problem.title()} has order {problem.order} (a residual or a boundary "
                          f"condition with a derivative of that order); pinn handles orders up to {expr.MAX_ORDER}")
    if cfg.training.weights.causal is not None and problem.domain.time_dim is None:
        raise ConfigError(f"training.weights.causal: got {cfg.training.weights.causal:g}; causal weighting is for "
                          f"problems with a time axis, and {problem.title()} has none (remove it)")
    make_activation = activations.factory(cfg.network.activation.name, cfg.network.activation.params)
    warning = smoothness.require(make_activation(), problem.order, f"{activation_label(cfg)!r}", force=force)
    kinks = problem.initial_kinks()
    if kinks and not force:
        raise smoothness.SmoothnessError(kinks[0])
    return problem, make_activation, [*([warning] if warning else []), *kinks]


def _given(cfg: RunConfig, problem, soft: list, scored) -> list[str]:
    """Warnings about what the user gave: an exact solution that fails the equation or the data,
    measurements that disagree with it beyond their stated noise (both judged on ``scored``, the
    problem at the true parameter values; None where they are not known), extra conditions
    (problem.notes), too few points on a soft side of a 2D box."""
    found = list(problem.notes)
    if cfg.data is not None:
        found += cfg.data.measurements.notes
        if cfg.data.noise != "estimate":
            found += datafile.contradictions(cfg.data.measurements, noise_levels(cfg.data), problem.domain.names)
    if scored is not None:
        found += [*scored.data_mismatches(), *_measurements_against_exact(cfg, scored)]
    box = problem.domain.test_triangles is None  # on a shape, the count is the whole boundary's
    if problem.domain.dim > 1 and box and soft and cfg.training.points.boundary < MIN_SIDE_POINTS:
        found.append(f"training.points.boundary: {cfg.training.points.boundary} points on each soft side of a 2D "
                     f"box cannot hold a condition along it ({soft[0]}); use auto (2·√interior) or at least "
                     f"{MIN_SIDE_POINTS}")
    return found


def _measurements_against_exact(cfg: RunConfig, problem) -> list[str]:
    """Measurements whose misfit to the exact solution is over 3 times the noise level given
    (a wrong file, units or true value: the interval would be computed for the wrong data); a
    system's judged field by field."""
    if cfg.data is None or cfg.data.noise == "estimate" or not problem.has_exact:
        return []
    measured, levels = cfg.data.measurements, noise_levels(cfg.data)
    exact = problem.exact(torch.as_tensor(measured.x, dtype=torch.float64)).detach().numpy()
    columns = [problem.fields.index(f) for f in measured.fields] if problem.is_system else [0]
    rms = ((exact.reshape(len(measured.x), -1)[:, columns] - measured.values) ** 2).mean(axis=0) ** 0.5
    found = []
    for f, misfit, level in zip(measured.fields, rms, levels):
        if misfit > 3 * level:
            which = f" of {f}" if problem.is_system else ""
            found.append(f"data.file: the measurements{which} differ from problem.exact by {misfit:.3g} (rms), "
                         f"{misfit / level:.1f} times the noise level given ({level:g}): the file, its units, the "
                         f"noise level or the true values in params disagree")
    return found


def memory_estimate(cfg: RunConfig, problem) -> int:
    """Bytes a training step needs, roughly (see the module docstring)."""
    d, training = problem.domain.dim, cfg.training
    itemsize = 8 if training.dtype == "float64" else 4
    points = training.points
    boundary = 2 * d * points.boundary
    largest = max(points.interior + boundary,
                  points.candidates if points.sampler == sampling.ADAPTIVE else 0,
                  math.prod(problem.domain.test_shape()))
    n = defaults.parameter_count(cfg.network, problem)
    optimiser = max(2 * n, *(OPTIMIZERS[s.optimizer].state_numbers(n, s) for s in training.stages))
    data = cfg.data.measurements.count if cfg.data is not None else 0
    per_point = sum(cfg.network.layers) * SAVED_PER_STREAM * itemsize
    return int(largest * streams(problem) * per_point + data * per_point + (4 * n + optimiser) * 8
               + interval_memory(cfg, problem))


def interval_memory(cfg: RunConfig, problem) -> int:
    """Bytes the learnt parameters' intervals need after training (:mod:`pinn.method.uncertainty`): the
    physics Jacobian (R rows × n weights) and its SVD, about three such matrices, and one batched
    backward pass over the R rows per ``ROWS_PER_PASS`` of them; the data's Jacobian is taken a
    few rows at a time (D × p numbers kept). 0 without learnt parameters."""
    learnt = learnt_specs(cfg.problem.params)
    if not learnt or cfg.data is None:
        return 0
    points = cfg.training.points
    rows = points.interior + 2 * problem.domain.dim * points.boundary
    n = defaults.parameter_count(cfg.network, problem) + len(learnt)
    itemsize = 8 if cfg.training.dtype == "float64" else 4
    batched = ROWS_PER_PASS * rows * streams(problem) * sum(cfg.network.layers) * SAVED_PER_STREAM * itemsize
    return 3 * rows * n * 8 + cfg.data.measurements.count * len(learnt) * 8 + batched


def available_memory(device: torch.device) -> int | None:
    """Bytes free for this run on ``device`` (None where it cannot be told)."""
    if device.type == "cuda":
        return torch.cuda.mem_get_info(device)[0]
    try:
        with open("/proc/meminfo") as f:
            info = dict(line.split(":", 1) for line in f)
        return int(info["MemAvailable"].split()[0]) * 1024
    except (OSError, KeyError, ValueError):
        try:
            return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (ValueError, OSError, AttributeError):
            return None


def _check_sizes(cfg: RunConfig, problem, device: torch.device) -> int:
    n = defaults.parameter_count(cfg.network, problem)
    for i, stage in enumerate(cfg.training.stages):
        optimizer = OPTIMIZERS[stage.optimizer]
        if optimizer.max_parameters is not None and n > optimizer.max_parameters:
            raise ConfigError(f"training.stages[{i}].optimizer: {stage.optimizer} {optimizer.size_reason}; this "
                              f"network has n = {n} parameters ({8 * optimizer.state_numbers(n, stage) / 1e9:.1f} "
                              f"GB), more than {stage.optimizer} allows ({optimizer.max_parameters}); use lbfgs, "
                              f"or a smaller network")
    need, free = memory_estimate(cfg, problem), available_memory(device)
    count = cfg.data.measurements.count if cfg.data is not None else 0
    per_row = sum(cfg.network.layers) * SAVED_PER_STREAM * (8 if cfg.training.dtype == "float64" else 4)
    if free is not None and need > free and count * per_row > need / 2:  # the measurements are most of it
        fits = max(0, int((free - (need - count * per_row)) / per_row))
        raise ConfigError(f"data.file: {count} measurements need about {_gb(count * per_row)} of memory on "
                          f"{device} in training (layers {list(cfg.network.layers)}), the run {_gb(need)} in all, "
                          f"and {_gb(free)} is available; use at most about {fits} of them (a subsample of "
                          f"the file), or smaller layers (network.layers)")
    if free is not None and need > free:
        points = cfg.training.points
        raise ConfigError(f"training: this run needs about {_gb(need)} of memory on {device} ({n} network "
                          f"parameters, {points.interior} interior points, layers {list(cfg.network.layers)}), "
                          f"and {_gb(free)} is available; use fewer points (training.points) or smaller "
                          f"layers (network.layers)")
    return need


def _gb(size: int) -> str:
    return f"{size / 1e9:.3g} GB" if size < 1e15 else f"{size:.2g} bytes"


def _threads(cfg: RunConfig, problem, device: torch.device, points: int) -> int | None:
    if device.type != "cpu":
        return None
    setting, cores = cfg.training.threads, os.cpu_count() or 1
    if setting != "auto" and setting > cores:
        raise ConfigError(f"training.threads: got {setting}; this machine has {cores} CPU cores (use auto, "
                          f"or a number up to {cores})")
    return threads.choose(setting, torch.get_num_threads(), points * streams(problem), cores)


def streams(problem) -> int:
    """u and its partial derivatives up to the problem's order: C(d + k, k)."""
    return comb(problem.domain.dim + problem.order, problem.order)


def resolve_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ConfigError(f"training.device: got {name!r}, but this torch build sees no CUDA device "
                              f"(torch {torch.__version__}); use auto or cpu")
        index = int(name.split(":")[1]) if ":" in name else 0
        if index >= torch.cuda.device_count():
            raise ConfigError(f"training.device: got {name!r}; this machine has "
                              f"{torch.cuda.device_count()} CUDA device(s)")
    if name == "mps" and not (hasattr(torch.backends, "mps") and torch.backends.mps.is_available()):
        raise ConfigError("training.device: got 'mps', but MPS is not available; use auto or cpu")
    return torch.device(name)


def derivative_path(cfg: RunConfig, model) -> str:
    """``training.derivatives`` resolved to "taylor" or "autograd" for this network."""
    wanted, compile_ = cfg.training.derivatives, cfg.training.compile
    if wanted == "autograd" and compile_:
        raise ConfigError("training.compile: got true with training.derivatives: autograd; compiling "
                          "applies to the Taylor path (derivatives: auto or taylor)")
    if not model.has_jet and (wanted == "taylor" or compile_):
        key = "training.derivatives: got 'taylor'" if wanted == "taylor" else "training.compile: got true"
        raise ConfigError(f"{key}, but activation {activation_label(cfg)!r} has no closed-form derivatives "
                          f"(tanh, sin and softplus have); use derivatives: auto or autograd")
    return "taylor" if wanted != "autograd" and model.has_jet else "autograd"


def build_model(cfg: RunConfig, problem, make_activation, device, dtype):
    """The network and the boundary conditions left to the loss (those not enforced exactly)."""
    conditions = problem.conditions
    hard = problem.hard_dirichlet(exact=cfg.network.hard_bc is not False)
    if cfg.network.separate and not problem.is_system:
        raise ConfigError("network.separate: got true, but the problem has one field; it is for a system "
                          "(problem.fields), one network per field; remove it")
    if cfg.network.hard_bc is True and hard is None:
        dirichlet = [str(bc.side) for bc in conditions if type(bc).__name__ == "Dirichlet"]
        need = ("u(x, t0) given, Dirichlet ends that agree with it at t0, and one space dimension"
                if problem.domain.time_dim is not None else
                "Dirichlet data at one end or both" if problem.domain.dim == 1 else
                "Dirichlet data on all four sides that agree at the corners")
        raise ConfigError(f"network.hard_bc: got true, but an output transform needs {need}, and "
                          f"{problem.title()} has it on " + (", ".join(dirichlet) or "none")
                          + "; use auto (exact where possible, the rest as loss terms) or false")
    transform, covered = hard if hard else (None, [])
    periodic = problem.periodic_axes()
    covered = [*covered, *(bc for bc in conditions if getattr(bc, "exact_by_network", False))]
    torch.manual_seed(cfg.training.seed)

    def mlp(outputs: int, positive: list, transform=None) -> MLP:
        return MLP(problem.domain.lower, problem.domain.upper, cfg.network.layers, make_activation, transform,
                   out_dim=outputs, dtype=dtype, device=device, periodic=periodic, positive=positive,
                   modes=defaults.fourier_modes(cfg.network, problem))
    if cfg.network.separate:  # drawn one after the other from the seed
        model = SeparateMLPs([mlp(1, [0] if f in problem.positive else []) for f in problem.fields], transform)
    else:
        model = mlp(len(problem.fields), [problem.fields.index(f) for f in problem.positive], transform)
    return model.to(device=device, dtype=dtype), [bc for bc in conditions if bc not in covered]


def penalty_label(cfg: RunConfig) -> str:
    """The penalty as it is reported: NO_PENALTY for a formulation that uses none."""
    uses = constraints.FORMULATIONS[cfg.constraint.formulation].uses_penalty
    return cfg.constraint.penalty.label() if uses else constraints.NO_PENALTY


def build_formulation(cfg: RunConfig):
    """The obstacle formulation with its penalty, or None for problems without a constraint."""
    if cfg.constraint is None:
        return None
    penalty = penalties.build(cfg.constraint.penalty.name, cfg.constraint.penalty.params)
    return constraints.FORMULATIONS[cfg.constraint.formulation](penalty, cfg.constraint.mu_for(cfg.training.stages[0]))


def validate(cfg: RunConfig, force: bool = False, solve_reference: bool = True) -> Plan:
    """Every check short of training (module docstring); the run's parts, built and ready. With
    ``solve_reference`` False (``pinn check``) a finite-element reference is chosen but not solved
    (its rows None): it takes seconds to minutes, and only a run scores against it."""
    problem, make_activation, warnings = check_problem(cfg, force)
    cfg = resolve(cfg, problem)
    training = cfg.training
    device, dtype = resolve_device(training.device), getattr(torch, training.dtype)
    memory = _check_sizes(cfg, problem, device)
    learnt = learnt_specs(cfg.problem.params)
    truth = build_truth(cfg)
    scored = truth if learnt else problem  # the live problem's exact would use a guessed parameter
    kind = resolve_kind(scored, cfg.problem.reference) if scored is not None else "none"
    rows = report.reference_on_grid(scored, kind) if scored is not None and (solve_reference or kind != fem.NAME) \
        else None
    model, soft_conditions = build_model(cfg, problem, make_activation, device, dtype)
    formulation = build_formulation(cfg)
    # learnable penalty parameters (PReLU's α) and learnt coefficients train, save and restore with
    # the network; the problem reads the coefficients live
    trainables = Trainables(model, formulation.penalty.to(device=device, dtype=dtype) if formulation else None,
                            Coefficients(learnt, dtype, device) if learnt else None)
    bind_learnt(problem, trainables)
    points = training.points
    batch = collocation(problem, soft_conditions, points.interior, points.boundary, points.sampler,
                        training.seed, dtype, device)
    measured = None
    if cfg.data is not None:
        found = cfg.data.measurements
        measured = (torch.as_tensor(found.x, dtype=dtype, device=device),
                    torch.as_tensor(found.values, dtype=dtype, device=device),
                    [problem.fields.index(f) for f in found.fields] if problem.is_system else None)
    loss = PinnLoss(problem, batch, training.weights, formulation, derivative_path(cfg, model), training.compile,
                    measured, tuple(learnt))
    if learnt:
        loss.make_relative()
    where = loss.nonfinite_terms(trainables)
    if where is not None:
        cause = ("the equation or its data are too large there (a parameter or a source of 1e150 or "
                 "more?)" if "overflows" in where else
                 "the equation or its data are not finite there (a square root or logarithm of a negative "
                 "number, an overflow, a division by zero?)")
        raise ConfigError(f"problem: with the initial network {where}; {cause}")
    return Plan(cfg, problem, warnings, _given(cfg, problem, soft_conditions, scored), device, dtype, trainables,
                soft_conditions, formulation, loss, kind, rows, _threads(cfg, problem, device, batch.x.shape[0]),
                memory, truth, stage_settings(cfg, problem, trainables))


def stage_settings(cfg: RunConfig, problem, trainables: Trainables) -> list[StageSetting]:
    """What each stage hands the loss: where any stage sets ``params``, every stage's problem (the
    run's own, or one with that stage's params overlaid, built here once each); for obstacle
    problems each stage's μ."""
    stages = cfg.training.stages
    made = [build_problem(cfg, stage.params, i) if stage.params else problem for i, stage in enumerate(stages)]
    for stage_problem in made:
        bind_learnt(stage_problem, trainables)
    continuation = any(stage.params for stage in stages)
    return [StageSetting(made[i] if continuation else None,
                         cfg.constraint.mu_for(stage) if cfg.constraint is not None else None)
            for i, stage in enumerate(stages)]


def bind_learnt(problem, trainables: Trainables):
    """Make ``problem`` read its learnt parameters from ``trainables.coefficients`` (a live tensor each)."""
    coefficients = trainables.coefficients
    if coefficients is not None and not isinstance(problem.params, LiveParams):
        problem.params = LiveParams(problem.params, coefficients)
