"""File ▸ Import ▸ ONNX Model… and File ▸ Export ▸ ONNX…: a bundled model imported and Run,
the output-and-loss choice, refusals shown as messages with the graph on screen kept, and an
export that onnx.checker accepts."""

from __future__ import annotations

import sys

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from backprop_studio.engine import run
from backprop_studio.engine.fileformat import EXAMPLES
from backprop_studio.engine.onnx_io.importer import parse_model, translate
from backprop_studio.gui import onnx_actions
from backprop_studio.gui.onnx_actions import LOSS_TEXT, OutputDialog


def never_asked(window, translation):
    """A choose() for models that must not ask (a real dialog would wait for a click)."""
    pytest.fail("the import asked for an output")


def titles(menu):
    return [a.text() for a in menu.actions()]


def test_the_menus_offer_onnx_both_ways(window):
    assert window.import_menu.menuAction().isVisible()
    assert "ONNX Model…" in titles(window.import_menu)
    assert "ONNX…" in titles(window.export_menu)


def test_importing_the_bundled_classifier_shows_it_run(window):
    assert onnx_actions.import_path(window, EXAMPLES / "mlp_classifier.onnx", never_asked)
    g = window.graph
    assert sorted(g.node(n)["op"] for n in g.nodes) == \
        ["dense", "dense", "input", "input", "relu", "softmax_ce"]
    assert window.last_result is not None
    assert window.last_result.loss == pytest.approx(run(g).loss, rel=1e-15)
    assert len(window.scene.node_items()) == 6
    assert window.windowTitle().startswith("mlp_classifier (imported)")
    assert "Imported mlp_classifier.onnx: 6 nodes, 4 trainable tensors" in \
        window.statusBar().currentMessage()


def test_opening_or_dropping_an_onnx_file_imports_it(window, tmp_path):
    """python main.py model.onnx, File ▸ Open and a drop all end in open_path: a model is
    imported, not read as graph JSON ("not UTF-8 text")."""
    model = EXAMPLES / "mlp_classifier.onnx"
    assert window.files.open_path(model, confirm=False)
    assert window.windowTitle().startswith("mlp_classifier (imported)")
    assert window.last_result is not None and len(window.graph) == 6
    # the target folds into the loss (engine.folding): two rows of softmax_ce
    assert window.scene.folded == {"target": ("loss", "y")}
    upper = tmp_path / "MODEL.ONNX"
    upper.write_bytes(model.read_bytes())
    assert window.files.open_dropped([str(upper)])
    assert window.windowTitle().startswith("MODEL (imported)")


def test_a_model_without_a_loss_asks_and_adds_the_chosen_one(window):
    asked = []

    def choose(w, translation):
        asked.append(list(translation.outputs))
        return "y", "mse"
    assert onnx_actions.import_path(window, EXAMPLES / "regression_net.onnx", choose)
    assert asked == [["y"]]
    g = window.graph
    assert g.node(g.output)["op"] == "mse"
    assert window.last_result.loss is not None


def test_cancelling_the_choice_keeps_the_graph_on_screen(cs_window):
    before = cs_window.graph
    assert not onnx_actions.import_path(cs_window, EXAMPLES / "regression_net.onnx",
                                        lambda w, t: None)
    assert cs_window.graph is before


def test_the_output_dialog_offers_every_output_and_loss(window):
    t = translate(parse_model((EXAMPLES / "regression_net.onnx").read_bytes()))
    dialog = OutputDialog(window, t)
    assert [dialog.output.itemText(i) for i in range(dialog.output.count())] == ["y"]
    assert [dialog.loss.itemData(i) for i in range(dialog.loss.count())] == \
        [None, *LOSS_TEXT]
    assert dialog.choice() == ("y", None)
    dialog.loss.setCurrentIndex(2)
    assert dialog.choice() == ("y", "softmax_ce")


def _unsupported(path):
    m = helper.make_model(helper.make_graph(
        [helper.make_node("Erf", ["x"], ["y"], name="erf1")], "g",
        [helper.make_tensor_value_info("x", TensorProto.DOUBLE, [2])],
        [helper.make_tensor_value_info("y", TensorProto.DOUBLE, [2])]),
        opset_imports=[helper.make_opsetid("", 17)])
    onnx.save(m, path)


@pytest.mark.parametrize("kind", ["unsupported", "malformed", "no onnx"])
def test_refusals_are_messages_and_nothing_is_half_imported(cs_window, tmp_path, kind,
                                                            monkeypatch):
    path = tmp_path / "m.onnx"
    if kind == "unsupported":
        _unsupported(path)
        expected = "Erf (erf1)"
    elif kind == "malformed":
        path.write_bytes(b"\x0a\xff\xff\xff not a model")
        expected = "not an ONNX model"
    else:
        path.write_bytes((EXAMPLES / "regression_net.onnx").read_bytes())
        monkeypatch.setitem(sys.modules, "onnx", None)
        expected = "pip install 'backprop-studio[onnx]'"
    before, shown = cs_window.graph, cs_window.refusal_box.shown
    nodes = sorted(before.nodes)
    assert not onnx_actions.import_path(cs_window, path, lambda w, t: ("y", None))  # never asked
    assert cs_window.graph is before and sorted(before.nodes) == nodes
    assert cs_window.refusal_box.shown == shown + 1
    text = cs_window.refusal_box.box.text()
    assert text.startswith("Could not import m.onnx") and expected in text


def test_export_writes_a_model_the_checker_accepts(cs_window, tmp_path):
    target = tmp_path / "cs.onnx"
    assert onnx_actions.export_path(cs_window, target)
    model = onnx.load(target)
    onnx.checker.check_model(model)
    assert sorted(n.op_type for n in model.graph.node) == ["Add", "Mul"]
    assert "Exported cs.onnx: 2 ONNX nodes" in cs_window.statusBar().currentMessage()


def test_export_to_an_unwritable_place_is_a_message(cs_window, tmp_path):
    shown = cs_window.refusal_box.shown
    assert not onnx_actions.export_path(cs_window, tmp_path / "missing" / "m.onnx")
    assert cs_window.refusal_box.shown == shown + 1
    assert "cannot write it" in cs_window.refusal_box.box.text()


def test_import_then_export_round_trips_the_values(window, tmp_path):
    assert onnx_actions.import_path(window, EXAMPLES / "mlp_classifier.onnx", never_asked)
    loss = window.last_result.loss
    assert onnx_actions.export_path(window, tmp_path / "again.onnx")
    # a model our exporter wrote opens without asking: its one output is the graph's output
    assert onnx_actions.import_path(window, tmp_path / "again.onnx",
                                    never_asked)
    assert window.last_result.loss == pytest.approx(loss, rel=1e-12)
    assert np.isfinite(loss)
