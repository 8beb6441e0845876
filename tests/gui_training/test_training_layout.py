"""The Training dock as a student sees it: every control visible at 1280×800, the three plots
whole at 1024×700, legends under the plots (never over the curves), a colour bar beside the
decision boundary."""

from __future__ import annotations

import pytest
from training_helpers import release


@pytest.fixture
def sized(make_window):
    made = []

    def make(size):
        window = make_window(size)
        made.append(window)
        window.training.dock.raise_()
        return window
    yield make
    for window in made:
        release(window, window.training)


def settle(qtbot):
    qtbot.wait(50)


def test_every_control_is_visible_at_1280x800(qtbot, sized):
    window = sized((1280, 800))
    assert window.open_path("resources/examples/spirals_mlp.json")
    settle(qtbot)
    view = window.training.view
    scroll = view.panel.parentWidget().parentWidget()
    assert scroll.verticalScrollBar().maximum() == 0
    assert scroll.horizontalScrollBar().maximum() == 0
    panel = view.panel
    for w in (panel.train_button, panel.pause_button, panel.step_button, panel.reset_button,
              panel.speed, panel.lr, panel.steps, panel.log_box, panel.export_button,
              panel.progress, panel.stats):
        assert w.isVisible() and not w.visibleRegion().isEmpty(), w


@pytest.mark.parametrize("size", [(1024, 700), (1280, 800)])
def test_the_plots_are_whole_and_their_legends_below_them(qtbot, sized, size):
    window = sized(size)
    assert window.open_path("resources/examples/spirals_mlp.json")
    window.training.step()
    settle(qtbot)
    view = window.training.view
    right = view.mapToGlobal(view.rect().topRight()).x()
    for plot in (view.loss_plot, view.boundary_plot, view.norm_plot):
        widget, item = plot.plot, plot.plot.getPlotItem()
        assert item.geometry().width() <= widget.viewport().width() + 0.5     # nothing clipped
        assert widget.mapToGlobal(widget.rect().topRight()).x() <= right
        assert widget.width() >= 150
    for plot in (view.loss_plot, view.norm_plot):
        legend = plot.legend
        assert legend.isVisible() and legend.geometry().top() >= plot.plot.geometry().bottom()
    loss = view.loss_plot
    assert [n for _, n in loss.legend.entries] == ["per step", "smoothed"]
    assert [c for c, _ in loss.legend.entries] == [loss.raw.opts["pen"].color().name(),
                                                   loss.smooth.opts["pen"].color().name()]
    norms = view.norm_plot
    assert norms.names and [n for _, n in norms.legend.entries] == norms.names
    assert [c for c, _ in norms.legend.entries] == [
        curve.opts["pen"].color().name() for curve in norms.curves]


def test_the_decision_boundary_has_a_colour_bar(qtbot, sized):
    window = sized((1280, 800))
    assert window.open_path("resources/examples/spirals_mlp.json")
    plot = window.training.view.boundary_plot
    assert plot.mode == "plane" and plot.colorbar.isVisible()
    assert tuple(plot.colorbar.values) == (0.0, 1.0)
    assert [t for _, t in plot.colorbar.axis._tickLevels[0]] == ["0", "0.5", "1"]
    assert plot.plot.getPlotItem().titleLabel.text == "Data · model output"
    assert window.open_path("resources/examples/cs231n_add_multiply.json")
    assert not plot.colorbar.isVisible()                    # no dataset: no colours to read


def test_a_log_axis_labels_1_2_and_5_of_each_decade_only(qtbot, sized):
    """pyqtgraph labels each of 2…9 in a decade; in a 150 px plot they pile up."""
    import math

    from backprop_studio.gui.training.plotting import LogLabels
    window = sized((1280, 800))
    axis = window.training.view.norm_plot.plot.getPlotItem().getAxis("left")
    assert isinstance(axis, LogLabels)

    def labelled(low, high):
        levels = axis.tickValues(math.log10(low), math.log10(high), 150)
        return sorted({float(f"{10 ** v:.3g}") for _, values in levels for v in values})
    assert labelled(0.02, 0.2) == [0.05, 0.1]
    assert labelled(1e-4, 1.0) == [0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02,
                                   0.05, 0.1, 0.2, 0.5, 1.0]
