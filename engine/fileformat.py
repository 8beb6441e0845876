"""Graph files: one JSON object holding the graph in networkx node-link form.

``{"format": "backprop-studio", "version": 1, "graph": <node-link>}``, so that
``networkx.node_link_graph(doc["graph"], edges="edges")`` loads it. Files are checked against
resources/graph.schema.json (generated from the op registry: engine/schema.py) and then rebuilt
through the graph's own checked edits into a new graph, so a bad file is refused whole with a
message saying where and what, and nothing in a file is ever executed (JSON only; never pickle).
The limits of engine/limits.py are checked before the work they bound: the byte size before
reading, the node count before building, a tensor's size before allocating it. Saves are
atomic: a temporary file, then a rename.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
import tempfile
from functools import lru_cache
from pathlib import Path

import networkx as nx
import numpy as np

from .errors import GraphError
from .exercise.model import checked_block
from .graph import ComputationGraph, checked_training
from .limits import MAX_ATTR_DEPTH, MAX_FILE_BYTES, MAX_NODES, MAX_TENSOR_DIMS, MAX_TOTAL_ELEMENTS
from .ops import REGISTRY
from .resources import resource
from .safe_read import decode_utf8, read_bytes
from .schema import frame
from .tensors import count
from .text import clip, shorten

FORMAT = "backprop-studio"
VERSION = 1
SCHEMA_PATH = resource("graph.schema.json")
EXAMPLES = resource("examples")


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _jsonable(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    return value


def to_document(graph: ComputationGraph) -> dict:
    """The file's JSON object (plain lists and numbers, no numpy)."""
    g = nx.MultiDiGraph(**graph.nx.graph)
    for node, data in graph.nx.nodes(data=True):
        g.add_node(node, op=data["op"], label=data["label"], pos=list(data["pos"]),
                   config=dict(data["config"]),
                   tensors={k: _jsonable(v) for k, v in data["tensors"].items()})
    for u, v, k in graph.nx.edges(keys=True):
        g.add_edge(u, v, key=k, port=k)
    return {"format": FORMAT, "version": VERSION,
            "graph": nx.node_link_data(g, edges="edges")}


_NUMBER_LIST = re.compile(r"\[\s*([-+0-9.eE]+(?:,\s*[-+0-9.eE]+)*)\s*\]")


def dumps(graph: ComputationGraph) -> str:
    """Indented JSON, with each innermost list of numbers kept on one line for reading."""
    try:
        text = json.dumps(to_document(graph), indent=1, ensure_ascii=False, allow_nan=False)
        return _NUMBER_LIST.sub(lambda m: "[" + re.sub(r"\s+", " ", m.group(1)) + "]", text) + "\n"
    except ValueError:
        raise GraphError("the graph holds a NaN or infinite number, which JSON cannot store") \
            from None


def save(graph: ComputationGraph, path) -> None:
    """Write atomically: a failed save leaves any existing file untouched.

    A symlink is written through (its target is replaced, the link stays a link); the file
    keeps its permission bits, and a new file gets the ones the umask allows.
    """
    write_text(path, dumps(graph))


def write_text(path, text: str, encoding: str = "utf-8") -> None:
    """Replace ``path``'s content with ``text`` atomically (save's way, for any JSON text)."""
    path = Path(os.path.realpath(path))
    directory = path.parent
    mode = _mode_for(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise GraphError(f"cannot save {path}: {exc.strerror or exc}") from None
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding=encoding) as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        _fsync_directory(directory)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise GraphError(f"cannot save {path}: {exc.strerror or exc}") from None


def _mode_for(path: Path) -> int:
    """The permission bits the saved file gets: the existing file's, else 0666 less the umask
    (what open() would give; mkstemp alone would make it 0600)."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (a crash right after a save keeps the new file)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def load(path, graph_class=ComputationGraph) -> ComputationGraph:
    """A graph file: a regular file of at most MAX_FILE_BYTES, UTF-8 with or without a BOM."""
    data = read_bytes(path, MAX_FILE_BYTES, "graph file")
    return loads(decode_utf8(data, path, "graph file"), source=str(path),
                 graph_class=graph_class)


def loads(text: str, source: str = "<text>", graph_class=ComputationGraph) -> ComputationGraph:
    """A graph from JSON text (a file's, or pasted); any refusal is one GraphError."""
    if not isinstance(text, str):
        raise GraphError(f"{source}: not text")
    if len(text) > MAX_FILE_BYTES:
        raise GraphError(f"{source}: {len(text):,} characters; a graph file may have at most "
                         f"{MAX_FILE_BYTES:,} bytes")
    return from_document(parse(text, source), source, graph_class)


def parse(text: str, source: str = "<text>"):
    """JSON, refused (never a RecursionError) however it nests. NaN and Infinity are refused
    here; a number too large for a float (1e400) parses as infinity, which every check after
    this refuses (tensors, positions, settings, training, graph attributes)."""
    text = text.removeprefix("\ufeff")
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise GraphError(f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}: "
                         f"{exc.msg})") from None
    except RecursionError:
        raise GraphError(f"{source}: the JSON nests too deeply to read (a graph file nests at "
                         f"most {MAX_TENSOR_DIMS + 6} levels)") from None
    except ValueError as exc:
        raise GraphError(f"{source}: {clip(exc)}") from None


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number a graph file may hold")


def validate(doc) -> None:
    """Raise GraphError naming the first place where ``doc`` breaks the schema's frame (the
    document, graph attributes and training block; nodes and edges are the graph's to check)."""
    import jsonschema  # here, not at the top: it costs ~0.1 s of the editor's start-up

    if not isinstance(doc, dict):
        raise GraphError(f"the document must be a JSON object, got {shorten(doc)}")
    if not isinstance(doc.get("graph"), dict):
        raise GraphError(f"graph: must be an object, got {shorten(doc.get('graph'))}")
    try:
        errors = sorted(_frame_validator().iter_errors(doc),
                        key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))))
    except RecursionError:            # jsonschema recursing into a value it compares or quotes
        raise GraphError("the document nests too deeply to check") from None
    if errors:
        err = jsonschema.exceptions.best_match(errors)
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err.absolute_path)
        raise GraphError(f"{clip(where.lstrip('.')) or 'the document'}: "
                         f"{clip(err.message)}")


@lru_cache(maxsize=1)
def _frame_validator():
    import jsonschema

    return jsonschema.Draft202012Validator(frame(schema()))


def from_document(doc, source: str = "<document>", graph_class=ComputationGraph):
    """Build a new graph from a parsed document through the graph's own checked edits, so it
    is refused whole or loaded whole. Counts are checked before anything is built."""
    try:
        return _build(doc, graph_class)
    except GraphError as exc:
        raise GraphError(f"{source}: {exc}") from None


def _build(doc, graph_class):
    data = doc.get("graph") if isinstance(doc, dict) else None
    if isinstance(data, dict) and isinstance(data.get("nodes"), list):
        if len(data["nodes"]) > MAX_NODES:
            raise GraphError(f"graph.nodes: {len(data['nodes']):,} nodes; a graph file may hold "
                             f"at most {MAX_NODES:,}")
        edges = data.get("edges")
        most = _MAX_PORTS * len(data["nodes"])
        if isinstance(edges, list) and len(edges) > most:
            raise GraphError(f"graph.edges: {len(edges):,} edges, more than the "
                             f"{len(data['nodes']):,} nodes have input ports ({most:,})")
    validate(doc)
    attrs = dict(data.get("graph") or {})
    for key, value in attrs.items():
        if key not in ("output", "training"):
            _check_attribute(key, value)
    graph = graph_class()
    left = MAX_TOTAL_ELEMENTS
    for i, node in enumerate(data["nodes"]):
        where = f"graph.nodes[{i}]"
        if not isinstance(node, dict):
            raise GraphError(f"{where}: a node must be an object, got {shorten(node)}")
        for key in ("id", "op"):
            if key not in node:
                raise GraphError(f"{where}: {key!r} is a required property")
        for key, kind, name in (("id", str, "text"), ("label", str, "text"),
                                ("config", dict, "an object"), ("tensors", dict, "an object")):
            if key in node and not isinstance(node[key], kind):
                raise GraphError(f"{where}.{key}: must be {name}, got {shorten(node[key])}")
        if not isinstance(node["op"], str) or node["op"] not in REGISTRY:
            raise GraphError(f"{where}.op: {shorten(node['op'])} is not one of the ops "
                             f"({', '.join(sorted(REGISTRY))})")
        try:
            made = graph.add_node(node["op"], node.get("label"), node.get("pos", (0, 0)),
                                  node_id=node["id"], config=node.get("config"),
                                  tensors=node.get("tensors"), budget=left)
        except GraphError as exc:
            raise GraphError(f"{where}: {exc}") from None
        left -= sum(count(v) for v in graph.node(made)["tensors"].values())
    links = []
    for i, edge in enumerate(data["edges"]):
        where = f"graph.edges[{i}]"
        if not isinstance(edge, dict):
            raise GraphError(f"{where}: an edge must be an object, got {shorten(edge)}")
        for key in ("source", "target", "port", "key"):
            if key not in edge and key != "key":
                raise GraphError(f"{where}: {key!r} is a required property")
            if key in edge and not isinstance(edge[key], str):
                raise GraphError(f"{where}.{key}: must be a string, got {shorten(edge[key])}")
        links.append((edge["source"], edge["target"], edge["port"]))
    graph.connect_many(links)
    output = attrs.pop("output", None)
    if output is not None:
        graph.set_output(output)
    if "training" in attrs:
        attrs["training"] = checked_training(attrs["training"])
    if "exercise" in attrs:
        checked_block(attrs["exercise"], graph)
    for key, value in attrs.items():
        graph.nx.graph[key] = value
    return graph


_MAX_PORTS = max(len(op.ports) for op in REGISTRY.values())


def _check_attribute(key, value) -> None:
    """Another graph attribute is kept as it is: it must not nest deeper than MAX_ATTR_DEPTH
    or hold a number JSON cannot write back (checked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (list, dict)):
            if level > MAX_ATTR_DEPTH:
                raise GraphError(f"graph.graph.{shorten(key)}: nests deeper than "
                                 f"{MAX_ATTR_DEPTH} levels")
            stack.extend((v, level + 1) for v in (item.values() if isinstance(item, dict)
                                                  else item))
        elif isinstance(item, float) and not math.isfinite(item):
            raise GraphError(f"graph.graph.{shorten(key)}: holds an infinite number")


def example_paths() -> list[Path]:
    return sorted(EXAMPLES.glob("*.json"))
