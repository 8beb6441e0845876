"""File actions of the Training dock: choose a CSV (then map its columns), export plots as PNG
and the loss history as CSV. The dialogs ask for paths; ``export`` and ``csv_dialog`` take
paths directly so tests and scripts can call them."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFileDialog

from backprop_studio.engine import GraphError

from .csv_dialog import CsvDialog

SUFFIX = {"loss_png": ("loss.png", "PNG image (*.png)"),
          "boundary_png": ("data.png", "PNG image (*.png)"),
          "norms_png": ("gradient_norms.png", "PNG image (*.png)"),
          "loss_csv": ("loss_history.csv", "CSV file (*.csv)")}


def export(controller, kind: str, path: str) -> None:
    view = controller.view
    {"loss_png": view.loss_plot.export_png, "boundary_png": view.boundary_plot.export_png,
     "norms_png": view.norm_plot.export_png,
     "loss_csv": view.loss_plot.export_csv}[kind](path)


def ask_export(controller, kind: str) -> None:
    name, pattern = SUFFIX[kind]
    path, _ = QFileDialog.getSaveFileName(controller.view, "Export", name, pattern)
    if path:
        try:
            export(controller, kind, path)
        except OSError as exc:
            controller.say(f"Could not write {path}: {exc.strerror or exc}", error=True)
            return
        controller.say(f"Wrote {path}")


def csv_dialog(controller, path: str) -> CsvDialog | None:
    """The column-mapping dialog for ``path``, or None (with the reason shown) if unreadable."""
    try:
        return CsvDialog(path, controller.view)
    except (GraphError, OSError, UnicodeDecodeError) as exc:
        controller.say(str(exc), error=True)
        return None


def use_csv(controller, dialog: CsvDialog) -> None:
    controller.panel.set_csv_dataset(dialog.dataset)
    ds = dialog.dataset
    controller.say(f"Loaded {len(ds):,} rows from {dialog.path.name}")


def ask_csv(controller) -> None:
    path, _ = QFileDialog.getOpenFileName(controller.view, "Train on a CSV file", "",
                                          "CSV files (*.csv);;All files (*)")
    if not path:
        return
    dialog = csv_dialog(controller, path)
    if dialog is not None and dialog.exec() == QDialog.Accepted:
        use_csv(controller, dialog)


def connect_files(controller) -> None:
    controller.panel.csv_requested.connect(lambda: ask_csv(controller))
    controller.panel.export_requested.connect(lambda kind: ask_export(controller, kind))
