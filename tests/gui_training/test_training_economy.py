"""While training runs the GUI shares the machine with the training process, so it draws only
what changed: one BLAS thread here and no Qt helper threads, gradient norms redrawn at most
once a second (every sample kept), no bounds or finite checks over all the losses in a frame,
a progress text that never relays out the panel, and no work for docks that are off screen or
an inspector with nothing selected."""

from __future__ import annotations

import os

import numpy as np
from PySide6.QtCore import Qt
from threadpoolctl import threadpool_info, threadpool_limits
from training_helpers import open_example, wait_run

from backprop_studio.engine import run
from backprop_studio.gui.app import serial_painting
from backprop_studio.gui.training.grad_norm_plot import REDRAW_INTERVAL, GradNormPlot
from backprop_studio.gui.training.loss_plot import LossPlot
from backprop_studio.gui.training.plotting import DYNAMIC_RANGE_LIMIT


def blas_threads() -> int:
    return max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")


def test_this_process_uses_one_blas_thread_only_while_a_run_goes(qtbot, studio):
    window, _ = studio
    with threadpool_limits(limits=2, user_api="blas"):  # two, even on a one-core runner
        controller = open_example(window, "xor_mlp.json")
        controller.panel.steps.setValue(10_000_000)
        qtbot.mouseClick(controller.panel.train_button, Qt.LeftButton)
        assert controller.state == "running" and blas_threads() == 1
        qtbot.mouseClick(controller.panel.pause_button, Qt.LeftButton)
        assert wait_run(qtbot, controller) == "paused"
        assert blas_threads() == 2
        qtbot.mouseClick(controller.panel.pause_button, Qt.LeftButton)     # Resume
        assert blas_threads() == 1
        controller.shutdown()                          # as when the window closes
        assert controller.state != "running" and blas_threads() == 2


def test_two_holders_share_the_limit_and_the_last_one_lifts_it():
    from backprop_studio.gui.training.blas import SingleBlasThread
    with threadpool_limits(limits=2, user_api="blas"):
        a, b = SingleBlasThread(), SingleBlasThread()
        a.engage()
        b.engage()
        a.release()
        a.release()                                    # idempotent: b still holds it
        assert blas_threads() == 1
        b.release()
        assert blas_threads() == 2


def test_norms_are_kept_at_once_and_drawn_at_most_once_a_second(qtbot, monkeypatch):
    from backprop_studio.gui.training import grad_norm_plot
    now = [100.0]
    monkeypatch.setattr(grad_norm_plot, "clock", lambda: now[0])
    plot = GradNormPlot()
    qtbot.addWidget(plot)
    plot.set_names(["W", "b"])
    plot.append([0], [[1.0, 0.5]])                     # the first batch is drawn at once
    assert list(plot.curves[0].yData) == [1.0]
    now[0] += REDRAW_INTERVAL / 2
    plot.append([1, 2], [[0.9, 0.4], [0.8, 0.3]])      # within the interval: kept, not drawn
    np.testing.assert_array_equal(plot.norms(), [[0, 1.0, 0.5], [1, 0.9, 0.4], [2, 0.8, 0.3]])
    assert len(plot.curves[0].yData) == 1
    now[0] += REDRAW_INTERVAL / 2
    plot.append([3], [[0.7, 0.2]])                     # the interval is over: this batch draws
    np.testing.assert_array_equal(plot.curves[1].yData, [0.5, 0.4, 0.3, 0.2])
    now[0] += REDRAW_INTERVAL / 10
    plot.append([4], [[0.6, 0.1]])                     # the last batch of a run: kept…
    assert len(plot.curves[0].yData) == 4
    qtbot.waitUntil(lambda: len(plot.curves[0].yData) == 5, timeout=120000)   # …the timer draws it


def test_the_loss_curve_gets_integer_steps_so_pyqtgraph_skips_checking_them(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.append(0, np.linspace(3.0, 1.0, 1000))
    plot.append(1000, np.linspace(1.0, 0.5, 500))      # past the first 1,024 step numbers
    for curve in (plot.raw, plot.smooth):
        assert curve.xData.dtype.kind == "i"           # integers: known finite, no pass
        np.testing.assert_array_equal(curve.xData, np.arange(1500))
    np.testing.assert_array_equal(plot.raw.yData, plot.losses())


def test_far_points_are_limited_only_in_a_view_moved_away_from_the_data(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.resize(400, 300)
    plot.show()
    plot.append(0, np.linspace(3.0, 1.0, 500))
    qtbot.wait(20)
    limits = lambda: {c.opts["dynamicRangeLimit"] for c in (plot.raw, plot.smooth)}  # noqa: E731
    assert limits() == {None}                          # the view shows all the data
    plot.resize(500, 350)
    plot.append(500, np.linspace(1.0, 0.5, 5000))      # the view follows: still none
    qtbot.wait(20)
    assert limits() == {None} and plot.range.current[0] >= 5500
    box = plot.plot.getPlotItem().getViewBox()
    box.scaleBy((0.01, 0.01))                          # a zoom from the menu or code
    assert limits() == {DYNAMIC_RANGE_LIMIT}
    plot.append(5500, [0.5])                           # following: the view is set again
    assert limits() == {None} and box.viewRange()[0][1] > 5500
    box.sigRangeChangedManually.emit([True, True])     # what a mouse zoom or pan says
    box.scaleBy((0.01, 0.01))
    plot.append(5501, [0.5])                           # not following: the zoom stays
    assert limits() == {DYNAMIC_RANGE_LIMIT} and not plot.range.follow
    assert box.viewRange()[0][1] < 5500
    plot.range.reset()
    plot.append(5502, [0.5])
    assert limits() == {None} and plot.range.follow


def test_a_diverging_loss_near_the_float_limit_keeps_the_far_point_limit(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    plot.append(0, [1.0, 2.0])
    assert {c.opts["dynamicRangeLimit"] for c in (plot.raw, plot.smooth)} == {None}
    plot.append(2, [1.6e308])                          # no nice range above it fits a float
    assert {c.opts["dynamicRangeLimit"] for c in (plot.raw, plot.smooth)} == {
        DYNAMIC_RANGE_LIMIT}
    np.testing.assert_array_equal(plot.losses(), [1.0, 2.0, 1.6e308])


def test_qt_paints_on_the_gui_thread_only(monkeypatch):
    monkeypatch.delenv("QT_NO_GUI_THREADPOOL", raising=False)
    serial_painting()
    assert os.environ["QT_NO_GUI_THREADPOOL"] == "1"


def test_the_progress_text_does_not_move_anything_in_the_panel(qtbot, studio):
    _, controller = studio
    panel = controller.panel
    panel.show_progress(1, 10, 1, 12.0, 0.5, 0.5)
    qtbot.wait(20)
    geometry = {w: w.geometry() for w in (panel.stats, panel.progress, panel.message)}
    panel.show_progress(9_999_999, 10_000_000, 123_456_789, 123_456.7, 1.234567e-7, 1.2e-7)
    qtbot.wait(20)
    assert {w: w.geometry() for w in geometry} == geometry
    assert panel.stats.text() == ("step 123,456,789 · 123,457 steps/s\n"
                                  "loss 1.235e-07 · best 1.2e-07")


def test_the_inspector_keeps_its_page_when_a_result_arrives_and_nothing_is_selected(studio):
    window, _ = studio
    open_example(window, "xor_mlp.json")
    window.scene.clearSelection()
    inspector = window.inspector
    inspector.rebuild()
    builds = inspector.page_builds
    for _ in range(3):
        window.show_result(run(window.graph))
        inspector.rebuild()
    assert inspector.page_builds == builds


def test_the_animation_panel_waits_while_its_tab_is_behind_another(qtbot, studio):
    window, controller = studio
    open_example(window, "xor_mlp.json")
    anim = window.animation
    controller.dock.raise_()                           # the Training tab in front
    qtbot.waitUntil(lambda: not anim.panel.on_screen, timeout=30000)
    assert anim.panel.isVisible()                      # Qt's view: only moved off screen
    title = anim.panel.title.text()
    window.show_result(run(window.graph, trace=True))
    assert anim.panel.title.text() == title            # nothing laid out for an unseen tab
    anim.dock.raise_()
    qtbot.waitUntil(lambda: anim.panel.on_screen, timeout=30000)
    assert anim.panel.title.text() != title            # brought up to date when shown
    assert f" / {len(anim.controller.timeline)} · " in anim.panel.step_label.text()


def test_a_stale_notice_behind_another_tab_keeps_the_controls_current(qtbot, studio):
    window, controller = studio
    open_example(window, "xor_mlp.json")
    anim = window.animation
    controller.dock.raise_()
    qtbot.waitUntil(lambda: not anim.panel.on_screen, timeout=30000)
    window.show_result(run(window.graph, trace=True))  # unseen: the controls wait…
    node, tensors = next((n, window.graph.node(n)["tensors"]) for n in window.graph.nx.nodes
                         if window.graph.node(n)["tensors"])
    name, value = next(iter(tensors.items()))
    window.graph.set_tensors({(node, name): np.asarray(value) + 1.0})   # …and an edit: stale
    anim.dock.raise_()
    qtbot.waitUntil(lambda: anim.panel.on_screen, timeout=30000)
    n = len(anim.controller.timeline)
    assert anim.panel.title.text().startswith("Stopped") or "changed" in anim.panel.title.text()
    assert anim.panel.timeline.maximum() == n and anim.panel.next_button.isEnabled()
    assert f" / {n} · " in anim.panel.step_label.text()


def test_the_step_axis_grows_by_four_nice_ranges_a_decade():
    from backprop_studio.gui.training.plotting import STEP_AXIS, nice_ceiling
    bounds = {nice_ceiling(s, STEP_AXIS) for s in range(1001, 10_001)}
    assert sorted(bounds) == [2000.0, 2500.0, 5000.0, 10_000.0]
    assert nice_ceiling(2501, STEP_AXIS) == 5000.0 and nice_ceiling(2500, STEP_AXIS) == 2500.0
    assert nice_ceiling(0.7) == 0.8 and nice_ceiling(31) == 40.0      # the value axes' steps
