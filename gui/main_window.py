"""The main window (an empty shell for now; the editor fills it)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("Backprop Studio")
        self.resize(1280, 800)
        self.setCentralWidget(QLabel("Backprop Studio"))

    def open_path(self, path: str) -> None:
        self.statusBar().showMessage(path)
