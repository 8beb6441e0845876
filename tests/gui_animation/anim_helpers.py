"""Helpers for the animation tests (a module of its own: every test folder has a conftest)."""

from __future__ import annotations

from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"


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
