"""Figures of a graph for slides and papers, made without Qt: TikZ (``tikz.py``) and the text
escaping it needs (``latex.py``). The raster exports and the animation need Qt and live in
gui/ (gui/export_image.py, gui/export_animation/); ``cli.py`` reaches them lazily."""
