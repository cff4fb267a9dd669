"""``solve(config)``: the one public entry point. Config -> validate -> train -> report -> run folder.

Nothing after training may lose what training did: the checkpoint is written before anything is
scored, a failure while scoring or drawing is reported without discarding the model, and
``--resume`` on a finished run scores it again without training. An interrupt (Ctrl-C, SIGTERM)
before training leaves the folder as it was; during training it saves a consistent state
(:mod:`pinn.method.interrupt`); after training it leaves the complete checkpoint.
"""
from __future__ import annotations

import platform
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib.pyplot as plt
import torch

from pinn import __version__
from pinn.app import (body_report, contact, defaults, export, inverse_report, report, run_folder, shape_report,
                      system_report)
from pinn.app.config import RunConfig, load, model_parts, model_sha256, sha256, to_dict
from pinn.app.findings import findings as problem_findings
from pinn.app.plan import Plan, activation_label, penalty_label, validate
from pinn.app.progress import Progress
from pinn.core import files, sampling
from pinn.core.errors import ConfigError, DivergenceError, PinnError
from pinn.method import checkpoint, constraints
from pinn.method.interrupt import Interrupted, StopRequest
from pinn.method.train import History, Trainer

METRICS = "metrics.json"


class ReportError(PinnError):
    """Training finished and was saved, but scoring the model failed."""

    exit_code = 5


@dataclass
class Result:
    run_dir: Path
    metrics: dict
    model: torch.nn.Module  # the network
    problem: object
    history: object
    config: RunConfig
    warnings: list
    evaluation: object  # report.Evaluation on the test grid
    summary: list = field(default_factory=list)  # the problem's own lines for the terminal
    trainables: object = None  # pinn.method.trainables.Trainables: the network and what trains with it


@contextmanager
def _threads(wanted: int | None):
    before = torch.get_num_threads()
    torch.set_num_threads(wanted or before)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _run_folder(cfg: RunConfig, out_dir) -> Path:
    run_dir = Path(out_dir) if out_dir else Path("outputs") / cfg.name
    if run_dir.exists() and not run_dir.is_dir():
        raise ConfigError(f"--out: {run_dir} exists and is not a folder; a run folder is a directory")
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ConfigError(f"--out: cannot make the run folder {run_dir} ({e.strerror})") from None
    return run_dir


def solve(config, out_dir=None, force: bool = False, resume: bool = False,
          progress: Progress | None = None) -> Result:
    """Train a PINN for ``config`` (a RunConfig or a YAML path) and write its run folder.

    The folder is ``out_dir`` or ``outputs/<name>/``: metrics.json, solution.png, loss.png,
    config.yaml (resolved) and checkpoint.pt. Raises ConfigError (invalid input), SmoothnessError
    (activation refused before training), DivergenceError (non-finite loss; last good state kept),
    Interrupted (a signal; the state is kept) or ReportError (trained and saved, not scored).
    """
    started = time.perf_counter()
    cfg = config if isinstance(config, RunConfig) else load(config)
    progress = progress or Progress()
    stop, phase = StopRequest(), {"trained": False}
    with stop.installed():
        try:
            plan = validate(cfg, force)
            for warning in plan.warnings + plan.notes:
                progress.line(f"warning: {warning}")
            chosen = defaults.describe(plan.cfg.training, plan.problem)
            if chosen:
                progress.line(chosen)
            run_dir = _run_folder(cfg, out_dir)
            with run_folder.lock(run_dir):
                try:
                    return _run(plan, run_dir, resume, progress, stop, phase, started)
                finally:
                    progress.close()
        except KeyboardInterrupt:
            progress.close()
            if phase["trained"]:
                raise Interrupted("interrupted after training: the trained model is saved in checkpoint.pt; "
                                  "run again with --resume to write the report without training") from None
            raise Interrupted("interrupted before training started; nothing was trained or changed") from None


def _run(plan: Plan, run_dir: Path, resume: bool, progress: Progress, stop: StopRequest, phase: dict,
         started: float) -> Result:
    cfg, trainables, loss, training = plan.cfg, plan.trainables, plan.loss, plan.cfg.training
    fingerprints = {"model_sha256": model_sha256(cfg), "config_sha256": sha256(cfg), "model_parts": model_parts(cfg)}
    checkpoint_path = run_dir / run_folder.CHECKPOINT
    previous = None
    if resume:
        previous, changed = checkpoint.load(checkpoint_path, plan.device, fingerprints)
        try:
            trainables.load_state_dict(previous["model"])
        except RuntimeError:
            raise ConfigError(f"--resume: the weights in {checkpoint_path} do not fit this network; remove the "
                              f"checkpoint to train from the start") from None
        if training.threads == "auto" and plan.device.type == "cpu" and previous.get("threads"):
            plan.threads = previous["threads"]  # the count the run started with: the same last bits
        position = previous["position"]
        if changed:
            progress.line("note: the stages or loss weights differ from the checkpoint's; " + (
                "it holds a finished run, which is scored as it is (train without --resume to use them)"
                if previous["complete"] else f"training goes on at stage {position['stage'] + 1}, step "
                                             f"{position['step']}, under the new ones"))
    run_folder.clear_results(run_dir, keep_checkpoint=resume)
    files.write_yaml(run_dir / "config.yaml", to_dict(cfg))

    points = training.points
    resample = (points.resample_every, points.candidates, training.seed) if points.sampler == sampling.ADAPTIVE else None
    trainer = Trainer(trainables, loss, training.stages,
                      lambda state: checkpoint.save(checkpoint_path, {**state, "threads": plan.threads},
                                                    fingerprints, __version__),
                      progress, training.log_every, resample, plan.settings, stop)
    compile_seconds = 0.0
    with _threads(plan.threads):
        if previous is not None and previous["complete"]:
            history = History.from_dict(previous["history"])
            progress.line("the checkpoint holds a finished run: scoring it without training")
        else:
            compile_seconds = loss.build_taylor(trainer.closure)
            if training.compile:
                progress.line(f"compiled the derivative pass in {compile_seconds:.1f} s (not counted as training)")
            progress.attach(plan.model, plan.problem, plan.device, plan.dtype)
            try:
                with stop.deferred():
                    history = trainer.fit(previous)
            except DivergenceError as e:
                files.write_json(run_folder.result(run_dir, METRICS), {"status": "diverged", "error": str(e),
                                                         **_run_facts(plan, trainer.history, fingerprints)})
                raise
        phase["trained"] = True
        if stop.requested:
            raise KeyboardInterrupt
        return _report(plan, run_dir, history, fingerprints, compile_seconds, started, progress)


def _run_facts(plan: Plan, history: History, fingerprints: dict) -> dict:
    """What metrics.json says about a run besides its scores."""
    cfg = plan.cfg
    return {"train_seconds": round(sum(s.seconds for s in history.stages), 3),
            "derivatives": plan.loss.derivatives,
            "stages": [vars(s) for s in history.stages],
            "problem": plan.problem.title(), "activation": activation_label(cfg),
            "order": plan.problem.order, "soft_conditions": [str(bc) for bc in plan.soft_conditions],
            "device": str(plan.device), "threads": plan.threads, "dtype": cfg.training.dtype,
            "seed": cfg.training.seed,
            "versions": {"python": platform.python_version(), "torch": torch.__version__, "pinn": __version__},
            "warnings": plan.warnings + plan.notes,
            **{key: value for key, value in fingerprints.items() if key != "model_parts"}}


def _report(plan: Plan, run_dir: Path, history: History, fingerprints: dict, compile_seconds: float,
            started: float, progress: Progress) -> Result:
    """Score the trained model and write metrics.json and the figures. The model is already saved;
    a figure or a contact metric that fails is reported and skipped, a failed evaluation raises
    ReportError after writing what is known."""
    cfg, problem, model, formulation = plan.cfg, plan.problem, plan.model, plan.formulation
    facts = {**_run_facts(plan, history, fingerprints), "compile_seconds": round(compile_seconds, 3)}
    try:
        scoring = system_report.evaluate if problem.is_system else report.evaluate
        evaluation = scoring(problem, model, plan.device, plan.dtype, plan.reference_kind, plan.reference_rows)
    except Exception as e:  # a bug or a numerical failure in scoring must not cost the training
        files.write_json(run_folder.result(run_dir, METRICS), {"status": "trained", "report_error": repr(e), **facts})
        raise ReportError(f"training finished and the model is saved in {run_dir / 'checkpoint.pt'}, but "
                          f"scoring it failed ({type(e).__name__}: {e}); --resume scores it again") from None
    failures = []
    if formulation is not None:
        evaluation.metrics.update({"formulation": formulation.name, "penalty": penalty_label(cfg),
                                   "mu": formulation.mu,
                                   **{k: float(v) for k, v in formulation.penalty.logged().items()}})
        _attempt("contact metrics", lambda: evaluation.metrics.update(contact.metrics(problem, evaluation)),
                 failures)
    title, found = report.figure_title(problem, run_label(cfg), evaluation.metrics), []
    _attempt("the problem's own report", lambda: found.append(problem_findings(problem, model, evaluation, title)), failures)
    if plan.loss.learnt:
        _attempt("the learnt parameters' uncertainty",
                 lambda: found.append(inverse_report.findings(plan, history, title, progress.line)), failures)
    findings, implausible = report.Findings(), []
    for part in filter(None, found):
        implausible += part.metrics.pop("implausible", [])
        findings.metrics.update(part.metrics)
        findings.lines.extend(part.lines)
        findings.figures.update(part.figures)
    evaluation.metrics.update(findings.metrics)
    metrics = {"status": _status(plan, evaluation.metrics, implausible), **evaluation.metrics, **facts}
    gap = report.generalisation_gap(problem, history.stages[-1].final if history.stages else {}, metrics)
    if gap is not None:
        metrics["warnings"] = [*metrics["warnings"], gap]
        progress.line(f"warning: {gap}")
    if implausible:
        metrics["implausible"] = implausible
    for name in export.FILES:
        run_folder.result(run_dir, name)
    _attempt("the exported results (npz, csv, vtu)",
             lambda: export.write_all(run_dir, evaluation, history, dict(problem.vectors)), failures)
    figures = _figures(problem, evaluation, history, run_label(cfg), plan.loss.term_names, plan.loss.logged_names,
                       failures)
    for name, figure in [*figures, *findings.figures.items()]:
        _attempt(name, lambda: _write_figure(run_folder.result(run_dir, name), figure), failures)
    for failure in failures:
        progress.line(f"warning: {failure}")
    if failures:
        metrics["report_errors"] = failures
    metrics["wall_seconds"] = round(time.perf_counter() - started, 3)
    files.write_json(run_folder.result(run_dir, METRICS), metrics)
    return Result(run_dir, metrics, model, problem, history, cfg, plan.warnings, evaluation, findings.lines,
                  plan.trainables)


def _status(plan: Plan, metrics: dict, implausible: list) -> str:
    """``complete``; ``incomplete`` where the learnt parameters could not be reported (their
    values are the result of an inverse problem); ``implausible`` where a result fails a check
    that any right answer passes (a price above every bound)."""
    if plan.loss.learnt and "parameters" not in metrics:
        return "incomplete"
    return "implausible" if implausible else "complete"


def _write_figure(path: Path, figure):
    """Write a figure, or a function that draws one (drawn here, so that its failure costs only
    this figure); closed either way."""
    drawn = figure() if callable(figure) else figure
    try:
        files.write_figure(path, drawn)
    finally:
        plt.close(drawn)


def _attempt(what: str, action, failures: list):
    try:
        action()
    except Exception as e:  # reported in metrics.json and on screen; the rest of the report goes on
        failures.append(f"{what} could not be made ({type(e).__name__}: {e})")


def run_label(cfg: RunConfig) -> str:
    """The activation, and for obstacle problems the formulation and penalty: figure titles."""
    label = activation_label(cfg)
    if cfg.constraint is not None:
        penalty = penalty_label(cfg)
        label += f", {cfg.constraint.formulation}" + ("" if penalty == constraints.NO_PENALTY else f" {penalty}")
    return label


def _figures(problem, evaluation, history, label: str, terms: list, logged: list, failures: list) -> list:
    """[(file name, figure)] of the run folder; a figure that cannot be drawn is a failure."""
    figures = {}
    _attempt("the figures", lambda: figures.update(_draw(problem, evaluation, history, label, terms, logged)),
             failures)
    return list(figures.items())


def _draw(problem, evaluation, history, label: str, terms: list, logged: list) -> dict:
    figures = {"loss.png": report.loss_figure(history, f"{problem.title()} — {label} — loss",
                                              [t for t in terms if t not in logged])}
    if "alpha" in logged:
        figures["penalty_alpha.png"] = contact.alpha_figure(history, f"{problem.title()} — {label}")
    obstacle = problem.has_constraints
    title = report.figure_title(problem, label, evaluation.metrics)
    if problem.is_system:
        figures.update(system_report.figures(problem, evaluation, label))
    elif problem.domain.time_dim is not None and problem.domain.dim == 2:
        figures.update(report.space_time_figures(problem, evaluation, label))
    elif problem.domain.time_dim is not None and evaluation.triangles is not None:  # a shape × time
        figures.update(shape_report.space_time_figures(problem, evaluation, label))
    elif evaluation.tetrahedra is not None:
        figures.update(body_report.figures(problem, evaluation, label))
    elif problem.domain.dim == 1:
        figures["solution.png"] = (contact.figure_1d(problem, evaluation, title) if obstacle
                                   else report.solution_figure(problem, evaluation, label))
    elif evaluation.triangles is not None:
        figures.update(shape_report.figures(problem, evaluation, label))
        if obstacle:
            figures["contact.png"] = contact.figure_2d(problem, evaluation, title)
    elif problem.domain.dim == 2:
        figures.update(report.heatmaps_2d(problem, evaluation, label))
        if obstacle:
            figures["contact.png"] = contact.figure_2d(problem, evaluation, title)
    return figures
