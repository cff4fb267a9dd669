"""The MLP body: an input map, Glorot-initialised layers, optional exact Dirichlet data.

The input map scales each coordinate to [-1, 1], except a periodic one (period P, from a lower
side a), which it replaces by Fourier features

    cos(2πk(x − a)/P), sin(2πk(x − a)/P),   k = 1, …, K,

so that the network and every derivative agree on the two sides for every weight vector.

With an output transform the network represents

    u(x) = g(x) + d(x) N(x),

where N is the MLP, g a lift of the Dirichlet data and d a distance-like factor that vanishes on
the Dirichlet boundary (both supplied by the problem). Dirichlet conditions then hold exactly for
every weight vector, which removes the boundary-loss weight as a tuning knob.
"""
from __future__ import annotations

import math
from typing import Callable, Mapping, Sequence

import torch
from torch import nn

from pinn.core import taylor
from pinn.core.activations import Softplus

SOFTPLUS = Softplus(beta=1.0)  # the map of a positive output; a module attribute, not a submodule of the network

Tensor = torch.Tensor


def parameter_count(inputs: int, widths: Sequence[int], outputs: int = 1) -> int:
    """Weights and biases of an MLP with these hidden ``widths`` and ``outputs`` outputs."""
    sizes = (inputs, *widths, outputs)
    return sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))


class HardDirichlet(nn.Module):
    """u = lift(x) + distance(x) * n: satisfies u = lift on the zero set of ``distance``."""

    def __init__(self, lift: Callable[[Tensor], Tensor], distance: Callable[[Tensor], Tensor]):
        super().__init__()
        self.lift, self.distance = lift, distance

    def forward(self, x: Tensor, n: Tensor) -> Tensor:
        return self.lift(x) + self.distance(x) * n


class FieldTransforms(nn.Module):
    """A system's exact Dirichlet data, field by field: output column j is ``columns[j]`` (a
    :class:`HardDirichlet`) applied to N_j where the field has one, N_j itself elsewhere."""

    def __init__(self, columns: Mapping[int, HardDirichlet]):
        super().__init__()
        self.columns = dict(columns)

    def forward(self, x: Tensor, n: Tensor) -> Tensor:
        return torch.cat([self.columns[j](x, n[:, j:j + 1]) if j in self.columns else n[:, j:j + 1]
                          for j in range(n.shape[1])], dim=1)


class InputMap(nn.Module):
    """h(x): the plain coordinates scaled to [-1, 1] (first, in axis order), then K cosine and K
    sine features of each periodic coordinate (module docstring). No trainable parameters."""

    def __init__(self, lower: Sequence[float], upper: Sequence[float], periodic: Mapping[int, tuple],
                 modes: int, dtype, device):
        super().__init__()
        lower_t = torch.tensor(lower, dtype=dtype, device=device)
        upper_t = torch.tensor(upper, dtype=dtype, device=device)
        self.plain = [i for i in range(len(lower)) if i not in periodic]
        self.periodic = sorted(periodic)
        self.register_buffer("center", ((upper_t + lower_t) / 2)[self.plain])
        self.register_buffer("half_width", ((upper_t - lower_t) / 2)[self.plain])
        k = torch.arange(1, modes + 1, dtype=dtype, device=device)
        self.register_buffer("frequencies", torch.stack([2 * math.pi * k / (periodic[i][1] - periodic[i][0])
                                                         for i in self.periodic]) if periodic else k[:0])
        self.register_buffer("origins", torch.tensor([periodic[i][0] for i in self.periodic], dtype=dtype,
                                                     device=device))
        self.width = len(self.plain) + 2 * modes * len(self.periodic)

    def forward(self, x: Tensor) -> Tensor:
        parts = [(x[:, self.plain] - self.center) / self.half_width]
        for j, i in enumerate(self.periodic):
            phase = (x[:, i:i + 1] - self.origins[j]) * self.frequencies[j]
            parts += [torch.cos(phase), torch.sin(phase)]
        return torch.cat(parts, dim=1)

    def streams(self, x: Tensor, keys) -> dict:
        """h and ∂^key h for each key: a plain coordinate has a constant first derivative and none
        beyond; a feature of a periodic one has ∂ⁿ cos(ωx) = ωⁿ cos(ωx + nπ/2) (sin alike). Each
        column depends on one coordinate, so mixed keys are zero (None)."""
        h = self(x)
        out: dict = {(): h}
        plain_count = len(self.plain)
        for key in keys:
            if not key or len(set(key)) != 1:
                continue
            axis, n = key[0], len(key)
            if axis in self.plain and n == 1:
                row = torch.zeros(1, self.width, dtype=x.dtype, device=x.device)
                row[0, self.plain.index(axis)] = 1 / self.half_width[self.plain.index(axis)]
                out[key] = row
            elif axis in self.periodic:
                j = self.periodic.index(axis)
                omega = self.frequencies[j]
                phase = (x[:, axis:axis + 1] - self.origins[j]) * omega + n * math.pi / 2
                features = torch.zeros(x.shape[0], self.width, dtype=x.dtype, device=x.device)
                start = plain_count + 2 * len(omega) * j
                features[:, start:start + len(omega)] = omega ** n * torch.cos(phase)
                features[:, start + len(omega):start + 2 * len(omega)] = omega ** n * torch.sin(phase)
                out[key] = features
        return out


class MLP(nn.Module):
    """x -> input map h(x) -> (Linear, activation) * len(widths) -> Linear -> transform.

    ``activation`` builds one activation module per hidden layer (learnable ones stay per layer);
    ``periodic`` maps an axis to its (lower, upper) sides, ``modes`` is K of its Fourier features.
    ``positive``: output columns written as softplus(N) (concentrations, densities: never
    negative), part of the body, so that both derivative paths see it.
    """

    def __init__(self, lower: Sequence[float], upper: Sequence[float], widths: Sequence[int],
                 activation: Callable[[], nn.Module], transform: HardDirichlet | None = None,
                 out_dim: int = 1, dtype: torch.dtype = torch.float64, device=None,
                 periodic: Mapping[int, tuple] | None = None, modes: int = 0, positive: Sequence[int] = ()):
        super().__init__()
        # Weights are drawn in ``dtype`` itself, never in the global default dtype and then cast:
        # the same seed must give the same network whatever torch.get_default_dtype() is.
        self.inputs = InputMap(lower, upper, periodic or {}, modes, dtype, device)
        sizes = [self.inputs.width, *widths, out_dim]
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
        self.positive = tuple(positive)
        if self.positive:  # a mask over the output columns; not saved: the config says which
            self.register_buffer("_positive", torch.tensor([[j in self.positive for j in range(out_dim)]],
                                                           device=device), persistent=False)

    def body_output(self, x: Tensor) -> Tensor:
        """N(x): the network before the output transform (softplus on the ``positive`` columns)."""
        n = self.body(self.inputs(x))
        return torch.where(self._positive, SOFTPLUS(n), n) if self.positive else n

    @property
    def has_jet(self) -> bool:
        """Whether :meth:`body_jet` applies (every activation has closed-form derivatives)."""
        return taylor.supports(self.body)

    def body_jet(self, x: Tensor, plan: taylor.Streams) -> dict:
        """N(x) and the partial derivatives ``plan`` asks for, by Taylor mode (:mod:`pinn.core.taylor`)."""
        streams = taylor.jet(self.body, self.inputs.streams(x, plan.keys), plan)
        if not self.positive:
            return streams
        mapped = taylor.compose(SOFTPLUS.jet(streams[()], plan.top), streams, plan)
        return {k: torch.where(self._positive, mapped[k], v) for k, v in streams.items()}

    def forward(self, x: Tensor) -> Tensor:
        n = self.body_output(x)
        return n if self.transform is None else self.transform(x, n)


class SeparateMLPs(nn.Module):
    """One :class:`MLP` per output (``network.separate``: a system's fields share no weights),
    their outputs side by side, then the system's ``transform`` (:class:`FieldTransforms`); the
    same interface as one MLP with ``len(nets)`` outputs."""

    def __init__(self, nets: Sequence[MLP], transform: FieldTransforms | None = None):
        super().__init__()
        self.nets = nn.ModuleList(nets)
        self.transform = transform

    def body_output(self, x: Tensor) -> Tensor:
        return torch.cat([net.body_output(x) for net in self.nets], dim=1)

    @property
    def has_jet(self) -> bool:
        return all(net.has_jet for net in self.nets)

    def body_jet(self, x: Tensor, plan: taylor.Streams) -> dict:
        jets = [net.body_jet(x, plan) for net in self.nets]
        return {key: torch.cat([jet[key] for jet in jets], dim=1) for key in jets[0]}

    def forward(self, x: Tensor) -> Tensor:
        n = self.body_output(x)
        return n if self.transform is None else self.transform(x, n)
