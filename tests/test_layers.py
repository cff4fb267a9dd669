"""The package's layers (app > method > problems > core): imports go one way, down, and a lower
layer loads without the ones above it (nor matplotlib)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _lint(root: Path) -> subprocess.CompletedProcess:
    """import-linter's contracts of pyproject.toml on the ``pinn`` package under ``root``."""
    return subprocess.run([sys.executable, "-c", "from importlinter.cli import lint_imports_command; "
                           "lint_imports_command()", "--config", str(root / "pyproject.toml"), "--no-cache"],
                          cwd=root, capture_output=True, text=True)


def test_layers_contract_holds():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    shutil.copytree(ROOT / "pinn", tmp_path / "pinn", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    planted = tmp_path / "pinn" / "core" / "sampling.py"
    planted.write_text(planted.read_text() + "\nfrom pinn.app import report  # planted: core -> app\n")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and "pinn.core.sampling -> pinn.app.report" in result.stdout


def test_lower_layers_load_without_the_app_or_matplotlib():
    code = ("import sys, pinn.core.field, pinn.core.network, pinn.problems, pinn.method.train, pinn.method.losses; "
            "print(sorted(m for m in sys.modules if m.startswith(('matplotlib', 'pinn.app', 'rich'))))")
    loaded = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert loaded.stdout.strip() == "[]"
    assert "matplotlib" not in loaded.stderr  # -X importtime lists every module imported


def test_public_names_load_on_use():
    code = "import sys, pinn; print('pinn.app.run' in sys.modules, pinn.solve.__module__, 'pinn.app.run' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "pinn.app.run", "True"]
