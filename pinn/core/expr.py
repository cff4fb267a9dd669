"""A small, safe expression language for equations, data and activations written in YAML.

An expression is parsed with :mod:`ast` (``mode="eval"``) and compiled, node by node, into a tree
of closures over torch operations; nothing is ever passed to ``eval`` or ``exec``. Allowed:

* numbers; the coordinates (``x``, or ``x`` and ``y``); the problem's ``params`` by name; ``pi``, ``e``;
* where a field is expected (an equation): ``u`` and its partial derivatives written ``u_`` plus
  one letter per differentiation (``u_x``, ``u_xx``, ``u_xxxx``, ``u_y``, ``u_xy``; order ≤ 4),
  and ``lap(u)`` (the spatial Laplacian: over every coordinate but ``t``); a system's fields by
  their names in the same way (``v``, ``v_x``, ``lap(v)``, ``p_y``);
* ``+ - * / **``, unary minus and plus, parentheses;
* the functions in :data:`FUNCTIONS`;
* comparisons (``< <= > >= == !=``, chained) joined by ``and``, ``or``, ``not``, only as the
  condition of ``where(condition, a, b)``.

Everything else (attribute access, subscripts, lambdas, comprehensions, strings, keyword
arguments, calls of anything but a listed function, dunder names) is rejected with an
:class:`ExpressionError` that carries the offending column, so the message can point at it.

Sub-expressions without a coordinate or ``u`` (``2*pi*k`` with a parameter k) are folded once, at
compile time, in float64 zero-dimensional tensors: a constant overflow gives inf (and then a clear
error where a value must be finite), never a Python exception or a runaway integer power.
"""
from __future__ import annotations

import ast
import operator
import warnings
from dataclasses import dataclass
from typing import Callable, Sequence

import torch
import torch.nn.functional as F

from pinn.core import symbolic
from pinn.core.bessel import besselj0, besselj1
from pinn.core.params import did_you_mean
from pinn.core.symbols import CONSTANTS, MAX_ORDER, Symbols, derivative_operators

Tensor = torch.Tensor
MAX_LENGTH = 1000   # characters; a PDE longer than this belongs in Python
MAX_DEPTH = 100     # nesting of operations; deeper input is refused before recursion could fail
TIME, spatial = symbolic.TIME, symbolic.spatial


def _pairwise(op):
    """torch.minimum/maximum with a folded constant (a CPU float64 0-d tensor) moved to the other
    operand's dtype and device first, rather than relying on mixed-device scalar rules."""
    def apply(a: Tensor, b: Tensor) -> Tensor:
        if a.dim() == 0 and b.dim() > 0:
            a = a.to(dtype=b.dtype, device=b.device)
        elif b.dim() == 0 and a.dim() > 0:
            b = b.to(dtype=a.dtype, device=a.device)
        return op(a, b)
    return apply


# name -> (number of arguments, operation on tensors)
FUNCTIONS: dict[str, tuple[int, Callable]] = {
    "sin": (1, torch.sin), "cos": (1, torch.cos), "tan": (1, torch.tan), "exp": (1, torch.exp),
    "log": (1, torch.log), "sqrt": (1, torch.sqrt), "tanh": (1, torch.tanh), "sinh": (1, torch.sinh),
    "cosh": (1, torch.cosh), "abs": (1, torch.abs), "sigmoid": (1, torch.sigmoid),
    "softplus": (1, F.softplus), "relu": (1, torch.relu), "erf": (1, torch.special.erf),
    "erfc": (1, torch.special.erfc), "atan": (1, torch.atan), "atan2": (2, _pairwise(torch.atan2)),
    "min": (2, _pairwise(torch.minimum)), "max": (2, _pairwise(torch.maximum)), "where": (3, torch.where),
    "besselj0": (1, besselj0), "besselj1": (1, besselj1),
}
LAPLACIAN = "lap"
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
           ast.Pow: operator.pow}
_COMPARE = {ast.Lt: torch.lt, ast.LtE: torch.le, ast.Gt: torch.gt, ast.GtE: torch.ge,
            ast.Eq: torch.eq, ast.NotEq: torch.ne}
_REFUSED = {ast.Attribute: "attribute access", ast.Subscript: "subscripts", ast.Lambda: "lambda",
            ast.ListComp: "comprehensions", ast.SetComp: "comprehensions", ast.DictComp: "comprehensions",
            ast.GeneratorExp: "comprehensions", ast.List: "lists", ast.Tuple: "tuples", ast.Dict: "dicts",
            ast.Set: "sets", ast.Starred: "starred arguments", ast.JoinedStr: "strings",
            ast.NamedExpr: "assignment (:=)", ast.IfExp: "'a if c else b' (use where(c, a, b))",
            ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield", ast.Slice: "slices"}


class ExpressionError(ValueError):
    """An expression that cannot be accepted; ``column`` (0-based) points at the culprit."""

    def __init__(self, message: str, source: str, column: int | None = None):
        self.message, self.source, self.column = message, source, column
        where = f" (column {column + 1})" if column is not None else ""
        super().__init__(f"{message}{where}")

    def caret(self, indent: str = "    ") -> str:
        """The expression on one line and a caret under the culprit on the next."""
        if self.column is None:
            return f"{indent}{self.source}"
        return f"{indent}{self.source}\n{indent}{' ' * self.column}^"


class Scope:
    """The values an expression is evaluated on: coordinate columns and, for equations, a field
    with ``value``, ``d(*dims)`` and ``laplacian()`` (a :class:`pinn.core.field.Field` or view)."""

    def __init__(self, coordinates: Sequence[Tensor], field=None):
        self.coordinates, self.field = coordinates, field


Node = Callable[[Scope], Tensor]


@dataclass(frozen=True)
class Expression:
    """A compiled expression. ``reads``: the (field, multi-index) pairs it reads (() is the field
    itself); ``derivatives``: their multi-indices, whatever the field."""

    source: str
    node: Node
    constant: bool
    reads: frozenset

    @property
    def derivatives(self) -> frozenset:
        return frozenset(dims for _, dims in self.reads)

    def derivatives_of(self, name: str) -> frozenset:
        """The multi-indices of the field ``name`` it reads."""
        return frozenset(dims for f, dims in self.reads if f == name)

    @property
    def order(self) -> int:
        return max((len(k) for k in self.derivatives), default=0)

    def value(self) -> float:
        """The number a constant expression stands for."""
        return float(self.node(Scope(())))

    def evaluate(self, scope: Scope, like: Tensor) -> Tensor:
        """The value at every point, shaped and typed like ``like``."""
        value = self.node(scope)
        if value.shape != like.shape:  # a folded constant, 0-d and float64
            value = value.to(dtype=like.dtype, device=like.device).expand_as(like)
        return value

    def at(self, x: Tensor, field=None) -> Tensor:
        """The value at points x of shape (N, d), as (N, 1); ``field`` for equations."""
        scope = Scope([x[:, i:i + 1] for i in range(x.shape[1])], field)
        return self.evaluate(scope, x[:, :1])


def parse(source, symbols: Symbols) -> Expression:
    """Parse and compile ``source`` (a string, or a number); raises ExpressionError."""
    if isinstance(source, bool) or not isinstance(source, (str, int, float)):
        raise ExpressionError(f"expected an expression (text such as \"sin(pi*x)\") or a number, "
                              f"got {type(source).__name__}", str(source))
    text = str(source) if not isinstance(source, str) else source
    if not text.strip():
        raise ExpressionError("the expression is empty", text)
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression has {len(text)} characters; at most {MAX_LENGTH} are "
                              f"allowed", text[:60] + "...")
    if "\n" in text or "\r" in text:
        raise ExpressionError("an expression is one line", text.replace("\n", " ").replace("\r", " "))
    foreign = next((i for i, c in enumerate(text) if not (c.isascii() and (c.isprintable() or c == "\t"))), None)
    if foreign is not None:  # Python would fold look-alikes (a full-width ｅ is e) into other names
        raise ExpressionError(f"the character {text[foreign]!r} is not allowed; expressions are written in "
                              f"ASCII", text, foreign)
    try:
        with warnings.catch_warnings():
            # Python only warns about sloppy literals such as "1if"; refuse them with the same
            # located message as other syntax errors instead of printing a SyntaxWarning
            warnings.simplefilter("error", SyntaxWarning)
            tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as e:
        column = None if e.offset is None else max(0, min(e.offset - 1, len(text)))
        hint = "; powers are written **" if "^" in text else ""
        raise ExpressionError(f"not a valid expression: {e.msg}{hint}", text.strip(), column) from None
    except (ValueError, RecursionError, MemoryError) as e:
        raise ExpressionError(f"not a valid expression: {e}", text.strip()[:60]) from None
    return _Compiler(text.strip(), symbols).compile(tree.body)


class _Compiler:
    def __init__(self, source: str, symbols: Symbols):
        self.source, self.symbols = source, symbols
        self.params = dict(symbols.params or {})
        self.derivative_names = symbols.derivative_names() if symbols.field else {}
        self.used: set = set()
        self._encoded = source.encode("utf-8")

    def compile(self, tree: ast.AST) -> Expression:
        node, constant = self.number(tree, 0)
        return Expression(self.source, node, constant, frozenset(self.used))

    # ---------------------------------------------------------------- errors
    def fail(self, message: str, node: ast.AST | None = None):
        column = None
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            offset = node.value.end_col_offset  # point at the '.' or '[', not at what precedes it
        elif isinstance(node, ast.BinOp):  # at the operator: x + y^3 - 2 is (x + y) ^ (3 - 2)
            between = self._encoded[node.left.end_col_offset:node.right.col_offset]
            offset = node.left.end_col_offset + len(between) - len(between.lstrip(b" ()"))
        else:
            offset = getattr(node, "col_offset", None)
        if offset is not None:  # ast offsets count UTF-8 bytes
            column = len(self._encoded[:offset].decode("utf-8", errors="ignore"))
        raise ExpressionError(message, self.source, column)

    def token(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.source, node) or type(node).__name__

    # ---------------------------------------------------------------- numbers
    def number(self, node: ast.AST, depth: int) -> tuple[Node, bool]:
        """Compile a numeric sub-expression; returns (node, is_constant), folding constants."""
        if depth > MAX_DEPTH:
            self.fail(f"the expression is nested more than {MAX_DEPTH} levels deep", node)
        compiled, constant = self._number(node, depth + 1)
        if constant:
            value = compiled(Scope(()))
            return (lambda scope: value), True
        return compiled, False

    def _number(self, node, depth):
        if isinstance(node, ast.Constant):
            return self._constant(node)
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                self.fail("'not' is only allowed in the condition of where(...)", node)
            if isinstance(node.op, ast.Invert):
                self.fail("operator '~' is not allowed (allowed: + - * / **)", node)
            operand, constant = self.number(node.operand, depth)
            if isinstance(node.op, ast.USub):
                return (lambda scope: -operand(scope)), constant
            return operand, constant
        if isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                symbol = {ast.BitXor: "^", ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@",
                          ast.BitAnd: "&", ast.BitOr: "|", ast.LShift: "<<", ast.RShift: ">>"}.get(type(node.op), "?")
                hint = "; powers are written **" if symbol == "^" else ""
                self.fail(f"operator '{symbol}' is not allowed (allowed: + - * / **){hint}", node)
            op = _BINARY[type(node.op)]
            (left, lc), (right, rc) = self.number(node.left, depth), self.number(node.right, depth)
            return (lambda scope: op(left(scope), right(scope))), lc and rc
        if isinstance(node, ast.Call):
            return self._call(node, depth)
        if isinstance(node, (ast.Compare, ast.BoolOp)):
            self.fail(f"a comparison ('{self.token(node)}') is only allowed as the condition of "
                      f"where(condition, a, b)", node)
        self.fail(f"{_REFUSED.get(type(node), type(node).__name__)} not allowed here: "
                  f"'{self.token(node)}'", node)

    def _constant(self, node: ast.Constant):
        value = node.value
        if isinstance(value, str):
            self.fail(f"strings are not allowed: {value!r}", node)
        if isinstance(value, bool) or value is None or value is Ellipsis or isinstance(value, (complex, bytes)):
            self.fail(f"'{self.token(node)}' is not a real number", node)
        try:
            number = float(value)
        except OverflowError:
            self.fail("the number is too large", node)
        tensor = torch.tensor(number, dtype=torch.float64)
        return (lambda scope: tensor), True

    def _name(self, node: ast.Name):
        name, symbols = node.id, self.symbols
        if name.startswith("__"):
            self.fail(f"names starting with '__' are not allowed: '{name}'", node)
        if name in symbols.coordinates:
            i = symbols.coordinates.index(name)
            return (lambda scope: scope.coordinates[i]), False
        if name in self.derivative_names:
            f, dims = self.derivative_names[name]
            self.used.add((f, dims))
            if self.symbols.system:
                return ((lambda scope: scope.field[f].value) if not dims else
                        (lambda scope: scope.field[f].d(*dims))), False
            return ((lambda scope: scope.field.value) if not dims else (lambda scope: scope.field.d(*dims))), False
        if symbols.live and name in symbols.live:
            current = symbols.live[name]
            return (lambda scope: current()), False
        if name in symbols.learnt:
            self.fail(f"'{name}' is learnt: a learnt parameter may appear in the equation only (here its "
                      f"value would be a guess)", node)
        if name in self.params:
            tensor = torch.tensor(float(self.params[name]), dtype=torch.float64)
            return (lambda scope: tensor), True
        if name in CONSTANTS:
            tensor = torch.tensor(CONSTANTS[name], dtype=torch.float64)
            return (lambda scope: tensor), True
        if name in FUNCTIONS or name == LAPLACIAN:
            self.fail(f"'{name}' is a function; call it, e.g. {name}(x)" if name != LAPLACIAN
                      else "write the Laplacian as lap(u)", node)
        self._unknown(name, node)

    def _unknown(self, name: str, node):
        symbols = self.symbols
        known = [*symbols.coordinates, *self.derivative_names, *self.params, *CONSTANTS]
        head, _, letters = name.partition("_")
        if head in symbols.fields:
            if not symbols.field:
                self.fail(f"'{name}' is not available here: {symbols.context or 'no field u here'}", node)
            if len(letters) > MAX_ORDER and set(letters) <= set("".join(symbols.coordinates)):
                self.fail(f"'{name}' is a derivative of order {len(letters)}; at most {MAX_ORDER} is "
                          f"supported", node)
        time_named = name == TIME or (symbols.field and head in symbols.fields and TIME in letters)
        if time_named and TIME not in symbols.coordinates and symbols.field:
            self.fail(f"unknown symbol '{name}': the domain has no time axis; a domain with time names its "
                      f"axes, e.g. domain: {{x: [0, 1], t: [0, 1]}} (the list form [[lo, hi], ...] is x, then y)",
                      node)
        if name in ("x", "y", "z", TIME) and name not in symbols.coordinates:
            reason = (symbols.context if symbols.context and symbols.coordinates else
                      f"the domain has coordinates {', '.join(symbols.coordinates)} only" if symbols.coordinates
                      else "a constant is expected here")
            self.fail(f"unknown symbol '{name}': {reason}", node)
        self.fail(f"unknown symbol '{name}' (allowed: {symbols.allowed()}){did_you_mean(name, known)}", node)

    def _call(self, node: ast.Call, depth):
        if isinstance(node.func, ast.Attribute):
            self.fail(f"attribute access not allowed here: '{self.token(node.func)}'", node.func)
        if not isinstance(node.func, ast.Name):
            self.fail(f"only the listed functions may be called, by name: '{self.token(node.func)}' "
                      f"is not one", node)
        name = node.func.id
        if node.keywords:
            self.fail(f"keyword arguments are not allowed: '{self.token(node)}'", node.keywords[0].value)
        if any(isinstance(a, ast.Starred) for a in node.args):
            self.fail("starred arguments are not allowed", node)
        if name == LAPLACIAN:
            return self._laplacian(node)
        if name in derivative_operators(self.symbols.coordinates):
            return self._derivative(node, name, depth)
        if name not in FUNCTIONS:
            if name.startswith("__"):
                self.fail(f"names starting with '__' are not allowed: '{name}'", node)
            extra = [LAPLACIAN, *derivative_operators(self.symbols.coordinates)] if self.symbols.field else []
            self.fail(f"unknown function '{name}' (allowed: {', '.join([*FUNCTIONS, *extra])})"
                      f"{did_you_mean(name, [*FUNCTIONS, *extra])}", node)
        arity, op = FUNCTIONS[name]
        if len(node.args) != arity:
            self.fail(f"{name} takes {arity} argument{'s' if arity > 1 else ''}, got {len(node.args)}", node)
        if name == "where":
            (cond, cc) = self.condition(node.args[0], depth)
            (a, ac), (b, bc) = self.number(node.args[1], depth), self.number(node.args[2], depth)
            return (lambda scope: torch.where(cond(scope), a(scope), b(scope))), cc and ac and bc
        args = [self.number(a, depth) for a in node.args]
        fns = [f for f, _ in args]
        return (lambda scope: op(*(f(scope) for f in fns))), all(c for _, c in args)

    def _derivative(self, node: ast.Call, name: str, depth: int):
        """``dx(e)``: e's tree differentiated symbolically (pinn.core.symbolic), then compiled."""
        if not self.symbols.field:
            self.fail(f"'{name}(...)' is not available here: {self.symbols.context or 'no field u here'}", node)
        if len(node.args) != 1:
            self.fail(f"{name} takes 1 argument, got {len(node.args)}", node)
        try:
            tree = symbolic.differentiate(node.args[0], self.symbols.coordinates.index(name[1:]),
                                          tuple(self.symbols.coordinates), self.derivative_names, LAPLACIAN)
        except symbolic.NotDifferentiable as e:
            self.fail(str(e), e.node)
        ast.fix_missing_locations(ast.copy_location(tree, node))
        return self.number(tree, depth)

    def _laplacian(self, node: ast.Call):
        if not self.symbols.field:
            self.fail(f"'lap(u)' is not available here: {self.symbols.context or 'no field u here'}", node)
        fields = self.symbols.fields
        if len(node.args) != 1 or not (isinstance(node.args[0], ast.Name) and node.args[0].id in fields):
            self.fail(f"lap takes a field itself: write {' or '.join(f'lap({f})' for f in fields)}", node)
        f = node.args[0].id
        axes = spatial(self.symbols.coordinates)
        self.used.update((f, (i, i)) for i in axes)
        if self.symbols.system:
            return (lambda scope: sum(scope.field[f].d(i, i) for i in axes)), False
        return (lambda scope: sum(scope.field.d(i, i) for i in axes)), False

    # ---------------------------------------------------------------- conditions
    def condition(self, node: ast.AST, depth: int) -> tuple[Node, bool]:
        if depth > MAX_DEPTH:
            self.fail(f"the expression is nested more than {MAX_DEPTH} levels deep", node)
        if isinstance(node, ast.Compare):
            operands = [self.number(o, depth + 1) for o in [node.left, *node.comparators]]
            for op in node.ops:
                if type(op) not in _COMPARE:
                    self.fail(f"'{type(op).__name__}' is not a comparison allowed here "
                              f"(allowed: < <= > >= == !=)", node)
            ops = [_COMPARE[type(op)] for op in node.ops]
            fns = [f for f, _ in operands]

            def compare(scope):
                values = [f(scope) for f in fns]
                result = ops[0](values[0], values[1])
                for op, a, b in zip(ops[1:], values[1:], values[2:]):
                    result = result & op(a, b)
                return result
            return compare, all(c for _, c in operands)
        if isinstance(node, ast.BoolOp):
            parts = [self.condition(v, depth + 1) for v in node.values]
            join = torch.logical_and if isinstance(node.op, ast.And) else torch.logical_or
            fns = [f for f, _ in parts]

            def combine(scope):
                result = fns[0](scope)
                for f in fns[1:]:
                    result = join(result, f(scope))
                return result
            return combine, all(c for _, c in parts)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner, constant = self.condition(node.operand, depth + 1)
            return (lambda scope: torch.logical_not(inner(scope))), constant
        self.fail(f"the condition of where(...) must be a comparison such as x < 0.5, got "
                  f"'{self.token(node)}'", node)
