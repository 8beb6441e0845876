"""Training that goes wrong keeps the work: a NaN/Inf stop writes the last good parameters to
--out, and a loss that explodes gets a warning with a hint, from one signal in engine/train.py."""

import json

from backprop_studio.engine import cli, fileformat
from backprop_studio.engine.api import Graph
from backprop_studio.engine.limits import EXPLOSION_FACTOR
from backprop_studio.engine.train import Explosion, Trainer

LR = 10.0


def squared(tmp_path):
    """L = w², w = 1: SGD at lr 10 gives w ← w − 10·2w = −19w, so the loss grows 361× a step,
    passes 1000× its start at step 3 and overflows to infinity at step 122."""
    g = Graph()
    w = g.parameter("w", 1.0)
    g.set_output(g.power(w, p=2.0, label="loss"))
    path = tmp_path / "squared.json"
    g.save(path)
    return path


def expected_run():
    """(the w each step starts from, its loss), by hand, up to the first non-finite loss."""
    w, seen = 1.0, []
    while True:
        loss = w ** 2 if abs(w) < 1e154 else float("inf")
        seen.append((w, loss))
        if loss == float("inf"):
            return seen
        w = w - LR * (2.0 * w)


def test_a_nan_stop_writes_the_parameters_from_before_the_bad_step(tmp_path, capsys):
    path, out = squared(tmp_path), tmp_path / "out.json"
    code = cli.main(["train", str(path), "--optimizer", "sgd", "--lr", str(LR), "--steps", "500",
                     "--out", str(out)])
    err = capsys.readouterr().err
    run = expected_run()
    bad_step = len(run)                                    # 1-based: the step with loss inf
    assert bad_step == 122
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert code == 2 and len(errors) == 1
    assert f"training stopped at step {bad_step}" in errors[0]
    assert f"wrote them (from before that step) to {out}" in errors[0]
    saved = json.loads(out.read_text())
    value = next(n for n in saved["graph"]["nodes"] if n["op"] == "parameter")["tensors"]["value"]
    last_good_w = run[-2][0]                               # its loss was the last finite one
    assert value == last_good_w and abs(value) > 1e153
    assert fileformat.load(out).node("w")["tensors"]["value"] == last_good_w


def test_an_exploding_loss_is_warned_about_once_with_a_hint(tmp_path, capsys):
    path, out = squared(tmp_path), tmp_path / "out.json"
    cli.main(["train", str(path), "--optimizer", "sgd", "--lr", str(LR), "--steps", "10",
              "--out", str(out)])
    err = capsys.readouterr().err
    warnings = [line for line in err.splitlines() if line.startswith("warning: ")]
    assert warnings == ["warning: the loss rose to 1.303e+05 at step 3, more than 1000× its start "
                        "(1); the learning rate 10 is probably too high: try a lower one "
                        "(e.g. 1)"]


def test_the_trainer_exposes_the_explosion_once_for_any_front_end(tmp_path):
    graph = fileformat.load(squared(tmp_path))
    trainer = Trainer(graph, optimizer="sgd", lr=LR)
    seen = []
    trainer.on_explosion = seen.append
    trainer.run(2)
    assert trainer.explosion is None and seen == []          # 1, 361: not yet 1000×
    trainer.run(5)
    run = expected_run()
    assert trainer.explosion == Explosion(step=3, loss=run[2][1], start=1.0, lr=LR)
    assert run[2][1] > EXPLOSION_FACTOR * run[0][1] > run[1][1]
    assert seen == [trainer.explosion]                        # once, not at every later step


def test_a_calm_run_gives_no_warning(tmp_path):
    graph = fileformat.load(squared(tmp_path))
    trainer = Trainer(graph, optimizer="sgd", lr=0.1)
    trainer.run(50)
    assert trainer.explosion is None and trainer.history[-1] < trainer.history[0]
