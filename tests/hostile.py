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

# ---------------------------------------------------------------- round two: data files, options, conditions
INVERSE = """\
name: hostile
problem:
  type: expression
  domain: [[0, 1]]
  params: {lam: {learn: true, initial: 1, bounds: [0.01, 3.5]}}
  equation: "u_xx + lam*exp(u)"
  boundary: [{at: boundary, type: dirichlet}]
data: {file: data.csv}
network: {layers: [8], activation: tanh}
training:
  points: {interior: 16}
  stages: [{optimizer: adam, steps: 3}]
"""
OPTION = """\
name: hostile
problem:
  type: american_put
  params: {}
network: {layers: [8], activation: tanh}
constraint: {formulation: complementarity, penalty: relu}
training:
  points: {interior: 64}
  stages: [{optimizer: adam, steps: 3}]
"""
ROWS = "".join(f"{0.05 + 0.09 * i:.2f},{0.01 * i:.2f}\n" for i in range(11))


def _npz(**arrays) -> bytes:
    import io

    import numpy as np
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _npz_with_text_u() -> bytes:
    import io
    import zipfile
    buffer = io.BytesIO(_npz(x=__import__("numpy").linspace(0.1, 0.9, 11)))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("u", "not an array")
    return buffer.getvalue()


def _npy() -> bytes:
    import io

    import numpy as np
    buffer = io.BytesIO()
    np.save(buffer, np.zeros(11))
    return buffer.getvalue()


def _inverse(file: str = "data.csv", old: str = "", new: str = "") -> str:
    assert old in INVERSE, old
    return INVERSE.replace("data.csv", file).replace(old, new) if old else INVERSE.replace("data.csv", file)


# name -> (YAML, {file name: content as bytes, or a function making them}, a fragment the message must hold)
DATA_CASES = {
    "CSV cell of 200 000 characters": (_inverse(), {"data.csv": b"x,u\n0.5," + b"1" * 200_000 + b"\n" + ROWS.encode()},
                                        "characters long"),
    "NPZ whose u is a text member": (_inverse("data.npz"), {"data.npz": _npz_with_text_u}, "is not an array"),
    ".npy named .npz": (_inverse("data.npz"), {"data.npz": _npy}, "a single .npy array"),
    "a file that cannot be read": (_inverse("/proc/self/mem"), {}, "could not be read"),
    "NPZ of 2 million rows": (_inverse("data.npz"), {"data.npz": lambda: _npz(
        x=__import__("numpy").full(2_000_000, 0.5), u=__import__("numpy").zeros(2_000_000))}, "at most 1000000"),
    "complex NPZ": (_inverse("data.npz"), {"data.npz": lambda: _npz(
        x=__import__("numpy").linspace(0.1, 0.9, 11), u=__import__("numpy").ones(11) * 1j)}, "complex numbers"),
    "UTF-16 CSV": (_inverse(), {"data.csv": ("x,u\n" + ROWS).encode("utf-16")}, "UTF-16"),
    "semicolon CSV": (_inverse(), {"data.csv": ("x;u\n" + ROWS.replace(",", ";")).encode()}, "separator looks like ';'"),
    "underscore in a number": (_inverse(), {"data.csv": ("x,u\n0.5,1_0\n" + ROWS).encode()}, "'1_0'"),
    "a system file as data": (_inverse(), {"data.csv": b"root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin\n"},
                              "does not look like a header"),
    "measurements beyond the machine's memory": (  # 64 kB a row in training with these layers: 64 GB
        _inverse("data.npz", "layers: [8]", "layers: [1000, 1000]"),
        {"data.npz": lambda: _npz(x=__import__("numpy").linspace(0, 1, 1_000_000),
                                  u=__import__("numpy").zeros(1_000_000))}, "measurements"),
    "learnt start just inside its bound": (_inverse(old="initial: 1,", new="initial: 3.4999999999999996,"),
                                           {"data.csv": ("x,u\n" + ROWS).encode()}, "inside the bounds"),
    "option expiring in 1e-9 years": (OPTION.replace("params: {}", "params: {T: 1.0e-9, spots: [100]}"), {},
                                      "resolves"),
    "option window outside the domain": (OPTION.replace("params: {}", "params: {window: [10, 1000]}"), {},
                                         "within the domain"),
    "only u_t given to a first-order equation": (
        EXPRESSION.replace("[[0, 1]]", "{x: [0, 1], t: [0, 1]}").replace('"u_xx + k*pi**2*sin(pi*x)"', '"u_t - u_xx"')
        .replace("  boundary:", '  initial: [{value: "0", derivative: 1}]\n  boundary:'), {}, "u itself"),
    "u_t on a list-form domain": (SQUARE.replace('"lap(u) + 1"', '"u_t - u_xx"'), {}, "no time axis"),
    "a residual whose square overflows": (EXPRESSION.replace("params: {k: 1}", "params: {k: 9.7e299}"), {},
                                          "overflows"),
    "u(x, t0) given twice": (
        EXPRESSION.replace("[[0, 1]]", "{x: [0, 1], t: [0, 1]}").replace('"u_xx + k*pi**2*sin(pi*x)"', '"u_t - u_xx"')
        .replace("  boundary:", '  initial: [{value: "sin(pi*x)"}, {value: "0"}]\n  boundary:'), {},
        "problem.initial[1]: u(x, t0) is given twice"),
}
