"""What the animation shows of a layer in neuron view at each step: which terms are on screen,
unit by unit, and which units the active step lights (from the Timeline's display state)."""

from __future__ import annotations

from dataclasses import dataclass

from backprop_studio.engine import neurons as engine_neurons


@dataclass
class Shown:
    """Which of the layer's numbers are on screen: all after Run; during the animation, what
    the cursor has reached. ``reveal`` = (term, progress) shows ``term`` unit by unit."""
    a: bool = True
    z: bool = True
    slope: bool = True
    dz: bool = True
    da: bool = True
    dw: bool = True
    reveal: tuple | None = None      # ((term, …), progress 0…1)

    def count(self, term: str, total: int) -> int:
        """How many units of ``term`` show: all, none, or during its reveal the first few."""
        if self.reveal is not None and term in self.reveal[0]:
            return revealed(self.reveal[1], total)
        return total if getattr(self, term) else 0


def revealed(progress: float, total: int) -> int:
    """Units shown at ``progress`` of a step that goes through ``total`` units one by one."""
    return max(1, min(total, int(progress * total + 1e-9) + 1))


def shown_at(graph, node: str, state, active, progress: float):
    """What the animation shows of layer ``node`` (a Shown) and which units the active step
    lights, from the Timeline's DisplayState and the step just taken: the forward step fills
    z neuron by neuron, the step into σ gives σ'(z) and ∂C/∂z neuron by neuron, the step back
    to the input runs the reverse network input by input, and ∂C/∂W comes neuron by neuron."""
    src = graph.source_of(node, "x")
    act = engine_neurons.sigmoid_after(graph, node)
    edge_in, edge_out = (src, node, "x"), (node, act, "z")
    shown = Shown(a=src in state.node_value, z=node in state.node_value,
                  slope=edge_out in state.edge_grad, dz=node in state.node_grad,
                  da=edge_in in state.edge_grad, dw=(node, "W") in state.params)
    cfg = graph.node(node)["config"]
    n_in, units = int(cfg["in_features"]), int(cfg["units"])
    lit: set = set()
    step = active.step if active is not None else None
    if active is not None and active.kind == "forward" and active.node == node:
        shown.reveal = (("z",), progress)
        m = revealed(progress, units) - 1
        lit = {("out", m)} | {("w", n, m) for n in range(n_in)}
    elif step is not None and step.kind == "edge" and step.source == node:
        shown.reveal = (("slope", "dz"), progress)
        lit = {("out", revealed(progress, units) - 1)}
    elif step is not None and step.kind == "edge" and step.node == node:
        shown.reveal = (("da",), progress)
        n = revealed(progress, n_in) - 1
        lit = {("in", n)} | {("w", n, m) for m in range(units)}
    elif step is not None and step.kind == "param" and step.node == node and step.port == "W":
        shown.reveal = (("dw",), progress)
        m = revealed(progress, units) - 1
        lit = {("out", m)} | {("w", n, m) for n in range(n_in)}
    return shown, lit
