"""Draw the application icon: a small computation graph whose gradient flows back along a red
arrow. Writes backprop-studio.png (256×256, drawn with Pillow) and backprop-studio.svg (the same
shapes as vectors) beside this script. Needs Pillow: ``pip install Pillow`` then
``python resources/icons/draw_icon.py``. Both files are committed; the app only reads them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
NAME = "backprop-studio"
SIZE = 256
SCALE = 4                                  # drawn 4× larger, then shrunk: smooth edges

BACKGROUND = (32, 38, 52)
EDGE = (150, 160, 180)
FORWARD = (76, 175, 80)                    # the app's forward-pass green
NODE_RIM = (230, 234, 242)
RED_DARK, RED_LIGHT = (183, 28, 28), (255, 138, 101)   # the gradient arrow, dark at its tip

# Three inputs on the left feed a hidden node, which feeds the output on the right.
NODES = {"x": (58, 64), "y": (58, 128), "z": (58, 192), "q": (136, 96), "f": (204, 150)}
EDGES = [("x", "q"), ("y", "q"), ("q", "f"), ("z", "f")]
RADIUS = 20
# The backward pass: from the output f back to q and on to x, as a polyline with a head at x.
ARROW = [(206, 112), (140, 58), (86, 34)]
ARROW_WIDTH = 12
HEAD = [(62, 26), (96, 16), (90, 50)]


def _gradient(size) -> Image.Image:
    """RED_LIGHT at ARROW[0] to RED_DARK at ARROW[-1], as SVG's userSpaceOnUse linearGradient."""
    (x0, y0), (x1, y1) = ARROW[0], ARROW[-1]
    ys, xs = np.mgrid[0:size[1], 0:size[0]] / SCALE
    dx, dy = x1 - x0, y1 - y0
    t = np.clip(((xs - x0) * dx + (ys - y0) * dy) / (dx * dx + dy * dy), 0, 1)[..., None]
    rgb = np.array(RED_LIGHT) * (1 - t) + np.array(RED_DARK) * t
    return Image.fromarray(rgb.round().astype(np.uint8), "RGB")


def draw_png(path: Path) -> None:
    s = SCALE
    img = Image.new("RGBA", (SIZE * s, SIZE * s), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((8 * s, 8 * s, (SIZE - 8) * s, (SIZE - 8) * s), radius=44 * s,
                        fill=BACKGROUND)
    for a, b in EDGES:
        (x0, y0), (x1, y1) = NODES[a], NODES[b]
        d.line((x0 * s, y0 * s, x1 * s, y1 * s), fill=EDGE, width=6 * s)
    for x, y in NODES.values():
        r = RADIUS * s
        d.ellipse((x * s - r, y * s - r, x * s + r, y * s + r), fill=FORWARD,
                  outline=NODE_RIM, width=4 * s)
    # The arrow: a mask of the thick polyline, filled with the same linear gradient as the SVG's
    # (light at f, dark at the head), measured along the line from the first point to the last.
    mask = Image.new("L", img.size, 0)
    m = ImageDraw.Draw(mask)
    m.line([(x * s, y * s) for x, y in ARROW], fill=255, width=ARROW_WIDTH * s, joint="curve")
    (ax, ay), r = ARROW[0], ARROW_WIDTH * s / 2
    m.ellipse((ax * s - r, ay * s - r, ax * s + r, ay * s + r), fill=255)
    m.polygon([(x * s, y * s) for x, y in HEAD], fill=255)
    img.paste(_gradient(img.size), (0, 0), mask)
    img.resize((SIZE, SIZE), Image.Resampling.LANCZOS).save(path, optimize=True)


def svg_text() -> str:
    hexc = "#{:02x}{:02x}{:02x}".format
    lines = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
             f'viewBox="0 0 {SIZE} {SIZE}">',
             "  <defs>",
             f'    <linearGradient id="grad" gradientUnits="userSpaceOnUse" x1="{ARROW[0][0]}" '
             f'y1="{ARROW[0][1]}" x2="{ARROW[-1][0]}" y2="{ARROW[-1][1]}">',
             f'      <stop offset="0" stop-color="{hexc(*RED_LIGHT)}"/>',
             f'      <stop offset="1" stop-color="{hexc(*RED_DARK)}"/>',
             "    </linearGradient>",
             "  </defs>",
             f'  <rect x="8" y="8" width="{SIZE - 16}" height="{SIZE - 16}" rx="44" '
             f'fill="{hexc(*BACKGROUND)}"/>']
    for a, b in EDGES:
        (x0, y0), (x1, y1) = NODES[a], NODES[b]
        lines.append(f'  <line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" '
                     f'stroke="{hexc(*EDGE)}" stroke-width="6"/>')
    for x, y in NODES.values():
        lines.append(f'  <circle cx="{x}" cy="{y}" r="{RADIUS - 2}" fill="{hexc(*FORWARD)}" '
                     f'stroke="{hexc(*NODE_RIM)}" stroke-width="4"/>')
    points = " ".join(f"{x},{y}" for x, y in ARROW)
    lines.append(f'  <polyline points="{points}" fill="none" stroke="url(#grad)" '
                 f'stroke-width="{ARROW_WIDTH}" stroke-linecap="round" '
                 f'stroke-linejoin="round"/>')
    head = " ".join(f"{x},{y}" for x, y in HEAD)
    lines.append(f'  <polygon points="{head}" fill="url(#grad)"/>')
    lines.append("</svg>")
    return "\n".join(lines) + "\n"


def main() -> None:
    draw_png(HERE / f"{NAME}.png")
    (HERE / f"{NAME}.svg").write_text(svg_text(), encoding="utf-8")


if __name__ == "__main__":
    main()
