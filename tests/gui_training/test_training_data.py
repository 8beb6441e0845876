"""CSV files: mapped through the dialog, a bad row refused with its line number; the data view
for 2-D and 1-D data; plots exported as PNG and the loss history as CSV."""

from __future__ import annotations

import csv

import numpy as np
from PySide6.QtCore import Qt
from training_helpers import open_example, wait_run

from backprop_studio.gui.training import actions

PNG = b"\x89PNG\r\n\x1a\n"


def write_csv(path, rows):
    path.write_text("\n".join(",".join(map(str, r)) for r in rows) + "\n", encoding="utf-8")
    return path


def test_a_csv_with_a_bad_row_is_refused_with_its_line_number(qtbot, studio, tmp_path):
    _, controller = studio
    path = write_csv(tmp_path / "bad.csv", [["a", "b", "label"], [0.1, 0.2, 0], [0.3, 0.4, 1],
                                             [0.5, "oops", 1], [0.7, 0.8, 0]])
    dialog = actions.csv_dialog(controller, str(path))
    qtbot.addWidget(dialog)
    assert dialog.columns("feature") == ["a", "b"] and dialog.columns("target") == ["label"]
    assert dialog.bad_cells == [(2, 1)]                           # "oops", shown in red
    assert dialog.preview.item(2, 1).background().color().name() == "#f8c9c4"
    assert dialog.preview.item(2, 0).background().style() == Qt.NoBrush
    assert "Row 3, column b: “oops” is not a number" in dialog.error.text()
    dialog.accept()
    assert dialog.result() == 0 and dialog.dataset is None        # still open, nothing loaded
    assert "line 4" in dialog.error.text() and "'oops'" in dialog.error.text()
    assert dialog.preview.selectionModel().selectedRows()[0].row() == 2
    assert controller.panel.dataset_box.findData("csv") == -1
    dialog.set_role("b", "ignore")                                # no bad cell left
    assert dialog.bad_cells == [] and dialog.preview.item(2, 1).background().style() == Qt.NoBrush


def test_the_csv_dialog_guesses_numeric_features_and_the_last_numeric_target(qtbot, studio,
                                                                             tmp_path):
    from backprop_studio.gui.training.csv_dialog import guess_roles
    _, controller = studio
    rows = [["name", "x1", "x2", "y", "note"], ["a", 0.1, 2, 1, "ok"], ["b", 0.3, 4, 0, "hm"]]
    dialog = actions.csv_dialog(controller, str(write_csv(tmp_path / "mixed.csv", rows)))
    qtbot.addWidget(dialog)
    assert [b.currentText() for b in dialog.role_boxes] == ["ignore", "feature", "feature",
                                                             "target", "ignore"]
    assert dialog.bad_cells == []
    assert guess_roles(["a"], [["1"], ["2"]]) == ["feature"]     # one column: no target guess
    assert guess_roles(["a", "b"], [["1", ""], ["2", "x"]]) == ["feature", "ignore"]


def test_a_csv_maps_columns_and_trains(qtbot, studio, tmp_path):
    window, controller = studio
    open_example(window, "xor_mlp.json")
    rows = [["id", "u", "v", "y"]] + [[i, u, v, int(u != v)] for i, (u, v) in
                                      enumerate([(0, 0), (0, 1), (1, 0), (1, 1)] * 3)]
    dialog = actions.csv_dialog(controller, str(write_csv(tmp_path / "xor.csv", rows)))
    qtbot.addWidget(dialog)
    dialog.set_role("id", "ignore")
    assert dialog.columns("feature") == ["u", "v"]
    assert len(dialog.scatter.data) == 12                          # the 2-D preview
    assert dialog.preview.rowCount() == 12 and dialog.preview.item(1, 2).text() == "1"
    dialog.accept()
    assert dialog.result() == 1
    actions.use_csv(controller, dialog)
    ds = controller.panel.dataset
    assert ds.X.shape == (12, 2) and ds.Y[:4, 0].tolist() == [0, 1, 1, 0]
    assert controller.panel.dataset_box.currentText() == "CSV: xor"
    assert "12 examples" in controller.panel.dataset_info.text()
    assert len(controller.view.boundary_plot.points.data) == 12
    controller.panel.steps.setValue(600)
    controller.panel.batch.setValue(12)
    qtbot.mouseClick(controller.panel.train_button, Qt.LeftButton)
    assert wait_run(qtbot, controller) == "ready"
    assert controller.trainer.dataset is ds
    assert controller.trainer.full_loss() < 0.05


def test_one_feature_regression_shows_points_and_the_model_curve(qtbot, studio):
    window, controller = studio
    open_example(window, "xor_mlp.json")
    plot = controller.view.boundary_plot
    index = controller.panel.dataset_box.findData("line")
    controller.panel.dataset_box.setCurrentIndex(index)
    assert plot.mode == "curve" and len(plot.points.data) == 100
    controller.panel.dataset_box.setCurrentIndex(controller.panel.dataset_box.findData("graph"))
    assert plot.mode == "none" and "stored in the graph" in plot.note.textItem.toPlainText()


def test_exports(qtbot, studio, tmp_path):
    window, controller = studio
    open_example(window, "xor_mlp.json")
    controller.panel.steps.setValue(300)
    qtbot.mouseClick(controller.panel.train_button, Qt.LeftButton)
    wait_run(qtbot, controller)
    for kind in ("loss_png", "boundary_png", "norms_png"):
        path = tmp_path / f"{kind}.png"
        actions.export(controller, kind, str(path))
        assert path.read_bytes()[:8] == PNG and path.stat().st_size > 5000
    path = tmp_path / "loss.csv"
    actions.export(controller, "loss_csv", str(path))
    with open(path, newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["step", "loss", "smoothed_loss"]
    assert len(rows) == 301 and rows[1][0] == "1" and rows[-1][0] == "300"
    assert [float(r[1]) for r in rows[1:]] == controller.trainer.history   # full precision


def test_log_scale_toggle(qtbot, studio):
    window, controller = studio
    open_example(window, "xor_mlp.json")
    controller.panel.steps.setValue(50)
    qtbot.mouseClick(controller.panel.train_button, Qt.LeftButton)
    wait_run(qtbot, controller)
    item = controller.view.loss_plot.plot.getPlotItem()
    assert not item.ctrl.logYCheck.isChecked()
    controller.panel.log_box.setChecked(True)
    assert item.ctrl.logYCheck.isChecked()
    x, y = controller.view.loss_plot.raw.getData()       # shown as log10(loss)
    np.testing.assert_allclose(y, np.log10(controller.trainer.history))
    item.ctrl.logYCheck.setChecked(False)                # the plot's own menu: Log Y off
    assert not controller.panel.log_box.isChecked() and not controller.view.loss_plot.log
    x, y = controller.view.loss_plot.raw.getData()
    np.testing.assert_allclose(y, controller.trainer.history)
    item.ctrl.logYCheck.setChecked(True)                 # …and on again, as the box does
    assert controller.panel.log_box.isChecked() and controller.view.loss_plot.log
    low, high = item.getViewBox().viewRange()[1]         # log10 decades around the losses
    assert low <= np.log10(min(controller.trainer.history)) and high <= 1
