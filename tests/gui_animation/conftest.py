"""Animation test fixtures: isolated settings, and a main window with the animation installed
showing one of the example graphs."""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKPROP_STUDIO_SETTINGS", str(tmp_path / "settings" / "studio.ini"))
    from gui import theme
    theme.set_palette("cs231n")
    yield
    theme.set_palette("cs231n")


@pytest.fixture
def open_example(qtbot):
    """open_example("cs231n_add_multiply") -> (window, animation), graph run, zoom 1."""
    from gui.animation import install
    from gui.main_window import MainWindow

    def make(name: str, size=(1600, 1000)):
        window = MainWindow()
        window.files.ask_unsaved = lambda: "discard"
        qtbot.addWidget(window)
        window.resize(*size)
        anim = install(window)
        window.show()
        qtbot.waitExposed(window)
        assert window.open_path(EXAMPLES / f"{name}.json")
        assert window.run_graph() is not None
        window.view.set_zoom(1.0)
        window.view.centerOn(window.scene.itemsBoundingRect().center())
        return window, anim
    return make


def label_snapshot(anim) -> dict:
    """Everything the overlay shows, as text: edge labels, badges and node value/grad rows."""
    ov = anim.overlay
    snap = {}
    for key, label in ov.labels.items():
        if label.isVisible():
            snap[("edge",) + key] = tuple(tuple(r.text for r in c.rows) for c in label.cards)
    for kind, badges in (("sum", ov.sum_badges), ("param", ov.param_badges)):
        for node, badge in badges.items():
            if badge.isVisible():
                snap[(kind, node)] = tuple(tuple(r.text for r in c.rows) for c in badge.cards)
    for item in anim.window.scene.node_items():
        snap[("node", item.node)] = (item.value_text, item.grad_text)
    return snap


def edge_rows(anim, key) -> list[str]:
    label = anim.overlay.labels[key]
    return [r.text for c in label.cards for r in c.rows]
