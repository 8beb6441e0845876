"""The ``exercise`` block of a graph file as typed records, its JSON Schema and its checks.

A blank (a Field) is what the student writes one number or array into: a node's value or
gradient, an edge's local, upstream or downstream gradient, or a layer tensor's gradient. Whole
passes ("all gradients", "the backward pass from node q") are stored as passes and expanded into
fields by answers.fields, so a teacher's intent survives an edit of the graph before ``make``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import GraphError
from ..tensors import to_tensor
from ..text import shorten

NODE_KINDS = ("value", "grad")
EDGE_KINDS = ("local", "upstream", "downstream")
PARAM_KIND = "param"
PASS_KINDS = ("all_gradients", "backward_from")
HINT_KINDS = ("reveal", "formula")
DEFAULT_DIGITS = 2
MAX_DIGITS = 6
MAX_DECIMALS = 3
MAX_RANGE = 1_000_000


@dataclass(frozen=True, order=True)
class Field:
    """One blank. ``node`` for value/grad/param; ``source → target.port`` for edge kinds."""

    kind: str
    node: str | None = None
    source: str | None = None
    target: str | None = None
    port: str | None = None
    tensor: str | None = None

    def to_json(self) -> dict:
        out = {"kind": self.kind}
        for name in ("node", "source", "target", "port", "tensor"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        return out

    @property
    def edge(self) -> tuple[str, str, str] | None:
        return (self.source, self.target, self.port) if self.kind in EDGE_KINDS else None


@dataclass(frozen=True)
class RandomValue:
    """A leaf tensor drawn per student: uniform in [low, high], rounded to ``decimals``."""

    node: str
    low: float
    high: float
    decimals: int = 0
    nonzero: bool = True

    def to_json(self) -> dict:
        return {"node": self.node, "low": self.low, "high": self.high,
                "decimals": self.decimals, "nonzero": self.nonzero}


@dataclass
class Exercise:
    fields: list[Field] = field(default_factory=list)
    passes: list[dict] = field(default_factory=list)
    random: list[RandomValue] = field(default_factory=list)
    digits: int = DEFAULT_DIGITS
    hints: bool = True
    title: str = ""
    student: dict | None = None
    answers: dict[Field, object] = field(default_factory=dict)
    hints_used: list[tuple[Field, str]] = field(default_factory=list)
    revealed: bool = False
    seal: str | None = None

    def to_json(self) -> dict:
        """The block as the file stores it; answers in the order the fields were answered."""
        out: dict = {"fields": [f.to_json() for f in self.fields]}
        if self.passes:
            out["passes"] = [dict(p) for p in self.passes]
        if self.random:
            out["random"] = [r.to_json() for r in self.random]
        out["tolerance_digits"] = self.digits
        out["hints"] = self.hints
        if self.title:
            out["title"] = self.title
        if self.student is not None:
            out["student"] = dict(self.student)
        out["answers"] = [{"field": f.to_json(), "value": v} for f, v in self.answers.items()]
        out["hints_used"] = [{"field": f.to_json(), "kind": k} for f, k in self.hints_used]
        out["revealed"] = self.revealed
        if self.seal is not None:
            out["seal"] = self.seal
        return out

    def teacher_part(self) -> dict:
        """What the teacher set and the student must not change (the seal covers it)."""
        doc = self.to_json()
        for key in ("answers", "hints_used", "revealed", "seal"):
            doc.pop(key, None)
        return doc

    def hinted(self, f: Field) -> str | None:
        """The hint taken for a blank: "reveal" if its answer was shown, else "formula"."""
        kinds = {k for g, k in self.hints_used if g == f}
        return "reveal" if "reveal" in kinds else next(iter(kinds), None)


def _ref(kind: str) -> dict:
    return {"$ref": f"#/$defs/{kind}"}


def schema_defs() -> dict:
    """The JSON Schema of the block (engine/schema.py puts these under $defs)."""
    name = {"type": "string", "minLength": 1}
    return {
        "exercise_field": {
            "type": "object", "required": ["kind"], "additionalProperties": False,
            "properties": {"kind": {"enum": [*NODE_KINDS, *EDGE_KINDS, PARAM_KIND]},
                           "node": name, "source": name, "target": name, "port": name,
                           "tensor": name}},
        "exercise": {
            "type": "object", "required": ["fields"], "additionalProperties": False,
            "properties": {
                "title": {"type": "string"},
                "fields": {"type": "array", "items": _ref("exercise_field")},
                "passes": {"type": "array", "items": {
                    "type": "object", "required": ["kind"], "additionalProperties": False,
                    "properties": {"kind": {"enum": list(PASS_KINDS)}, "node": name}}},
                "random": {"type": "array", "items": {
                    "type": "object", "required": ["node", "low", "high"],
                    "additionalProperties": False,
                    "properties": {"node": name,
                                   "low": {"type": "number", "minimum": -MAX_RANGE},
                                   "high": {"type": "number", "maximum": MAX_RANGE},
                                   "decimals": {"type": "integer", "minimum": 0,
                                                "maximum": MAX_DECIMALS},
                                   "nonzero": {"type": "boolean"}}}},
                "tolerance_digits": {"type": "integer", "minimum": 1, "maximum": MAX_DIGITS},
                "hints": {"type": "boolean"},
                "student": {"type": "object", "required": ["id"], "additionalProperties": False,
                            "properties": {"id": name, "name": {"type": "string"}}},
                "answers": {"type": "array", "items": {
                    "type": "object", "required": ["field", "value"],
                    "additionalProperties": False,
                    "properties": {"field": _ref("exercise_field"),
                                   "value": _ref("tensor")}}},
                "hints_used": {"type": "array", "items": {
                    "type": "object", "required": ["field", "kind"],
                    "additionalProperties": False,
                    "properties": {"field": _ref("exercise_field"),
                                   "kind": {"enum": list(HINT_KINDS)}}}},
                "revealed": {"type": "boolean"},
                "seal": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            },
        },
    }


def field_from_json(doc: dict, graph=None, where: str = "exercise") -> Field:
    """A Field from its JSON object (already schema-checked), checked against ``graph``."""
    kind = doc["kind"]
    need = {"value": ("node",), "grad": ("node",), PARAM_KIND: ("node", "tensor")}.get(
        kind, ("source", "target", "port"))
    for key in doc:
        if key != "kind" and key not in need:
            raise GraphError(f"{where}: a {kind} blank has no {key!r} (it takes "
                             f"{', '.join(need)})")
    for key in need:
        if key not in doc:
            raise GraphError(f"{where}: a {kind} blank needs {key!r}")
    f = Field(kind, **{k: doc[k] for k in need})
    if graph is not None:
        _check_against(f, graph, where)
    return f


def _check_against(f: Field, graph, where: str) -> None:
    if f.node is not None and f.node not in graph:
        raise GraphError(f"{where}: there is no node {shorten(f.node)}")
    if f.kind == PARAM_KIND and f.tensor not in graph.op(f.node).vjp:
        raise GraphError(f"{where}: {shorten(f.node)} has no trainable tensor "
                         f"{shorten(f.tensor)} of its own")
    if f.edge is not None and f.edge not in set(graph.edges()):
        raise GraphError(f"{where}: there is no edge {shorten(f.source)} → "
                         f"{shorten(f.target)}.{shorten(f.port)}")


def from_json(block: dict, graph=None) -> Exercise:
    """The block's records, each name checked against ``graph`` (the schema checked types)."""
    ex = Exercise()
    ex.fields = [field_from_json(d, graph, f"exercise.fields[{i}]")
                 for i, d in enumerate(block["fields"])]
    if len(set(ex.fields)) != len(ex.fields):
        raise GraphError("exercise.fields: a blank is listed twice")
    for i, p in enumerate(block.get("passes", [])):
        if (p["kind"] == "backward_from") != ("node" in p):
            raise GraphError(f"exercise.passes[{i}]: 'backward_from' and only it names a node")
        if graph is not None and "node" in p and p["node"] not in graph:
            raise GraphError(f"exercise.passes[{i}]: there is no node {shorten(p['node'])}")
        ex.passes.append(dict(p))
    for i, r in enumerate(block.get("random", [])):
        rv = RandomValue(r["node"], r["low"], r["high"], r.get("decimals", 0),
                         r.get("nonzero", True))
        if rv.low > rv.high:
            raise GraphError(f"exercise.random[{i}]: low {rv.low} is above high {rv.high}")
        if graph is not None:
            if rv.node not in graph:
                raise GraphError(f"exercise.random[{i}]: there is no node {shorten(rv.node)}")
            if graph.node(rv.node)["op"] not in ("input", "parameter", "constant"):
                raise GraphError(f"exercise.random[{i}]: {shorten(rv.node)} is not an input, "
                                 f"parameter or constant")
        ex.random.append(rv)
    ex.digits = block.get("tolerance_digits", DEFAULT_DIGITS)
    ex.hints = block.get("hints", True)
    ex.title = block.get("title", "")
    ex.student = dict(block["student"]) if "student" in block else None
    for i, a in enumerate(block.get("answers", [])):
        f = field_from_json(a["field"], graph, f"exercise.answers[{i}]")
        if f in ex.answers:
            raise GraphError(f"exercise.answers[{i}]: this blank is answered twice")
        try:
            to_tensor(a["value"])            # rectangular and finite, or refused here
        except ValueError as exc:
            raise GraphError(f"exercise.answers[{i}].value: {exc}") from None
        ex.answers[f] = a["value"]
    ex.hints_used = [(field_from_json(h["field"], graph, f"exercise.hints_used[{i}]"),
                      h["kind"]) for i, h in enumerate(block.get("hints_used", []))]
    ex.revealed = block.get("revealed", False)
    ex.seal = block.get("seal")
    return ex


def checked_block(block, graph) -> dict:
    """The loader's check of a file's block (after the schema): every name it uses exists."""
    from_json(block, graph)
    return block


def pruned(block: dict, graph) -> dict:
    """The block without what names a node or edge the graph no longer has (an edit after the
    exercise was made), so the file stays loadable."""
    def fine(doc) -> bool:
        try:
            field_from_json(doc, graph)
            return True
        except GraphError:
            return False
    out = dict(block)
    out["fields"] = [f for f in block["fields"] if fine(f)]
    out["passes"] = [p for p in block.get("passes", []) if "node" not in p or p["node"] in graph]
    out["random"] = [r for r in block.get("random", []) if r["node"] in graph and
                     graph.node(r["node"])["op"] in ("input", "parameter", "constant")]
    for key in ("answers", "hints_used"):
        out[key] = [a for a in block.get(key, []) if fine(a["field"])]
    return {k: v for k, v in out.items() if v != [] or k in block}


def of_graph(graph) -> Exercise | None:
    """The graph's exercise, or None when it is a plain graph."""
    block = graph.nx.graph.get("exercise")
    return None if block is None else from_json(block, graph)


def store(graph, ex: Exercise) -> None:
    """Write the block back into the graph's attributes (no event: callers that need one
    call graph.set_graph_attr)."""
    graph.nx.graph["exercise"] = ex.to_json()
