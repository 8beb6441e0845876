"""File ▸ Export ▸ TikZ…: the CS231n figure as a standalone .tex (pdflatex) or, chosen by the
filter, a snippet for ``\\input``, in the palette on screen (engine/figures/tikz.py writes it)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from backprop_studio.engine import GraphError
from backprop_studio.gui import refusals, theme

STANDALONE = "Standalone LaTeX document (*.tex)"
SNIPPET = "TikZ picture for \\input (*.tikz)"


def export(window, path, standalone: bool = True) -> bool:
    """Write the figure of ``window``'s graph; its last Result, else a fresh run."""
    from backprop_studio import engine
    from backprop_studio.engine.figures.tikz import write_tikz
    try:
        result = window.last_result or engine.run(window.graph, trace=True)
        write_tikz(window.graph, result, path, standalone=standalone,
                   palette=theme.current_name())
    except GraphError as exc:
        window.show_refusal("Could not export TikZ", refusals.short(str(exc)))
        return False
    window.show_message(f"Exported {path}" + ("" if standalone else
                        " (needs \\usepackage{tikz} in the document that inputs it)"))
    return True


def export_dialog(window) -> bool:
    start = str(window.files.path.with_suffix(".tex") if window.files.path
                else Path.home() / "graph.tex")
    path, chosen = QFileDialog.getSaveFileName(window, "Export TikZ", start,
                                               f"{STANDALONE};;{SNIPPET}")
    if not path:
        return False
    standalone = chosen != SNIPPET and not path.endswith(".tikz")
    if not Path(path).suffix:
        path += ".tex" if standalone else ".tikz"
    return export(window, path, standalone)
