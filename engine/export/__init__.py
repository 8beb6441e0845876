"""Export a graph out of the app: ``python main.py export FILE --to FORMAT -o OUT``.

FORMATS maps a ``--to`` name to its writer, named by module path ("module:function", relative
to this package with a leading dot, else absolute, e.g. a GUI module) and imported only when
that format is chosen, so a writer that needs Qt (an animation) or a heavy library costs nothing
to the others. A writer is ``write(graph, path, source=None, **options) -> str`` (a one-line
summary of what it wrote); ``Format.options`` names the keyword options it takes, which the
command line passes when given (an option added to cli.add_parser under the same name).
Another format adds itself with one entry here.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass

from ..errors import GraphError


class CannotSave(GraphError):
    """The output path cannot be written: ``reason`` is the system's ("No such file or
    directory"), the message "cannot save PATH: reason"."""

    def __init__(self, path, reason: str) -> None:
        super().__init__(f"cannot save {path}: {reason}")
        self.path, self.reason = path, reason


@dataclass(frozen=True)
class Format:
    writer: str          # "module:function", the module relative to this package
    suffix: str          # the usual file name ending, for dialogs and default names
    summary: str
    options: tuple = ()  # keyword options the writer takes beyond (graph, path, source)


FORMATS: dict[str, Format] = {
    "numpy": Format(".numpy_code:write", ".py", "a standalone NumPy script: forward, the "
                    "backward pass by hand, the training loop", ("csv",)),
    "pytorch": Format(".torch_code:write", ".py", "a PyTorch nn.Module with the same "
                      "gradients and training loop", ("csv",)),
    "tikz": Format("..figures.writers:tikz", ".tex", "the CS231n figure as a LaTeX document "
                   "(pdflatex)", ("palette",)),
    "tikz-snippet": Format("..figures.writers:tikz_snippet", ".tikz", "the CS231n figure as "
                           "one tikzpicture, for \\input", ("palette",)),
    "png": Format("..figures.writers:png", ".png", "the CS231n figure as an image",
                  ("scale", "transparent", "palette")),
    "svg": Format("..figures.writers:svg", ".svg", "the CS231n figure as vectors",
                  ("scale", "transparent", "palette")),
    "gif": Format("..figures.writers:gif", ".gif", "the forward and backward passes as the "
                  "Animation dock plays them", ("size", "fps", "speed", "palette")),
    "onnx": Format("..onnx_io.cli:write", ".onnx", "the forward pass as an ONNX model (the onnx "
                   "extra)"),
    "mp4": Format("..figures.writers:mp4", ".mp4", "the same as H.264 (the video extra)",
                  ("size", "fps", "speed", "palette")),
}


def writer(name: str):
    """The writer function of format ``name``, imported now."""
    fmt = FORMATS.get(name)
    if fmt is None:
        raise GraphError(f"unknown export format {name!r}; choose one of "
                         f"{', '.join(sorted(FORMATS))}")
    module, _, function = fmt.writer.partition(":")
    return getattr(importlib.import_module(module, __package__), function)


def export(graph, name: str, path, source: str | None = None, **options) -> str:
    """Write ``graph`` in format ``name`` to ``path``; ``source`` names the file it came from.
    A path that cannot be written is refused first, for every format alike, as one GraphError
    ("cannot save PATH: reason"), before anything is rendered."""
    write = writer(name)
    created = not os.path.lexists(path)
    try:
        with open(path, "ab"):             # opened, not truncated: the writer replaces it
            pass
    except OSError as exc:
        raise CannotSave(path, exc.strerror or str(exc)) from None
    try:
        return write(graph, path, source=source, **options)
    except OSError as exc:
        _discard(path, created)
        raise CannotSave(path, exc.strerror or str(exc)) from None
    except BaseException:
        _discard(path, created)
        raise


def _discard(path, created: bool) -> None:
    """A file this export created and could not fill is not left behind, empty."""
    if created:
        try:
            os.remove(path)
        except OSError:
            pass
