"""σ → bce: the target y gets its exact gradient ∂L/∂y = −z/E at any |z|, like the logit does."""

import numpy as np
import pytest

from backprop_studio.engine.api import Graph


def neuron(z, y):
    g = Graph()
    zi, yi = g.input("z", z), g.input("y", y)
    g.set_output(g.bce(g.sigmoid(zi), yi, label="L"))
    return g, zi, yi


@pytest.mark.parametrize("z, y", [(1000.0, 0.0), (-1000.0, 0.0), (1000.0, 1.0), (-1000.0, 1.0),
                                  (40.0, 0.3)])
@pytest.mark.parametrize("trace", [True, False])
def test_the_target_gradient_is_minus_z_at_large_logits(z, y, trace):
    g, zi, yi = neuron(z, y)
    result = g.run(trace=trace)
    assert result.grads[yi] == -z                       # was −27.63 (clipped p) at z = ±1000
    assert result.loss == pytest.approx(max(z, 0.0) - y * z + np.log1p(np.exp(-abs(z))))


def test_a_batch_divides_by_its_rows_and_the_trace_shows_the_exact_local():
    z = np.array([[1000.0], [-1000.0], [0.5]])
    g, zi, yi = neuron(z, np.zeros((3, 1)))
    result = g.run(trace=True)
    np.testing.assert_array_equal(result.grads[yi], -z / 3)
    step = next(s for s in result.trace if s.kind == "edge" and s.port == "y")
    np.testing.assert_array_equal(step.local, -z / 3)


def test_the_target_gradient_agrees_with_finite_differences_where_both_are_accurate():
    z, y, h = 2.0, 0.25, 1e-6
    g, zi, yi = neuron(z, y)
    analytic = g.run().grads[yi]
    loss = [neuron(z, y + d)[0].run().loss for d in (h, -h)]
    assert analytic == pytest.approx((loss[0] - loss[1]) / (2 * h), rel=1e-7)
    assert analytic == pytest.approx(-z)
