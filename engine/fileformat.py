"""Graph files: one JSON object holding the graph in networkx node-link form.

``{"format": "backprop-studio", "version": 1, "graph": <node-link>}``, so that
``networkx.node_link_graph(doc["graph"], edges="edges")`` loads it. Files are checked against
resources/graph.schema.json and then rebuilt through the graph's own checked edits into a new
graph, so a bad file is refused whole with a message saying where and what, and nothing in a file
is ever executed (JSON only; never pickle). Saves are atomic: a temporary file, then a rename.
"""

from __future__ import annotations

import json
import os
import re
import stat
import tempfile
from functools import lru_cache
from pathlib import Path

import networkx as nx
import numpy as np

from .errors import GraphError
from .graph import ComputationGraph
from .resources import resource

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


def write_text(path, text: str) -> None:
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
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
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
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GraphError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GraphError(f"{path}: cannot read it ({getattr(exc, 'strerror', None) or exc})") \
            from None
    return loads(text, source=str(path), graph_class=graph_class)


def loads(text: str, source: str = "<text>", graph_class=ComputationGraph) -> ComputationGraph:
    try:
        doc = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise GraphError(f"{source}: not valid JSON (line {exc.lineno}, column {exc.colno}: "
                         f"{exc.msg})") from None
    except ValueError as exc:
        raise GraphError(f"{source}: {exc}") from None
    return from_document(doc, source, graph_class)


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number a graph file may hold")


def validate(doc) -> None:
    """Raise GraphError naming the first place where ``doc`` breaks the schema."""
    import jsonschema  # here, not at the top: it costs ~0.1 s of the editor's start-up

    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(doc), key=lambda e: (len(e.absolute_path),
                                                                list(map(str, e.absolute_path))))
    if errors:
        err = jsonschema.exceptions.best_match(errors)
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err.absolute_path)
        raise GraphError(f"{where.lstrip('.') or 'the document'}: {err.message}")


def from_document(doc, source: str = "<document>", graph_class=ComputationGraph):
    try:
        validate(doc)
    except GraphError as exc:
        raise GraphError(f"{source}: {exc}") from None
    data = doc["graph"]
    graph = graph_class()
    try:
        for node in data["nodes"]:
            graph.add_node(node["op"], node.get("label"), node.get("pos", (0, 0)),
                           node_id=str(node["id"]), config=node.get("config"),
                           tensors=node.get("tensors"))
        for edge in data["edges"]:
            port = edge.get("port", edge.get("key"))
            graph.connect(str(edge["source"]), str(edge["target"]), port)
        attrs = dict(data.get("graph") or {})
        output = attrs.pop("output", None)
        if output is not None:
            graph.set_output(str(output))
        for key, value in attrs.items():
            graph.nx.graph[key] = value
    except GraphError as exc:
        raise GraphError(f"{source}: {exc}") from None
    return graph


def example_paths() -> list[Path]:
    return sorted(EXAMPLES.glob("*.json"))

