"""The YAML schema as frozen dataclasses, with every default stated once, here.

``load(path)`` reads a file with ``yaml.safe_load`` and returns a validated :class:`RunConfig`;
any problem raises :class:`~pinn.core.errors.ConfigError` with one line:

    configs/p.yaml:7: network.layers[1]: got -3; expected an integer >= 1

(file, line where known, key path, the value given and what is allowed).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from pinn import problems
from pinn.app import defaults, yaml_source
from pinn.app.inverse_schema import DataConfig, check_data, names_list
from pinn.app.problem_schema import ProblemConfig, expression_text, problem_section
from pinn.app.schema import (
    Context, Parser, choice, derived, integer, mapping, number, option, section, section_list, text
)
from pinn.core import activations, expr, sampling
from pinn.core.errors import ParamError
from pinn.core.params import LearntSpec, learnt_specs
from pinn.method import constraints, penalties
from pinn.method.optimizers import OPTIMIZERS

MAX_NAME = 100


def run_name(ctx, path, value):
    text(ctx, path, value)
    if len(value) > MAX_NAME or value in (".", "..") or value.startswith("-") \
            or not all(c.isascii() and (c.isalnum() or c in "._-") for c in value):
        ctx.expect(path, value, f"a folder name of at most {MAX_NAME} letters, digits, '.', '_' and '-' "
                                f"(the run folder is outputs/<name>/)")
    return value


def device(ctx, path, value):
    if not isinstance(value, str) or not (value in ("auto", "cpu", "cuda", "mps")
                                          or (value.startswith("cuda:") and value[5:].isdigit())):
        ctx.expect(path, value, "auto, cpu, cuda, cuda:N or mps")
    return value


def widths(ctx, path, value):
    if not isinstance(value, list) or not value:
        ctx.expect(path, value, "a non-empty list of layer widths, e.g. [32, 32, 32]")
    return tuple(integer(1)(ctx, path + (i,), w) for i, w in enumerate(value))


# ---------------------------------------------------------------- schema
@dataclass(frozen=True)
class Named:
    """A registry entry chosen by name, with its validated parameters (activation, penalty)."""

    name: str
    params: Mapping = field(default_factory=dict)

    def label(self) -> str:
        """``softplus(beta=2)``, or the bare name without parameters."""
        if self.name == activations.EXPRESSION:
            return f"σ(x) = {self.params['expression']}"
        params = ", ".join(f"{k}={v:g}" for k, v in self.params.items())
        return f"{self.name}({params})" if params else self.name


def named_section(registry: Mapping, resolve_params) -> Parser:
    """Parse ``tanh`` or ``{name: softplus, beta: 2}`` against ``registry``."""
    def parse(ctx, path, value):
        if isinstance(value, str):
            value = {"name": value}
        mapping(ctx, path, value)
        if "name" not in value:
            ctx.fail(path + ("name",), f"missing; expected one of {', '.join(registry)}")
        params = {k: v for k, v in value.items() if k != "name"}
        try:
            resolved = resolve_params(value["name"], params)
        except ParamError as e:
            ctx.fail(path + (e.key,), str(e))
        return Named(value["name"], resolved)
    return parse


def activation_section(ctx, path, value):
    """A registered activation (``tanh``, ``{name: softplus, beta: 2}``) or ``{expression: ...}``."""
    if isinstance(value, dict) and "expression" in value and value.get("name", activations.EXPRESSION) == activations.EXPRESSION:
        for key in value:
            if key not in ("name", "expression"):
                ctx.fail(path + (key,), "is not allowed beside expression (an expression activation has "
                                        "no parameters; write numbers into it)")
        source = expression_text(ctx, path + ("expression",), value["expression"])
        try:
            activations.ExpressionActivation(source)
        except expr.ExpressionError as e:
            ctx.fail(path + ("expression",), f"{e}", e.caret())
        return Named(activations.EXPRESSION, {"expression": source})
    return named_section(activations.REGISTRY, activations.resolve_params)(ctx, path, value)


@dataclass(frozen=True)
class NetworkConfig:
    layers: tuple = option((32, 32, 32), widths, "hidden layer widths")
    activation: Named = option(lambda: Named("tanh"), activation_section,
                               "the body's activation: a name, {name: ..., param: ...}, or "
                               "{expression: \"x*sigmoid(x)\"}")
    hard_bc: Any = option("auto", choice("auto", True, False),
                          "satisfy Dirichlet data exactly by an output transform (auto: where possible)")
    separate: bool | None = option(None, lambda c, p, v: choice(True, False)(c, p, v) or None,
                                   "a system: one network per field (default: one network, an output per field)")
    fourier_modes: int | None = option(None, integer(1, 64),
                                       "periodic coordinates: K Fourier features cos, sin(2 pi k x/P), "
                                       "k = 1..K, in place of the coordinate (default 8)")


def auto_or(parse: Parser) -> Parser:
    return lambda ctx, path, value: value if value == defaults.AUTO else parse(ctx, path, value)


@dataclass(frozen=True)
class PointsConfig:
    interior: Any = option(defaults.AUTO, auto_or(integer(1)),
                           "interior collocation points (auto: by dimension and problem kind)")
    boundary: Any = option(defaults.AUTO, auto_or(integer(1)),
                           "points per soft boundary side (auto: 1D one per end, 2D 2·√interior)")
    sampler: str = option("sobol", choice(*sampling.SAMPLERS, sampling.ADAPTIVE),
                          "how interior points are placed; adaptive: Sobol, then redrawn where the "
                          "residual is large (RAD) during Adam stages")
    resample_every: int = option(250, integer(1), "adaptive: Adam steps between redraws")
    candidates: int = option(8192, integer(1), "adaptive: uniform candidates a redraw chooses from")


STAGE_KEYS = {name: optimizer.keys for name, optimizer in OPTIMIZERS.items()}
ALL_STAGE_KEYS = tuple(dict.fromkeys(key for keys in STAGE_KEYS.values() for key in keys))



@dataclass(frozen=True)
class StageConfig:
    optimizer: str = option(dataclasses.MISSING, choice(*OPTIMIZERS),
                            "adam, lbfgs, or bfgs (self-scaled, dense: networks up to 20000 parameters)")
    steps: int = option(dataclasses.MISSING, integer(1), "iterations in this stage")
    lr: float | None = option(None, number(greater_than=0), "learning rate (adam 1e-3, lbfgs and bfgs 1)")
    history: int = option(50, integer(1), "L-BFGS history size")
    tolerance_grad: float = option(1e-11, number(at_least=0), "(L-)BFGS stops when max |gradient| <= this")
    tolerance_change: float = option(0.0, number(at_least=0),
                                     "(L-)BFGS stops when one iteration changes the loss or a parameter by "
                                     "less than this (0: only when it changes nothing; slow progress is "
                                     "judged by min_improvement)")
    stall_window: int = option(50, integer(1), "(L-)BFGS iterations over which progress is judged")
    min_improvement: float = option(1e-3, number(at_least=0),
                                    "(L-)BFGS stops when the loss falls by less than this fraction over "
                                    "stall_window iterations (0: never)")
    params: Mapping = option(dict, mapping, "problem parameters for this stage only, e.g. a larger eps "
                                            "first (continuation); later stages start from its weights")
    mu: float | None = option(None, number(greater_than=0),
                              "obstacle problems: constraint.mu for this stage only (continuation: "
                              "raise it from stage to stage)")
    freeze: tuple = option(tuple, names_list, "inverse problems: learnt parameters held at their current "
                                              "values during this stage, e.g. [eps]")


def stages_section(ctx, path, value):
    stages = []
    for i, item, stage in section_list(StageConfig, "[{optimizer: adam, steps: 1000}]")(ctx, path, value):
        allowed = STAGE_KEYS[stage.optimizer]
        for key in ALL_STAGE_KEYS:
            if key in item and key not in allowed:
                owners = [name for name, keys in STAGE_KEYS.items() if key in keys]
                owner = (OPTIMIZERS[owners[0]].label if len(owners) == 1 else
                         f"a quasi-Newton ({', '.join(owners)})")
                ctx.fail(path + (i, key), f"is {owner} setting; this {stage.optimizer} stage takes "
                                          f"{', '.join(allowed)}, mu, params, freeze")
        if stage.lr is None:
            stage = dataclasses.replace(stage, lr=OPTIMIZERS[stage.optimizer].default_lr)
        stages.append(stage)
    return tuple(stages)




@dataclass(frozen=True)
class WeightsConfig:
    residual: float = option(1.0, number(at_least=0), "weight of the mean squared PDE residual")
    boundary: float = option(100.0, number(at_least=0), "weight of the boundary-condition terms")
    constraint: float = option(1.0, number(at_least=0), "weight of inequality-constraint terms")
    data: float = option(1.0, number(greater_than=0), "inverse problems: weight of the mean squared data misfit")
    causal: float | None = option(None, number(greater_than=0),
                                  "evolution problems: causal weighting of the residual in time, exp(-causal "
                                  "* the loss at earlier times) on 32 time slabs (Wang et al. 2024); off "
                                  "unless given")


@dataclass(frozen=True)
class TrainingConfig:
    seed: int = option(0, integer(0, 2 ** 32 - 1), "seeds weights and random points")
    device: str = option("auto", device, "auto picks CUDA when present")
    dtype: str = option("float64", choice("float32", "float64"), "floating-point precision")
    threads: Any = option("auto", lambda c, p, v: v if v == "auto" else integer(1)(c, p, v),
                          "CPU threads: auto (1 for small batches) or a number")
    points: PointsConfig = option(PointsConfig, section(PointsConfig), "collocation points")
    stages: Any = option(defaults.AUTO, auto_or(stages_section),
                         "optimiser stages, run in order (auto: the recipe for the problem's kind)")
    weights: WeightsConfig = option(WeightsConfig, section(WeightsConfig), "loss weights")
    log_every: int = option(0, integer(0), "steps between progress lines (0: about 20 lines a stage)")
    derivatives: str = option("auto", choice("auto", "taylor", "autograd"),
                              "taylor: one forward pass carries the derivatives (MLP bodies whose "
                              "activation has a closed-form jet); autograd: nested reverse mode; "
                              "auto: taylor where it applies")
    compile: bool = option(False, choice(True, False),
                           "torch.compile the Taylor derivative pass (pays on long runs: compiling "
                           "takes 8-30 s)")
    defaulted: tuple = derived()  # keys filled by pinn.app.defaults for the problem's kind
    steps_scale: float = derived(1.0)  # --steps-scale for auto stages, applied when they are chosen


@dataclass(frozen=True)
class ConstraintConfig:
    formulation: str = option("complementarity", choice(*constraints.FORMULATIONS),
                              "how u >= psi enters the loss (see pinn/method/constraints.py)")
    penalty: Named = option(lambda: Named("relu"), named_section(penalties.PENALTIES, penalties.resolve_params),
                            "the barrier penalty phi: a name, or {name: leaky, alpha: 0.01}")
    mu: float | None = option(None, number(greater_than=0),
                              "weight of the gap u - psi: the penalty weight (penalized-pde, penalty-loss; "
                              "default 1000) or the gap's scale in min(r, mu (u - psi)) (complementarity; "
                              "default 1)")

    def mu_for(self, stage: "StageConfig") -> float:
        """μ in force during ``stage``: the stage's own, else this section's, else the formulation's."""
        if stage.mu is not None:
            return stage.mu
        return self.mu if self.mu is not None else constraints.FORMULATIONS[self.formulation].default_mu


@dataclass(frozen=True)
class RunConfig:
    name: str = option(dataclasses.MISSING, run_name, "the run's name; its folder is outputs/<name>/")
    problem: ProblemConfig = option(dataclasses.MISSING, problem_section, "the problem section")
    network: NetworkConfig = option(NetworkConfig, section(NetworkConfig), "the network section")
    training: TrainingConfig = option(TrainingConfig, section(TrainingConfig), "the training section")
    constraint: ConstraintConfig | None = option(None, section(ConstraintConfig),
                                                 "obstacle problems only: formulation, penalty, mu")
    data: DataConfig | None = option(None, section(DataConfig), "inverse problems: measured values of u "
                                                                "(file, noise)")
    origin: Any = derived(None)  # the schema.Context it was parsed in: validation locates its errors there


# ---------------------------------------------------------------- loading
def _set_path(data: dict, dotted: str, value):
    *parents, last = dotted.split(".")
    for key in parents:
        data = data.setdefault(key, {})
    data[last] = value


def parse(data, source: str = "<config>", overrides: Mapping[str, Any] | None = None,
          lines: Mapping | None = None) -> RunConfig:
    """Validate an already-loaded document (overrides: dotted key -> value, e.g. training.device)."""
    ctx = Context(source, lines)
    if not isinstance(data, dict):
        ctx.expect((), data, "a mapping with keys name, problem, network, training")
    for key, value in (overrides or {}).items():
        _set_path(data, key, value)
    cfg = section(RunConfig)(ctx, (), data)
    _check_stage_params(ctx, cfg)
    cfg = check_data(ctx, _check_constraint(ctx, cfg, data.get("constraint")))
    return dataclasses.replace(cfg, origin=ctx)



def _check_constraint(ctx, cfg: RunConfig, given) -> RunConfig:
    """A constraint section belongs to problems with an inequality constraint, which always get one;
    a penalty is named only for a formulation that uses one."""
    has_constraint = problems.has_constraints(cfg.problem)
    if given is not None and not has_constraint:
        ctx.fail(("constraint",), f"is only for obstacle problems; {cfg.problem.type} has no inequality "
                                  f"constraint (remove the section)")
    for i, stage in enumerate(given_stages(cfg)):
        if stage.mu is not None and not has_constraint:
            ctx.fail(("training", "stages", i, "mu"), f"is only for obstacle problems; {cfg.problem.type} "
                                                      f"has no inequality constraint (remove it)")
    if cfg.constraint is not None and isinstance(given, dict) and "penalty" in given \
            and not constraints.FORMULATIONS[cfg.constraint.formulation].uses_penalty:
        ctx.fail(("constraint", "penalty"), f"is not used by formulation {cfg.constraint.formulation} "
                                            f"(remove it, or choose a formulation that uses a penalty)")
    if has_constraint and cfg.constraint is None:
        return dataclasses.replace(cfg, constraint=ConstraintConfig())
    return cfg if has_constraint else dataclasses.replace(cfg, constraint=None)


def _check_stage_params(ctx, cfg: RunConfig):
    """A stage freezes learnt parameters only and sets no learnt one (its ``params`` are checked
    against the problem when the stage's problem is built: pinn.app.resolve)."""
    learnt = learnt_specs(cfg.problem.params)
    for i, stage in enumerate(given_stages(cfg)):
        for j, name in enumerate(stage.freeze):
            if name not in learnt:
                ctx.fail(("training", "stages", i, "freeze", j), f"got {name!r}; expected a learnt parameter "
                                                                 f"({', '.join(learnt) or 'none is learnt'})")
        overlap = [name for name in stage.params if name in learnt]
        if overlap:
            ctx.fail(("training", "stages", i, "params", overlap[0]),
                     f"{overlap[0]} is learnt (problem.params.{overlap[0]}); a stage cannot also set it (use "
                     f"freeze: [{overlap[0]}] to hold it during a stage)")


def load(path, overrides: Mapping[str, Any] | None = None) -> RunConfig:
    """Read and validate a YAML run configuration."""
    data, lines = yaml_source.read(Path(path))
    return parse(data, str(path), overrides, lines)


def given_stages(cfg: RunConfig) -> tuple:
    """The stages written in the file (none where they are ``auto``: chosen in validation)."""
    return () if cfg.training.stages == defaults.AUTO else cfg.training.stages


def scale_steps(cfg: RunConfig, factor: float) -> RunConfig:
    """The same run with every stage's step count multiplied by ``factor`` (at least 1 step); for
    ``auto`` stages, once validation has chosen them (pinn.app.resolve)."""
    training = cfg.training
    if training.stages == defaults.AUTO:
        return dataclasses.replace(cfg, training=dataclasses.replace(training, steps_scale=training.steps_scale * factor))
    return dataclasses.replace(cfg, training=dataclasses.replace(training, stages=scaled_stages(training.stages, factor)))


def scaled_stages(stages: tuple, factor: float) -> tuple:
    return tuple(dataclasses.replace(s, steps=max(1, round(s.steps * factor))) for s in stages) if factor != 1 else stages


def to_dict(cfg) -> dict:
    """The resolved configuration as plain YAML-able data (every default filled in)."""
    def plain(value):
        if dataclasses.is_dataclass(value):
            if isinstance(value, Named):
                return {"name": value.name, **{k: plain(v) for k, v in value.params.items()}}
            if isinstance(value, StageConfig):
                keys = STAGE_KEYS[value.optimizer] + (("params",) if value.params else ()) + (
                    ("mu",) if value.mu is not None else ()) + (("freeze",) if value.freeze else ())
                return {k: plain(getattr(value, k)) for k in keys}
            if isinstance(value, LearntSpec):
                return {"learn": True, **{k: plain(v) for k, v in vars(value).items() if v is not None
                                          and v is not False}}
            # None means "not given" (an expression problem's optional keys, a robin-only a): left out
            return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                    if getattr(value, f.name) is not None and "derived" not in f.metadata}
        if isinstance(value, (tuple, list)):
            return [plain(v) for v in value]
        if isinstance(value, Mapping):
            return {k: plain(v) for k, v in value.items()}
        return value
    return plain(cfg)


# What a checkpoint's weights mean: the problem (less what it is scored against), the network, the
# constraint, and what fixes the initial weights and the points. A resume needs all of it equal.
MODEL_KEYS = {"problem": None, "network": None, "constraint": None, "training": ("seed", "dtype", "points"),
              "data": None}
# The mathematics of the run: the above, the schedule and the loss weights. Not in it: the name,
# the reference, and how the numbers are computed (device, threads, derivative path, compile, logging).
MATH_KEYS = {**MODEL_KEYS, "training": MODEL_KEYS["training"] + ("stages", "weights")}


def _digest(cfg: RunConfig, keys: Mapping) -> str:
    if cfg.training.stages == defaults.AUTO or (cfg.data is not None and cfg.data.measurements is None):
        raise ValueError("a fingerprint is taken of a resolved config (pinn.app.resolve.resolved): its auto "
                         "stages chosen, its measurements read")
    data = to_dict(cfg)
    if cfg.data is not None:  # the measurements themselves, not where the file lies
        data["data"] = {"noise": cfg.data.noise, "sha256": cfg.data.measurements.sha256}
    chosen = {}
    for part, fields in keys.items():
        value = data.get(part)
        if isinstance(value, dict):
            value = {k: v for k, v in value.items() if (fields is None or k in fields) and k != "reference"}
        chosen[part] = value
    return hashlib.sha256(json.dumps(chosen, sort_keys=True).encode()).hexdigest()


def sha256(cfg: RunConfig) -> str:
    """The configuration's fingerprint: equal for runs that compute the same mathematics."""
    return _digest(cfg, MATH_KEYS)


def model_sha256(cfg: RunConfig) -> str:
    """The fingerprint of what a checkpoint's weights mean (a resume needs it equal)."""
    return _digest(cfg, MODEL_KEYS)


def model_parts(cfg: RunConfig) -> dict[str, str]:
    """The fingerprint of each part of :data:`MODEL_KEYS`: a refused resume names what changed."""
    return {part: _digest(cfg, {part: fields}) for part, fields in MODEL_KEYS.items()}
