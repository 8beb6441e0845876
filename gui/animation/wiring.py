"""Connects the animation to helper-1's MainWindow: the dock, View-menu toggles, keys, and the
window's signals (a new Result reloads the timeline; an edit stops the animation and marks
what it shows as stale; a new graph drops our items).

The user-facing commands live here rather than on the controller because each first makes sure
there is a fresh Result to replay (running the graph if the last one went stale).
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from backprop_studio.engine import GraphError
from backprop_studio.gui import settings as app_settings
from backprop_studio.gui.animation.controller import AnimationController
from backprop_studio.gui.animation.controls import AnimationPanel
from backprop_studio.gui.animation.gradcheck_badges import GradCheckBadges
from backprop_studio.gui.animation.keys import CanvasKeys, panel_shortcuts
from backprop_studio.gui.animation.overlay import Overlay
from backprop_studio.gui.animation.reverse_view import MagnitudeView, ReverseView
from backprop_studio.gui.animation.timeline import Timeline

FIGURE_KEY = "view/edge_labels"
FIGURE_MAX_EDGES = 400      # beyond this the figure after Run would crowd the canvas and cost

STALE = ("The graph changed, so the values and gradients shown are stale (dimmed). "
         "Press ▶ or Ctrl+R to run it again and replay.")


class Animation(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.controller = AnimationController(self)
        self.overlay = Overlay(window.scene, self.controller, self)
        self.panel = AnimationPanel(self.controller, self)
        self.dock = window.add_bottom_dock(self.panel, "Animation")
        self.dock.visibilityChanged.connect(self.panel.set_on_screen)
        self.badges = GradCheckBadges(window.scene)
        self.reverse = ReverseView(window.scene)
        self.magnitude = MagnitudeView(window.scene)
        self.keys = CanvasKeys(window.view, self)
        self._fitted = None          # the view as a new graph opened, until its first figure
        self.shortcuts = panel_shortcuts(self.panel, self)
        self._build_menu()
        self.panel.check_requested.connect(self.gradient_check)
        window.result_changed.connect(self._on_result)
        window.graph_replaced.connect(self._on_graph_replaced)
        window.graph_edited.connect(self._on_edited)
        window.scene.graph_event.connect(self._on_graph_event)
        self.controller.cursor_changed.connect(self._follow_in_inspector)
        if getattr(window, "last_result", None) is not None:
            self._on_result(window.last_result)

    def _build_menu(self) -> None:
        menu = self.window.view_menu
        menu.addSeparator()
        self.reverse_action = QAction("&Reverse-Network View", self, checkable=True)
        self.reverse_action.setToolTip("Draw the backward pass as the seeds' reverse network: "
                                       "the same edges, arrows reversed, × local gradient")
        self.reverse_action.toggled.connect(self.set_reverse)
        self.magnitude_action = QAction("Edge Width by &Gradient Magnitude", self, checkable=True)
        self.magnitude_action.toggled.connect(self.set_magnitude)
        self.figure_action = QAction("&Edge Values and Gradients", self, checkable=True)
        self.figure_action.setToolTip("After Run, each edge shows the value it carries above it "
                                      "(green) and its gradient below it (red), as in the "
                                      "CS231n figures")
        self.figure_action.setChecked(app_settings.settings().value(FIGURE_KEY, True)
                                      not in (False, "false"))
        self.figure_action.toggled.connect(self.set_figure)
        menu.addAction(self.figure_action)
        menu.addAction(self.reverse_action)
        menu.addAction(self.magnitude_action)
        actions = getattr(self.window, "actions", {})
        if "colorblind" not in actions:          # the window offers it already; never twice
            from backprop_studio.gui import theme
            act = QAction("Colour-blind Safe &Colours", self, checkable=True)
            act.toggled.connect(lambda on: theme.set_palette("colorblind" if on else "cs231n"))
            menu.addAction(act)

    # ------------------------------------------------------------ commands (buttons and keys)
    def _ready(self, start: bool = True) -> bool:
        """A fresh Result with a trace on the timeline, and our overlay showing it; on first
        use of a timeline, the cursor goes to the start of the chosen pass."""
        ctl = self.controller
        if ctl.timeline is None or self.overlay.stale or self.window.last_result is None:
            if self.window.run_graph() is None or ctl.timeline is None:
                return False
        if not self.overlay.engaged or self.overlay.figure:
            if start:
                ctl.seek(ctl.bounds()[0])
            self.overlay.engage()
            self.dock.show()
            self.dock.raise_()             # the explanation panel, in front of its tab siblings
        return True

    def toggle(self) -> None:
        if self.controller.playing:
            self.controller.pause()
        elif self._ready():
            self.controller.play()

    def play(self) -> None:
        if self._ready():
            self.controller.play()

    def step_forward(self) -> None:
        if self._ready():
            self.controller.step_forward()

    def step_back(self) -> None:
        if self._ready():
            self.controller.step_back()

    def home(self) -> None:
        if self._ready():
            self.controller.home()

    def end(self) -> None:
        if self._ready(start=False):
            self.controller.end()

    def seek(self, cursor: int) -> None:
        if self._ready(start=False):
            self.controller.pause()
            self.controller.seek(cursor)

    # ------------------------------------------------------------ View menu
    def set_reverse(self, on: bool) -> None:
        self.reverse.set_enabled(on, self.window.last_result)
        if on:
            self.window.show_message("Reverse network: gradients flow along the reversed arrows, "
                                     "multiplied by each edge's local gradient")

    def set_figure(self, on: bool) -> None:
        """The View toggle: the CS231n figure after every Run (saved in the settings)."""
        app_settings.settings().setValue(FIGURE_KEY, bool(on))
        if on:
            self._show_figure()
        elif self.overlay.figure:
            self.overlay.reset()
            if self.window.shown_result is not None:
                self.window.scene.show_result(self.window.shown_result)
                if self.window.last_result is None:
                    self.window.scene.mark_stale()

    def _show_figure(self) -> None:
        result = self.window.last_result
        if result is None or self.controller.timeline is None or not result.trace \
                or not self.figure_action.isChecked() \
                or len(self.window.graph.edges()) > FIGURE_MAX_EDGES:
            return
        self.overlay.show_figure()
        view = self.window.view
        if self._fitted is not None and self._fitted == (view.transform(), view.visible_center()):
            view.fit()              # the view is as opened: make room for the labels too
        self._fitted = None

    def set_magnitude(self, on: bool) -> None:
        self.magnitude.set_enabled(on, self.window.last_result)

    def gradient_check(self) -> None:
        try:
            self.badges.run(self.window.graph)
        except GraphError as exc:
            self.window.show_message(f"Cannot check gradients: {exc}", error=True)
            return
        if not self.badges.all_in_view():       # no room in view: fit, then place them again
            self.window.view.fit()
            self.badges.show(self.badges.report)
        self.window.show_message(self.badges.summary(),
                                 error=not self.badges.report.passed)

    # ------------------------------------------------------------ the window's signals
    def _on_result(self, result) -> None:
        if result is None:
            self._stale()
            return
        timeline = Timeline(self.window.graph, result) if result.output or result.order else None
        self.controller.set_timeline(timeline)
        self._show_figure()
        self.reverse.refresh(result)
        self.magnitude.refresh(result)

    def _stale(self) -> None:
        if self.controller.timeline is None:
            return
        shown = self.overlay.engaged and not self.overlay.figure
        self.controller.stop("edited")
        self.overlay.mark_stale()
        self.panel.show_stale(STALE, stopped=shown)
        self.badges.clear()
        self.reverse.clear()
        self.magnitude.clear()

    def _on_edited(self) -> None:
        if self.window.last_result is None and not self.overlay.stale:
            self._stale()
        else:
            self.overlay.prune()

    def _on_graph_event(self, event: str, data: dict) -> None:
        if event == "folds_changed":
            self.overlay.redraw()
            self.reverse.refresh(self.reverse.result)
        if event == "node_moved":
            self.overlay.relayout()
            self.reverse.refresh(self.reverse.result)
            self.magnitude.refresh(self.magnitude.result)
            if self.badges.report is not None:
                self.badges.show(self.badges.report)

    def _on_graph_replaced(self, graph) -> None:
        view = self.window.view
        self._fitted = (view.transform(), view.visible_center())
        for part in (self.overlay, self.badges, self.reverse, self.magnitude):
            part.forget()
        self.controller.set_timeline(None)

    def _follow_in_inspector(self, cursor: int) -> None:
        """On a matrix step taken by hand, select its node so the inspector shows heatmaps.
        Only while the user drives the animation: a new Result (training sends one every
        second) puts the cursor at the end, which must not change the selection."""
        if not self.overlay.engaged or self.controller.playing:
            return
        step = self.controller.active
        if step is None or step.step is None or \
                self.window.graph.op(step.node).name not in ("dense", "matmul"):
            return
        item = self.window.scene.node_item(step.node)
        if item is not None and not item.isSelected():
            self.window.scene.clearSelection()
            item.setSelected(True)
