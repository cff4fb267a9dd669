"""pinn: physics-informed neural networks for PDE problems described in YAML.

    import pinn
    result = pinn.solve("configs/poisson1d.yaml")
    result.metrics["rel_l2"]

The public names below load on first use, so that ``import pinn.core.field`` (or any lower
layer) does not load the app layer, its configuration schema or matplotlib.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_PUBLIC = {
    "solve": "pinn.app.run", "Result": "pinn.app.run",
    "load": "pinn.app.config", "RunConfig": "pinn.app.config",
    "PinnError": "pinn.core.errors", "ConfigError": "pinn.core.errors",
    "SmoothnessError": "pinn.core.errors", "DivergenceError": "pinn.core.errors",
}
__all__ = [*_PUBLIC, "__version__"]


def __getattr__(name: str):
    if name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name]), name)
        globals()[name] = value  # later lookups skip this function
        return value
    raise AttributeError(f"module 'pinn' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_PUBLIC])
