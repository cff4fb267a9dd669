"""The MLP body: input scaling to [-1, 1], Glorot-initialised layers, optional exact Dirichlet data.

With an output transform the network represents

    u(x) = g(x) + d(x) N(x),

where N is the MLP, g a lift of the Dirichlet data and d a distance-like factor that vanishes on
the Dirichlet boundary (both supplied by the problem). Dirichlet conditions then hold exactly for
every weight vector, which removes the boundary-loss weight as a tuning knob.
"""
from __future__ import annotations

from typing import Callable, Sequence

import torch
from torch import nn

from . import taylor

Tensor = torch.Tensor


def parameter_count(inputs: int, widths: Sequence[int]) -> int:
    """Weights and biases of an MLP with these hidden ``widths`` and one output."""
    sizes = (inputs, *widths, 1)
    return sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))


class HardDirichlet(nn.Module):
    """u = lift(x) + distance(x) * n: satisfies u = lift on the zero set of ``distance``."""

    def __init__(self, lift: Callable[[Tensor], Tensor], distance: Callable[[Tensor], Tensor]):
        super().__init__()
        self.lift, self.distance = lift, distance

    def forward(self, x: Tensor, n: Tensor) -> Tensor:
        return self.lift(x) + self.distance(x) * n


class MLP(nn.Module):
    """x -> scale to [-1, 1]^d -> (Linear, activation) * len(widths) -> Linear -> transform.

    ``activation`` builds one activation module per hidden layer (learnable ones stay per layer).
    """

    def __init__(self, lower: Sequence[float], upper: Sequence[float], widths: Sequence[int],
                 activation: Callable[[], nn.Module], transform: HardDirichlet | None = None,
                 out_dim: int = 1, dtype: torch.dtype = torch.float64, device=None):
        super().__init__()
        # Weights are drawn in ``dtype`` itself, never in the global default dtype and then cast:
        # the same seed must give the same network whatever torch.get_default_dtype() is.
        lower_t = torch.tensor(lower, dtype=dtype, device=device)
        upper_t = torch.tensor(upper, dtype=dtype, device=device)
        self.register_buffer("center", (upper_t + lower_t) / 2)
        self.register_buffer("half_width", (upper_t - lower_t) / 2)
        sizes = [len(lower), *widths, out_dim]
        layers: list[nn.Module] = []
        for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            linear = nn.Linear(fan_in, fan_out, dtype=dtype, device=device)
            nn.init.xavier_normal_(linear.weight)
            nn.init.zeros_(linear.bias)
            layers.append(linear)
            if i < len(sizes) - 2:
                layers.append(activation())
        self.body = nn.Sequential(*layers)
        self.transform = transform

    def body_output(self, x: Tensor) -> Tensor:
        """N(x): the network before the output transform."""
        return self.body((x - self.center) / self.half_width)

    @property
    def has_jet(self) -> bool:
        """Whether :meth:`body_jet` applies (every activation has closed-form derivatives)."""
        return taylor.supports(self.body)

    def body_jet(self, x: Tensor, plan: taylor.Plan) -> dict:
        """N(x) and the partial derivatives ``plan`` asks for, by Taylor mode (:mod:`pinn.taylor`)."""
        return taylor.jet(self.body, self.half_width, (x - self.center) / self.half_width, plan)

    def forward(self, x: Tensor) -> Tensor:
        n = self.body_output(x)
        return n if self.transform is None else self.transform(x, n)
