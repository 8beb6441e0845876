"""engine.numbers: the one formatter, as the CS231n figures print numbers."""

from __future__ import annotations

import numpy as np

from backprop_studio.engine import explain
from backprop_studio.engine.cli import fmt
from backprop_studio.engine.numbers import format_number, format_tensor


def test_numbers_read_as_in_the_figures():
    assert format_number(-4.0) == "−4"
    assert format_number(-12) == "−12"
    assert format_number(0.7310585786) == "0.73"
    assert format_number(0.298371) == "0.30"
    assert format_number(-0.0381) == "−0.038"
    assert format_number(0.0) == "0"
    assert format_number(3.5e-05) == "3.5e−05"
    assert format_number(float("nan")) == "nan" and format_number(float("-inf")) == "−inf"
    assert format_number(-4.0, minus="-") == "-4"


def test_tensors_whole_when_small_else_shape_and_range():
    assert format_tensor([[0.05, 0.10]]) == "[[0.05, 0.10]]"
    assert format_tensor(np.array([1.0, -2.0])) == "[1, −2]"
    big = np.linspace(-0.98, 0.97, 16).reshape(1, 16)
    assert format_tensor(big) == "1×16 ∈[−0.98, 0.97]"
    assert format_tensor([[0.00044, 0.0005], [0.00088, 0.001]], max_chars=18) == \
        "2×2 ∈[0.00044, 0.001]"
    assert "…" not in format_tensor(np.arange(100.0))


def test_one_formatter_for_explanations_and_command_line():
    for x in (-4.0, 0.7310585786, -0.0381, 12.5, 3e-7):
        assert explain.num(x) == format_number(x)
        assert fmt(x) == format_number(x).replace("−", "-")
