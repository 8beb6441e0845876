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
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(self.panel.minimumSizeHint().width() + 16)
        scroll.setMaximumWidth(460)
        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(scroll)
        for plot in (self.loss_plot, self.boundary_plot, self.norm_plot):
            splitter.addWidget(plot)
        splitter.setStretchFactor(0, 0)
        for i in (1, 2, 3):
            splitter.setStretchFactor(i, 1)
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.panel.log_toggled.connect(self.loss_plot.set_log)
