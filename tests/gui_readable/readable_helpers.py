"""Measuring what the canvas paints: each text's height (font metrics × view scale × item
scale), whether it is whole, and where it is, for every node and label item."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF

from backprop_studio.engine.fileformat import example_paths
from backprop_studio.gui.canvas.readable import text_height

SIZES = {"1280x800": (1280, 800), "1024x700": (1024, 700), "1600x1000": (1600, 1000)}


@dataclass
class Measured:
    item: object
    role: str
    text: str
    shown: str
    height: float
    in_view: bool


def measure(window) -> list[Measured]:
    """Every string painted by a visible canvas item that reports its texts."""
    view = window.view
    seen = view.mapToScene(view.viewport().rect()).boundingRect()
    out = []
    for item in window.scene.items():
        if not item.isVisible() or not hasattr(item, "painted_texts"):
            continue
        scale = view.transform().m22() * item.sceneTransform().m22()
        rect = item.sceneBoundingRect()
        for t in item.painted_texts():
            out.append(Measured(item, t.role, t.text, t.shown, text_height(t.font, scale),
                                seen.contains(rect)))
    return out


def numbers(measured) -> list[Measured]:
    return [m for m in measured if m.role in ("value", "grad")]


def open_and_run(make_window, path, size=(1280, 800)):
    from PySide6.QtWidgets import QApplication
    window = make_window(size)
    QApplication.processEvents()        # the side docks take their first-show widths
    assert window.open_path(path)
    window.actions["run"].trigger()
    return window


def examples():
    return example_paths()


def label_rects(window) -> list[tuple[object, QRectF]]:
    """(item, scene rect) of every label card and every node on the canvas."""
    out = []
    for item in window.scene.items():
        if not item.isVisible():
            continue
        if hasattr(item, "card_rects"):
            out += [(item, r) for r in item.card_rects()]
        elif hasattr(item, "output_anchor"):
            out.append((item, item.sceneBoundingRect()))
    return out


def table(make_window, size=(1280, 800)) -> str:
    rows = []
    for path in examples():
        window = open_and_run(make_window, path, size)
        m = numbers(measure(window))
        hs = [x.height for x in m]
        edges = sum(1 for x in m if not hasattr(x.item, "output_anchor"))
        rows.append(f"{path.stem:22s} zoom {window.view.zoom * 100:4.0f}%  numbers {len(m):3d} "
                    f"(on edges/badges {edges:3d}), {min(hs):.1f}–{max(hs):.1f} px, "
                    f"in view {sum(x.in_view for x in m)}, cut {sum(x.shown != x.text for x in m)}")
        window.close()
    return "\n".join(rows)
