import pathlib

import pytest

from pinn import load, solve
from pinn.app.config import scale_steps
from pinn.app.progress import Progress

ROOT = pathlib.Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "configs"


@pytest.fixture
def configs() -> pathlib.Path:
    return CONFIGS


def solve_shortened(name: str, scale: float, out_dir: pathlib.Path) -> dict:
    """The metrics of shipped config ``name`` trained on ``scale`` times each stage's steps."""
    cfg = scale_steps(load(CONFIGS / f"{name}.yaml"), scale)
    return solve(cfg, out_dir=out_dir, progress=Progress(enabled=False)).metrics
