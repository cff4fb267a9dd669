"""``solve(config)``: the one public entry point. Config -> checks -> training -> run folder."""
from __future__ import annotations

import platform
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import torch

from . import __version__, activations, bfgs, constraints, contact, io, penalties, report, sampling, smoothness
from .config import RunConfig, load, sha256, to_dict
from .errors import ConfigError
from .losses import PinnLoss, collocation
from .network import MLP
from .progress import Progress
from .train import Trainer, resolve_device

SMALL_BATCH = 4096  # below this many points one CPU thread beats two (thread hand-off dominates)


@dataclass
class Result:
    run_dir: Path
    metrics: dict
    model: torch.nn.Module
    problem: object
    history: object
    config: RunConfig
    warnings: list
    evaluation: object  # report.Evaluation on the test grid


def activation_label(cfg: RunConfig) -> str:
    return cfg.network.activation.label()


def prepare(cfg: RunConfig, force: bool = False):
    """Build the problem and check the activation against its order; trains nothing.

    Returns (problem, activation factory, warnings). Raises SmoothnessError when refused.
    """
    import problems
    from problems.reference import resolve_kind
    problem = problems.build_from(cfg.problem)
    resolve_kind(problem, cfg.problem.reference)
    points = cfg.training.points
    if points.sampler == sampling.ADAPTIVE and points.candidates < points.interior:
        raise ConfigError(f"training.points.candidates: got {points.candidates}; expected at least "
                          f"training.points.interior ({points.interior}) for sampler: adaptive")
    _check_bfgs_size(cfg, problem.domain.dim)
    make_activation = activations.factory(cfg.network.activation.name, cfg.network.activation.params)
    warning = smoothness.require(make_activation(), problem.order,
                                 f"{activation_label(cfg)!r}", force=force)
    return problem, make_activation, [warning] if warning else []


def _check_bfgs_size(cfg: RunConfig, inputs: int):
    widths = (inputs, *cfg.network.layers, 1)
    n = sum((a + 1) * b for a, b in zip(widths, widths[1:]))  # weights and biases of the MLP
    for i, stage in enumerate(cfg.training.stages):
        if stage.optimizer == "bfgs" and n > bfgs.MAX_PARAMETERS:
            raise ConfigError(f"training.stages[{i}].optimizer: bfgs keeps a dense n×n inverse Hessian in "
                              f"float64; this network has n = {n} parameters ({8 * n * n / 1e9:.1f} GB), more "
                              f"than bfgs allows ({bfgs.MAX_PARAMETERS}); use lbfgs, or a smaller network")


@contextmanager
def _threads(setting, device: torch.device, points: int):
    before = torch.get_num_threads()
    wanted = setting if setting != "auto" else (1 if points <= SMALL_BATCH else before)
    torch.set_num_threads(wanted if device.type == "cpu" else before)
    try:
        yield
    finally:
        torch.set_num_threads(before)


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
    hard = None if cfg.network.hard_bc is False else problem.hard_dirichlet()
    if cfg.network.hard_bc is True and hard is None:
        raise ConfigError(f"network.hard_bc: got true, but {problem.name} has no Dirichlet data that an "
                          f"output transform can enforce; use auto or false")
    transform, covered = hard if hard else (None, [])
    torch.manual_seed(cfg.training.seed)
    model = MLP(problem.domain.lower, problem.domain.upper, cfg.network.layers, make_activation,
                transform, dtype=dtype, device=device).to(device=device, dtype=dtype)
    return model, [bc for bc in conditions if bc not in covered]


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


def solve(config, out_dir=None, force: bool = False, resume: bool = False,
          progress: Progress | None = None) -> Result:
    """Train a PINN for ``config`` (a RunConfig or a YAML path) and write its run folder.

    The folder is ``out_dir`` or ``outputs/<name>/``: metrics.json, solution.png, loss.png,
    config.yaml (resolved) and checkpoint.pt. Raises ConfigError (invalid input), SmoothnessError
    (activation refused before training) or DivergenceError (non-finite loss; last good weights kept).
    """
    started = time.perf_counter()
    cfg = config if isinstance(config, RunConfig) else load(config)
    progress = progress or Progress()
    problem, make_activation, warnings = prepare(cfg, force)
    for warning in warnings:
        progress.line(f"warning: {warning}")
    training = cfg.training
    device, dtype = resolve_device(training.device), getattr(torch, training.dtype)
    run_dir = Path(out_dir) if out_dir else Path("outputs") / cfg.name
    config_hash = sha256(cfg)

    model, soft_conditions = build_model(cfg, problem, make_activation, device, dtype)
    formulation = build_formulation(cfg)
    if formulation is not None:
        # learnable penalty parameters (PReLU's α) train, save and restore with the network
        model.add_module("penalty", formulation.penalty.to(device=device, dtype=dtype))
    batch = collocation(problem, soft_conditions, training.points.interior, training.points.boundary,
                        training.points.sampler, training.seed, dtype, device)
    loss = PinnLoss(problem, batch, training.weights, formulation, derivative_path(cfg, model), training.compile)

    checkpoint_path = run_dir / "checkpoint.pt"
    previous = _load_checkpoint(checkpoint_path, config_hash, device) if resume else None
    if previous is not None:
        model.load_state_dict(previous["model"])
    io.write_yaml(run_dir / "config.yaml", to_dict(cfg))

    def save(checkpoint: dict):
        io.write_torch(checkpoint_path, {**checkpoint, "config_sha256": config_hash, "pinn_version": __version__})

    points = training.points
    resample = (points.resample_every, points.candidates, training.seed) if points.sampler == sampling.ADAPTIVE else None
    trainer = Trainer(model, loss, training.stages, save, progress, training.log_every, resample,
                      _stage_problems(cfg, problem), _stage_mu(cfg))
    with _threads(training.threads, device, batch.x.shape[0]):
        compile_seconds = loss.prepare(model)
        if training.compile:
            progress.line(f"compiled the derivative pass in {compile_seconds:.1f} s (not counted as training)")
        progress.attach(model, problem, device, dtype)
        history = trainer.fit(previous)
    train_seconds = sum(s.seconds for s in history.stages)

    evaluation = report.evaluate(problem, model, device, dtype, cfg.problem.reference)
    if formulation is not None:
        evaluation.metrics.update(contact.metrics(problem, evaluation))
        evaluation.metrics.update({"formulation": formulation.name, "penalty": penalty_label(cfg),
                                   "mu": formulation.mu,
                                   **{k: float(v) for k, v in formulation.penalty.logged().items()}})
    metrics = {**evaluation.metrics,
               "train_seconds": round(train_seconds, 3),
               "derivatives": loss.derivatives, "compile_seconds": round(compile_seconds, 3),
               "stages": [vars(s) for s in history.stages],
               "problem": problem.title(), "activation": activation_label(cfg),
               "order": problem.order, "soft_conditions": [str(bc) for bc in soft_conditions],
               "device": str(device), "dtype": training.dtype, "seed": training.seed,
               "versions": {"python": platform.python_version(), "torch": torch.__version__,
                            "pinn": __version__},
               "config_sha256": config_hash}
    _write_figures(run_dir, problem, evaluation, history, run_label(cfg), loss.term_names)
    metrics["wall_seconds"] = round(time.perf_counter() - started, 3)
    io.write_json(run_dir / "metrics.json", metrics)
    return Result(run_dir, metrics, model, problem, history, cfg, warnings, evaluation)


def _stage_problems(cfg: RunConfig, problem):
    """The problem each stage trains on: the run's own, or one with that stage's params overlaid."""
    import problems
    if not any(stage.params for stage in cfg.training.stages):
        return None
    return [problems.build_from(cfg.problem, stage.params) if stage.params else problem
            for stage in cfg.training.stages]


def _stage_mu(cfg: RunConfig) -> list | None:
    """μ for each stage of an obstacle problem (None otherwise)."""
    if cfg.constraint is None:
        return None
    return [cfg.constraint.mu_for(stage) for stage in cfg.training.stages]


def _load_checkpoint(path: Path, config_hash: str, device) -> dict:
    if not path.exists():
        raise ConfigError(f"--resume: there is no checkpoint at {path}")
    checkpoint = torch.load(path, map_location=device, weights_only=False)
    if checkpoint.get("config_sha256") != config_hash:
        raise ConfigError(f"--resume: {path} was written for a different configuration "
                          f"(config_sha256 differs); resume needs the same config")
    return checkpoint


def run_label(cfg: RunConfig) -> str:
    """The activation, and for obstacle problems the formulation and penalty: figure titles."""
    label = activation_label(cfg)
    if cfg.constraint is not None:
        penalty = penalty_label(cfg)
        label += f", {cfg.constraint.formulation}" + ("" if penalty == constraints.NO_PENALTY else f" {penalty}")
    return label


def _write_figures(run_dir: Path, problem, evaluation, history, label: str, terms: list):
    logged = [name for name in terms if name == "alpha"]
    figures = {"loss.png": report.loss_figure(history, f"{problem.title()} — {label} — loss",
                                              [t for t in terms if t not in logged])}
    if logged:
        figures["penalty_alpha.png"] = contact.alpha_figure(history, f"{problem.title()} — {label}")
    obstacle = problem.has_constraints
    title = report.figure_title(problem, label, evaluation.metrics)
    if problem.domain.dim == 1:
        figures["solution.png"] = (contact.figure_1d(problem, evaluation, title) if obstacle
                                   else report.solution_figure(problem, evaluation, label))
    elif problem.domain.dim == 2:
        figures.update(report.heatmaps_2d(problem, evaluation, label))
        if obstacle:
            figures["contact.png"] = contact.figure_2d(problem, evaluation, title)
    for name, figure in figures.items():
        io.write_figure(run_dir / name, figure)
        plt.close(figure)
