"""Symbolic differentiation of expression trees: ``dx(a*u_x)`` becomes ``dx(a)*u_x + a*u_xx``.

The expression language (:mod:`pinn.core.expr`) lets an equation be written in divergence form,
``-dx((1 + x**2)*u_x)``, the way −((1 + x²)u')' is written on paper. ``dx(e)`` is not evaluated by
autograd at run time: the tree of ``e`` is differentiated here, by the sum, product, quotient,
power and chain rules, into a tree that reads only coordinates, parameters and the ordinary
derivatives u, u_x, u_xx, ... of the field. That tree is compiled like any other expression, so
the equation's order, the C^k check and the Taylor-mode derivative pass see exactly the
derivatives it needs (``dx(a*u_x)`` needs u_x and u_xx). Differentiating u_K along axis i gives
u_{K+i}; lap(u) gives the sum of u_{jji}; a system's
fields (v, p) are differentiated alike (v_x, lap(v)).

Functions whose derivative is not smooth (abs, relu, min, max, where) are differentiated
piecewise (abs' = sign by a where, relu' = a step): fine for data, but they make the equation's
own derivative jump, as they would on paper.
"""
from __future__ import annotations

import ast

TIME = "t"  # the time coordinate's name: lap(u) sums over the others


def spatial(coordinates) -> list[int]:
    """The axes lap(u) sums over: every coordinate but time."""
    return [i for i, c in enumerate(coordinates) if c != TIME]


NUMBER = lambda value: ast.Constant(value=value)


def _call(name: str, *args) -> ast.Call:
    return ast.Call(func=ast.Name(id=name, ctx=ast.Load()), args=list(args), keywords=[])


def _bin(left, op, right) -> ast.BinOp:
    return ast.BinOp(left=left, op=op, right=right)


def _is_zero(node) -> bool:
    return isinstance(node, ast.Constant) and node.value == 0


def _add(a, b):
    return b if _is_zero(a) else a if _is_zero(b) else _bin(a, ast.Add(), b)


def _sub(a, b):
    return a if _is_zero(b) else ast.UnaryOp(op=ast.USub(), operand=b) if _is_zero(a) else _bin(a, ast.Sub(), b)


def _mul(a, b):
    if _is_zero(a) or _is_zero(b):
        return NUMBER(0)
    return b if isinstance(a, ast.Constant) and a.value == 1 else a if isinstance(b, ast.Constant) and b.value == 1 \
        else _bin(a, ast.Mult(), b)


# f(a) -> f'(a) as a tree, for the one-argument functions of the language
_OUTER = {
    "sin": lambda a: _call("cos", a),
    "cos": lambda a: ast.UnaryOp(op=ast.USub(), operand=_call("sin", a)),
    "tan": lambda a: _bin(NUMBER(1), ast.Div(), _bin(_call("cos", a), ast.Pow(), NUMBER(2))),
    "exp": lambda a: _call("exp", a),
    "log": lambda a: _bin(NUMBER(1), ast.Div(), a),
    "sqrt": lambda a: _bin(NUMBER(0.5), ast.Div(), _call("sqrt", a)),
    "tanh": lambda a: _bin(NUMBER(1), ast.Sub(), _bin(_call("tanh", a), ast.Pow(), NUMBER(2))),
    "sinh": lambda a: _call("cosh", a),
    "cosh": lambda a: _call("sinh", a),
    "sigmoid": lambda a: _bin(_call("sigmoid", a), ast.Mult(), _bin(NUMBER(1), ast.Sub(), _call("sigmoid", a))),
    "softplus": lambda a: _call("sigmoid", a),
    "atan": lambda a: _bin(NUMBER(1), ast.Div(), _bin(NUMBER(1), ast.Add(), _bin(a, ast.Pow(), NUMBER(2)))),
    "besselj0": lambda a: ast.UnaryOp(op=ast.USub(), operand=_call("besselj1", a)),
    "besselj1": lambda a: _bin(_call("besselj0", a), ast.Sub(), _bin(_call("besselj1", a), ast.Div(), a)),
    "abs": lambda a: _call("where", ast.Compare(left=a, ops=[ast.Lt()], comparators=[NUMBER(0)]), NUMBER(-1),
                           NUMBER(1)),
    "relu": lambda a: _call("where", ast.Compare(left=a, ops=[ast.Gt()], comparators=[NUMBER(0)]), NUMBER(1),
                            NUMBER(0)),
}


class NotDifferentiable(ValueError):
    """A part of the tree that has no derivative rule; ``node`` is where."""

    def __init__(self, message: str, node: ast.AST):
        super().__init__(message)
        self.node = node


def differentiate(node: ast.AST, axis: int, coordinates: tuple, derivative_names: dict, laplacian: str) -> ast.AST:
    """d(node)/d(coordinates[axis]) as a new tree (see the module docstring)."""
    d = lambda n: differentiate(n, axis, coordinates, derivative_names, laplacian)
    letter = coordinates[axis]
    if isinstance(node, ast.Constant):
        return NUMBER(0)
    if isinstance(node, ast.Name):
        if node.id in coordinates:
            return NUMBER(1 if node.id == letter else 0)
        if node.id in derivative_names:  # a field f or f_K: its derivative is f_K plus the letter
            return ast.Name(id=(node.id + "_" if "_" not in node.id else node.id) + letter, ctx=ast.Load())
        return NUMBER(0)  # a parameter or a constant (unknown names fail when the tree is compiled)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = d(node.operand)
        return ast.UnaryOp(op=node.op, operand=inner) if not _is_zero(inner) else inner
    if isinstance(node, ast.BinOp):
        a, b = node.left, node.right
        if isinstance(node.op, ast.Add):
            return _add(d(a), d(b))
        if isinstance(node.op, ast.Sub):
            return _sub(d(a), d(b))
        if isinstance(node.op, ast.Mult):
            return _add(_mul(d(a), b), _mul(a, d(b)))
        if isinstance(node.op, ast.Div):
            numerator = _sub(_mul(d(a), b), _mul(a, d(b)))
            return NUMBER(0) if _is_zero(numerator) else _bin(numerator, ast.Div(), _bin(b, ast.Pow(), NUMBER(2)))
        if isinstance(node.op, ast.Pow):
            da, db = d(a), d(b)
            power_rule = _mul(_mul(b, _bin(a, ast.Pow(), _bin(b, ast.Sub(), NUMBER(1)))), da)
            if _is_zero(db):
                return power_rule
            return _add(power_rule, _mul(_mul(node, _call("log", a)), db))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        name, args = node.func.id, node.args
        if name == laplacian and len(args) == 1 and isinstance(args[0], ast.Name):
            terms = [ast.Name(id=f"{args[0].id}_{coordinates[j] * 2}{letter}", ctx=ast.Load())
                     for j in spatial(coordinates)]
            total = terms[0]
            for term in terms[1:]:
                total = _add(total, term)
            return total
        if name in _OUTER and len(args) == 1:
            return _mul(_OUTER[name](args[0]), d(args[0]))
        if name == "where" and len(args) == 3:
            return _call("where", args[0], d(args[1]), d(args[2]))
        if name == "atan2" and len(args) == 2:  # d atan2(y, x) = (x dy − y dx) / (x² + y²)
            y, x = args
            squares = _bin(_bin(x, ast.Pow(), NUMBER(2)), ast.Add(), _bin(y, ast.Pow(), NUMBER(2)))
            return _bin(_bin(_mul(x, d(y)), ast.Sub(), _mul(y, d(x))), ast.Div(), squares)
        if name in ("min", "max") and len(args) == 2:
            first = ast.Compare(left=args[0], ops=[ast.Lt() if name == "min" else ast.Gt()], comparators=[args[1]])
            return _call("where", first, d(args[0]), d(args[1]))
        if name.startswith("d") and name[1:] in coordinates and len(args) == 1:
            return d(differentiate(args[0], coordinates.index(name[1:]), coordinates, derivative_names, laplacian))
    raise NotDifferentiable(f"d{letter}(...) cannot differentiate '{ast.unparse(node)}'", node)
