"""Regression guard for PySide6 6.12.0 on CPython 3.11, which drops a reference to None on every
Qt call that returns nothing and aborts the process ("Fatal Python error: none_dealloc") after a
few thousand calls. pyproject.toml keeps that combination from installing; this test proves the
installed one is sound."""

import sys

from PySide6.QtWidgets import QApplication, QGraphicsSimpleTextItem


def test_ten_thousand_void_qt_calls_keep_none_alive():
    app = QApplication.instance() or QApplication([])
    item = QGraphicsSimpleTextItem()
    before = sys.getrefcount(None)
    for i in range(10_000):
        item.setText(str(i))
    after = sys.getrefcount(None)
    assert after >= before - 50, f"None lost {before - after} references"
    assert item.text() == "9999" and app is not None
