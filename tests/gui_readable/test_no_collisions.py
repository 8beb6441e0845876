"""Labels never cover each other or a node: after Run, mid-animation, with the reverse network
and with the gradient check, for every example; gradient-check badges stay in the view."""

from __future__ import annotations

import itertools

import pytest
from readable_helpers import examples, label_rects, open_and_run


def _overlaps(window) -> list:
    found = []
    for (a, ra), (b, rb) in itertools.combinations(label_rects(window), 2):
        if hasattr(a, "output_anchor") and hasattr(b, "output_anchor"):
            continue                         # node against node: the layout's business
        cut = ra.intersected(rb)
        if cut.width() > 0.5 and cut.height() > 0.5:
            found.append((type(a).__name__, getattr(a, "node", ""), ra, type(b).__name__,
                          getattr(b, "node", ""), rb))
    return found


@pytest.mark.parametrize("path", examples(), ids=lambda p: p.stem)
def test_labels_never_collide(make_window, path):
    window = open_and_run(make_window, path)
    anim = window.animation
    assert not _overlaps(window), "after Run"
    ctl = anim.controller
    fwd = ctl.timeline.forward_count
    for cursor in (fwd // 2, fwd + 1, (fwd + len(ctl.timeline)) // 2, len(ctl.timeline) - 1):
        anim.seek(cursor)
        assert not _overlaps(window), f"at step {cursor}"
        detail = [label for label in anim.overlay.labels.values() if len(label.cards) > 2
                  or any(len(c.rows) > 1 for c in label.cards)]
        assert cursor <= fwd or detail or ctl.active.kind != "edge"
    anim.reverse_action.setChecked(True)
    assert anim.reverse.items
    assert not _overlaps(window), "reverse view"
    anim.gradient_check()
    assert anim.badges.badges
    assert not _overlaps(window), "gradient check"
    anim.seek(len(ctl.timeline) // 2 + 1)
    assert not _overlaps(window), "gradient check and reverse view mid-animation"


@pytest.mark.parametrize("path", examples(), ids=lambda p: p.stem)
def test_gradient_check_badges_stay_in_the_view(make_window, path):
    window = open_and_run(make_window, path)
    window.animation.gradient_check()
    port = window.view.viewport().rect()
    for node, badge in window.animation.badges.badges.items():
        for rect in badge.card_rects():
            mapped = window.view.mapFromScene(rect).boundingRect()
            assert port.contains(mapped), (node, mapped, port)
