"""One variant of an exercise per student: its random values drawn from a seed derived from
the student's id (SHA-256, stable across runs and machines, unlike Python's hash()), so the
same roster always gives the same files and neighbours get different numbers."""

from __future__ import annotations

import csv
import hashlib
import io
import re

import numpy as np

from ..errors import GraphError
from ..fileformat import dumps
from ..limits import MAX_CSV_BYTES
from ..safe_read import decode_utf8, read_bytes
from ..text import shorten
from .answers import expected, fields, solve
from .model import Exercise, store
from .seal import seal

ATTEMPTS = 50           # draws tried per student before giving up on a graph that has no answer
DEFAULT_LOW, DEFAULT_HIGH = -3.0, 3.0     # the dialog's default range: small whole numbers
SATURATED = 4.0         # |z| above this: σ(z) is within 2 % of 0 or 1, its gradient near 0
TINY = 1e-3             # a nonzero answer below this is no longer worked out by hand


def loss_targets(graph) -> set[str]:
    """Leaves feeding a loss's target port y: labels, never drawn at random by default (a
    random bce target is not a probability)."""
    return {source for source, target, port in graph.edges()
            if port == "y" and graph.op(target).is_loss}


def awkward(graph, result, answers: dict) -> str | None:
    """Why a drawn variant is not worth working by hand, or None: a sigmoid saturated, or a
    nonzero answer so small it needs a calculator."""
    for source, target, _port in graph.edges():
        if graph.node(target)["op"] == "sigmoid" and \
                np.any(np.abs(result.values[source]) > SATURATED):
            return f"σ of {graph.label(source)} is saturated"
    for value in answers.values():
        size = np.abs(np.asarray(value, dtype=float))
        if np.any((size > 0) & (size < TINY)):
            return "an answer is below 0.001"
    return None


def student_seed(exercise_key: str, student_id: str, attempt: int = 0) -> int:
    digest = hashlib.sha256(f"{exercise_key}\0{student_id}\0{attempt}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def draw(graph, ex: Exercise, seed: int) -> None:
    """Give each random leaf fresh values of its shape, uniform in its range, rounded."""
    rng = np.random.default_rng(seed)
    for spec in ex.random:
        shape = np.shape(graph.node(spec.node)["tensors"]["value"])
        values = np.round(rng.uniform(spec.low, spec.high, shape), spec.decimals)
        if spec.nonzero:                 # a zero makes many exercises trivial or undefined
            step = 10.0 ** -spec.decimals
            values = np.where(values == 0, step if spec.high >= step else -step, values)
        values = values + 0.0           # no −0.0 in a file
        graph.set_tensor(spec.node, "value", float(values) if shape == () else values)


def variant(base, ex: Exercise, key: str, student: dict):
    """The student's graph: drawn values, the block with the student named, sealed. A draw that
    makes the graph fail (a division by zero, a log of a negative) is drawn again, and so is
    one that is awkward by hand (a saturated sigmoid, a tiny answer) while a later draw is not
    (else the first draw that works is kept)."""
    last, fallback = None, None
    for attempt in range(ATTEMPTS):
        graph = base.copy()
        draw(graph, ex, student_seed(key, student["id"], attempt))
        try:
            result = solve(graph)
            blanks = expected(graph, fields(graph, ex, result), result)
        except GraphError as exc:
            last = exc
            continue
        if fallback is None:
            fallback = graph
        if ex.random and awkward(graph, result, blanks):
            continue                    # the next seed, the same for the same student
        break
    else:
        graph = fallback
    if graph is not None:
        mine = Exercise(**{**ex.__dict__, "student": dict(student), "answers": {},
                           "hints_used": [], "revealed": False, "seal": None})
        store(graph, mine)
        mine.seal = seal(graph)
        store(graph, mine)
        return graph
    raise GraphError(f"student {shorten(student['id'])}: no draw of the random values in "
                     f"{ATTEMPTS} tries gives a graph with answers (last: {last})")


def read_roster(path) -> list[dict]:
    """Students from a CSV with a header: an ``id`` column (or ``student_id``, ``student``) and
    a ``name`` column if present. Ids must be unique and not empty."""
    text = decode_utf8(read_bytes(path, MAX_CSV_BYTES, "roster"), path, "roster")
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise GraphError(f"{path}: the roster is empty (it needs a header with an id column)") \
            from None
    id_col = next((header.index(n) for n in ("id", "student_id", "student id", "student")
                   if n in header), None)
    if id_col is None:
        raise GraphError(f"{path}: the roster has no id column (its header: "
                         f"{shorten(', '.join(header))})")
    name_col = header.index("name") if "name" in header else None
    students, seen = [], set()
    for line, row in enumerate(reader, start=2):
        if not any(c.strip() for c in row):
            continue
        sid = row[id_col].strip() if id_col < len(row) else ""
        if not sid:
            raise GraphError(f"{path}: line {line} has no student id")
        if sid in seen:
            raise GraphError(f"{path}: line {line}: student id {shorten(sid)} is listed twice")
        seen.add(sid)
        student = {"id": sid}
        if name_col is not None and name_col < len(row) and row[name_col].strip():
            student["name"] = row[name_col].strip()
        students.append(student)
    if not students:
        raise GraphError(f"{path}: the roster lists no students")
    return students


def file_name(student_id: str) -> str:
    return (re.sub(r"[^A-Za-z0-9_.-]+", "_", student_id).strip("._") or "student") + ".json"


def make_all(base, ex: Exercise, students: list[dict]) -> dict[str, str]:
    """file name -> the student's file text, for every student (nothing written yet)."""
    result = solve(base)                 # a blank without an answer is the teacher's to fix
    expected(base, fields(base, ex, result), result)
    key = hashlib.sha256(dumps(base).encode()).hexdigest()
    out: dict[str, str] = {}
    owners: dict[str, tuple[str, str]] = {}
    for student in students:
        name = file_name(student["id"])
        key = name.casefold()           # s1.json and S1.json are one file on Windows and macOS
        if key in owners:
            other, theirs = owners[key]
            same = f"the same file name {name}" if theirs == name else \
                f"the file names {theirs} and {name}, one file on a case-insensitive disk"
            raise GraphError(f"students {shorten(other)} and {shorten(student['id'])} "
                             f"would get {same}")
        owners[key] = (student["id"], name)
        out[name] = dumps(variant(base, ex, key, student))
    return out
