"""PNG and SVG exports after Run are the CS231n figure: edge values (green) above, gradients
(red) below, in the file as on screen."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter

from PySide6.QtGui import QImage
from readable_helpers import examples, open_and_run

from backprop_studio.gui import theme

SVG = "{http://www.w3.org/2000/svg}"


def _svg_texts(path) -> Counter:
    root = ET.parse(path).getroot()
    return Counter("".join(t.itertext()).strip() for t in root.iter(f"{SVG}text"))


def _coloured(path) -> dict:
    image = QImage(str(path))
    pal = theme.current()
    counts = {"value": 0, "grad": 0}
    for y in range(0, image.height()):
        for x in range(0, image.width()):
            c = image.pixelColor(x, y)
            for name in counts:
                ref = getattr(pal, name)
                if abs(c.red() - ref.red()) + abs(c.green() - ref.green()) + \
                        abs(c.blue() - ref.blue()) < 30:
                    counts[name] += 1
    return counts


def test_svg_holds_every_edge_value_and_gradient(make_window, tmp_path):
    for path in examples():
        window = open_and_run(make_window, path)
        out = tmp_path / f"{path.stem}.svg"
        assert window.files.export(out)
        texts = _svg_texts(out)
        wanted = Counter()
        for label in window.animation.overlay.labels.values():
            wanted.update(t.text for t in label.painted_texts())
        numbers = []
        for item in window.scene.node_items():
            if hasattr(item, "text_rects"):       # a layer in neuron view: every unit's number
                numbers += [t.split(" = ")[-1] for _, _, t in item.text_rects()]
            else:
                wanted.update(t for t in (item.value_text, item.grad_text))
        assert wanted and not wanted - texts, (path.stem, wanted - texts)
        # the SVG splits a line where its font changes (σ'(z) = 0.19): the number ends a text
        missing = [n for n in numbers if not any(t.endswith(n) for t in texts)]
        assert not missing, (path.stem, missing)
        families = {f for f in (e.get("font-family") for e in ET.parse(out).getroot().iter())
                    if f}
        assert families and all(f.endswith(("sans-serif", "monospace")) for f in families)
        window.close()


def test_png_shows_the_edge_labels_in_green_and_red(make_window, tmp_path):
    path = [p for p in examples() if p.stem == "cs231n_add_multiply"][0]
    window = open_and_run(make_window, path)
    assert window.files.export(tmp_path / "figure.png")
    window.animation.figure_action.setChecked(False)
    assert window.files.export(tmp_path / "plain.png")
    figure, plain = _coloured(tmp_path / "figure.png"), _coloured(tmp_path / "plain.png")
    assert plain["value"] > 0 and plain["grad"] > 0                 # the nodes' own numbers
    assert figure["value"] > plain["value"] + 100                   # and the edges' values
    assert figure["grad"] > plain["grad"] + 100                     # and their gradients
