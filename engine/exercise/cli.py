"""``python main.py exercise make|solve|grade``: variants per student, the key, the gradebook."""

from __future__ import annotations

from pathlib import Path

from .. import fileformat
from ..errors import GraphError
from ..text import printable
from . import grading, variants
from .model import of_graph


def add_parser(subparsers, name: str) -> None:
    p = subparsers.add_parser(name, help="backprop exercises: one variant per student, the key, "
                              "the gradebook")
    sub = p.add_subparsers(dest="exercise_command", required=True, metavar="{make,solve,grade}")
    m = sub.add_parser("make", help="one exercise file per student of a roster")
    m.add_argument("file", help="a graph file with an exercise block")
    m.add_argument("--students", required=True, metavar="ROSTER.csv",
                   help="CSV with an id column and optionally a name column")
    m.add_argument("--out", required=True, metavar="DIR", help="folder for the students' files")
    s = sub.add_parser("solve", help="fill every blank with the right answer (the key)")
    s.add_argument("file")
    s.add_argument("--out", required=True, metavar="SOLVED")
    g = sub.add_parser("grade", help="grade a folder of students' files into a CSV gradebook")
    g.add_argument("dir")
    g.add_argument("--out", required=True, metavar="GRADES.csv")


def run(args) -> int:
    return {"make": _make, "solve": _solve, "grade": _grade}[args.exercise_command](args)


def _exercise_graph(path):
    graph = fileformat.load(path)
    ex = of_graph(graph)
    if ex is None:
        raise GraphError(f"{path}: has no exercise block (make one with Exercise ▸ New from "
                         f"this graph)")
    return graph, ex


def _make(args) -> int:
    graph, ex = _exercise_graph(args.file)
    students = variants.read_roster(args.students)
    texts = variants.make_all(graph, ex, students)
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GraphError(f"cannot make the folder {out}: {exc.strerror or exc}") from None
    for name, text in texts.items():
        fileformat.write_text(out / name, text)
    print(printable(f"wrote {len(texts)} exercise files to {out}"))
    return 0


def _solve(args) -> int:
    graph, _ = _exercise_graph(args.file)
    count = grading.fill(graph)
    fileformat.save(graph, args.out)
    print(printable(f"filled {count} blanks; wrote {args.out}"))
    return 0


def _grade(args) -> int:
    rows = grading.gradebook(args.dir)
    # UTF-8 with a BOM: Excel on Windows reads "Chloé" and the ∂ headers right only so
    fileformat.write_text(args.out, grading.to_csv(rows), encoding="utf-8-sig")
    flagged = sum(r.status.startswith(("TAMPERED", "unreadable", "cannot", "not ")) for r in rows)
    print(printable(f"graded {len(rows)} files ({flagged} flagged); wrote {args.out}"))
    return 0
