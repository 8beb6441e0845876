"""First start: the empty canvas offers the examples (CS231n first), one click opens one
already Run, and the Animation dock is in front of the Training dock."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabBar

from backprop_studio.engine import fileformat


def bottom_tabs(window) -> QTabBar:
    bars = [b for b in window.findChildren(QTabBar) if b.isVisible()
            and {b.tabText(i) for i in range(b.count())} >= {"Animation", "Training"}]
    assert len(bars) == 1
    return bars[0]


def test_the_animation_dock_is_in_front(qtbot, window):
    qtbot.waitUntil(lambda: len([b for b in window.findChildren(QTabBar) if b.isVisible()]) == 2)
    bar = bottom_tabs(window)
    assert bar.tabText(bar.currentIndex()) == "Animation"
    assert window.animation.dock.isVisible()


def test_an_empty_canvas_offers_the_examples_cs231n_first(qtbot, window):
    welcome = window.welcome
    assert welcome.isVisible()
    names = [b.example.name for b in welcome.buttons]
    assert names[0] == "cs231n_add_multiply.json"
    assert sorted(names) == sorted(p.name for p in fileformat.example_paths())
    assert welcome.buttons[0].text().startswith("f = (x + y) · z  —  CS231n")
    # inside the canvas, whole
    area = window.view.viewport().rect()
    assert area.contains(welcome.geometry())


def test_one_click_opens_an_example_already_run(qtbot, window):
    welcome = window.welcome
    qtbot.mouseClick(welcome.buttons[0], Qt.LeftButton)
    assert len(window.graph) == 5 and not welcome.isVisible()
    result = window.last_result
    assert result is not None and result.trace
    assert result.values["f"] == -12.0                  # (−2 + 5) · −4
    assert (result.grads["x"], result.grads["y"], result.grads["z"]) == (-4.0, -4.0, 3.0)
    assert window.files.path is None                    # an untitled copy
    window.files.new()
    assert welcome.isVisible()


def test_the_examples_menu_opens_an_example_already_run(qtbot, window):
    path = next(p for p in fileformat.example_paths() if p.stem == "max_gate")
    assert window.files.open_example(path)
    assert window.last_result is not None and window.last_result.output == "f"
    assert not window.welcome.isVisible()


def test_welcome_hides_when_a_node_is_added_and_returns_when_removed(qtbot, window):
    window.scene.add_op("add", window.view.visible_center())
    assert not window.welcome.isVisible()
    window.undo_stack.undo()
    assert window.welcome.isVisible()


def test_a_bundled_example_named_on_the_command_line_counts_as_an_example(tmp_path):
    from backprop_studio.gui.app import _is_example
    example = fileformat.example_paths()[0]
    assert _is_example(str(example))
    assert not _is_example(str(tmp_path / example.name))


def test_a_first_start_fits_a_small_screen():
    from PySide6.QtCore import QSize

    from backprop_studio.gui.main_window import first_size
    assert first_size(QSize(1280, 770)) == QSize(1280, 770)      # a 1280×800 screen less a panel
    assert first_size(QSize(1920, 1050)) == QSize(1400, 860)
