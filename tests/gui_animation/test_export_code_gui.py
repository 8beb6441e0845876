"""File ▸ Export ▸ As Code…, "Copy as LaTeX" in the Animation dock and a node's "Copy Chain
Rule to Here as LaTeX", on the CS231n example (f = (x + y)·z, x = −2, y = 5, z = −4)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QGuiApplication

from backprop_studio.gui import export_code


def test_as_code_is_in_file_export_and_writes_a_numpy_script(open_example, tmp_path):
    window, _ = open_example("cs231n_add_multiply")
    assert window.export_code_action in window.export_menu.actions()
    assert window.export_code_action.text() == "As &Code…"
    out = tmp_path / "cs.py"
    assert export_code.export_code(window, "numpy", str(out))
    result = json.loads(subprocess.run([sys.executable, str(out)], capture_output=True,
                                       text=True, check=True).stdout)
    assert {n["id"]: n["grad"] for n in result["nodes"]}["x"] == -4.0
    assert "numpy script" in window.statusBar().currentMessage().lower()


def test_the_dialog_offers_both_languages_and_follows_the_choice(open_example):
    window, _ = open_example("cs231n_add_multiply")
    dialog = export_code.ExportCodeDialog(window)
    assert [dialog.format_box.itemData(i) for i in range(dialog.format_box.count())] == \
        ["numpy", "pytorch"]
    assert dialog.path_edit.text() == str(Path.home() / "cs231n_add_multiply_numpy.py")
    dialog.format_box.setCurrentIndex(1)
    assert dialog.format == "pytorch"
    assert dialog.path_edit.text().endswith("cs231n_add_multiply_pytorch.py")
    dialog.close()


def test_an_export_that_cannot_be_written_says_why(open_example, tmp_path):
    window, _ = open_example("cs231n_add_multiply")
    assert not export_code.export_code(window, "numpy", str(tmp_path / "no" / "such" / "x.py"))
    box = window.export_code_refusal
    assert box.text().startswith("Cannot write") and "x.py" in box.text()
    box.close()
    graph = window.graph                      # a second end and no output chosen
    extra = graph.add_node("add", "x + y")
    graph.connect("x", extra, "a")
    graph.connect("y", extra, "b")
    graph.set_output(None)
    assert not export_code.export_code(window, "pytorch", str(tmp_path / "t.py"))
    assert "output" in window.export_code_refusal.text()
    window.export_code_refusal.close()


def test_copy_as_latex_copies_the_active_step(open_example):
    window, anim = open_example("cs231n_add_multiply")
    button = window.copy_latex_button
    assert button.text() == "Copy as LaTeX" and button.isVisible()
    anim.end()                               # the last step: the edge y → q
    button.click()
    text = QGuiApplication.clipboard().text()
    assert text == (r"\frac{\partial f}{\partial y} = \frac{\partial f}{\partial q} \cdot "
                    r"\frac{\partial q}{\partial y} = (-4) \cdot 1 = -4")


def test_a_node_menu_copies_the_chain_rule_down_to_it(open_example):
    window, _ = open_example("cs231n_add_multiply")
    menu = window.scene.node_menu("x")
    (act,) = [a for a in menu.actions() if a.text() == "Copy Chain Rule to Here as LaTeX"]
    act.trigger()
    assert QGuiApplication.clipboard().text() == (
        r"\frac{\partial f}{\partial x} = \frac{\partial f}{\partial q} \cdot "
        r"\frac{\partial q}{\partial x} = (-4) \cdot 1 = -4")
    assert "Copied" in window.statusBar().currentMessage()


def test_a_dense_layer_keeps_its_own_menu_items_first(open_example):
    window, _ = open_example("xor_mlp")
    dense = next(n for n in window.graph.nodes if window.graph.op(n).name == "dense")
    menu = window.scene.node_menu(dense)          # kept: the menu owns its actions
    texts = [a.text() for a in menu.actions()]
    assert texts[0] == "Draw as Neurons and Weights"
    assert texts[-1] == "Copy Chain Rule to Here as LaTeX"
    QGuiApplication.clipboard().clear()
    menu.actions()[-1].trigger()
    assert QGuiApplication.clipboard().text().startswith(r"\frac{\partial L}{\partial z^{1}}")
