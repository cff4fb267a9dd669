"""Measured values of u for inverse problems: read from CSV or NPZ and checked before training.

A CSV file has a header naming its columns: the domain's coordinates (``x``, ``y``, ``t``) and ``u``;
other columns are ignored. An NPZ file holds one 1-D array per name. Every value must be a finite
number and every point inside the domain (to 1e-9 of its extent); otherwise :class:`DataError`
says which row, which column and why, and the config loader puts the file and key in front.
"""
from __future__ import annotations

import csv
import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAX_BYTES = 100 * 2 ** 20
MAX_ROWS = 1_000_000
VALUE = "u"


class DataError(ValueError):
    """What is wrong with a data file, in words (the caller adds the file and key)."""


@dataclass(frozen=True)
class Measurements:
    """Points (n, d) in the domain's coordinate order and the measured u (n,), float64."""

    x: np.ndarray
    u: np.ndarray
    sha256: str

    @property
    def count(self) -> int:
        return self.u.shape[0]


def read(path: Path, names: tuple[str, ...], bounds) -> Measurements:
    """The measurements in ``path`` (.csv or .npz) for coordinates ``names`` within ``bounds``."""
    if not path.is_file():
        raise DataError("no such file" if not path.exists() else "is not a file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise DataError(f"is {size / 2 ** 20:.0f} MiB; at most {MAX_BYTES // 2 ** 20} MiB of data are read")
    raw = path.read_bytes()
    columns = _npz(path) if path.suffix.lower() == ".npz" else _csv(raw.decode("utf-8", errors="replace"))
    wanted = [*names, VALUE]
    missing = [name for name in wanted if name not in columns]
    if missing:
        raise DataError(f"has no column {' or '.join(repr(m) for m in missing)} (it has "
                        f"{', '.join(map(repr, columns)) or 'none'}; expected {', '.join(wanted)}: the "
                        f"domain's coordinates and u)")
    arrays = [columns[name] for name in wanted]
    lengths = {a.shape[0] for a in arrays}
    if len(lengths) != 1:
        raise DataError(f"columns {', '.join(wanted)} have different lengths ({sorted(lengths)})")
    if not arrays[0].shape[0]:
        raise DataError("holds no rows of data")
    for name, values in zip(wanted, arrays):
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise DataError(f"row {bad[0] + 1}: {name} is {values[bad[0]]}; every value must be a finite "
                            f"number ({bad.size} such row{'s' * (bad.size > 1)})")
    for name, values, (lo, hi) in zip(names, arrays, bounds):
        slack = 1e-9 * (hi - lo)
        outside = np.flatnonzero((values < lo - slack) | (values > hi + slack))
        if outside.size:
            raise DataError(f"row {outside[0] + 1}: {name} = {values[outside[0]]:g} is outside the domain "
                            f"[{lo:g}, {hi:g}] ({outside.size} such row{'s' * (outside.size > 1)})")
    return Measurements(np.stack(arrays[:-1], axis=1), arrays[-1], hashlib.sha256(raw).hexdigest())


def _csv(text: str) -> dict[str, np.ndarray]:
    rows = [row for row in csv.reader(line for line in text.splitlines() if line.strip()
                                      and not line.lstrip().startswith("#"))]
    if not rows:
        raise DataError("is empty; expected a header line naming the columns, then rows of numbers")
    header = [name.strip() for name in rows[0]]
    if len(set(header)) != len(header):
        raise DataError(f"the header names a column twice ({', '.join(header)})")
    if len(rows) - 1 > MAX_ROWS:
        raise DataError(f"has {len(rows) - 1} rows; at most {MAX_ROWS} are read")
    values = np.empty((len(rows) - 1, len(header)))
    for i, row in enumerate(rows[1:], start=1):
        if len(row) != len(header):
            raise DataError(f"row {i} has {len(row)} values; the header names {len(header)} columns")
        for j, cell in enumerate(row):
            try:
                values[i - 1, j] = float(cell)
            except ValueError:
                raise DataError(f"row {i}: {header[j]} is {cell.strip()!r}; expected a number") from None
    return {name: values[:, j] for j, name in enumerate(header)}


def _npz(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as archive:
            columns = {name: archive[name] for name in archive.files}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as e:
        raise DataError(f"is not a readable .npz archive ({e})") from None
    for name, values in columns.items():
        if values.ndim != 1 or not np.issubdtype(values.dtype, np.number):
            raise DataError(f"array {name!r} has shape {values.shape} and type {values.dtype}; expected a "
                            f"1-D array of numbers")
    return {name: values.astype(np.float64) for name, values in columns.items()}
