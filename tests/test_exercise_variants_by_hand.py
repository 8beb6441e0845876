"""Variants a student can work by hand: a bce target must be a probability (the engine refuses
others), targets are never drawn at random by default, and a draw that saturates a sigmoid or
makes a tiny answer is drawn again, deterministically."""

from __future__ import annotations

import numpy as np
import pytest

from backprop_studio.engine import GraphError, backprop, fileformat
from backprop_studio.engine.exercise import answers, model, variants
from backprop_studio.engine.exercise.model import Exercise, RandomValue

EX = fileformat.EXAMPLES


@pytest.mark.parametrize("bad, shown", [(-3.0, "y[1, 0] is −3"), (1.5, "y[1, 0] is 1.50")])
def test_bce_refuses_a_target_outside_0_1(bad, shown):
    g = fileformat.load(EX / "xor_mlp.json")
    y = np.array(g.node("y")["tensors"]["value"], dtype=float)
    y[1, 0] = bad
    g.set_tensor("y", "value", y)
    with pytest.raises(GraphError) as err:
        backprop.run(g)
    assert str(err.value) == ("node BCE loss (bce): bce needs targets y in [0, 1]; "
                              f"its input {shown}")


def test_bce_takes_soft_targets_inside_0_1():
    g = fileformat.load(EX / "xor_mlp.json")
    g.set_tensor("y", "value", np.array([[0.0], [0.25], [1.0], [0.5]]))
    assert np.isfinite(backprop.run(g).values[g.output])


def test_the_loss_target_is_known():
    assert variants.loss_targets(fileformat.load(EX / "xor_mlp.json")) == {"y"}
    assert variants.loss_targets(fileformat.load(EX / "sigmoid_neuron.json")) == set()


def _neuron_exercise():
    g = fileformat.load(EX / "sigmoid_neuron.json")
    ex = Exercise(passes=[{"kind": "all_gradients"}],
                  random=[RandomValue(n, variants.DEFAULT_LOW, variants.DEFAULT_HIGH)
                          for n in ("w0", "x0", "w1", "x1", "w2")])
    return g, ex


ROSTER = [{"id": f"s{i:02d}"} for i in range(40)]


def test_no_student_gets_a_saturated_sigmoid_or_a_tiny_answer():
    g, ex = _neuron_exercise()
    texts = variants.make_all(g, ex, ROSTER)
    for name, text in texts.items():
        mine = fileformat.loads(text)
        result = answers.solve(mine)
        z = result.values["z"]
        assert abs(z) <= variants.SATURATED, (name, z)
        right = answers.expected(mine, answers.fields(mine, model.of_graph(mine), result), result)
        assert all(v == 0 or abs(v) >= variants.TINY for v in right.values()), (name, right)
    assert variants.make_all(g, ex, ROSTER) == texts          # byte-identical again


def test_without_the_redraw_the_same_seeds_would_saturate():
    """The case above is not empty: plain first draws saturate σ for some students."""
    g, ex = _neuron_exercise()
    key = "k"
    saturated = 0
    for student in ROSTER:
        mine = g.copy()
        variants.draw(mine, ex, variants.student_seed(key, student["id"]))
        saturated += abs(answers.solve(mine).values["z"]) > variants.SATURATED
    assert saturated >= 5
