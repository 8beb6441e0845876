"""Checking a student's answers, and the gradebook of a folder of students' files.

Each blank scores one point when it is answered, right within the exercise's significant
digits, and no hint was taken for it. A wrong answer is diagnosed (mistakes.py). A file whose
seal does not match (values changed, graph edited) is flagged and scores nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from .. import fileformat
from ..errors import GraphError
from .answers import describe, expected, fields, solve
from .mistakes import Diagnoser
from .model import Exercise, Field, of_graph
from .seal import intact
from .tolerance import close


@dataclass
class Mark:
    field: Field
    status: str                  # right, wrong, blank, hint
    why: str = ""                # the named mistake, or the hint taken


@dataclass
class Check:
    marks: list[Mark] = field(default_factory=list)

    @property
    def score(self) -> int:
        return sum(m.status == "right" for m in self.marks)

    @property
    def maximum(self) -> int:
        return len(self.marks)

    @property
    def filled(self) -> int:
        return sum(m.status != "blank" for m in self.marks)


def parse_answer(text: str):
    """A typed answer: a number (Unicode minus allowed) or a bracketed array; ValueError with a
    message a student can act on."""
    cleaned = text.strip().replace("−", "-").replace("–", "-")
    if not cleaned:
        raise ValueError("empty")
    value = fileformat.parse(cleaned, "the answer") if cleaned.startswith("[") else None
    if value is None:
        try:
            return float(cleaned)
        except ValueError:
            raise ValueError(f"{cleaned!r} is not a number") from None
    from ..tensors import to_tensor
    try:
        return to_tensor(value).tolist()
    except ValueError as exc:
        raise ValueError(str(exc)) from None


def check(graph, ex: Exercise | None = None) -> Check:
    """Mark every blank of the graph's exercise."""
    ex = ex or of_graph(graph)
    if ex is None:
        raise GraphError("this graph has no exercise")
    result = solve(graph)
    fs = fields(graph, ex, result)
    right = expected(graph, fs, result)
    diagnoser = Diagnoser(graph, result, ex.digits)
    out = Check()
    for f in fs:
        answer = ex.answers.get(f)
        hint = ex.hinted(f)
        if hint is not None:
            out.marks.append(Mark(f, "hint", f"hint taken ({hint})"))
        elif answer is None:
            out.marks.append(Mark(f, "blank"))
        elif close(answer, right[f], ex.digits):
            out.marks.append(Mark(f, "right"))
        else:
            out.marks.append(Mark(f, "wrong",
                                  diagnoser.diagnose(f, answer, right[f], ex.answers)))
    return out


def fill(graph) -> int:
    """The teacher's key: every blank filled with the engine's answer. Returns the count."""
    ex = of_graph(graph)
    if ex is None:
        raise GraphError("this graph has no exercise to solve")
    result = solve(graph)
    fs = fields(graph, ex, result)
    for f, value in expected(graph, fs, result).items():
        ex.answers[f] = _plain(value)
    from .model import store
    store(graph, ex)
    return len(fs)


def _plain(value):
    return value.tolist() if hasattr(value, "tolist") else float(value)


@dataclass
class Row:
    file: str
    student: str = ""
    name: str = ""
    status: str = "graded"
    score: int | str = ""
    maximum: int | str = ""
    cells: dict[str, str] = field(default_factory=dict)


def grade_file(path: Path) -> Row:
    row = Row(path.name)
    try:
        graph = fileformat.load(path)
        ex = of_graph(graph)
    except GraphError as exc:
        row.status = f"unreadable: {exc}"
        return row
    if ex is None:
        row.status = "not an exercise"
        return row
    row.student = (ex.student or {}).get("id", "")
    row.name = (ex.student or {}).get("name", "")
    if not intact(graph):
        row.status = "TAMPERED: the graph or the exercise differs from what was handed out" \
            if ex.seal else "TAMPERED: not sealed by exercise make"
        return row
    try:
        result = check(graph, ex)
    except GraphError as exc:
        row.status = f"cannot grade: {exc}"
        return row
    row.status = "revealed" if ex.revealed else "graded"
    row.score, row.maximum = result.score, result.maximum
    for m in result.marks:
        column = describe(graph, m.field)
        if column in row.cells:                 # two nodes with one label: name it by id too
            column += f" [{m.field.node or '→'.join(m.field.edge)}]"
        row.cells[column] = m.status + (f": {m.why}" if m.why else "")
    return row


def gradebook(folder) -> list[Row]:
    folder = Path(folder)
    if not folder.is_dir():
        raise GraphError(f"{folder}: not a folder")
    paths = sorted(p for p in folder.iterdir() if p.suffix == ".json" and p.is_file())
    if not paths:
        raise GraphError(f"{folder}: no .json files to grade")
    return [grade_file(p) for p in paths]


def to_csv(rows: list[Row]) -> str:
    columns = list(dict.fromkeys(c for r in rows for c in r.cells))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["file", "student", "name", "status", "score", "maximum", *columns])
    for r in rows:
        writer.writerow([r.file, r.student, r.name, r.status, r.score, r.maximum,
                         *(r.cells.get(c, "") for c in columns)])
    return out.getvalue()
