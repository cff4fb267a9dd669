"""The one closure: every evaluation of the loss in training goes through :class:`Closure`.

Four places need the loss and its gradient — an Adam step, a quasi-Newton iteration (and each of
its line-search trials), a stage's final values, and the compile warm-up of the Taylor path
(:meth:`pinn.method.losses.PinnLoss.build_taylor`) — and all four call the same object::

    closure()                        zero the gradients, evaluate, backward, reduce
    closure(differentiate=False)     evaluate only

``reduce(trainables)`` runs between ``backward()`` and the optimiser's step. On one process it is
the identity; a data-parallel run sums the gradients over its processes there, so that every
process steps with the gradient of the global loss.
"""
from __future__ import annotations

from typing import Callable

import torch


def no_reduction(trainables) -> None:
    """One process: the local gradient is the gradient."""


class Closure:
    """``loss`` (a :class:`pinn.method.losses.PinnLoss`) on ``trainables``, differentiated and
    reduced; returns the :class:`~pinn.method.losses.LossValue`."""

    def __init__(self, loss, trainables, reduce: Callable[[object], None] = no_reduction):
        self.loss, self.trainables, self.reduce = loss, trainables, reduce

    def __call__(self, differentiate: bool = True):
        with torch.enable_grad():  # the residual differentiates u even where no gradient is wanted
            if not differentiate:
                return self.loss(self.trainables)
            self.trainables.zero_grad(set_to_none=True)
            value = self.loss(self.trainables)
            value.total.backward()
        self.reduce(self.trainables)
        return value
