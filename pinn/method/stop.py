"""Why a training stage ended: :class:`StopReason`, each member carrying the words that are
printed and kept in ``metrics.json`` (``stages[].stop_reason``)."""
from __future__ import annotations

import enum


class StopReason(enum.Enum):
    MAX_STEPS = "max steps reached"
    GRADIENT = "converged: max |gradient| <= tolerance_grad"
    NO_PROGRESS = ("stalled: the step or the loss change fell below tolerance_change "
                   "(float32 often stops here; float64 goes further)")
    LINE_SEARCH = "line search failed: no step along the search direction lowered the loss"
    REQUESTED = "stopped on request (interrupt): the state after the last whole iteration is kept"
    SLOW = "slow: the loss fell by less than min_improvement over the last stall_window iterations"

    def __str__(self) -> str:
        return self.value
