"""Crash recovery files: a copy of the unsaved graph, written shortly after each edit, one file
per open document in the app's data folder (``settings.recovery_dir``).

A file is named ``untitled-<pid>-<window>.json`` for a document never saved, or
``doc-<pid>-<key>.json`` for a file on disk (``key`` is a hash of its path). It holds
``{"format": "backprop-studio-recovery", "recovery_of": path | null, "document": <graph file>}``.
A recovery file whose process is gone was left by a crash (or a kill -9): it is offered back at
the next start without a file, and when its document is opened (at start or later) if it is
newer than the document.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from backprop_studio.engine import ComputationGraph, GraphError
from backprop_studio.gui import settings as app_settings

FORMAT = "backprop-studio-recovery"


def key(document) -> str:
    return hashlib.sha1(str(Path(document).resolve()).encode("utf-8", "surrogateescape")
                        ).hexdigest()[:16]


def file_for(document: Path | None, window_id: int) -> Path:
    """This process's recovery file for ``document`` (None: an untitled one)."""
    name = (f"untitled-{os.getpid()}-{window_id:x}.json" if document is None
            else f"doc-{os.getpid()}-{key(document)}.json")
    return app_settings.recovery_dir() / name


def write(path: Path, graph: ComputationGraph, document: Path | None) -> None:
    """Atomically, like a save; GraphError if the graph cannot be stored or the disk refuses."""
    from backprop_studio.engine import fileformat

    doc = {"format": FORMAT, "recovery_of": str(document) if document else None,
           "document": fileformat.to_document(graph)}
    try:
        text = json.dumps(doc, ensure_ascii=False, allow_nan=False)
    except ValueError:
        raise GraphError("the graph holds a NaN or infinite number, which JSON cannot store") \
            from None
    path.parent.mkdir(parents=True, exist_ok=True)
    fileformat.write_text(path, text)


def read(path: Path) -> tuple[ComputationGraph, Path | None]:
    """The recovered graph and the document it belongs to (None: untitled)."""
    from backprop_studio.engine import fileformat

    doc = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise GraphError(f"{path.name} is not a recovery file")
    graph = fileformat.from_document(doc.get("document"), source=path.name)
    document = doc.get("recovery_of")
    return graph, Path(document) if isinstance(document, str) else None


def superseded(path: Path) -> bool:
    """Whether ``path`` is a copy of a file that was saved after it (so it holds nothing new)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8")).get("recovery_of")
    except (OSError, ValueError, AttributeError, RecursionError):
        return False
    return isinstance(document, str) and mtime(Path(document)) >= mtime(path)


def orphans(document=None) -> list[Path]:
    """Recovery files left by processes that are no longer running, newest first; only those of
    ``document`` if given."""
    folder = app_settings.recovery_dir()
    pattern = "*.json" if document is None else f"doc-*-{key(document)}.json"
    found = []
    for path in folder.glob(pattern):
        parts = path.stem.split("-")
        if len(parts) != 3 or parts[0] not in ("untitled", "doc") or not parts[1].isdigit():
            continue
        pid = int(parts[1])
        if pid != os.getpid() and not alive(pid):
            found.append(path)
    return sorted(found, key=mtime, reverse=True)


def mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
