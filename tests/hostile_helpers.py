"""Shared by the hostile-input tests: a document around some nodes, and the command line's one
refusal line for a file (exit 2, one line, no traceback)."""

import json
import tracemalloc

from backprop_studio.engine import cli
from backprop_studio.engine.errors import GraphError


def doc_with(*nodes, edges=(), graph=None):
    return {"format": "backprop-studio", "version": 1, "graph": {
        "directed": True, "multigraph": True, "graph": graph or {},
        "nodes": list(nodes), "edges": list(edges)}}


def refused(capsys, tmp_path, content, command="run", extra=()):
    """Write ``content`` (a document, or text), run the CLI on it, return its one stderr line."""
    path = tmp_path / "hostile.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content),
                        encoding="utf-8")
    return refused_path(capsys, path, command, extra)


def refused_path(capsys, path, command="run", extra=()):
    capsys.readouterr()
    code = cli.main([command, str(path), *extra])
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err and "internal error" not in err
    return lines[0]


def dense(**config):
    return {"id": "d", "op": "dense", "config": config}


def peak_bytes(fn):
    """The most bytes Python allocated while ``fn`` ran (a refusal is expected)."""
    tracemalloc.start()
    try:
        fn()
    except GraphError:
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak
