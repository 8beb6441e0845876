"""The animation as data: forward steps (one per node, topological order) then the engine's
backward trace, and what the canvas shows after the first k of them.

No Qt here: what is on screen at cursor k is a pure function of k (``state_at``), which is what
makes stepping back and scrubbing exact. Nothing is computed: every number comes from the
engine's Result and trace.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from backprop_studio.engine import ComputationGraph, Result, Step, explain


@dataclass(frozen=True)
class AnimStep:
    index: int
    phase: str                      # "forward" | "backward"
    kind: str                       # "forward" | "seed" | "edge" | "sum" | "param"
    node: str
    edges: tuple = ()               # edges a pulse travels along during this step
    step: Step | None = None        # the engine's trace step (backward only)

    @property
    def subject(self):
        """What the explanation explains: the trace step, or the node of a forward step."""
        return self.step if self.step is not None else self.node


@dataclass
class DisplayState:
    """Everything the overlay shows; equal states look identical on the canvas."""
    node_value: dict = field(default_factory=dict)      # node -> value
    node_grad: dict = field(default_factory=dict)       # node -> ∂L/∂node (complete)
    partial: dict = field(default_factory=dict)         # node -> (contribution, …) before Σ
    edge_value: dict = field(default_factory=dict)      # edge -> value it carries
    edge_grad: dict = field(default_factory=dict)       # edge -> (upstream, local, product)
    sums: dict = field(default_factory=dict)            # node -> Step (kind "sum")
    params: dict = field(default_factory=dict)          # (node, tensor) -> ∂L/∂tensor
    active: int = -1                                    # index of the step just taken

    def copy(self) -> DisplayState:
        return DisplayState(dict(self.node_value), dict(self.node_grad), dict(self.partial),
                            dict(self.edge_value), dict(self.edge_grad), dict(self.sums),
                            dict(self.params), self.active)


class Timeline:
    """The step list for one graph and Result, and the display state after any prefix."""

    def __init__(self, graph: ComputationGraph, result: Result) -> None:
        """Cheap: the step list is built on first use (play, step, scrub, a visible panel), so
        a Result that nobody animates (training sends one every second) costs nothing."""
        self.graph, self.result = graph, result
        self.forward_count = len(result.order)
        self._length = self.forward_count + len(result.trace or ())
        self._steps: list[AnimStep] | None = None
        self._consumers: dict = {}

    @property
    def built(self) -> bool:
        return self._steps is not None

    @property
    def steps(self) -> list[AnimStep]:
        if self._steps is None:
            self._build()
        return self._steps

    def _build(self) -> None:
        graph, result = self.graph, self.result
        steps: list[AnimStep] = []
        self._consumers = explain.arrival_counts(result)
        for node in result.order:
            ins = tuple((src, node, port) for port, src in graph.inputs_of(node).items()) \
                if node in graph else ()
            steps.append(AnimStep(len(steps), "forward", "forward", node, ins))
        for step in result.trace or ():
            steps.append(AnimStep(len(steps), "backward", step.kind, step.node,
                                  self._pulse_edges(step), step))
        self._steps = steps

    def arrivals(self, node: str) -> int:
        """How many gradients come back to ``node`` (engine.explain.arrival_counts)."""
        if self._steps is None:
            self._build()
        return self._consumers.get(node, 0)

    def __len__(self) -> int:
        return self._length

    def phase_at(self, cursor: int) -> str:
        """The phase of the step just taken at ``cursor`` (without building the steps)."""
        if cursor <= 0:
            return "start"
        return "forward" if cursor <= self.forward_count else "backward"

    @staticmethod
    def _pulse_edges(step: Step) -> tuple:
        if step.kind == "edge":
            return ((step.source, step.node, step.port),)
        if step.kind == "sum":
            return tuple((step.node, consumer, port) for consumer, port, _ in step.parts)
        return ()

    def range(self, mode: str) -> tuple[int, int]:
        """Cursor bounds for a pass: "forward", "backward" or "both"."""
        if mode == "forward":
            return 0, self.forward_count
        if mode == "backward":
            return self.forward_count, len(self.steps)
        return 0, len(self.steps)

    # ------------------------------------------------------------ state
    def apply(self, state: DisplayState, k: int) -> None:
        """Step k's effect on the display, in place."""
        s = self.steps[k]
        state.active = k
        values = self.result.values
        if s.kind == "forward":
            state.node_value[s.node] = values.get(s.node)
            for edge in s.edges:
                state.edge_value[edge] = values.get(edge[0])
            return
        step = s.step
        if step.kind == "seed":
            state.node_grad[step.node] = step.downstream
        elif step.kind == "edge":
            state.edge_grad[s.edges[0]] = (step.upstream, step.local, step.downstream)
            if self._consumers.get(step.source, 1) > 1:
                state.partial[step.source] = state.partial.get(step.source, ()) + (
                    step.downstream,)
            else:
                state.node_grad[step.source] = step.downstream
        elif step.kind == "sum":
            state.node_grad[step.node] = step.downstream
            state.sums[step.node] = step
            state.partial.pop(step.node, None)
        elif step.kind == "param":
            state.params[(step.node, step.port)] = step.downstream

    def state_at(self, cursor: int) -> DisplayState:
        """The display after the first ``cursor`` steps (0: nothing shown)."""
        state = DisplayState()
        for k in range(max(0, min(cursor, len(self.steps)))):
            self.apply(state, k)
        return state
