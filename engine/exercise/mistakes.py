"""The common wrong answers of backprop by hand, each computed by replaying the backward pass
with that one mistake (replay.py), and the feedback that names the one a wrong answer matches.

Each mistake is a wrong rule at one kind of gate (or at a node used twice). Nothing here is a
stored wrong number: for every place in the graph where a mistake can be made, the replay gives
what every blank would then read, and a student's answer that matches one of those (and not
the right answer) is that mistake, made at that place.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..functions import rows
from .model import EDGE_KINDS, Field
from .replay import EdgeContext, Replay, backward
from .tolerance import close

SUM = "forgot to add the contributions at a node used twice (its gradient is the sum of what "\
      "every consumer hands back)"
SIGMOID = "used σ(z) instead of σ(z)(1 − σ(z)) as the sigmoid's local gradient"
MAX_BOTH = "sent the max gate's gradient to both inputs or to the smaller one (it goes only to "\
           "the larger input)"
MAX_SMALLER = "sent the max gate's gradient to the smaller input (it goes only to the larger)"
NO_SWAP = "did not swap the inputs at the multiply gate (∂(a·b)/∂a is b, the other input)"
SIGN = "a sign error at the {op} gate (∂(a {sym} b)/∂b is {right})"
BATCH = "forgot the 1/E of the batch loss (E = {e:g} examples)"
BROADCAST = "forgot to sum over the broadcast axis (the gradient must have the input's shape)"
TRANSPOSE = "used {w} where {w}ᵀ belongs"
ADD_INPUT = "multiplied by the input's value where the local gradient is 1 (the add gate "\
            "passes its gradient on unchanged)"


def _ones(x):
    return 1.0 if np.shape(x) == () else np.ones(np.shape(x))


def _as(local, g, ctx: EdgeContext):
    return local, g * local, True


def _sigmoid(ctx: EdgeContext):
    return _as(ctx.env["out"], ctx.upstream, ctx)


def _max_to_loser(ctx: EdgeContext):
    if np.all(np.asarray(ctx.local) != 0):
        return None
    return _as(_ones(ctx.local), ctx.upstream, ctx)


def _max_from_winner(ctx: EdgeContext):
    if np.all(np.asarray(ctx.local) == 0):
        return None
    return _as(0.0 * ctx.local, ctx.upstream, ctx)


def _no_swap(ctx: EdgeContext):
    return _as(ctx.env[ctx.port], ctx.upstream, ctx)


def _sign(ctx: EdgeContext):
    return _as(-ctx.local, ctx.upstream, ctx)


def _no_batch(ctx: EdgeContext):
    first = ctx.env[ctx.graph.op(ctx.target).ports[0]]
    e = rows(np.asarray(first))
    return None if e == 1 else _as(ctx.local * e, ctx.upstream, ctx)


def _no_sum_back(ctx: EdgeContext):
    down = ctx.upstream * ctx.local
    return None if np.shape(down) == ctx.shape else (ctx.local, down, False)


def _transpose(ctx: EdgeContext):
    g, env = np.asarray(ctx.upstream), ctx.env
    if ctx.graph.op(ctx.target).name == "dense":
        return ctx.local, g @ env["W"], True
    a, b = np.asarray(env["a"]), np.asarray(env["b"])
    return ctx.local, (g @ b if ctx.port == "a" else a @ g), True


def _add_input(ctx: EdgeContext):
    return _as(ctx.env[ctx.port], ctx.upstream, ctx)


@dataclass(frozen=True)
class EdgeMistake:
    op: str
    ports: tuple
    rule: object
    message: str


EDGE_MISTAKES = (
    EdgeMistake("sigmoid", ("z",), _sigmoid, SIGMOID),
    EdgeMistake("max", ("a", "b"), _max_to_loser, MAX_BOTH),
    EdgeMistake("max", ("a", "b"), _max_from_winner, MAX_SMALLER),
    EdgeMistake("multiply", ("a", "b"), _no_swap, NO_SWAP),
    EdgeMistake("subtract", ("b",), _sign, SIGN.format(op="subtract", sym="−", right="−1")),
    EdgeMistake("divide", ("b",), _sign, SIGN.format(op="divide", sym="/", right="−a/b²")),
    EdgeMistake("mse", ("yhat", "y"), _no_batch, BATCH),
    EdgeMistake("bce", ("p", "y"), _no_batch, BATCH),
    EdgeMistake("softmax_ce", ("z", "y"), _no_batch, BATCH),
    EdgeMistake("matmul", ("a", "b"), _transpose, TRANSPOSE.format(w="b")),
    EdgeMistake("dense", ("x",), _transpose, TRANSPOSE.format(w="W")),
    EdgeMistake("add", ("a", "b"), _add_input, ADD_INPUT),
)
for _op in ("add", "subtract", "multiply", "divide", "max"):
    EDGE_MISTAKES += (EdgeMistake(_op, ("a", "b"), _no_sum_back, BROADCAST),)


def _dense_w_transpose(env, g):
    return np.asarray(env["x"]) @ np.asarray(g)


@dataclass(frozen=True)
class Candidate:
    """A replay with one mistake: where it was made, what it is, and what it gives."""

    where: str                   # a node id (the gate, or the node used twice)
    message: str
    replay: Replay
    at: Field | None = None      # the blank the mistake is made at, when it is one edge


class Diagnoser:
    """Every mistake's replay for one graph, made once and compared with any answer."""

    def __init__(self, graph, result, digits: int):
        self.graph, self.result, self.digits = graph, result, digits
        self._candidates: list[Candidate] | None = None

    @property
    def candidates(self) -> list[Candidate]:
        if self._candidates is None:
            self._candidates = list(self._make())
        return self._candidates

    def _make(self):
        g, r = self.graph, self.result
        for source, target, port in g.edges():
            if r.grads.get(target) is None or r.grads.get(source) is None:
                continue
            op = g.op(target).name
            for m in EDGE_MISTAKES:
                if m.op == op and port in m.ports:
                    replay = backward(g, r, edge_rule=((source, target, port), m.rule))
                    if (source, target, port) in replay.edges:
                        first = r.values[g.inputs_of(target)[g.op(target).ports[0]]]
                        message = m.message.format(e=rows(np.asarray(first)))
                        yield Candidate(target, message, replay,
                                        Field("downstream", source=source, target=target,
                                              port=port))
        for node in r.order:
            uses = [c for c in g.consumers_of(node) if r.grads.get(c[0]) is not None]
            if len(uses) > 1 and r.grads.get(node) is not None:
                for i in range(len(uses)):
                    yield Candidate(node, SUM, backward(g, r, keep_one=(node, i)))
            if g.op(node).name == "dense" and r.grads.get(node) is not None:
                yield Candidate(node, TRANSPOSE.format(w="x"),
                                backward(g, r, param_rule=((node, "W"), _dense_w_transpose)))

    def diagnose(self, f: Field, answer, right, answers: dict | None = None) -> str:
        """Why ``answer`` (not close to ``right``) is wrong, in one sentence."""
        if np.shape(answer) != np.shape(right):
            named = self._named(f, answer, right)
            if named:
                return named
            return (f"the answer should be {_shape(right)}, not {_shape(answer)}")
        return self._named(f, answer, right) or self._upstream(f, answer, answers or {})

    def _named(self, f: Field, answer, right) -> str | None:
        for c in self.candidates:
            got = c.replay.value(f)
            if got is None or np.shape(got) != np.shape(answer):
                continue
            if np.shape(got) == np.shape(right) and close(got, right, self.digits):
                continue                  # this mistake would not change this blank
            if close(answer, got, self.digits):
                if c.at is not None:
                    here = f.edge == c.at.edge or (f.kind == "grad" and f.node == c.at.source)
                else:
                    here = f.node == c.where
                if here:
                    return c.message
                return (f"it follows from a mistake at {self.graph.label(c.where)}: "
                        f"{c.message}")
        return None

    def _upstream(self, f: Field, answer, answers: dict) -> str:
        g = self.graph
        if f.kind == "value":
            ins = ", ".join(g.label(s) for s in g.inputs_of(f.node).values())
            return f"re-check the values coming into it ({ins})" if ins else \
                "re-read this value from the graph"
        up = _upstream_node(g, f)
        if up is None:
            return "the output's gradient with respect to itself is 1"
        if up == g.output and f.kind != "upstream":
            return (f"re-check the local gradient of {g.label(up)} at its input "
                    f"{f.port or g.op(up).ports[0]} (the upstream ∂{g.label(up)}/∂"
                    f"{g.label(up)} is 1)")
        if f.kind == "local":
            return f"re-check the local gradient of {g.label(f.target)} at its input {f.port} " \
                   f"(the values of its inputs)"
        name = f"∂{g.label(g.output)}/∂{g.label(up)}"
        mine = answers.get(Field("grad", node=up))
        if mine is None and f.kind in EDGE_KINDS:
            mine = answers.get(Field("upstream", source=f.source, target=f.target, port=f.port))
        if mine is not None and f.kind != "upstream" and close(mine, self.result.grads[up],
                                                                 self.digits):
            return (f"your upstream {name} is right: re-check the local gradient it is "
                    f"multiplied by")
        if mine is not None:
            return f"re-check the upstream value {name} first: this one multiplies it"
        return f"re-check the upstream value {name} and the local gradient it is multiplied by"


def _upstream_node(graph, f: Field) -> str | None:
    if f.kind in EDGE_KINDS:
        return f.target
    if f.kind == "param":
        return f.node
    consumers = graph.consumers_of(f.node)
    return consumers[0][0] if consumers else None


def _shape(value) -> str:
    shape = np.shape(value)
    return "a single number" if shape == () else "an array of shape " + "×".join(map(str, shape))
