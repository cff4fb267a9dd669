"""Training: optimiser stages in order (Adam, then L-BFGS or BFGS), with a guard against divergence.

* Loss terms are collected on the device and checked for NaN/inf every ``log_every`` steps, so a
  GPU is not synchronised on every step. A model snapshot is kept at each good check; a
  non-finite loss restores it, saves it as the checkpoint and raises DivergenceError.
* Quasi-Newton stages (L-BFGS, BFGS) run in chunks of ``stall_window`` iterations (the optimiser
  keeps its curvature between calls). A chunk that makes fewer iterations than asked tells why it
  stopped, and the stage records it; a chunk that lowers the loss by less than ``min_improvement``
  (relative) ends the stage, because L-BFGS on a PINN loss tends to crawl for thousands of
  iterations once it reaches its floor.
* Every evaluation goes through one :class:`~pinn.method.closure.Closure` (Adam steps, quasi-Newton
  iterations, each stage's final values); what a stage changes in the loss (its problem, μ, the
  redrawn points) is handed over by ``PinnLoss.use``, from the :class:`StageSetting` list.
* Stage times exclude building the optimiser (the first one in a process imports torch._dynamo,
  about 2.5 s on a 2-core CPU, which is not training).
* A stop request (Ctrl-C, SIGTERM: :mod:`pinn.method.interrupt`) is honoured after a whole Adam step
  or quasi-Newton iteration. The checkpoint then holds everything the rest of the run depends on
  (weights, optimiser state, step, the stall test's chunk state, history, points, elapsed time),
  so ``--resume`` ends with the same numbers as a run that was never stopped.
"""
from __future__ import annotations

import copy
import math
import time
from dataclasses import asdict, dataclass, field
from typing import Callable, Sequence

import torch

from pinn.core.errors import DivergenceError
from pinn.method.closure import Closure
from pinn.method.interrupt import NEVER, Interrupted, StopRequest
from pinn.method.monitor import Monitor, format_terms
from pinn.method.optimizers import OPTIMIZERS, FirstOrder
from pinn.method.quasi_newton import QuasiNewton
from pinn.method.stop import StopReason


@dataclass(frozen=True)
class StageSetting:
    """What a stage hands the loss when it starts: its problem (continuation in a parameter, each
    stage starting from the weights the previous one left) and the constraint weight μ; None keeps
    what the loss has."""

    problem: object = None
    mu: float | None = None


@dataclass
class StageRecord:
    optimizer: str
    steps: int
    seconds: float
    final: dict
    stop_reason: str
    params: dict = field(default_factory=dict)  # the stage's problem parameters, where it set any
    mu: float | None = None  # the constraint weight in force (obstacle problems)


@dataclass
class History:
    """Loss terms (unweighted) against global step, and one record per finished stage."""

    steps: list = field(default_factory=list)
    terms: dict = field(default_factory=dict)
    stages: list = field(default_factory=list)
    stage_starts: list = field(default_factory=list)

    def record(self, step: int, names: Sequence[str], values: Sequence[float]):
        self.steps.append(step)
        for name, value in zip(names, values):
            self.terms.setdefault(name, []).append(float(value))

    def to_dict(self) -> dict:
        return {"steps": self.steps, "terms": self.terms, "stage_starts": self.stage_starts,
                "stages": [asdict(s) for s in self.stages]}

    @classmethod
    def from_dict(cls, data: dict) -> "History":
        return cls(data["steps"], data["terms"], [StageRecord(**s) for s in data["stages"]],
                   data["stage_starts"])


def _finite(values: torch.Tensor, trainables) -> bool:
    return bool(torch.isfinite(values).all()) and all(bool(torch.isfinite(p).all()) for p in trainables.parameters())


@dataclass
class Position:
    """Where training stands: the stage, the steps made in it, and for quasi-Newton stages the
    stall test's state (the step its current chunk began at, the loss there, the loss at the
    previous chunk's start). With the weights and the optimiser state this is all the rest of
    the run depends on."""

    stage: int = 0
    step: int = 0
    chunk_start: int | None = None
    chunk_loss: float | None = None
    previous_chunk_loss: float | None = None
    seconds: float = 0.0  # training time already spent in this stage (before a resume)


class Trainer:
    """Runs the stages of ``stages`` (config.StageConfig) on ``trainables``
    (:class:`pinn.method.trainables.Trainables`) minimising ``loss``.

    ``save(checkpoint)`` receives a dict (model, position, optimizer state, history, points,
    complete) at the end of each stage and whenever training stops early. ``resample`` =
    (every, candidates, seed) redraws the loss's interior points every ``every`` Adam steps
    (``sampler: adaptive``); quasi-Newton stages keep the points fixed, since their curvature
    assumes one loss.
    ``settings`` (a :class:`StageSetting` per stage, or None) are handed to the loss as each stage
    starts. ``stop`` is asked after every whole step. ``closure`` evaluates and differentiates the
    loss (:mod:`pinn.method.closure`).
    """

    def __init__(self, trainables, loss, stages, save: Callable[[dict], None], progress: Monitor,
                 log_every: int = 0, resample: tuple[int, int, int] | None = None,
                 settings: list[StageSetting] | None = None, stop: StopRequest = NEVER):
        self.trainables, self.loss, self.stages, self.save = trainables, loss, stages, save
        self.settings = settings or [StageSetting()] * len(stages)
        self.closure = Closure(loss, trainables)
        self.progress, self.log_every, self.resample, self.stop = progress, log_every, resample, stop
        self.names = loss.term_names
        self.history = History()
        self._good = None  # (trainables' state, optimizer state, step) at the last finite check

    def _interval(self, steps: int) -> int:
        return self.log_every or max(1, math.ceil(steps / 20))

    def _checkpoint(self, position: Position, optimizer_state: dict | None, complete: bool = False) -> dict:
        kind = self.stages[position.stage].optimizer if optimizer_state is not None else None
        return {"model": self.trainables.state_dict(), "position": asdict(position), "optimizer": optimizer_state,
                "optimizer_kind": kind, "history": self.history.to_dict(),
                "points": self.loss.batch.x.detach().cpu(), "complete": complete}

    def _keep_good(self, step: int, optimizer):
        self._good = (copy.deepcopy(self.trainables.state_dict()), copy.deepcopy(optimizer.state_dict()), step)

    def _diverged(self, stage: int, step: int, seconds: float, restore: bool = True):
        """Save the last finite state with its own step and raise DivergenceError with a likely cause."""
        good_step, optimizer_state = step, None
        if restore and self._good is not None:
            model_state, optimizer_state, good_step = self._good
            self.trainables.load_state_dict(model_state)
        self.save(self._checkpoint(Position(stage, good_step, seconds=seconds), optimizer_state))
        optimizer = self.stages[stage].optimizer
        cause = self.loss.nonfinite_terms(self.trainables)
        advice = (f"at the last good weights {cause}: the problem itself is not finite there "
                  f"(check the equation, its data and its parameters)" if cause else
                  "at the last good weights every term is finite, so the optimiser's step led there: "
                  + ("lower this stage's lr, " if isinstance(OPTIMIZERS[optimizer], FirstOrder) else "")
                  + "use float64, or raise the boundary weight")
        raise DivergenceError(
            f"training diverged in stage {stage + 1} ({optimizer}) after step {good_step}: the loss became "
            f"NaN or infinite; {advice}. The last good state (step {good_step}) is in the checkpoint; "
            f"--resume continues from it (a changed lr is allowed)")

    def _interrupted(self, position: Position, optimizer_state: dict | None):
        self.save(self._checkpoint(position, optimizer_state))
        self.progress.line("")
        raise Interrupted(f"interrupted in stage {position.stage + 1} ({self.stages[position.stage].optimizer}) "
                          f"at step {position.step}; "
                          f"the state was saved: run again with --resume to continue")

    def _evaluate(self) -> dict:
        value = self.closure(differentiate=False)
        return {n: float(value.terms[n].detach()) for n in self.names}

    def fit(self, resume: dict | None = None) -> History:
        """Train (all of it, or the rest of a checkpointed run) and return the history."""
        position, opt_state = Position(), None
        if resume is not None:
            self.history = History.from_dict(resume["history"])
            self.loss.use(points=resume["points"])
            position, opt_state = Position(**resume["position"]), resume["optimizer"]
            if position.stage < len(self.stages) and resume.get("optimizer_kind") != self.stages[position.stage].optimizer:
                opt_state = None  # the schedule changed under a resume: this stage's optimiser starts afresh
        for index in range(position.stage, len(self.stages)):
            stage = self.stages[index]
            if index != position.stage:
                position = Position(index)
            if self.stop.requested:  # a signal during the last stage's final evaluation or save
                self._interrupted(position, opt_state)
            if position.step == 0 and position.chunk_start is None:
                self.history.stage_starts.append(self.history.steps[-1] + 1 if self.history.steps else 0)
            setting = self.settings[index]
            self.loss.use(problem=setting.problem, mu=setting.mu)
            optimizer, opt_state = self._optimizer_for(stage, opt_state), None
            first_order = isinstance(OPTIMIZERS[stage.optimizer], FirstOrder)
            if first_order:
                self._keep_good(position.step, optimizer)
            run = self._adam_stage if first_order else self._quasi_newton_stage
            steps, reason, seconds = run(index, stage, position, optimizer)
            final = self._evaluate()
            self.history.stages.append(StageRecord(stage.optimizer, steps, seconds, final, str(reason),
                                                   dict(stage.params), setting.mu))
            settings = {**stage.params, **({"mu": stage.mu} if stage.mu is not None else {})}
            label = stage.optimizer + "".join(f" {k}={v:g}" for k, v in settings.items())
            self.progress.line(f"{label:<6} {steps} steps in {seconds:.1f} s, {reason}; "
                               f"{format_terms(final)}")
            complete = index == len(self.stages) - 1
            self.save(self._checkpoint(Position(index + 1), None, complete))
        return self.history

    def _optimizer_for(self, stage, state: dict | None):
        optimizer = self._build_optimizer(stage)
        if state:
            optimizer.load_state_dict(state)
            optimizer.param_groups[0]["lr"] = stage.lr  # a resume may lower it (after a divergence)
        return optimizer

    def _log_block(self, index: int, stage, step: int, block: torch.Tensor, first_global: int, started,
                   seconds: float, optimizer=None):
        """Record a block of loss rows ending at ``step``; check it. Adam passes its ``optimizer``
        to keep a snapshot to return to; a quasi-Newton iterate is finite whenever it is accepted,
        so there the current state is the last good one."""
        if not _finite(block, self.trainables):
            self._diverged(index, step, seconds, restore=optimizer is not None)
        for offset, row in enumerate(block.tolist()):
            self.history.record(first_global + offset, self.names, row)
        if optimizer is not None:
            self._keep_good(step, optimizer)
        self.progress.update(stage.optimizer, step, stage.steps, dict(zip(self.names, block[-1].tolist())),
                             started)

    def _build_optimizer(self, stage):
        return OPTIMIZERS[stage.optimizer].build(self.trainables.moved(stage.freeze), stage)

    def _adam_stage(self, index: int, stage, position: Position, optimizer):
        interval, pending, started = self._interval(stage.steps), [], time.perf_counter()
        elapsed = lambda: position.seconds + time.perf_counter() - started
        base = self.history.stage_starts[-1]

        def flush(step: int):
            if pending:
                self._log_block(index, stage, step, torch.stack(pending).cpu(), base + step - len(pending),
                                started, elapsed(), optimizer)
                pending.clear()

        for step in range(position.step, stage.steps):
            value = self.closure()
            optimizer.step()
            pending.append(torch.stack([value.terms[n].detach() for n in self.names]))
            if self.resample and (step + 1) % self.resample[0] == 0 and step + 1 < stage.steps:
                _, candidates, seed = self.resample
                self.loss.use(points=self.loss.resample(self.trainables, candidates, seed + base + step + 1))
            if (step + 1) % interval == 0 or step + 1 == stage.steps or self.stop.requested:
                flush(step + 1)
            if self.stop.requested and step + 1 < stage.steps:
                self._interrupted(Position(index, step + 1, seconds=elapsed()), optimizer.state_dict())
        return stage.steps, StopReason.MAX_STEPS, elapsed()

    def _quasi_newton_stage(self, index: int, stage, position: Position, optimizer: QuasiNewton):
        at_start: list = []

        def closure():
            value = self.closure()
            if not at_start:  # each step() call first evaluates the current iterate
                at_start.append((torch.stack([value.terms[n].detach() for n in self.names]),
                                 value.total.detach()))
            return value.total

        started, done = time.perf_counter(), position.step
        elapsed = lambda: position.seconds + time.perf_counter() - started
        chunk_start = done if position.chunk_start is None else position.chunk_start
        chunk_loss, previous = position.chunk_loss, position.previous_chunk_loss
        base = self.history.stage_starts[-1]
        here = lambda: Position(index, done, chunk_start, chunk_loss, previous, elapsed())
        while done < stage.steps:
            if done == chunk_start and self.stop.requested:
                self._interrupted(here(), optimizer.state_dict())
            optimizer.param_groups[0]["max_iter"] = min(chunk_start + stage.stall_window, stage.steps) - done
            at_start.clear()
            optimizer.step(closure, lambda: self.stop.requested)
            terms, total = at_start[0]
            if done == chunk_start:  # a resumed chunk's re-evaluation is not a new row
                self._log_block(index, stage, done, terms[None].cpu(), base + done, started, elapsed())
                chunk_loss = float(total)
            done += optimizer.iterations
            if optimizer.stop_reason == StopReason.REQUESTED:
                self._interrupted(here(), optimizer.state_dict())
            if optimizer.stop_reason == StopReason.LINE_SEARCH and optimizer.saw_nonfinite:
                self._diverged(index, done, elapsed(), restore=False)
            if optimizer.stop_reason != StopReason.MAX_STEPS:
                return done, optimizer.stop_reason, elapsed()
            if previous is not None and chunk_loss > (1 - stage.min_improvement) * previous:
                return done, StopReason.SLOW, elapsed()
            previous, chunk_start, chunk_loss = chunk_loss, done, None
        return done, StopReason.MAX_STEPS, elapsed()
