"""Backprop Studio: build computation graphs and watch backpropagation happen, edge by edge.

The checkout's top level is the package: ``engine/`` (the maths, no Qt), ``gui/`` (PySide6),
``resources/`` (schema, examples, icons) and ``main.py`` install as ``backprop_studio.engine``,
``backprop_studio.gui``, ``backprop_studio.resources`` and ``backprop_studio.main``, so nothing
named ``engine`` or ``gui`` lands at the top of site-packages.
"""

__version__ = "0.2.0"
