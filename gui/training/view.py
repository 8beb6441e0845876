"""The Training dock's contents: the controls on the left, the three live plots beside them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QScrollArea, QSplitter, QWidget

from .boundary_plot import BoundaryPlot
from .grad_norm_plot import GradNormPlot
from .loss_plot import LossPlot
from .panel import TrainingPanel

PLOT_WIDTH = 175                # pixels each plot keeps before the panel gives up width


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
        scroll.setMaximumWidth(620)
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
        self._sized = False                  # the first real width shares the room out
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.panel.log_toggled.connect(self.loss_plot.set_log)
        self.splitter.splitterMoved.connect(self._moved_by_hand)
        self.loss_plot.log_changed.connect(self.panel.log_box.setChecked)

    def _moved_by_hand(self, *_args) -> None:
        self._sized = True

    def resizeEvent(self, event) -> None:
        """Until the user drags a divider: the panel gets its full width if the plots keep
        at least ``PLOT_WIDTH`` each, else what leaves them that (it scrolls), the plots the rest
        in equal parts, so all three are whole in a 1024-pixel window."""
        super().resizeEvent(event)
        if self._sized or event.size().width() <= 0:
            return
        width = self.splitter.width() - 3 * self.splitter.handleWidth()
        panel = max(160, min(self._panel_width, width - 3 * PLOT_WIDTH))
        plot = max(1, (width - panel) // 3)
        self.splitter.setSizes([panel, plot, plot, plot])
