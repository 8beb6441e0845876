"""PNG and SVG of the canvas at a chosen scale, with the canvas colour or transparent."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage

from backprop_studio.engine.figures.tikz import PALETTES
from backprop_studio.gui import theme
from backprop_studio.gui.export_image import MARGIN, source_rect


@pytest.mark.parametrize("scale", [1.0, 2.0, 3.5])
def test_png_size_is_the_scene_rect_times_the_scale(example_window, tmp_path, scale):
    window = example_window()
    rect = window.scene.itemsBoundingRect()
    assert window.files.export(tmp_path / "f.png", "png", scale=scale)
    image = QImage(str(tmp_path / "f.png"))
    assert (image.width(), image.height()) == (round((rect.width() + 2 * MARGIN) * scale),
                                               round((rect.height() + 2 * MARGIN) * scale))


def test_transparent_png_has_clear_corners_and_opaque_figure(example_window, tmp_path):
    window = example_window()
    assert window.files.export(tmp_path / "t.png", "png", scale=2, transparent=True)
    assert window.files.export(tmp_path / "o.png", "png", scale=2)
    clear, opaque = QImage(str(tmp_path / "t.png")), QImage(str(tmp_path / "o.png"))
    w, h = clear.width(), clear.height()
    for x, y in ((0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1)):
        assert clear.pixelColor(x, y).alpha() == 0
        assert opaque.pixelColor(x, y).name() == theme.CANVAS_BG.name()
    # the node cards are still painted, opaque: x's card centre, in image pixels
    origin = source_rect(window.scene).topLeft()
    card = window.scene.node_item("x").sceneBoundingRect().center() - origin
    assert clear.pixelColor(round(card.x() * 2), round(card.y() * 2)).alpha() == 255


def test_svg_size_at_scale_and_without_background(example_window, tmp_path):
    window = example_window()
    rect = source_rect(window.scene)
    assert window.files.export(tmp_path / "f.svg", "svg", scale=2, transparent=True)
    text = (tmp_path / "f.svg").read_text(encoding="utf-8")
    assert f'viewBox="0 0 {round(rect.width() * 2)} {round(rect.height() * 2)}"' in text
    assert theme.CANVAS_BG.name() not in text.lower()            # no canvas fill
    assert theme.current().value.name() in text.lower()          # the green numbers are there


def test_engine_palettes_are_the_guis(example_window):
    """engine/figures/tikz.py copies gui/theme.py's colours as data: the two stay equal."""
    for name, palette in theme.PALETTES.items():
        assert PALETTES[name] == {"value": palette.value.name()[1:],
                                  "grad": palette.grad.name()[1:]}


def test_options_dialog_shows_the_pixel_size(example_window):
    from backprop_studio.gui.export_image import ImageOptions, image_size
    window = example_window()
    dialog = ImageOptions(window, "png", window.scene)
    dialog.scale.setValue(3.0)
    w, h = image_size(window.scene, 3.0)
    assert dialog.size_label.text() == f"{w} × {h} pixels"
    assert (w, h) == (round(source_rect(window.scene).width() * 3),
                      round(source_rect(window.scene).height() * 3))


def _text_sizes(svg_path) -> dict[str, set[float]]:
    """Each text's size as a browser draws it: its font-size × the scale of the transforms of
    the groups around it (Qt writes matrix(a,b,c,d,e,f) on the enclosing <g>)."""
    import math
    import re
    import xml.etree.ElementTree as ET

    sizes: dict[str, set[float]] = {}

    def walk(element, scale):
        transform = element.get("transform", "")
        match = re.match(r"matrix\(([^)]*)\)", transform)
        if match:
            a, b, c, d = (float(v) for v in match.group(1).split(",")[:4])
            scale *= math.sqrt(abs(a * d - b * c))
        if element.tag.endswith("}text") and (element.text or "").strip():
            size = float(element.get("font-size")) * scale
            sizes.setdefault(element.text.strip(), set()).add(round(size, 1))
        for child in element:
            walk(child, scale)
    walk(ET.parse(svg_path).getroot(), 1.0)
    return sizes


@pytest.mark.parametrize("scale", [1.0, 2.0, 3.0])
def test_svg_text_is_the_canvas_size_times_the_scale(example_window, tmp_path, scale):
    """A browser multiplies font-size by the group's transform: the two together are the
    canvas's pixel size × scale, once (not a 2× transform around an already doubled size)."""
    from backprop_studio.gui.canvas import node_item
    window = example_window()
    assert window.files.export(tmp_path / "f.svg", "svg", scale=scale)
    sizes = _text_sizes(tmp_path / "f.svg")
    title_px = node_item._BOLD.pointSizeF() * 96 / 72        # 9 pt on a 96-dpi canvas: 12 px
    tag_px = node_item._SMALL.pointSizeF() * 96 / 72         # the op tag "input": 10 px
    assert sizes["q"] == {round(title_px * scale, 1)}
    assert sizes["input"] == {round(tag_px * scale, 1)}
    assert sizes["add"] == {round(tag_px * scale, 1)}


def test_svg_to_a_missing_folder_is_refused_before_painting(example_window, tmp_path, qtlog):
    window = example_window()
    assert not window.files.export(tmp_path / "no" / "f.svg", "svg", scale=2)
    assert "No such file or directory" in window.statusBar().currentMessage()
    assert not [r for r in qtlog.records if "QPainter" in r.message]    # no painter begun
