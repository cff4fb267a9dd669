"""Fault campaign: interrupts at random moments, kill -9 at random moments, and training beside a
busy process. Prints counts (N/N) and times; the fast, fixed-moment versions are tests/test_faults.py.

    python benchmarks/faults.py [--interrupts 10] [--kills 20] [--load 0.3] [--seed 0]

* interrupts: for each optimiser (Adam; Adam then L-BFGS; Adam then BFGS), SIGINT at N random
  loss evaluations; each run is resumed and compared bit for bit with the uninterrupted run.
* kills: ``pinn solve`` in a child process, killed with SIGKILL after a random delay, into a
  folder that holds a finished earlier run of another seed. Then every file in the folder must
  read, nothing of the earlier run may sit beside the new config, and ``--resume`` must finish.
* load: radial2d (``--load`` × its schedule) alone, then beside a process that keeps one core
  busy; training seconds and their ratio, with ``threads: auto`` and with ``threads: 2``.
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import matplotlib.image
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from fault_injection import SETUP_CALLS, at_loss_call, config_text, load_checkpoint, same_run  # noqa: E402

from pinn import load, solve  # noqa: E402
from pinn.app.config import model_sha256, scale_steps, sha256  # noqa: E402
from pinn.app.progress import Progress  # noqa: E402
from pinn.core.errors import PinnError  # noqa: E402
from pinn.method import checkpoint  # noqa: E402
from pinn.method.interrupt import Interrupted  # noqa: E402

QUIET = Progress(enabled=False)
KILL_RUN = """\
name: kill
problem: {{type: poisson1d}}
network: {{layers: [16, 16], activation: tanh}}
training:
  seed: {seed}
  points: {{interior: 64}}
  log_every: 5
  stages: [{{optimizer: adam, steps: 300}}, {{optimizer: bfgs, steps: 200, min_improvement: 0}}]
"""


def interrupts(count: int, rng: random.Random, folder: Path):
    for optimizer in ("adam", "lbfgs", "bfgs"):
        path = folder / f"{optimizer}.yaml"
        path.write_text(config_text(optimizer))
        with at_loss_call(10 ** 9, "sigint") as calls:
            solve(path, out_dir=folder / f"{optimizer}-ref", progress=QUIET)
        reference = load_checkpoint(folder / f"{optimizer}-ref" / "checkpoint.pt")
        total, identical, moments = calls["n"] - SETUP_CALLS, 0, []
        for trial in range(count):
            call = rng.randint(1, total)
            out = folder / f"{optimizer}-{trial}"
            try:
                with at_loss_call(call, "sigint"):
                    solve(path, out_dir=out, progress=QUIET)
            except Interrupted:
                pass
            position = load_checkpoint(out / "checkpoint.pt")["position"]
            moments.append(f"{position['stage']}:{position['step']}")
            solve(path, out_dir=out, resume=True, progress=QUIET)
            resumed = load_checkpoint(out / "checkpoint.pt")
            identical += not same_run(reference, resumed)
        print(f"interrupt/resume {optimizer:<6} {identical}/{count} bit-identical (stage:step at the stop: "
              f"{' '.join(moments)})", flush=True)


def _files_ok(folder: Path) -> list[str]:
    """What is wrong with a run folder after a kill (empty: every file reads, and results, if
    any, belong to the run whose config.yaml is there)."""
    wrong, cfg = [], load(folder / "config.yaml")
    config_hash = sha256(cfg)
    for path in folder.iterdir():
        try:
            if path.suffix == ".json":
                metrics = json.loads(path.read_text())
                if metrics.get("config_sha256") != config_hash:
                    wrong.append(f"{path.name} belongs to another run")
            elif path.suffix == ".yaml":
                yaml.safe_load(path.read_text())
            elif path.suffix == ".png":
                matplotlib.image.imread(path)
            elif path.name == "checkpoint.pt":
                checkpoint.load(path, "cpu", {"model_sha256": model_sha256(cfg), "config_sha256": config_hash})
        except (ValueError, OSError, yaml.YAMLError, PinnError, SyntaxError) as e:
            wrong.append(f"{path.name}: {type(e).__name__}")
    return wrong


def kills(count: int, rng: random.Random, folder: Path):
    earlier, current = folder / "earlier.yaml", folder / "current.yaml"
    earlier.write_text(KILL_RUN.format(seed=1))
    current.write_text(KILL_RUN.format(seed=0))
    bad, stale, resumed, delays = 0, 0, 0, []
    for trial in range(count):
        out = folder / f"kill-{trial}"
        solve(earlier, out_dir=out, progress=QUIET)
        child = subprocess.Popen([sys.executable, "-m", "pinn", "solve", str(current), "--out", str(out)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        delay = rng.uniform(0.5, 8.0)
        time.sleep(delay)
        child.kill()
        child.wait()
        delays.append(delay)
        wrong = _files_ok(out)
        bad += any("belongs" not in w for w in wrong)
        stale += any("belongs" in w for w in wrong)
        if wrong:
            print(f"  trial {trial} (killed after {delay:.1f} s): {'; '.join(wrong)}")
        again = [sys.executable, "-m", "pinn", "solve", str(current), "--out", str(out)]
        if (out / "checkpoint.pt").exists() and load(out / "config.yaml") == load(current):
            again.append("--resume")
        resumed += subprocess.run(again, capture_output=True, cwd=ROOT).returncode == 0
    print(f"kill -9: {count} trials (after {min(delays):.1f}-{max(delays):.1f} s): {bad} with an unreadable file, "
          f"{stale} with an earlier run's results beside the new config, {resumed}/{count} finished when run "
          f"again", flush=True)


def _radial2d_seconds(scale: float, threads, busy: bool, folder: Path) -> tuple[float, int]:
    cfg = scale_steps(load(ROOT / "configs" / "radial2d.yaml", {"training.threads": threads}), scale)
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if busy else None
    try:
        time.sleep(1.0 if busy else 0.0)
        metrics = solve(cfg, out_dir=folder / "radial2d", progress=QUIET).metrics
        return metrics["train_seconds"], metrics["threads"]
    finally:
        if hog:
            hog.kill()
            hog.wait()


def under_load(scale: float, folder: Path):
    for threads in ("auto", 2):
        idle, idle_threads = _radial2d_seconds(scale, threads, False, folder)
        busy, busy_threads = _radial2d_seconds(scale, threads, True, folder)
        print(f"radial2d x{scale:g}, threads: {threads}: idle {idle:.1f} s ({idle_threads} threads), beside a "
              f"busy process {busy:.1f} s ({busy_threads} threads; {busy / idle:.2f}x)", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interrupts", type=int, default=10, help="per optimiser (0: skip)")
    parser.add_argument("--kills", type=int, default=20, help="kill -9 trials (0: skip)")
    parser.add_argument("--load", type=float, default=0.3, help="radial2d steps scale (0: skip)")
    parser.add_argument("--seed", type=int, default=0, help="seeds the random moments")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        if args.interrupts:
            interrupts(args.interrupts, rng, Path(tmp))
        if args.kills:
            kills(args.kills, rng, Path(tmp))
        if args.load:
            under_load(args.load, Path(tmp))


if __name__ == "__main__":
    main()
