"""What an expression may refer to (:class:`Symbols`): coordinates, parameters, the unknown
fields and their derivatives, constants. :mod:`pinn.core.expr` compiles against it."""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Callable, Mapping

import torch

Tensor = torch.Tensor
MAX_ORDER = 4       # highest derivative of u an equation may use
CONSTANTS = {"pi": math.pi, "e": math.e}


@dataclass(frozen=True)
class Symbols:
    """What an expression may refer to.

    ``coordinates``: the variable names, one per axis; ``params``: name -> value (folded in);
    ``field``: whether u and its derivatives may appear; ``context`` completes "not available
    here" messages (e.g. "a boundary value is a function of x only"). ``live``: learnt parameters,
    name -> a function giving the current value (read at every evaluation, never folded);
    ``learnt``: the learnt names, refused where they are not live. ``fields``: the unknowns' names
    (``("u",)`` for one field, which an equation reads from the scope's single Field; several: the
    scope holds a mapping name -> Field).
    """

    coordinates: tuple[str, ...] = ("x",)
    params: Mapping[str, float] = None
    field: bool = False
    context: str = ""
    live: Mapping[str, Callable[[], Tensor]] = None
    learnt: tuple = ()
    fields: tuple[str, ...] = ("u",)

    @property
    def system(self) -> bool:
        return self.fields != ("u",)

    def derivative_names(self) -> dict[str, tuple[str, tuple[int, ...]]]:
        """``u``, ``u_x``, ..., ``u_xy`` ... (and ``v``, ``v_x`` ... for each field) -> the field and
        the sorted multi-index of axes, up to MAX_ORDER."""
        names = {}
        letters = "".join(self.coordinates)
        for f in self.fields:
            names[f] = (f, ())
            for order in range(1, MAX_ORDER + 1):
                for combo in itertools.product(letters, repeat=order):
                    names[f + "_" + "".join(combo)] = (f, tuple(sorted(letters.index(c) for c in combo)))
        return names

    def allowed(self) -> str:
        """The names an expression may use here, as one line for messages."""
        parts = list(self.coordinates)
        if self.field and self.system:
            parts += [*self.fields, *(f"{f}_{self.coordinates[0]}" for f in self.fields), "... (up to order 4)"]
            parts += [f"lap({f})" for f in self.fields]
            parts += [f"{d}(...)" for d in derivative_operators(self.coordinates)]
        elif self.field:
            if len(self.coordinates) == 1:
                parts += ["u", "u_x", "u_xx", "u_xxx", "u_xxxx"]
            else:
                parts += ["u", "u_x", "u_y", "u_xx", "u_xy", "u_yy", "... (up to order 4)"]
            parts.append("lap(u)")
            parts += [f"{d}(...)" for d in derivative_operators(self.coordinates)]
        parts += list(self.params or {}) + list(self.live or {}) + list(CONSTANTS)
        return ", ".join(parts)


def derivative_operators(coordinates) -> tuple[str, ...]:
    """``dx``, ``dy``: the derivative of an expression along each coordinate (equations only)."""
    return tuple(f"d{c}" for c in coordinates)
