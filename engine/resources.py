"""Where the bundled files are: the schema, the examples and the icons ship as package data.

Found through importlib.resources, so the same code works in a checkout, an editable install and
an installed wheel. Wheels install unzipped, so these are real folders on disk.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

PACKAGE = __package__.rpartition(".")[0]


def resource_dir() -> Path:
    return Path(str(files(PACKAGE) / "resources"))


def resource(*parts: str) -> Path:
    return resource_dir().joinpath(*parts)
