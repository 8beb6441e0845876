"""The New-exercise dialog's defaults make exercises a student can do by hand: a loss's target
is never ticked random, ranges are small whole numbers."""

from __future__ import annotations

from backprop_studio.engine import fileformat
from backprop_studio.engine.exercise import answers, variants

EX = fileformat.EXAMPLES


def _dialog(make_window, example):
    from backprop_studio.gui.exercise.dialog import NewExerciseDialog
    window = make_window()
    assert window.open_path(EX / example)
    return NewExerciseDialog(window.graph, window)


def _rows(dialog):
    t = dialog.random_table
    return {dialog.leaves[i]: (t.item(i, 0).text(), t.item(i, 1).checkState().value == 2,
                               t.cellWidget(i, 2).value(), t.cellWidget(i, 3).value(),
                               t.cellWidget(i, 4).value()) for i in range(t.rowCount())}


def test_xor_mlp_target_is_not_random_and_the_default_makes_variants(make_window):
    dialog = _dialog(make_window, "xor_mlp.json")
    rows = _rows(dialog)
    assert rows["y"] == ("y  (the loss's target)", False, -3.0, 3.0, 0)
    assert rows["x"][1] is True
    ex = dialog.exercise()
    assert [r.node for r in ex.random] == ["x"]
    texts = variants.make_all(dialog.graph, ex, [{"id": "s1"}, {"id": "s2"}])
    for text in texts.values():
        y = fileformat.loads(text).node("y")["tensors"]["value"]
        assert set(map(float, y.ravel())) <= {0.0, 1.0}


def test_sigmoid_neuron_defaults_give_hand_sized_answers(make_window):
    dialog = _dialog(make_window, "sigmoid_neuron.json")
    rows = _rows(dialog)
    assert {n: r[1:] for n, r in rows.items() if r[1]} == {
        "x0": (True, -3.0, 3.0, 0), "x1": (True, -3.0, 3.0, 0)}
    ex = dialog.exercise()
    for text in variants.make_all(dialog.graph, ex, [{"id": f"s{i}"} for i in range(20)]).values():
        g = fileformat.loads(text)
        result = answers.solve(g)
        assert abs(result.values["z"]) <= 4
        for value in answers.expected(g, answers.fields(g, ex, result), result).values():
            assert value == 0 or abs(value) >= 1e-3
