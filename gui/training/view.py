"""The Training dock's contents: the controls on the left, the three live plots beside them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QScrollArea, QSplitter, QWidget

from .boundary_plot import BoundaryPlot
from .grad_norm_plot import GradNormPlot
from .loss_plot import LossPlot
from .panel import TrainingPanel


class TrainingView(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("TrainingView")
        self.panel = TrainingPanel()
        self.loss_plot = LossPlot()
        self.boundary_plot = BoundaryPlot()
        self.norm_plot = GradNormPlot()
        scroll = QScrollArea()
        scroll.setWidget(self.panel)
        scroll.setWidgetResizable(True)
        # Small minimums so the dock never forces a wide window; the splitter starts from
        # the panel's full width (its size hint) and a small window scrolls instead.
        scroll.setMinimumWidth(160)
        scroll.setMaximumWidth(480)
        self._panel_width = self.panel.sizeHint().width() + 18
        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(scroll)
        for plot in (self.loss_plot, self.boundary_plot, self.norm_plot):
            splitter.addWidget(plot)
        splitter.setStretchFactor(0, 0)
        for i in (1, 2, 3):
            splitter.setStretchFactor(i, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([self._panel_width, 400, 400, 400])
        self.splitter = splitter
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.panel.log_toggled.connect(self.loss_plot.set_log)
        self.loss_plot.log_changed.connect(self.panel.log_box.setChecked)
