"""Backprop Studio's engine: ops, graphs, forward/backward with a trace, training, files.

Pure Python, numpy and networkx; it never imports Qt (tests/test_engine_no_qt.py).
"""

from .backprop import Result, Step, run
from .errors import GraphError
from .graph import ComputationGraph
from .ops import REGISTRY, get_op
from .plan import Plan

__all__ = ["GraphError", "ComputationGraph", "REGISTRY", "get_op", "Plan", "Result", "Step",
           "run"]
