"""The exercise mode of the main window: entered when the open graph has an exercise block.

The blanks go on the canvas in working order (Tab and Shift+Tab follow it); answers are stored
in the block through the undo stack; Check, hints and Reveal ask engine/exercise for the
verdicts. While the exercise is open, Run, the animation, the gradient check and training are
locked: they would show the answers. Reveal unlocks them and is recorded in the file.
"""

from __future__ import annotations

import copy

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QTextCursor

from backprop_studio.engine import GraphError
from backprop_studio.engine.exercise import answers, grading, model
from backprop_studio.gui import commands as graph_commands
from backprop_studio.gui.animation.placement import label_space
from backprop_studio.gui.exercise import checking, hints
from backprop_studio.gui.exercise.blanks import CAPTION, BlankItem, GivenItem, arrange, shows
from backprop_studio.gui.exercise.commands import SAME_EXERCISE, SetExercise, record
from backprop_studio.gui.exercise.lock import LOCKED, lock
from backprop_studio.gui.exercise.menu import build_menu, update_actions
from backprop_studio.gui.exercise.panel import ExercisePanel


def _shape(graph) -> tuple:
    """What makes one exercise differ from another (not its answers, hints or Reveal)."""
    block = graph.nx.graph.get("exercise") or {}
    return tuple(repr(block.get(k)) for k in SAME_EXERCISE)


STRUCTURE = ("node_added", "node_removed", "edge_added", "edge_removed", "node_changed")


class ExerciseMode(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.active = False
        self.blanks: list[BlankItem] = []
        self.given: list[GivenItem] = []
        self.anchors: dict = {}
        self.current: BlankItem | None = None
        self.checked = False
        self.marks: dict = {}
        self.result = None
        self.graph = None
        self._shape = None
        self._arrange_due = False
        self._refreshing = False
        self._run_graph = window.run_graph
        self.panel = ExercisePanel(self)
        self.dock = window.add_bottom_dock(self.panel, "Exercise")
        self.dock.hide()                # until an exercise opens
        self.menu, self.actions = build_menu(self)
        window.graph_replaced.connect(self._on_graph_replaced)
        window.scene.graph_event.connect(self._on_graph_event)
        window.view.installEventFilter(self)
        self._on_graph_replaced(window.graph)

    def refresh_actions(self) -> None:
        update_actions(self)

    # ------------------------------------------------------------ the block
    @property
    def exercise(self) -> model.Exercise | None:
        try:
            return model.of_graph(self.window.graph)
        except GraphError:
            return None

    def _store(self, ex: model.Exercise, text: str) -> None:
        graph_commands.push(self.window.undo_stack,
                            SetExercise(self.window.graph, copy.deepcopy(ex.to_json()), text))

    # ------------------------------------------------------------ entering and leaving
    def _on_graph_replaced(self, graph) -> None:
        self._leave()
        if self.exercise is not None:
            self._enter()
            if self.active:
                self.window.view.fit()  # the window fitted the graph before the blanks came
        self.refresh_actions()

    def _on_graph_event(self, event: str, data: dict) -> None:
        if event == "graph_changed" and data.get("what") == "exercise":
            if self._refreshing:
                return
            if self.exercise is None:
                self._leave()
            elif not self.active or self._shape != _shape(self.window.graph):
                self._rebuild()         # another exercise (a new one made over this one)
            else:
                self.refresh_texts()
            self.refresh_actions()
        elif event == "node_moved" and self.active:
            self._arrange()
        elif event in STRUCTURE and "exercise" in self.window.graph.nx.graph:
            QTimer.singleShot(0, self, self._after_edit)

    def _after_edit(self) -> None:
        """An edit of the graph under an exercise: blanks of what was deleted are dropped (the
        file must stay loadable), and the blanks are made again for the new graph."""
        graph = self.window.graph
        block = graph.nx.graph.get("exercise")
        if block is None:
            return
        try:
            model.from_json(block, graph)
        except GraphError:
            self._refreshing = True
            try:
                graph_commands.push(self.window.undo_stack,
                                    SetExercise(graph, model.pruned(block, graph),
                                                "Drop the blanks of what was deleted"))
            finally:
                self._refreshing = False
        self._rebuild()

    def _enter(self) -> None:
        ex = self.exercise
        graph = self.window.graph
        if ex is None:
            return
        try:
            self.result = answers.solve(graph)
            fields = answers.fields(graph, ex, self.result)
        except GraphError as exc:
            self.window.show_message(f"Cannot open the exercise: {exc}", error=True)
            return
        self.active = True
        self.graph = graph              # the graph the blanks belong to
        self._shape = _shape(graph)
        self.set_locked(not ex.revealed)
        self.window.scene.show_result(None)
        self._make_items(graph, ex, fields)
        self.checked = False
        self.marks = {}
        self.refresh_texts()
        self.dock.show()
        self.dock.raise_()
        self.panel.set_title(ex.title or "Exercise", (ex.student or {}).get("name")
                             or (ex.student or {}).get("id"))
        if ex.revealed:
            self._show_revealed()
        self._progress()

    def _leave(self) -> None:
        self._remove_items()
        if self.active:
            self.set_locked(False)
        self.active = False
        self._hide_dock()
        self.panel.clear()

    def _hide_dock(self) -> None:
        """Out of sight; if it was the tab in front, the Animation dock takes its place (a
        Training tab in front stays in front when another graph opens)."""
        in_front = self.dock.isVisible()
        self.dock.hide()
        anim = getattr(self.window, "animation", None)
        if anim is not None and in_front:
            anim.dock.raise_()

    def _rebuild(self) -> None:
        self._leave()
        self._enter()
        self.refresh_actions()

    def _remove_items(self) -> None:
        """Take the blanks off the canvas. When another graph opened, the scene was cleared
        first and deleted them: those are only dropped."""
        scene = self.window.scene
        space = label_space(scene)
        for item in self.blanks + self.given:
            space.remove(item)
            for part in (item.leader, item):
                if part is not None and shiboken6.isValid(part) and part.scene() is scene:
                    scene.removeItem(part)
        self.blanks, self.given, self.anchors, self.current = [], [], {}, None
        self.graph = None

    def _make_items(self, graph, ex, fields) -> None:
        scene = self.window.scene
        asked_values = {f.node for f in fields if f.kind == "value"}
        out_edge = {}
        for source, target, port in graph.edges():
            out_edge.setdefault(source, (source, target, port))
        for f in fields:
            role = "value" if f.kind == "value" else "grad"
            caption = CAPTION.get(f.kind, "")
            if f.kind == "param":
                caption = f"∂/∂{f.tensor}"
            item = BlankItem(f, role, caption, answers.describe(graph, f), self)
            scene.addItem(item)
            self.blanks.append(item)
            if f.edge is not None:
                anchor = (f.edge, True)
            else:
                anchor = (out_edge.get(f.node, f.node), f.kind != "value")
            self.anchors[item] = anchor
        for node in self.result.order:
            if node in asked_values:
                continue
            item = GivenItem(answers.show(self.result.values[node]))
            item.setToolTip(f"{graph.label(node)} (given)")
            scene.addItem(item)
            self.given.append(item)
            self.anchors[item] = (out_edge.get(node, node), False)
        self._arrange()

    def rearrange_soon(self) -> None:
        """A blank grew (a longer answer) onto something: place them all again, once."""
        if not self._arrange_due:
            self._arrange_due = True
            QTimer.singleShot(0, self, self._arrange)

    def _arrange(self) -> None:
        self._arrange_due = False
        if not self.active:
            return
        items = [(i, self.anchors[i]) for i in self.given + self.blanks]
        arrange(self.window.scene, self.window.graph, items)

    def set_locked(self, locked: bool) -> None:
        lock(self.window, locked, self._run_graph, self._locked_run)
        self.locked = locked

    def _locked_run(self, *args, **kwargs):
        self.window.show_message(f"Run: {LOCKED}", error=True)
        return None

    # ------------------------------------------------------------ typing
    def eventFilter(self, obj, event) -> bool:
        """Keys for a blank go straight to it: Tab moves to the next blank (the canvas would
        open the quick-add search), Space and the arrows edit (the canvas would pan or step
        the animation)."""
        if event.type() != QEvent.Type.KeyPress or not self.active:
            return False
        focus = self.window.scene.focusItem()
        if not isinstance(focus, BlankItem):
            return False
        if event.key() == Qt.Key.Key_Backtab or (event.key() == Qt.Key.Key_Tab and
                                                  event.modifiers() &
                                                  Qt.KeyboardModifier.ShiftModifier):
            self.leave(focus, -1)
            return True
        if event.key() == Qt.Key.Key_Tab:
            self.leave(focus, +1)
            return True
        QCoreApplication.sendEvent(self.window.scene, event)
        return True

    def focused(self, item: BlankItem) -> None:
        self.current = item
        self.panel.show_current(item, self._feedback(item))

    def leave(self, item: BlankItem, step: int) -> None:
        self.commit(item)
        editable = [b for b in self.blanks if b.status not in ("hint", "revealed")]
        if not editable:
            return
        i = editable.index(item) if item in editable else -1
        self.focus(editable[(i + step) % len(editable)])

    def focus(self, item: BlankItem) -> None:
        """Put the keyboard in ``item`` (the scene sends focus-in only while the window is
        active, so the mode follows here as well)."""
        self.window.view.setFocus()
        self.window.scene.setFocusItem(item, Qt.FocusReason.TabFocusReason)
        self.window.view.ensureVisible(item, 40, 40)
        cursor = item.textCursor()                  # typing replaces what the blank holds
        cursor.select(QTextCursor.SelectionType.Document)
        item.setTextCursor(cursor)
        self.focused(item)

    def commit(self, item: BlankItem) -> None:
        """Store what the blank holds if it changed; refuse what is not a number."""
        if not self.active or item not in self.blanks or self.graph is not self.window.graph:
            return                      # a blank of a graph that was replaced
        text = item.toPlainText().strip()
        if text == item.saved_text or item.status in ("hint", "revealed"):
            return
        ex = self.exercise
        if ex is None or ex.revealed:
            return
        if text:
            try:
                ex.answers[item.field] = grading.parse_answer(text)
            except ValueError as exc:
                self.window.show_message(f"Not an answer: {exc}", error=True)
                item.set_text(item.saved_text)
                return
        else:
            ex.answers.pop(item.field, None)
        item.saved_text = text
        self.marks.pop(item.field, None)
        item.set_status("filled" if text else "blank", answers.describe(self.window.graph,
                                                                        item.field))
        self.store_quietly(ex, f"Answer {answers.describe(self.window.graph, item.field)}")
        self._progress()

    def refresh_texts(self) -> None:
        ex = self.exercise
        if ex is None:
            return
        right = None
        for item in self.blanks:
            hint = ex.hinted(item.field)
            value = ex.answers.get(item.field)
            if hint == "reveal":
                right = right or answers.expected(self.window.graph,
                                                  [b.field for b in self.blanks], self.result)
                item.set_text(answers.show(right[item.field]))
                item.set_status("hint", f"{answers.describe(self.window.graph, item.field)}: "
                                        f"revealed by a hint (no point)")
                continue
            if not shows(item.toPlainText(), value):     # the student's own text stays
                item.set_text("" if value is None else answers.show(value))
            else:
                item.saved_text = item.toPlainText().strip()
            if item.status not in ("right", "wrong") or item.field not in self.marks:
                item.set_status("filled" if value is not None else "blank")
        if ex.revealed:
            self._show_revealed()
        self._progress()

    # ------------------------------------------------------------ check, hints, reveal
    def check(self) -> None:
        checking.check(self)

    def _feedback(self, item: BlankItem) -> str:
        m = self.marks.get(item.field)
        return m.why if m is not None and m.status == "wrong" else ""

    def hint(self, kind: str) -> None:
        hints.hint(self, kind)

    def reveal(self) -> None:
        hints.reveal(self)

    def _show_revealed(self) -> None:
        hints.show_revealed(self)

    def store_quietly(self, ex: model.Exercise, text: str) -> None:
        """Store the block without rebuilding from it (the blanks already show it)."""
        self._refreshing = True
        try:
            self._store(ex, text)
        finally:
            self._refreshing = False

    def record(self, ex: model.Exercise) -> None:
        """Store a hint or Reveal outside the undo history (Ctrl+Z must not take it back)."""
        self._refreshing = True
        try:
            record(self.window, copy.deepcopy(ex.to_json()))
        finally:
            self._refreshing = False

    def remove_exercise(self) -> None:
        if self.exercise is None:
            return
        graph_commands.push(self.window.undo_stack,
                            SetExercise(self.window.graph, None, "Remove the exercise"))

    def new_exercise(self) -> None:
        from backprop_studio.gui.exercise.dialog import NewExerciseDialog
        graph = self.window.graph
        try:
            dialog = NewExerciseDialog(graph, self.window)
        except GraphError as exc:
            self.window.show_refusal("Cannot make an exercise", str(exc))
            return
        if dialog.exec():
            self.create(dialog.exercise())

    def create(self, ex: model.Exercise) -> bool:
        """Store a new exercise in the graph (one undo step) and open it."""
        try:
            answers.fields(self.window.graph, ex)
        except GraphError as exc:
            self.window.show_refusal("Cannot make this exercise", str(exc))
            return False
        self._store(ex, "New exercise")
        return True

    # ------------------------------------------------------------ progress
    def _progress(self) -> None:
        ex = self.exercise
        if ex is None:
            return
        filled = sum(1 for b in self.blanks if b.toPlainText().strip())
        self.panel.show_progress(filled, len(self.blanks))
