"""Screenshots of the editor with cs231n_add_multiply.json after Run, for people to look at:
tests/screenshots/ (git-ignored) every run, and resources/screenshots/editor.png for the README
when BACKPROP_STUDIO_README_SHOT=1."""

from __future__ import annotations

import os
from pathlib import Path

from editor_helpers import CS231N
from PySide6.QtGui import QImage

from backprop_studio.gui import theme

ROOT = Path(__file__).resolve().parents[2]


def test_screenshot_after_run(qtbot, window):
    window.resize(1280, 800)
    assert window.open_path(CS231N)
    window.actions["run"].trigger()          # the view as it opens, with the figure after Run
    result = window.last_result
    assert result.values["f"] == -12.0
    window.scene.node_item("q").setSelected(True)
    qtbot.wait(50)
    out = ROOT / "tests" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    image = window.grab().toImage()
    assert image.save(str(out / "editor_cs231n.png"))
    saved = QImage(str(out / "editor_cs231n.png"))
    assert (saved.width(), saved.height()) == (1280, 800)
    # the output node really shows its value in green and its gradient in red: looked at closely
    # (zoom 2), so the count does not hinge on how a small font anti-aliases
    item = window.scene.node_item("f")
    window.view.set_zoom(2.0)
    window.view.centerOn(item)
    qtbot.wait(50)
    saved = window.grab().toImage()
    rect = window.view.mapFromScene(item.sceneBoundingRect()).boundingRect()
    origin = window.view.viewport().mapTo(window, rect.topLeft())
    pal = theme.current()
    near = {"value": 0, "grad": 0}
    for x in range(origin.x(), origin.x() + rect.width()):
        for y in range(origin.y(), origin.y() + rect.height()):
            c = saved.pixelColor(x, y)
            for name in near:
                ref = getattr(pal, name)
                if abs(c.red() - ref.red()) + abs(c.green() - ref.green()) + \
                        abs(c.blue() - ref.blue()) < 40:
                    near[name] += 1
    assert near["value"] > 40 and near["grad"] > 40, near
    if os.environ.get("BACKPROP_STUDIO_README_SHOT"):
        readme = ROOT / "resources" / "screenshots"
        readme.mkdir(parents=True, exist_ok=True)
        assert image.save(str(readme / "editor.png"))
