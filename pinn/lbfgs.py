"""L-BFGS with a strong-Wolfe line search, for full-batch PINN losses.

One iteration from parameters θ with gradient g and memory {(s_i, y_i)}:

    d = −H g              (two-loop recursion; H₀ = (s·y / y·y) I from the newest pair)
    θ ← θ + t d           (t satisfies the strong Wolfe conditions, c₁ = 1e-4, c₂ = 0.9)
    s = t d, y = g(θ_new) − g(θ); keep (s, y) if s·y > ε y·y

The last test is where this differs from ``torch.optim.LBFGS``, which keeps a pair only when
s·y > 1e-10. That absolute threshold is scale-dependent: once a PINN loss is small (≈1e-6 on the
Poisson benchmark), s·y falls below 1e-10 although the curvature is perfectly usable, torch stops
updating its memory, and the iteration crawls (measured on P1: loss stuck at 1.5e-6 for 350+
iterations, where scipy's L-BFGS-B reaches 4e-11 in 1000). ε·y·y, with ε the dtype's machine
epsilon, is the scale-free test L-BFGS-B uses; it keeps H positive definite.

The line search is torch's ``_strong_wolfe`` (cubic interpolation, as in minFunc), reused rather
than copied.
"""
from __future__ import annotations

import torch
from torch.optim.lbfgs import _strong_wolfe

STOP_MAX_ITER = "max steps reached"
STOP_GRADIENT = "converged: max |gradient| <= tolerance_grad"
STOP_NO_PROGRESS = ("stalled: the step or the loss change fell below tolerance_change "
                    "(float32 often stops here; float64 goes further)")
STOP_LINE_SEARCH = "line search failed: no step along the L-BFGS direction lowered the loss"


class LBFGS(torch.optim.Optimizer):
    """Full-batch L-BFGS. ``step(closure)`` runs up to ``max_iter`` iterations and sets
    ``stop_reason`` (one of the STOP_* strings) and ``iterations`` (how many it made).

    ``closure()`` must zero the gradients, evaluate the loss, call ``backward()`` and return it.
    The memory persists between ``step`` calls, so a long run can be made in logged chunks.
    """

    def __init__(self, params, lr: float = 1.0, max_iter: int = 50, history_size: int = 50,
                 tolerance_grad: float = 1e-11, tolerance_change: float = 0.0, max_line_search: int = 25):
        defaults = dict(lr=lr, max_iter=max_iter, history_size=history_size, tolerance_grad=tolerance_grad,
                        tolerance_change=tolerance_change, max_line_search=max_line_search)
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS takes one parameter group")
        self._params = self.param_groups[0]["params"]
        self.stop_reason, self.iterations = None, 0

    def _flat_grad(self) -> torch.Tensor:
        return torch.cat([torch.zeros_like(p).view(-1) if p.grad is None else p.grad.reshape(-1)
                          for p in self._params])

    def _add(self, step: float, direction: torch.Tensor):
        offset = 0
        for p in self._params:
            n = p.numel()
            p.add_(direction[offset:offset + n].view_as(p), alpha=step)
            offset += n

    def _evaluate_along(self, closure, step: float, direction: torch.Tensor):
        """(loss, gradient) at θ + step·direction; the parameters are put back afterwards."""
        saved = [p.clone(memory_format=torch.contiguous_format) for p in self._params]
        self._add(step, direction)
        loss = float(closure())
        gradient = self._flat_grad()
        for p, value in zip(self._params, saved):
            p.copy_(value)
        return loss, gradient

    @staticmethod
    def _direction(gradient: torch.Tensor, memory: list, h_diag: float) -> torch.Tensor:
        q = gradient.neg()
        alphas = []
        for s, y, rho in reversed(memory):
            alpha = rho * s.dot(q)
            q.add_(y, alpha=-alpha)
            alphas.append(alpha)
        r = q.mul_(h_diag)
        for (s, y, rho), alpha in zip(memory, reversed(alphas)):
            beta = rho * y.dot(r)
            r.add_(s, alpha=float(alpha - beta))
        return r

    @torch.no_grad()
    def step(self, closure):
        group = self.param_groups[0]
        closure = torch.enable_grad()(closure)
        state = self.state[self._params[0]]
        memory = state.setdefault("memory", [])
        state.setdefault("n_iter", 0)
        state.setdefault("func_evals", 0)
        h_diag = state.get("h_diag", 1.0)
        eps = torch.finfo(self._params[0].dtype).eps

        loss = float(closure())
        state["func_evals"] += 1
        gradient = self._flat_grad()
        self.iterations, self.stop_reason = 0, STOP_MAX_ITER
        while self.iterations < group["max_iter"]:
            if float(gradient.abs().max()) <= group["tolerance_grad"]:
                self.stop_reason = STOP_GRADIENT
                break
            direction = self._direction(gradient, memory, h_diag)
            slope = float(gradient.dot(direction))
            if slope > -group["tolerance_change"] and memory:
                memory.clear()  # a non-descent direction from a stale memory: restart from −g
                h_diag, direction = 1.0, gradient.neg()
                slope = float(gradient.dot(direction))
            if slope > -group["tolerance_change"]:
                self.stop_reason = STOP_NO_PROGRESS
                break
            first = state["n_iter"] == 0
            t = min(1.0, 1.0 / float(gradient.abs().sum())) * group["lr"] if first else group["lr"]
            new_loss, new_gradient, t, evals = _strong_wolfe(
                lambda _x, step, d: self._evaluate_along(closure, step, d), None, t, direction, loss,
                gradient, slope, max_ls=group["max_line_search"])
            state["func_evals"] += evals
            if not new_loss < loss:
                self.stop_reason = STOP_LINE_SEARCH
                break
            self._add(t, direction)
            state["n_iter"] += 1
            self.iterations += 1
            s, y = direction.mul(t), new_gradient.sub(gradient)
            ys, yy = float(y.dot(s)), float(y.dot(y))
            if ys > eps * yy:
                if len(memory) == group["history_size"]:
                    memory.pop(0)
                memory.append((s, y, 1.0 / ys))
                h_diag = ys / yy
            change, step_size = loss - new_loss, float(s.abs().max())
            loss, gradient = new_loss, new_gradient
            if change <= group["tolerance_change"] or step_size <= group["tolerance_change"]:
                self.stop_reason = STOP_NO_PROGRESS
                break
        state["h_diag"] = h_diag
        return torch.tensor(loss)
