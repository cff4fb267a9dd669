"""Results as files other tools read: ``solution.npz``, ``history.csv`` and, in 2D, ``solution.vtu``.

* ``solution.npz`` (numpy): ``x`` (the test grid, N × d), ``u``, ``residual``, the derivatives of
  u the residual uses (``u_x``, ``u_xx``, ``u_xy``, ...), and where a reference exists
  ``reference`` and ``error`` = u − reference;
* ``history.csv``: one row per logged step: ``step``, ``stage`` (1-based), ``optimizer``, each
  loss term (unweighted), and ``mu`` for obstacle problems (a learnable penalty's ``alpha`` is a
  logged term already);
* ``solution.vtu`` (2D, and a 3D body): the test grid as quadrilaterals (a shape's triangles, a
  body's tetrahedra) with u, the residual, the reference and the error as point data, for ParaView
  or VisIt. Written with meshio, which knows the VTK
  formats' binary encodings and versions so that pinn does not have to.
"""
from __future__ import annotations

import csv
import io as text_io

import numpy as np

from pinn.core import files

NPZ, CSV, VTU = "solution.npz", "history.csv", "solution.vtu"
FILES = (NPZ, CSV, VTU)


def arrays(evaluation) -> dict:
    if evaluation.fields:  # a system: each field, its reference and error, each equation's residual
        data = {"x": evaluation.x, **evaluation.fields,
                **{f"residual_{name}": r for name, r in evaluation.residuals.items()}}
        for f, reference in evaluation.references.items():
            data.update({f"{f}_reference": reference, f"{f}_error": evaluation.fields[f] - reference})
        return data
    data = {"x": evaluation.x, "u": evaluation.u, "residual": evaluation.residual, **evaluation.partials}
    if evaluation.reference is not None:
        data.update(reference=evaluation.reference, error=evaluation.u - evaluation.reference)
    return data


def write_npz(path, evaluation):
    def write(tmp):
        with open(tmp, "wb") as f:  # a file object: np.savez would append .npz to a name
            np.savez(f, **arrays(evaluation))
    files.write_atomic(path, write)


def history_rows(history) -> list[dict]:
    """One mapping per logged step, with its stage and the stage's μ."""
    starts = list(history.stage_starts)
    rows = []
    for i, step in enumerate(history.steps):
        stage = max(k for k, start in enumerate(starts) if start <= step) if starts else 0
        record = history.stages[stage] if stage < len(history.stages) else None
        row = {"step": step, "stage": stage + 1, "optimizer": record.optimizer if record else ""}
        row.update({name: values[i] for name, values in history.terms.items()})
        if record is not None and record.mu is not None:
            row["mu"] = record.mu
        rows.append(row)
    return rows


def write_csv(path, history):
    rows = history_rows(history)
    columns = list(dict.fromkeys(key for row in rows for key in row)) or ["step", "stage", "optimizer"]
    buffer = text_io.StringIO()
    writer = csv.DictWriter(buffer, columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    files.write_text(path, buffer.getvalue())


def write_vtu(path, evaluation, vectors: dict | None = None):
    import meshio
    x = evaluation.x
    if evaluation.tetrahedra is not None:  # a body's test mesh
        cells = [("tetra", evaluation.tetrahedra)]
    elif evaluation.triangles is not None:  # a shape's test mesh
        cells = [("triangle", evaluation.triangles)]
    else:
        nx, ny = len(np.unique(x[:, 0])), len(np.unique(x[:, 1]))
        index = np.arange(nx * ny).reshape(nx, ny)  # test grids are ordered x-major
        cells = [("quad", np.stack([index[:-1, :-1], index[1:, :-1], index[1:, 1:], index[:-1, 1:]],
                                   axis=-1).reshape(-1, 4))]
    points = x if x.shape[1] == 3 else np.column_stack([x, np.zeros(len(x))])
    data = {k: v for k, v in arrays(evaluation).items() if k != "x"}
    for name, parts in (vectors or {}).items():  # (N, 3): ParaView draws glyphs and streamlines from it
        data[name] = np.column_stack([evaluation.fields[f] for f in parts] + [np.zeros(len(x))] * (3 - len(parts)))
    mesh = meshio.Mesh(points, cells, point_data=data)
    files.write_atomic(path, lambda tmp: meshio.write(tmp, mesh, file_format="vtu"))


def write_all(run_dir, evaluation, history, vectors: dict | None = None) -> list[str]:
    """Write the files this run has (the VTK file in 2D and in a 3D body, with a system's declared
    ``vectors``); returns their names."""
    write_npz(run_dir / NPZ, evaluation)
    write_csv(run_dir / CSV, history)
    if evaluation.x.shape[1] == 2 or evaluation.tetrahedra is not None:
        write_vtu(run_dir / VTU, evaluation, vectors)
        return [NPZ, CSV, VTU]
    return [NPZ, CSV]
