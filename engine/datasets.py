"""Built-in datasets and CSV loading: each gives features X (E × d) and targets Y (E × k).

Input nodes take data by their ``feed`` setting: "features" gets X, "targets" gets Y. The
generators are seeded, so a dataset is the same on every machine for the same seed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import GraphError
from .limits import MAX_CSV_BYTES, MAX_CSV_FIELD_CHARS
from .safe_read import decode_utf8, read_bytes
from .text import clip, shorten


@dataclass(frozen=True)
class Dataset:
    name: str
    X: np.ndarray
    Y: np.ndarray
    feature_names: tuple[str, ...]
    target_names: tuple[str, ...]
    task: str                      # "classification" or "regression"

    def __len__(self) -> int:
        return len(self.X)


def xor(seed: int = 0) -> Dataset:
    """The four corners of the unit square; y = x0 XOR x1."""
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    Y = np.array([[0.0], [1.0], [1.0], [0.0]])
    return Dataset("xor", X, Y, ("x0", "x1"), ("y",), "classification")


def circles(seed: int = 0, n: int = 200, noise: float = 0.08) -> Dataset:
    """A disc (y = 1) inside a ring (y = 0)."""
    rng = np.random.default_rng(seed)
    inner = n // 2
    radius = np.concatenate([rng.uniform(0.0, 0.45, inner), rng.uniform(0.7, 1.0, n - inner)])
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    X += rng.normal(0, noise, X.shape)
    Y = np.concatenate([np.ones(inner), np.zeros(n - inner)])[:, None]
    return _shuffled(Dataset("circles", X, Y, ("x0", "x1"), ("y",), "classification"), rng)


def spirals(seed: int = 0, n: int = 200, noise: float = 0.05) -> Dataset:
    """Two interleaved spirals (TensorFlow Playground's hardest case)."""
    rng = np.random.default_rng(seed)
    half = n // 2
    t = np.sqrt(rng.uniform(0, 1, half)) * 3 * np.pi
    arm = np.column_stack([t * np.cos(t), t * np.sin(t)]) / (3 * np.pi)
    X = np.concatenate([arm, -arm]) + rng.normal(0, noise, (2 * half, 2))
    Y = np.concatenate([np.zeros(half), np.ones(half)])[:, None]
    return _shuffled(Dataset("spirals", X, Y, ("x0", "x1"), ("y",), "classification"), rng)


def moons(seed: int = 0, n: int = 200, noise: float = 0.1) -> Dataset:
    """Two interleaving half circles."""
    rng = np.random.default_rng(seed)
    half = n // 2
    a = rng.uniform(0, np.pi, half)
    b = rng.uniform(0, np.pi, n - half)
    top = np.column_stack([np.cos(a), np.sin(a)])
    bottom = np.column_stack([1 - np.cos(b), 0.5 - np.sin(b)])
    X = (np.concatenate([top, bottom]) - [0.5, 0.25]) / 1.5 + rng.normal(0, noise / 1.5, (n, 2))
    Y = np.concatenate([np.zeros(half), np.ones(n - half)])[:, None]
    return _shuffled(Dataset("moons", X, Y, ("x0", "x1"), ("y",), "classification"), rng)


def line(seed: int = 0, n: int = 100, noise: float = 0.1) -> Dataset:
    """Regression: y = 2x + 1 plus Gaussian noise, x in [−1, 1]."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n, 1))
    return Dataset("line", x, 2 * x + 1 + rng.normal(0, noise, (n, 1)), ("x",), ("y",),
                   "regression")


def seeds_example(seed: int = 0) -> Dataset:
    """The seeds' 2-input, 2-output network trained on one example (inputs 0.05, 0.10;
    targets 0.01, 0.99), the numbers of the classic step-by-step backpropagation walkthrough."""
    return Dataset("seeds", np.array([[0.05, 0.10]]), np.array([[0.01, 0.99]]),
                   ("x1", "x2"), ("y1", "y2"), "regression")


BUILTIN = {"xor": xor, "circles": circles, "spirals": spirals, "moons": moons, "line": line,
           "seeds": seeds_example}


def builtin(name: str, seed: int = 0) -> Dataset:
    try:
        return BUILTIN[name](seed)
    except KeyError:
        raise GraphError(f"unknown dataset {name!r}; choose one of {', '.join(BUILTIN)}") \
            from None


def _shuffled(ds: Dataset, rng) -> Dataset:
    order = rng.permutation(len(ds.X))
    return Dataset(ds.name, ds.X[order], ds.Y[order], ds.feature_names, ds.target_names, ds.task)


def read_csv_header(path) -> list[str]:
    return _read_csv(path)[0]


def load_csv(path, features: list[str], targets: list[str]) -> Dataset:
    """Read chosen numeric columns of a CSV with a header row; a bad row is refused by line."""
    path = Path(path)
    header, rows_in = _read_csv(path)
    for name in list(features) + list(targets):
        if name not in header:
            raise GraphError(f"{path}: no column {shorten(name)}; the columns are "
                             f"{clip(', '.join(header))}")
    if not features or not targets:
        raise GraphError(f"{path}: choose at least one feature column and one target column")
    fi = [header.index(c) for c in features]
    ti = [header.index(c) for c in targets]
    rows = []
    for line_no, row in rows_in:
        if len(row) != len(header):
            raise GraphError(f"{path}, line {line_no}: {len(row)} fields, expected "
                             f"{len(header)}")
        try:
            rows.append([float(row[i]) for i in fi + ti])
        except ValueError:
            bad = next(row[i] for i in fi + ti if not _is_number(row[i]))
            raise GraphError(f"{path}, line {line_no}: {shorten(bad)} is not a number") \
                from None
        if not np.all(np.isfinite(rows[-1])):
            raise GraphError(f"{path}, line {line_no}: NaN or infinite values are not allowed")
    if not rows:
        raise GraphError(f"{path}: no data rows under the header")
    data = np.array(rows)
    k = len(fi)
    task = "classification" if set(np.unique(data[:, k:])) <= {0.0, 1.0} else "regression"
    return Dataset(path.stem, data[:, :k], data[:, k:], tuple(features), tuple(targets), task)


def _read_csv(path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the (line number, fields) of each non-blank row. A regular file of at most
    MAX_CSV_BYTES, UTF-8 with or without the byte-order mark Excel writes; a binary file, another
    encoding or a field over MAX_CSV_FIELD_CHARS is refused with its line."""
    data = read_bytes(path, MAX_CSV_BYTES, "CSV file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise GraphError(f"{path}, line 1: UTF-16 text; save the CSV file as UTF-8 (Excel: "
                         f"CSV UTF-8)")
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise GraphError(f"{path}, line {line}: a binary file (it holds NUL bytes), not CSV text")
    text = decode_utf8(data, path, "CSV file")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        for row in reader:
            for cell in row:
                if len(cell) > MAX_CSV_FIELD_CHARS:
                    raise GraphError(f"{path}, line {reader.line_num}: a field of {len(cell):,} "
                                     f"characters; a CSV field may have at most "
                                     f"{MAX_CSV_FIELD_CHARS:,}")
            if row and any(cell.strip() for cell in row):
                rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise GraphError(f"{path}, line {reader.line_num}: not readable as CSV ({exc})") from None
    if not rows:
        raise GraphError(f"{path}: the file is empty; it needs a header row of column names")
    header = [h.strip() for h in rows[0][1]]
    return header, rows[1:]


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False
