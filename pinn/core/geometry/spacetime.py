"""A 2D shape times an interval of time: :class:`RegionTime` implements the
:class:`~pinn.core.domains.Domain` contract on (x, y, t), with the shape's named pieces as its
sides (over all times) and the slice t = t₀ as its initial side.

Collocation points are by measure in space–time: 3D points of the bounding box × [t₀, t₁] (Sobol,
or uniform) kept where (x, y) falls inside the shape; on a piece, (arc length, time) pairs on
each curve in proportion to its length; on the initial slice, the shape's own points at t₀.
``grid``: the shape's hexagonal lattice times evenly spaced times. The test set is the shape's
triangulation at about :data:`TEST_NODES` nodes at each of :data:`TEST_TIMES` times (time-major:
every node at t₀, then at the next time, ...), weighted by the nodes' lumped areas times the
trapezoidal rule in t.
"""
from __future__ import annotations

import math
from functools import cached_property

import numpy as np
import torch

from pinn.core.domains import Axis, Side
from pinn.core.geometry import points
from pinn.core.geometry.curves import distances
from pinn.core.geometry.region import PROBE_SEED, Pieced, Region
from pinn.core.expr import TIME
from pinn.core.sampling import unit_samples

TEST_NODES = 2000  # per time: ~100 000 test points over TEST_TIMES times, as a 1D problem's 201 × 101 grid ×5
TEST_TIMES = 51


class RegionTime(Pieced):
    """``region`` (a :class:`Region`) × [t₀, t₁]; time is the last column."""

    def __init__(self, region: Region, interval: tuple[float, float]):
        self.region, self.interval = region, (float(interval[0]), float(interval[1]))

    @property
    def axes(self) -> tuple[Axis, ...]:
        return (*self.region.axes, Axis(TIME, *self.interval, time=True))

    def sides(self):
        return self.region.sides()

    def piece(self, name: str):
        return self.region.piece(name)

    def holds(self, x):
        t0, t1 = self.interval
        slack = 1e-9 * (t1 - t0)
        return self.region.holds(x[:, :2]) & (x[:, 2] >= t0 - slack) & (x[:, 2] <= t1 + slack)

    def initial(self) -> Side:
        return Side(2, self.interval[0], TIME)

    def _times(self, unit: np.ndarray) -> np.ndarray:
        t0, t1 = self.interval
        return t0 + (t1 - t0) * unit

    def sample_interior(self, n, method, seed, dtype, device):
        shape = self.region.shape
        if method == "grid":
            times = max(1, round(n ** (1 / 3)))
            space = points.interior(shape, max(1, round(n / times)), "grid", seed)
            when = self._times(np.arange(1, times + 1) / (times + 1))
            found = np.column_stack([np.tile(space, (times, 1)), np.repeat(when, len(space))])
            return torch.as_tensor(found, dtype=dtype, device=device)
        (x0, x1), (y0, y1) = shape.bounds
        draw = int(math.ceil(n * (x1 - x0) * (y1 - y0) / shape.area * 1.2)) + 16
        while True:
            unit = unit_samples(draw, 3, method, seed)
            xy = np.column_stack([x0 + (x1 - x0) * unit[:, 0], y0 + (y1 - y0) * unit[:, 1]])
            kept = shape.contains(xy)
            if kept.sum() >= n:
                found = np.column_stack([xy[kept], self._times(unit[kept, 2])])[:n]
                return torch.as_tensor(found, dtype=dtype, device=device)
            draw *= 2

    def sample_side(self, side, n, method, seed, dtype, device):
        """The initial slice: the shape's own points at t₀. A piece: its share of n by length (as
        on the steady shape), each curve's by (arc length, time) pairs."""
        if isinstance(side, Side):
            space = points.interior(self.region.shape, n, method, seed)
            found = np.column_stack([space, np.full(len(space), self.interval[0])])
            return torch.as_tensor(found, dtype=dtype, device=device)
        share = max(1, round(n * side.measure / sum(p.measure for p in self.sides())))
        rows = []
        for i, (curve, count) in enumerate(zip(side.parts, points.shares([c.measure for c in side.parts], share))):
            if count:
                unit = unit_samples(count, 2, method, seed + i)
                rows.append(np.column_stack([curve.at(unit[:, 0]), self._times(unit[:, 1])]))
        return torch.as_tensor(np.concatenate(rows), dtype=dtype, device=device)

    @cached_property
    def space_mesh(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(nodes, triangles, weights) of the shape's test mesh at about :data:`TEST_NODES` nodes."""
        return points.test_mesh(self.region.shape, math.sqrt(2 / math.sqrt(3) * self.region.shape.area / TEST_NODES))

    @cached_property
    def test_times(self) -> np.ndarray:
        return np.linspace(*self.interval, TEST_TIMES)

    def test_shape(self) -> tuple[int, ...]:
        return (len(self.space_mesh[0]) * TEST_TIMES,)

    def test_grid(self, dtype=torch.float64) -> torch.Tensor:
        nodes = self.space_mesh[0]
        grid = np.column_stack([np.tile(nodes, (TEST_TIMES, 1)), np.repeat(self.test_times, len(nodes))])
        return torch.as_tensor(grid, dtype=dtype)

    @cached_property
    def test_weights(self) -> np.ndarray:
        step = np.diff(self.test_times)
        in_time = np.concatenate([[step[0] / 2], (step[:-1] + step[1:]) / 2, [step[-1] / 2]])
        return np.outer(in_time, self.space_mesh[2]).ravel()

    @cached_property
    def test_interior(self) -> np.ndarray:
        nodes = self.space_mesh[0]
        near = distances([c for p in self.sides() for c in p.parts], nodes).min(axis=0)
        return np.tile(near > 1e-12 * (1 + float(np.abs(nodes).max())), TEST_TIMES)

    @property
    def test_triangles(self) -> np.ndarray:
        """The shape's triangles, for a slice of the test set at one time."""
        return self.space_mesh[1]

    def probe_grid(self, per_axis: int) -> torch.Tensor:
        """4 per_axis² Sobol points in space–time, inside the shape (as :meth:`Region.probe_grid`)."""
        return self.sample_interior(4 * per_axis ** 2, "sobol", PROBE_SEED, torch.float64, "cpu")
