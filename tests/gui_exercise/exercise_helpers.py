"""The students' files the exercise GUI tests open: variants of f = (x + y)·z with q's value
and every gradient blank and y drawn, as `exercise make` writes them."""

from __future__ import annotations

from backprop_studio.engine import fileformat
from backprop_studio.engine.exercise import variants
from backprop_studio.engine.exercise.model import Exercise, Field, RandomValue


def student_files(folder, students: list[dict]) -> list:
    g = fileformat.load(fileformat.EXAMPLES / "cs231n_add_multiply.json")
    ex = Exercise(fields=[Field("value", node="q")], passes=[{"kind": "all_gradients"}],
                  random=[RandomValue("y", 1, 9)], title="Add and multiply")
    texts = variants.make_all(g, ex, students)
    paths = []
    for student in students:
        path = folder / f"{student['id']}.json"
        path.write_text(texts[path.name], encoding="utf-8")
        paths.append(path)
    return paths
