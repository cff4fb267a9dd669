"""Command line: ``pinn solve | check | list | compare``. Exit codes: 0 success, 2 invalid input,
3 activation refused, 4 training diverged, 5 trained but not scored (or an inverse problem's learnt
parameters not reported), 6 trained and scored but the result cannot be right (a price above every
bound, an interval the data cannot give), 130 interrupted.

Errors a user can cause (PinnError) are printed as one line on stderr, never as a traceback.
"""
from __future__ import annotations

import argparse
import math
import sys

from pinn.core.errors import ConfigError, PinnError

INCOMPLETE, IMPLAUSIBLE = 5, 6  # exit codes of a run that trained: see the module docstring


def _overrides(args) -> dict:
    given = {"training.device": getattr(args, "device", None), "training.dtype": getattr(args, "dtype", None)}
    return {key: value for key, value in given.items() if value is not None}


def _load(args):
    from pinn.app.config import load, scale_steps
    cfg = load(args.file, _overrides(args))
    scale = getattr(args, "steps_scale", None)
    if scale is not None:
        if not (scale > 0 and math.isfinite(scale)):
            raise ConfigError(f"--steps-scale: got {scale:g}; expected a finite number > 0")
        cfg = scale_steps(cfg, scale)
    return cfg


def _score(score: dict) -> str:
    return f"rel L2 {score['rel_l2']:.2e}" if "rel_l2" in score else f"rms error {score['rms_error']:.2e}"


def cmd_solve(args) -> int:
    from pinn.app.run import solve
    result = solve(_load(args), out_dir=args.out, force=args.force, resume=args.resume)
    m = result.metrics
    final = (f" (at the final time {m['rel_l2_final_time']:.3e})" if "rel_l2_final_time" in m else
             f" (at the final time, where the reference is 0: rms error {m['rms_error_final_time']:.3e})"
             if "rms_error_final_time" in m else "")
    worst = f" (the worst field, {m['worst_field']})" if "worst_field" in m else ""
    error = (f"rel L2 {m['rel_l2']:.3e}{worst}{final}, max |error| {m['max_abs_error']:.3e} against the "
             f"{m['reference']} solution" if m["reference"] != "none"
             else f"residual rms {m['residual_rms']:.3e}; no reference solution was available (no exact "
                  f"solution given, and no classical solver of pinn's applies to this problem)")
    print(f"{m['problem']} [{m['activation']}, {m['device']}, {m['dtype']}]: {error}; "
          f"trained {m['train_seconds']:.1f} s")
    if "max_violation" in m:
        free = m.get("free_boundary_error")
        print(f"constraint [{m['formulation']}, {m['penalty']}]: max violation {m['max_violation']:.2e}, "
              f"complementarity {m['complementarity']:.2e}"
              + (f", free-boundary error {free:.2e}, contact IoU {m['contact_iou']:.4f}" if free is not None else ""))
    if "fields" in m:
        print("per field: " + ", ".join(f"{f} {_score(s)}" for f, s in m["fields"].items())
              + "".join(f"; {name} {_score(s)}" for name, s in m.get("vectors", {}).items()))
    for line in result.summary:
        print(line)
    print(f"run folder: {result.run_dir}")
    if m["status"] == "incomplete":
        print(f"pinn solve: error: trained and saved, but the learnt parameters could not be reported "
              f"({'; '.join(m.get('report_errors', [])) or 'see metrics.json'}); --resume reports them again",
              file=sys.stderr)
        return INCOMPLETE
    if m["status"] == "implausible":
        print(f"pinn solve: error: the result cannot be right: {'; '.join(m['implausible'])} (metrics.json: "
              f"status implausible)", file=sys.stderr)
        return IMPLAUSIBLE
    return 0


def cmd_check(args) -> int:
    from pinn.app import defaults
    from pinn.app.plan import activation_label, validate
    cfg = _load(args)
    plan = validate(cfg, force=args.force, solve_reference=False)
    cfg = plan.cfg  # resolved: auto stages and points chosen for the problem
    for warning in plan.warnings + plan.notes:
        print(f"warning: {warning}", file=sys.stderr)
    problem = plan.problem
    chosen = defaults.describe(cfg.training, problem)
    if chosen:
        print(chosen)
    print(f"{args.file}: valid. {problem.title()} has order {problem.order}; activation "
          f"{activation_label(cfg)} is suitable" + (" (forced)" if plan.warnings else "")
          + f"; {defaults.parameter_count(cfg.network, problem)} parameters, about "
            f"{plan.memory_bytes / 1e6:.0f} MB on {plan.device}; reference: {plan.reference_kind}"
          + (" (solved when a run starts)" if plan.reference_rows is None and plan.reference_kind != "none" else "")
          + ".")
    return 0


def cmd_compare(args) -> int:
    from pathlib import Path

    from pinn.app.compare import compare, markdown, parse_list
    from pinn.method.constraints import FORMULATIONS
    from pinn.method.penalties import PENALTIES
    cfg = _load(args)
    penalties = parse_list(args.penalties, list(PENALTIES), "--penalties")
    formulations = (parse_list(args.formulations, list(FORMULATIONS), "--formulations") if args.formulations
                    else [cfg.constraint.formulation] if cfg.constraint else [])
    out = Path(args.out) if args.out else Path("outputs") / f"{cfg.name}-compare"
    rows = compare(cfg, penalties, formulations, out)
    print(markdown(rows, cfg), end="")
    print(f"comparison folder: {out}")
    return 0


def cmd_list(args) -> int:
    from pinn import problems
    from pinn.core.activations import REGISTRY as ACTIVATIONS
    from pinn.core.activations import factory
    from pinn.core.smoothness import suitable_names
    print("problems:")
    for name, cls in sorted(problems.REGISTRY.items()):
        params = ", ".join(f"{k}={p.default!r}" + (" (learnable)" if p.learnable else "")
                           for k, p in cls.parameters_spec.items())
        print(f"  {name:<18} order {cls.order}  {cls.summary}" + (f"  [{params}]" if params else ""))
    print(f"  {'expression':<18} any      a PDE written in the config: domain, equation, boundary, exact, "
          f"obstacle (README: 'A problem written in YAML')")
    print("activations (smoothness with default parameters):")
    for name, cls in ACTIVATIONS.items():
        print(f"  {name:<18} {factory(name)().smoothness().describe():<34} {cls.summary}")
    print(f"  {'{expression: ...}':<18} {'probed, never declared':<34} your own, e.g. {{expression: \"x*sigmoid(x)\"}}")
    print(f"  suitable for order 2: {', '.join(suitable_names(2))}")
    print(f"  suitable for order 4: {', '.join(suitable_names(4))}")
    from pinn.method.constraints import FORMULATIONS
    from pinn.method.penalties import PENALTIES
    print("barrier penalties phi(z), z = psi - u (constraint.penalty):")
    for name, cls in PENALTIES.items():
        params = ", ".join(f"{k}={p.default!r}" for k, p in cls.parameters_spec.items())
        exact = "exact on z <= 0" if cls.exact_on_feasible else "not exact on z <= 0"
        smooth = "C^inf" if cls.continuity == float("inf") else f"C^{int(cls.continuity)}"
        print(f"  {name:<18} {smooth:<6} {exact:<20} {cls.summary}" + (f"  [{params}]" if params else ""))
    print(f"constraint formulations: {', '.join(FORMULATIONS)}")
    return 0


def parser() -> argparse.ArgumentParser:
    from pinn import __version__
    top = argparse.ArgumentParser(prog="pinn", description="Physics-informed neural networks from YAML.")
    top.add_argument("--version", action="version", version=f"pinn {__version__}")
    commands = top.add_subparsers(dest="command", required=True, metavar="{solve,check,list,compare}")

    solve = commands.add_parser("solve", help="train and write the run folder")
    solve.add_argument("file", help="YAML run configuration")
    solve.add_argument("--device", help="auto, cpu, cuda or cuda:N (overrides training.device)")
    solve.add_argument("--dtype", help="float32 or float64 (overrides training.dtype)")
    solve.add_argument("--steps-scale", type=float, metavar="S",
                       help="multiply every stage's steps by S (e.g. 0.1 for a quick look)")
    solve.add_argument("--out", metavar="DIR", help="run folder (default outputs/<name>)")
    solve.add_argument("--force", action="store_true",
                       help="train even if the activation fails the smoothness check (with a warning)")
    solve.add_argument("--resume", action="store_true", help="continue from the run folder's checkpoint")
    solve.set_defaults(run=cmd_solve)

    check = commands.add_parser("check", help="validate a config and run the smoothness check; trains nothing")
    check.add_argument("file")
    check.add_argument("--force", action="store_true", help="report a failed check as a warning")
    check.set_defaults(run=cmd_check)

    compare = commands.add_parser("compare", help="solve an obstacle config with several penalties and "
                                                  "formulations; write a table and a figure")
    compare.add_argument("file", help="YAML run configuration of an obstacle problem")
    compare.add_argument("--penalties", default="relu,leaky,prelu,softplus",
                         help="comma-separated barrier penalties (default: all four)")
    compare.add_argument("--formulations", help="comma-separated formulations (default: the config's)")
    compare.add_argument("--steps-scale", type=float, metavar="S", help="multiply every stage's steps by S")
    compare.add_argument("--out", metavar="DIR", help="comparison folder (default outputs/<name>-compare)")
    compare.set_defaults(run=cmd_compare)

    listing = commands.add_parser("list", help="problems, activations and their smoothness")
    listing.set_defaults(run=cmd_list)
    return top


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except PinnError as error:
        message, file = str(error), getattr(args, "file", None)
        if isinstance(error, ConfigError) and file and not message.startswith((str(file), "--")):
            message = f"{file}: {message}"  # a check made after parsing still names the file
        print(f"pinn {args.command}: error: {message}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:  # solve turns its own into Interrupted; check, list and compare end here
        print(f"pinn {args.command}: interrupted; nothing was written", file=sys.stderr)
        return 130
