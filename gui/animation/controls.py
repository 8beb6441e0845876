"""The Animation dock: transport buttons, pass and speed, the timeline slider, and the active
step explained (text from engine/explain.py, heatmaps for matrix steps)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from backprop_studio.engine import explain
from backprop_studio.gui import plain_text

SPEEDS = (0.25, 0.5, 1.0, 1.5, 2.0, 4.0, 8.0)
PASSES = (("both", "Forward + backward"), ("forward", "Forward pass only"),
          ("backward", "Backward pass only"))
HINT = ("Press ▶ (Space) to watch the forward pass compute each value and the backward pass "
        "hand each gradient back, edge by edge. ← / → step, Home / End jump.")


class AnimationPanel(QWidget):
    """Widgets only; ``install`` wires them to the controller and the window."""

    check_requested = Signal()

    def __init__(self, controller, commands=None, parent=None) -> None:
        """``commands`` has home/step_back/toggle/step_forward/end/seek (default: controller)."""
        super().__init__(parent)
        self.ctl = controller
        self.commands = commands or controller
        cmd = self.commands
        self.setObjectName("animation_panel")
        style = self.style()
        SP = QStyle.StandardPixmap

        def tool(icon, tip, slot):
            b = QToolButton()
            b.setIcon(style.standardIcon(icon))
            b.setToolTip(tip)
            b.setAutoRaise(True)
            b.clicked.connect(slot)
            return b

        self.home_button = tool(SP.SP_MediaSkipBackward, "Jump to the start (Home)", cmd.home)
        self.back_button = tool(SP.SP_MediaSeekBackward, "Step back (←)", cmd.step_back)
        self.play_button = tool(SP.SP_MediaPlay, "Play / pause (Space)", cmd.toggle)
        self.next_button = tool(SP.SP_MediaSeekForward, "Step forward (→)", cmd.step_forward)
        self.end_button = tool(SP.SP_MediaSkipForward, "Jump to the end (End)", cmd.end)
        self.pass_box = QComboBox()
        for mode, text in PASSES:
            self.pass_box.addItem(text, mode)
        self.pass_box.setToolTip("Play both passes as one sequence, or either on its own")
        self.pass_box.currentIndexChanged.connect(
            lambda i: self.ctl.set_mode(self.pass_box.itemData(i)))
        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setRange(0, len(SPEEDS) - 1)
        self.speed_slider.setValue(SPEEDS.index(1.0))
        self.speed_slider.setFixedWidth(110)
        self.speed_slider.setToolTip("Animation speed")
        self.speed_label = QLabel("1×")
        self.speed_slider.valueChanged.connect(self._speed)
        self.check_button = QPushButton("Gradient check")
        self.check_button.setToolTip("Compare every gradient with central finite differences; "
                                     "badges show pass/fail and the relative error")
        self.check_button.clicked.connect(self.check_requested)
        self.step_label = plain_text.plain(QLabel())
        self.timeline = QSlider(Qt.Orientation.Horizontal)
        self.timeline.setToolTip("Scrub to any step")
        self.timeline.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.timeline.valueChanged.connect(self._scrubbed)
        self._pending = None
        self._explained = True
        self._scrub_timer = QTimer(self)
        self._scrub_timer.setSingleShot(True)
        self._scrub_timer.setInterval(0)
        self._scrub_timer.timeout.connect(self._apply_scrub)
        self.title = plain_text.plain(QLabel())
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() + 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.body = plain_text.plain(QLabel(HINT))
        body_font = QFont(self.body.font())
        body_font.setPointSizeF(body_font.pointSizeF() + 1.0)
        self.body.setFont(body_font)
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.body.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        # a long explanation (a node used three times) scrolls instead of being cut off
        self.body_scroll = QScrollArea()
        self.body_scroll.setWidget(self.body)
        self.body_scroll.setWidgetResizable(True)
        self.body_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.body_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.matrices = QWidget()
        self._heat_layout = QHBoxLayout(self.matrices)
        self._heat_layout.setContentsMargins(0, 0, 0, 0)
        self._heatmaps = []
        self.matrices.hide()
        self._layout()
        # An explicit minimum: the controls' row must not force a minimum window width.
        self.setMinimumSize(240, 120)
        self.on_screen = True                # see set_on_screen
        self._controls_behind = False        # a refresh skipped the controls while unseen
        controller.cursor_changed.connect(self.refresh)
        controller.timeline_changed.connect(lambda _: self.refresh())
        controller.playing_changed.connect(self._playing)
        self.refresh()

    def _layout(self) -> None:
        bar = QHBoxLayout()
        for w in (self.home_button, self.back_button, self.play_button, self.next_button,
                  self.end_button):
            bar.addWidget(w)
        bar.addSpacing(8)
        bar.addWidget(self.pass_box)
        bar.addSpacing(8)
        bar.addWidget(QLabel("Speed"))
        bar.addWidget(self.speed_slider)
        bar.addWidget(self.speed_label)
        bar.addSpacing(8)
        bar.addWidget(self.check_button)
        bar.addStretch(1)
        bar.addWidget(self.step_label)
        text = QVBoxLayout()
        text.addWidget(self.title)
        text.addWidget(self.body_scroll, 1)
        lower = QHBoxLayout()
        lower.addLayout(text, 3)
        lower.addWidget(self.matrices, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 6)
        layout.addLayout(bar)
        layout.addWidget(self.timeline)
        layout.addLayout(lower, 1)

    # ------------------------------------------------------------ following the controller
    def _speed(self, index: int) -> None:
        speed = SPEEDS[index]
        self.speed_label.setText(f"{speed:g}×")
        self.ctl.set_speed(speed)

    def _scrubbed(self, value: int) -> None:
        """While the handle is dragged, only the latest position is shown (a jump on a large
        graph takes longer than the slider sends positions)."""
        self._pending = value
        if self.timeline.isSliderDown():
            if not self._scrub_timer.isActive():
                self._scrub_timer.start()
        else:
            self._apply_scrub()

    def _apply_scrub(self) -> None:
        if self._pending is not None and self._pending != self.ctl.cursor:
            self.commands.seek(self._pending)
        self._pending = None

    def _playing(self, playing: bool) -> None:
        pixmap = QStyle.StandardPixmap
        icon = pixmap.SP_MediaPause if playing else pixmap.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))

    def refresh(self) -> None:
        """The slider, step counter, explanation and heatmaps of the active step, while the
        panel is on screen. Hidden or behind another tab, a new Result (one a second while
        training runs) touches nothing: a label that changes size there would relay out the
        whole window. Showing the panel brings it up to date."""
        if not self._shown():
            self._explained = False        # shown again, it refreshes; nothing built meanwhile
            self._controls_behind = True
            return
        tl = self._sync_controls()
        if tl is None:
            self.title.setText("Run the graph (Ctrl+R) or press ▶")
            self.body.setText(HINT)
            self._show_matrices(None)
            self._explained = True
            return
        self._explain()

    def _shown(self) -> bool:
        return self.isVisible() and self.on_screen

    def _sync_controls(self):
        """Slider, buttons and step counter from the controller; returns its timeline."""
        self._controls_behind = False
        tl = self.ctl.timeline
        n = len(tl) if tl is not None else 0
        self.timeline.blockSignals(True)
        self.timeline.setRange(0, n)
        self.timeline.setValue(self.ctl.cursor)
        self.timeline.blockSignals(False)
        for w in (self.home_button, self.back_button, self.next_button, self.end_button,
                  self.timeline):
            w.setEnabled(n > 0)
        if tl is None:
            self.step_label.setText("no result yet")
            return None
        self.step_label.setText(f"step {self.ctl.cursor} / {n} · {tl.phase_at(self.ctl.cursor)}")
        self.step_label.setToolTip(f"{tl.forward_count} forward steps, "
                                   f"{n - tl.forward_count} backward steps")
        return tl

    def _catch_up(self) -> None:
        """On coming on screen: everything skipped meanwhile (a stale notice stays shown)."""
        if not self._explained:
            self.refresh()
        elif self._controls_behind:
            self._sync_controls()

    def _explain(self) -> None:
        self._explained = True
        tl = self.ctl.timeline
        if tl is None:
            return
        active = self.ctl.active
        if active is None:
            self.title.setText("Start: nothing computed yet")
            self.body.setText(HINT)
            self._show_matrices(None)
            return
        graph, result = tl.graph, tl.result
        self.title.setText(explain.title(graph, result, active.subject))
        self.body.setText(explain.explain_step(graph, result, active.subject))
        self._show_matrices(active.step)

    def set_on_screen(self, on: bool) -> None:
        """From the dock's visibilityChanged: a dock whose tab is behind another stays
        "visible" to Qt (it is only moved off screen), so only the dock can tell."""
        self.on_screen = bool(on)
        if self._shown():
            self._catch_up()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._shown():
            self._catch_up()

    def show_stale(self, message: str, stopped: bool = True) -> None:
        self._explained = True
        self.title.setText("Stopped: the graph was edited" if stopped else
                           "The graph changed since the last run")
        self.body.setText(message)
        self._show_matrices(None)

    def _show_matrices(self, step) -> None:
        """Heatmaps of upstream, local and product when any of them is a matrix."""
        if step is None or not any(np.ndim(v) == 2 and min(np.shape(v)) > 1
                                   for v in (step.upstream, step.local, step.downstream)):
            self.matrices.hide()
            return
        from backprop_studio.gui.heatmap import Heatmap
        while len(self._heatmaps) < 3:
            heat = Heatmap()
            self._heatmaps.append(heat)
            self._heat_layout.addWidget(heat)
        names = ("upstream", "local", "product" if step.kind != "param" else f"∂L/∂{step.port}")
        for heat, name, v in zip(self._heatmaps, names,
                                 (step.upstream, step.local, step.downstream)):
            shown = v is not None and np.ndim(v) >= 1
            heat.setVisible(shown)
            if shown:
                heat.show_matrix(np.atleast_2d(v), f"{name} {explain.shape(v)}")
        self.matrices.show()
