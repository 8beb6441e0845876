"""Check: every filled blank marked right (✓) or wrong (✗) by engine/exercise/grading, the
mistake named on the blank and in the Exercise dock's list."""

from __future__ import annotations

from backprop_studio.engine import GraphError
from backprop_studio.engine.exercise import answers, grading


def check(mode) -> None:
    """Mark each filled blank ✓ or ✗ (the mistake named in its tooltip and the list)."""
    if not mode.active:
        return
    if mode.current is not None:
        mode.commit(mode.current)
    ex = mode.exercise
    try:
        result = grading.check(mode.window.graph, ex)
    except GraphError as exc:
        mode.window.show_message(f"Cannot check: {exc}", error=True)
        return
    mode.checked = True
    mode.marks = {m.field: m for m in result.marks}
    graph = mode.window.graph
    for item in mode.blanks:
        m = mode.marks.get(item.field)
        if m is None or m.status == "blank":
            continue
        what = answers.describe(graph, item.field)
        if m.status == "right":
            item.set_status("right", f"{what}: right")
        elif m.status == "wrong":
            item.set_status("wrong", f"{what}: wrong — {m.why}")
    wrong = sum(m.status == "wrong" for m in result.marks)
    mode.panel.show_check(result, wrong, [(b, mode.marks[b.field]) for b in mode.blanks
                                          if mode.marks[b.field].status == "wrong"],
                          graph)
    mode._progress()
    mode.window.show_message(f"Checked: {result.score} right, {wrong} wrong, "
                             f"{result.filled} / {result.maximum} answered")
