"""Measured values of u for inverse problems: read from CSV or NPZ and checked before training.

A CSV file is UTF-8 text (a byte-order mark, as Excel's "CSV UTF-8" writes, is allowed) with a
header naming its columns: the domain's coordinates (``x``, ``y``, ``t``) and ``u`` — for a system,
the fields measured (any of them, at least one; each column holds a value on every row); other columns
are ignored, as are blank lines and lines starting with ``#``. Numbers are written as Python and C
write them (``0.5``, ``-1e-3``; not ``1_0`` or ``0,5``). An NPZ file (``numpy.savez``) holds one
1-D array of real numbers per name; other members are ignored. Every value must be a finite number
and every point inside the domain (to 1e-9 of its extent); otherwise :class:`DataError` says which
row, which column and why, quoting at most the offending cell (shortened), never other lines of
the file; the config loader puts the file and key in front.

Rows that repeat an earlier row exactly (the same point and the same value, to the last bit) are
copies, not independent measurements: independent noise never repeats a value exactly. They are
counted once, and :attr:`Measurements.notes` says so. Several *different* values at one point are
replicates and are kept.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAX_BYTES = 100 * 2 ** 20
MAX_ROWS = 1_000_000      # read at most; pinn.app.plan refuses what the intervals' Jacobian cannot hold
MAX_LINE = 4096           # characters in one CSV line: a row of numbers is far shorter
VALUE = "u"
SHOWN = 24                # characters of a cell quoted in a message
CONTRADICTION = 6.0       # replicates further apart than this many noise levels contradict each other
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?(inf|infinity|nan)", re.IGNORECASE)
_HEADER_NAME = re.compile(r"[\w .()\[\]/-]{1,32}")
_UTF16_MARKS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class DataError(ValueError):
    """What is wrong with a data file, in words (the caller adds the file and key)."""


@dataclass(frozen=True)
class Measurements:
    """Points (n, d) in the domain's coordinate order and the measured ``values`` (n, m) of the
    ``fields`` measured, float64; exact repeats of a row are removed (module docstring) and said
    in ``notes``."""

    x: np.ndarray
    values: np.ndarray
    sha256: str
    notes: tuple = ()
    fields: tuple = (VALUE,)

    @property
    def u(self) -> np.ndarray:
        """The one field's values (n,): one-field problems measure u alone."""
        return self.values[:, 0]

    @property
    def count(self) -> int:
        """Measured values: n · m."""
        return self.values.size

    def replicates(self) -> list[tuple[np.ndarray, float]]:
        """(point, spread) for each point measured more than once: the largest difference between
        the values measured there."""
        order = np.lexsort(self.x.T[::-1])
        found, start = [], 0
        for end in range(1, len(order) + 1):
            if end == len(order) or not np.array_equal(self.x[order[end]], self.x[order[start]]):
                group = order[start:end]
                if len(group) > 1:
                    found.append((self.x[group[0]], np.ptp(self.values[group], axis=0)))
                start = end
        return found


def contradictions(measured: Measurements, sigma, names: tuple[str, ...]) -> list[str]:
    """Points measured more than once whose values differ by more than ``CONTRADICTION`` · σ (two
    draws of the same noise do so with probability 2e-5), in words; ``sigma``: one level, or
    one per measured field."""
    sigmas = np.broadcast_to(np.asarray(sigma, dtype=np.float64), (len(measured.fields),))
    found = [(point, spread / sigmas) for point, spread in measured.replicates()
             if (spread > CONTRADICTION * sigmas).any()]
    if not found:
        return []
    point, ratios = max(found, key=lambda item: item[1].max())
    j = int(np.argmax(ratios))
    where = ", ".join(f"{name} = {value:g}" for name, value in zip(names, point))
    which = f" of {measured.fields[j]}" if len(measured.fields) > 1 else ""
    return [f"data.file: {len(found)} point(s) are measured more than once with values that contradict each "
            f"other: at {where} the values{which} differ by {ratios[j] * sigmas[j]:.3g}, {ratios[j]:.1f} times "
            f"the noise level {sigmas[j]:.3g}; check the file (two series mixed, a unit changed?)"]


def read(path: Path, names: tuple[str, ...], bounds, fields: tuple[str, ...] | None = None) -> Measurements:
    """The measurements in ``path`` (.csv or .npz) for coordinates ``names`` within ``bounds``: of
    u, or of those of a system's ``fields`` that the file has a column for (at least one)."""
    if not path.is_file():
        raise DataError("no such file" if not path.exists() else "is not a file")
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_BYTES + 1)  # a size from stat() is 0 for /proc files: read with a cap
    except OSError as e:
        raise DataError(f"could not be read ({e.strerror or e})") from None
    if len(raw) > MAX_BYTES:
        raise DataError(f"is larger than {MAX_BYTES // 2 ** 20} MiB; at most that much data is read")
    measurable = fields or (VALUE,)
    columns = (_npz if path.suffix.lower() == ".npz" else _csv)(raw, names, measurable)
    wanted = tuple(columns)  # the coordinates, then the fields present, in order
    arrays = list(columns.values())
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
    table = np.stack(arrays, axis=1)
    _, first = np.unique(table, axis=0, return_index=True)
    kept = np.sort(first)
    notes = ()
    if len(kept) < len(table):
        notes = (f"data.file: {len(table) - len(kept)} of {len(table)} rows repeat an earlier row exactly (the same "
                 f"point and value); they are copies, not independent measurements, and are counted once "
                 f"({len(kept)} measurements)",)
    table = table[kept]
    d = len(names)
    return Measurements(table[:, :d], table[:, d:], hashlib.sha256(raw).hexdigest(), notes, wanted[d:])


def _shown(cell: str) -> str:
    cell = cell.strip()
    return repr(cell if len(cell) <= SHOWN else cell[:SHOWN] + "…")


def _text(raw: bytes) -> str:
    if raw.startswith(_UTF16_MARKS):
        raise DataError("is UTF-16 text (it starts with a UTF-16 byte-order mark); save it as UTF-8 "
                        "(in Excel: CSV UTF-8, or CSV (comma delimited))")
    if b"\x00" in raw:
        raise DataError("holds NUL bytes: it is not a text file (UTF-16 text without a byte-order mark, or "
                        "a binary file?); expected a CSV file in UTF-8")
    try:
        return raw.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError as e:
        raise DataError(f"is not UTF-8 text (byte 0x{raw[e.start]:02x} at offset {e.start}); save it as "
                        f"UTF-8 CSV") from None


def _csv(raw: bytes, names: tuple[str, ...], measurable: tuple[str, ...]) -> dict[str, np.ndarray]:
    lines = []
    for number, line in enumerate(_text(raw).splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if len(line) > MAX_LINE:
            raise DataError(f"line {number} is {len(line)} characters long; a row of numbers is far shorter "
                            f"(at most {MAX_LINE} characters are read): is this a CSV file of measurements?")
        lines.append(line)
    if not lines:
        raise DataError("is empty; expected a header line naming the columns, then rows of numbers")
    try:
        rows = list(csv.reader(lines))
    except csv.Error as e:
        raise DataError(f"is not valid CSV ({e})") from None
    header = [name.strip() for name in rows[0]]
    if len(rows) - 1 > MAX_ROWS:
        raise DataError(f"has {len(rows) - 1} rows; at most {MAX_ROWS} are read")
    for separator, name in ((";", "';'"), ("\t", "a tab")):
        if len(header) == 1 and separator in header[0]:
            raise DataError(f"the separator looks like {name} (its header has no comma); pinn reads "
                            f"comma-separated values with a point as the decimal mark, e.g. 'x,u' then '0.5,1.25'")
    _check_header(header, names, measurable)
    wanted = [name for name in (*names, *measurable) if name in header]
    values = {name: np.empty(len(rows) - 1) for name in wanted}
    columns = [(name, header.index(name)) for name in wanted]  # looked up once, not per row
    for i, row in enumerate(rows[1:], start=1):
        if len(row) != len(header):
            raise DataError(f"row {i} has {len(row)} values; the header names {len(header)} columns")
        for name, column in columns:
            cell = row[column]
            if not _NUMBER.fullmatch(cell.strip()):
                raise DataError(f"row {i}: {name} is {_shown(cell)}; expected a number such as 0.5 or -1e-3")
            values[name][i - 1] = float(cell)
    return values


def _expected(names: tuple[str, ...], measurable: tuple[str, ...]) -> str:
    if measurable == (VALUE,):
        return f"expected {', '.join((*names, VALUE))}: the domain's coordinates and u"
    return (f"expected {', '.join(names)} (the domain's coordinates) and a column for each field measured, "
            f"one or more of {', '.join(measurable)}")


def _missing(present, names: tuple[str, ...], measurable: tuple[str, ...]) -> list[str]:
    """Columns the file lacks: coordinates, and u (or, for a system, all of its fields)."""
    missing = [name for name in names if name not in present]
    if not any(f in present for f in measurable):
        missing += measurable if len(measurable) == 1 else [f"any of {', '.join(measurable)}"]
    return missing


def _check_header(header: list[str], names: tuple[str, ...], measurable: tuple[str, ...]):
    if len(set(header)) != len(header):
        repeated = next(name for name in header if header.count(name) > 1)
        raise DataError(f"the header names the column {_shown(repeated)} twice")
    missing = _missing(header, names, measurable)
    if not missing:
        return
    expected = _expected(names, measurable)
    if all(_HEADER_NAME.fullmatch(name) for name in header) and len(header) <= 20:
        raise DataError(f"has no column {' or '.join(map(repr, missing))} (its header names "
                        f"{', '.join(map(repr, header))}; {expected})")
    raise DataError(f"has no column {' or '.join(map(repr, missing))}, and its first line does not look like a "
                    f"header of column names ({expected})")


def _npz(raw: bytes, names: tuple[str, ...], measurable: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The wanted arrays of an NPZ archive, each checked from its header before it is loaded (a
    small compressed file can hold a huge array)."""
    if not raw.startswith(b"PK"):
        kind = "a single .npy array" if raw.startswith(b"\x93NUMPY") else "not a zip archive"
        raise DataError(f"is not an .npz archive ({kind}); save the columns with numpy.savez(file, x=..., u=...)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = {name[:-4] if name.endswith(".npy") else name: name for name in archive.namelist()}
        missing = _missing(members, names, measurable)
        if missing:
            arrays = [name for name, member in members.items() if member.endswith(".npy")]
            shown = ", ".join(map(repr, arrays[:20])) if all(_HEADER_NAME.fullmatch(a) for a in arrays) else "..."
            raise DataError(f"has no array {' or '.join(map(repr, missing))} (it has {shown or 'none'}; "
                            f"{_expected(names, measurable)})")
        return {name: _npz_array(archive, name, members[name]) for name in (*names, *measurable) if name in members}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError, KeyError) as e:
        if isinstance(e, DataError):
            raise
        raise DataError(f"is not a readable .npz archive ({type(e).__name__}: {str(e)[:80]})") from None


def _npz_array(archive: zipfile.ZipFile, name: str, member: str) -> np.ndarray:
    if not member.endswith(".npy"):
        raise DataError(f"member {name!r} is not an array (a .npy member of the archive)")
    with archive.open(member) as f:
        version = np.lib.format.read_magic(f)
        shape, _, dtype = (np.lib.format.read_array_header_1_0(f) if version == (1, 0)
                           else np.lib.format.read_array_header_2_0(f))
    if len(shape) != 1:
        raise DataError(f"array {name!r} has shape {shape}; expected a 1-D array of numbers")
    if shape[0] > MAX_ROWS:
        raise DataError(f"array {name!r} has {shape[0]} rows; at most {MAX_ROWS} are read")
    if np.issubdtype(dtype, np.complexfloating):
        raise DataError(f"array {name!r} holds complex numbers; expected real numbers (u is real)")
    if not (np.issubdtype(dtype, np.integer) or np.issubdtype(dtype, np.floating)):
        raise DataError(f"array {name!r} has type {dtype}; expected a 1-D array of numbers")
    with archive.open(member) as f:
        return np.lib.format.read_array(f, allow_pickle=False).astype(np.float64)
