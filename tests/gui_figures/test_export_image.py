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
