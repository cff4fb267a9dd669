"""Hostile and mistaken run configurations: each must be refused in one located line (or run
correctly), never crash, hang or give a silent wrong answer; ``check`` and ``solve`` must agree."""

BASE = """\
name: hostile
problem: {type: poisson1d}
network: {layers: [8], activation: tanh}
training:
  points: {interior: 16}
  stages: [{optimizer: adam, steps: 3}]
"""
EXPRESSION = """\
name: hostile
problem:
  type: expression
  domain: [[0, 1]]
  params: {k: 1}
  equation: "u_xx + k*pi**2*sin(pi*x)"
  boundary: [{at: "x = 0", type: dirichlet}, {at: "x = 1", type: dirichlet}]
network: {layers: [8], activation: tanh}
training:
  points: {interior: 16}
  stages: [{optimizer: adam, steps: 3}]
"""
SQUARE = """\
name: hostile
problem:
  type: expression
  domain: [[0, 1], [0, 1]]
  equation: "lap(u) + 1"
  boundary: [{at: "x = 0", type: dirichlet}, {at: "x = 1", type: dirichlet}, {at: "y = 0", type: dirichlet},
             {at: "y = 1", type: neumann}]
network: {layers: [8], activation: tanh, hard_bc: true}
training:
  points: {interior: 16, boundary: 8}
  stages: [{optimizer: adam, steps: 3}]
"""
BOMB = "".join(f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 9 if i else ["x"] * 9) + "]\n"
               for i in range(9)) + "name: *i\n"


def _base(old: str, new: str) -> str:
    assert old in BASE, old
    return BASE.replace(old, new)


def _expression(old: str, new: str) -> str:
    assert old in EXPRESSION, old
    return EXPRESSION.replace(old, new)


CASES = {
    # YAML itself
    "alias bomb": BOMB,
    "recursive alias": BASE + "extra: &loop [*loop]\n",
    "duplicate top-level key": BASE + "name: again\n",
    "duplicate nested key": _base("points: {interior: 16}", "points: {interior: 16, interior: 32}"),
    "python tag apply": _base("name: hostile", 'name: !!python/object/apply:os.system ["echo owned"]'),
    "python tag name": _base("name: hostile", "name: !!python/name:os.system"),
    "empty file": "",
    "a list": "- name: hostile\n",
    "tab indentation": BASE.replace("  points", "\tpoints"),
    "deep nesting": "name: " + "[" * 20000 + "]" * 20000 + "\n",
    "complex key": BASE + "? [a, b]\n: 1\n",
    "huge file": BASE + "# " + "x" * 2_000_000 + "\n",
    # names and run folders
    "long name": _base("name: hostile", "name: " + "n" * 300),
    "NUL in name": _base("name: hostile", 'name: "a\\0b"'),
    "slash in name": _base("name: hostile", "name: ../escape"),
    "dash name": _base("name: hostile", "name: --help"),
    "missing name": _base("name: hostile\n", ""),
    # schema values
    "unknown key": BASE + "trainig: {}\n",
    "problem type typo": _base("type: poisson1d", "type: poison1d"),
    "expression typo": _expression("type: expression", "type: expresion"),
    "no stages": _base("stages: [{optimizer: adam, steps: 3}]", "stages: []"),
    "negative steps": _base("steps: 3", "steps: -3"),
    "steps true": _base("steps: 3", "steps: true"),
    "negative lr": _base("steps: 3}", "steps: 3, lr: -1}"),
    "infinite lr": _base("steps: 3}", "steps: 3, lr: .inf}"),
    "float16": _base("training:\n", "training:\n  dtype: float16\n"),
    "no layers": _base("layers: [8]", "layers: []"),
    "zero width": _base("layers: [8]", "layers: [0]"),
    "no interior points": _base("interior: 16", "interior: 0"),
    "negative boundary points": _base("interior: 16", "interior: 16, boundary: -1"),
    "negative weight": _base("training:\n", "training:\n  weights: {boundary: -5}\n"),
    "unknown problem param": _base("{type: poisson1d}", "{type: poisson1d, params: {q: 1}}"),
    "text problem param": _base("{type: poisson1d}", "{type: poisson1d, params: {k: abc}}"),
    "NaN param": _expression("params: {k: 1}", "params: {k: .nan}"),
    "infinite param": _expression("params: {k: 1}", "params: {k: .inf}"),
    "constraint on a BVP": BASE + "constraint: {formulation: complementarity}\n",
    "mu on a BVP stage": _base("steps: 3}", "steps: 3, mu: 10}"),
    "seed 10^25": _base("training:\n", "training:\n  seed: 10000000000000000000000000\n"),
    # sizes
    "4.9 GB of points": _base("interior: 16", "interior: 600000000"),
    "width 1e11": _base("layers: [8]", "layers: [100000000000]"),
    "3.4 GB of candidates": _base("interior: 16", "interior: 16, sampler: adaptive, candidates: 400000000"),
    "bfgs too large": _base("layers: [8]", "layers: [200, 200]").replace("optimizer: adam", "optimizer: bfgs"),
    "threads 10^9": _base("training:\n", "training:\n  threads: 1000000000\n"),
    # devices and derivative paths
    "cuda:7": _base("training:\n", "training:\n  device: cuda:7\n"),
    "taylor with gelu": _base("activation: tanh", "activation: gelu").replace("training:\n", "training:\n  derivatives: taylor\n"),
    "compile with gelu": _base("activation: tanh", "activation: gelu").replace("training:\n", "training:\n  compile: true\n"),
    "hard_bc without full Dirichlet data": SQUARE,
    "relu for a 2nd-order problem": _base("activation: tanh", "activation: relu"),
    "activation that overflows": _base("activation: tanh", 'activation: {expression: "exp(exp(exp(x)))"}'),
    # expressions
    "5000 parentheses": _expression('"u_xx + k*pi**2*sin(pi*x)"', '"' + "(" * 5000 + "u_xx" + ")" * 5000 + '"'),
    "power tower": _expression('"u_xx + k*pi**2*sin(pi*x)"', '"u_xx + ' + "**".join(["x"] * 200) + '"'),
    "2000-character equation": _expression('"u_xx + k*pi**2*sin(pi*x)"', '"u_xx' + " + x" * 500 + '"'),
    "full-width e as a parameter": _expression("params: {k: 1}", "params: {k: 1, ｅ: 3}").replace(
        "k*pi**2", "ｅ*k*pi**2"),
    "full-width letter in an expression": _expression("k*pi**2", "ｋ*pi**2"),
    "derivative condition of order 5": _expression('{at: "x = 1", type: dirichlet}',
                                                   '{at: "x = 1", type: derivative, order: 5}'),
    "equation NaN on part of the domain": _expression('"u_xx + k*pi**2*sin(pi*x)"', '"u_xx + sqrt(x - 0.5)"'),
    "equation exp(1000)": _expression('"u_xx + k*pi**2*sin(pi*x)"', '"u_xx + exp(1000)"'),
    "exact NaN on part of the domain": _expression("  boundary:", '  exact: "log(x - 0.5)"\n  boundary:'),
    "exact infinite at a point": _expression("  boundary:", '  exact: "1/(x - 0.5)"\n  boundary:'),
    "reversed domain": _expression("[[0, 1]]", "[[1, 0]]"),
    "three-dimensional domain": _expression("[[0, 1]]", "[[0, 1], [0, 1], [0, 1]]"),
    "Bratu beyond the fold": _base("{type: poisson1d}", "{type: bratu1d, params: {lam: 3.6}, reference: solve_bvp}"),
}
