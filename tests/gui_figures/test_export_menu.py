"""File ▸ Export holds TikZ… and Animation…, View holds Presenter Mode; TikZ from the window
is the figure on screen, in the palette on screen."""

from __future__ import annotations

from backprop_studio.gui import export_tikz


def test_menus_hold_the_new_exports(example_window):
    window = example_window()
    texts = [a.text() for a in window.export_menu.actions()]
    assert {"&PNG Image…", "S&VG Image…", "&TikZ…", "&Animation…"} <= set(texts)
    assert window.presenter.action in window.view_menu.actions()


def test_tikz_from_the_window_follows_the_palette(example_window, tmp_path):
    window = example_window()
    refused = []
    window.show_refusal = lambda title, text, box=True: refused.append((title, text))
    window.actions["colorblind"].setChecked(True)
    assert export_tikz.export(window, tmp_path / "f.tikz", standalone=False)
    text = (tmp_path / "f.tikz").read_text(encoding="utf-8")
    assert "{0072B2}" in text and "{D55E00}" in text and "\\documentclass" not in text
    q_to_f = text.split("% the value and gradient on n3q -> n4f (port a)\n")[1].splitlines()
    assert q_to_f[0].startswith("\\node[bpsvalue] at (") and q_to_f[0].endswith(" {3};")
    assert q_to_f[1].startswith("\\node[bpsgrad] at (") and \
        q_to_f[1].endswith(" {\\ensuremath{-}4};")
    assert not export_tikz.export(window, tmp_path / "no" / "f.tex")
    assert refused and refused[0][0] == "Could not export TikZ" and "cannot save" in refused[0][1]
