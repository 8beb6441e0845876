"""Optimizers, datasets, CSV files and the training loop."""

import numpy as np
import pytest

from backprop_studio.engine import GraphError, datasets
from backprop_studio.engine.api import Graph
from backprop_studio.engine.optimizers import SGD, Adam, Momentum
from backprop_studio.engine.train import Trainer


def quadratic(start=5.0):
    """L = (w − 3)²: its minimum is at w = 3."""
    g = Graph()
    w = g.parameter("w", start)
    three = g.constant(3.0)
    d = g.subtract(w, three)
    g.power(d, p=2.0, label="L")
    return g, w


@pytest.mark.parametrize("name, lr, steps", [("sgd", 0.1, 200), ("momentum", 0.05, 300),
                                              ("adam", 0.1, 500)])
def test_every_optimizer_finds_the_minimum_of_a_quadratic(name, lr, steps):
    g, w = quadratic()
    t = Trainer(g, None, name, lr=lr)
    t.run(steps)
    t.write_back()
    assert g.node(w)["tensors"]["value"] == pytest.approx(3.0, abs=1e-3)
    assert t.history[0] == pytest.approx(4.0)


def test_sgd_step_is_theta_minus_eta_gradient():
    assert SGD(0.5).update([1.0, np.array([2.0, 3.0])], [0.2, np.array([1.0, -2.0])])[1].tolist() \
        == [1.5, 4.0]


def test_momentum_and_adam_first_steps_by_hand():
    m = Momentum(0.1, beta=0.9)
    p = m.update([1.0], [2.0])
    p = m.update(p, [2.0])
    assert p[0] == pytest.approx(1.0 - 0.1 * 2.0 - 0.1 * (0.9 * 2.0 + 2.0))
    a = Adam(0.1)
    assert a.update([1.0], [5.0])[0] == pytest.approx(1.0 - 0.1, abs=1e-7)  # first step ≈ lr·sign


def test_training_is_deterministic_for_a_seed_and_differs_across_seeds():
    g1 = Graph.load(datasets.__file__.replace("engine/datasets.py",
                                              "resources/examples/xor_mlp.json"))
    def history(seed):
        g = g1.copy()
        t = Trainer(g, datasets.circles(0), "sgd", lr=0.5, batch_size=16, seed=seed)
        return t.run(60)
    assert history(3) == history(3)
    assert history(3) != history(4)


def test_a_huge_learning_rate_stops_with_the_node_named_and_keeps_good_parameters():
    g = Graph()
    x = g.input("x", [[1.0]], feed="features")
    y = g.input("y", [[10.0]], feed="targets")
    w = g.parameter("w", [[0.5]])
    z = g.matmul(x, w, label="z")
    e = g.exp(z, label="e")
    g.mse(e, y, label="L")
    ds = datasets.Dataset("one", np.array([[1.0]]), np.array([[10.0]]), ("x",), ("y",),
                          "regression")
    t = Trainer(g, ds, "sgd", lr=1e6, batch_size=1)
    with pytest.raises(GraphError, match="training stopped at step") as err:
        t.run(50)
    assert err.value.node == "e" and "produced NaN or an infinite value" in str(err.value)
    good = t.current_tensors()[(w, "value")]
    assert np.all(np.isfinite(good))
    assert len(t.history) >= 1 and np.isfinite(t.history).all()


def test_trainer_refuses_what_it_cannot_train():
    g, _ = quadratic()
    with pytest.raises(GraphError, match="needs an input node with feed = 'features'"):
        Trainer(g, datasets.xor())
    with pytest.raises(GraphError, match="unknown optimizer"):
        Trainer(g, None, "rmsprop")
    with pytest.raises(GraphError, match="batch size"):
        Trainer(g, None, batch_size=0)


@pytest.mark.parametrize("name", sorted(datasets.BUILTIN))
def test_builtin_datasets_are_seeded_and_well_formed(name):
    a, b = datasets.builtin(name, 7), datasets.builtin(name, 7)
    np.testing.assert_array_equal(a.X, b.X)
    assert a.X.ndim == 2 and a.Y.ndim == 2 and len(a.X) == len(a.Y) > 0
    assert np.all(np.isfinite(a.X))
    if a.task == "classification":
        assert set(np.unique(a.Y)) == {0.0, 1.0}


def test_the_seeds_example_is_the_two_in_two_out_case():
    ds = datasets.builtin("seeds")
    assert ds.X.tolist() == [[0.05, 0.10]] and ds.Y.tolist() == [[0.01, 0.99]]


def test_csv_columns_are_chosen_by_name(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("x1, x2 ,ignored,y\n1,2,zzz,3\n\n4,5,zzz,6\n")
    ds = datasets.load_csv(path, ["x2", "x1"], ["y"])
    assert ds.X.tolist() == [[2.0, 1.0], [5.0, 4.0]] and ds.Y.tolist() == [[3.0], [6.0]]
    assert ds.task == "regression"


@pytest.mark.parametrize("text, message", [
    ("a,y\n1,2\n3\n", "line 3: 1 fields, expected 2"),
    ("a,y\n1,2\nx,2\n", "line 3: 'x' is not a number"),
    ("a,y\n1,nan\n", "line 2: NaN"),
    ("a,y\n", "no data rows"),
    ("", "empty"),
])
def test_a_bad_csv_is_refused_with_the_line(tmp_path, text, message):
    path = tmp_path / "d.csv"
    path.write_text(text)
    with pytest.raises(GraphError, match=message):
        datasets.load_csv(path, ["a"], ["y"])


def test_csv_unknown_column_lists_the_real_ones(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,y\n1,2\n")
    with pytest.raises(GraphError, match="no column 'b'; the columns are a, y"):
        datasets.load_csv(path, ["b"], ["y"])


def test_batches_cover_each_epoch_once():
    g = Graph.load(datasets.__file__.replace("engine/datasets.py",
                                             "resources/examples/xor_mlp.json"))
    ds = datasets.circles(0, n=40)
    t = Trainer(g, ds, batch_size=8, seed=1)
    seen = [t._next_batch()[0] for _ in range(5)]
    rows = np.concatenate(seen)
    assert len({tuple(r) for r in rows}) == 40


def test_last_batch_is_the_data_of_the_latest_step_and_predict_reuses_its_plan():
    g = Graph.load(datasets.__file__.replace("engine/datasets.py",
                                             "resources/examples/xor_mlp.json"))
    ds = datasets.circles(0, n=40)
    t = Trainer(g, ds, batch_size=8, seed=1)
    assert t.last_batch is None
    t.step()
    X, Y = t.last_batch
    assert X.shape == (8, 2) and Y.shape == (8, 1)
    assert {tuple(r) for r in X} <= {tuple(r) for r in ds.X}
    grid = np.zeros((25, 2))
    first = t.predict(grid)
    t.step()
    second = t.predict(grid)
    assert len(t._predict_plans) == 1 and first.shape == second.shape == (25, 1)
    assert not np.array_equal(first, second)          # new parameters, same compiled plan


def test_resume_continues_another_trainers_run_exactly():
    g = Graph.load(datasets.__file__.replace("engine/datasets.py",
                                             "resources/examples/xor_mlp.json"))
    ds = datasets.circles(0, n=40)
    whole = Trainer(g.copy(), ds, "sgd", lr=0.3, batch_size=8, seed=2)
    whole.run(7)
    first = Trainer(g.copy(), ds, "sgd", lr=0.3, batch_size=8, seed=2)
    state = first.rng.bit_generator.state          # before any shuffling, as the GUI sends it
    later = Trainer(g.copy(), ds, "sgd", lr=0.3, batch_size=8, seed=99)
    later.resume(first.params, 0, state)
    later.run(7)
    assert later.history == whole.history
    quad, _ = quadratic(2.0)
    t = Trainer(quad, None, "sgd", lr=0.1)
    t.resume([5.0], steps_done=3)
    assert isinstance(t.params[0], float) and len(t.history) == 3
    assert t.step() == pytest.approx(4.0)           # (5 − 3)²
    with pytest.raises(GraphError, match="do not match"):
        t.resume([1.0, 2.0])
