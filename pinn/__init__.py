"""pinn: physics-informed neural networks for PDE problems described in YAML.

    import pinn
    result = pinn.solve("configs/poisson1d.yaml")
    result.metrics["rel_l2"]
"""
__version__ = "0.1.0"

from .config import RunConfig, load  # noqa: E402
from .errors import ConfigError, DivergenceError, PinnError, SmoothnessError  # noqa: E402
from .solve import Result, solve  # noqa: E402

__all__ = ["solve", "load", "RunConfig", "Result", "PinnError", "ConfigError", "SmoothnessError",
           "DivergenceError", "__version__"]
