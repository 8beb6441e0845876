"""An op's settings, each declared once: its kind, range and default.

The graph checks every value against its Setting on every path (a file, the builder API, the
editor's inspector and paste), the file schema's per-op ``config`` is generated from the same
declarations (engine/schema.py), and a check's message says what was expected and what came.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass

from .limits import MAX_NAME_CHARS, MAX_SEED, MAX_SETTING, MAX_TENSOR_DIMS, MAX_TENSOR_ELEMENTS
from .optimizers import OPTIMIZERS
from .text import shorten

KINDS = ("int", "float", "bool", "choice", "shape", "text")


@dataclass(frozen=True)
class Setting:
    name: str
    kind: str                          # one of KINDS
    default: object
    min: float | None = None           # int and float: inclusive bounds
    max: float | None = None
    choices: tuple = ()                # choice: the allowed values (None allowed if listed)
    exclusive_min: bool = False        # the value must be above min, not equal to it
    doc: str = ""

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"setting {self.name!r}: unknown kind {self.kind!r}")
        self.check(self.default)        # a default that breaks its own rule is a bug here

    def fresh_default(self):
        return copy.deepcopy(self.default)

    def check(self, value):
        """The value as stored (ints as int, floats as float, a shape as a list of ints), or
        ValueError saying what is wrong with it."""
        if self.kind == "choice":
            if value not in self.choices or isinstance(value, bool):
                allowed = ", ".join("null" if c is None else repr(c) for c in self.choices)
                raise ValueError(f"must be one of {allowed}, got {shorten(value)}")
            return value
        if self.kind == "shape":
            return self._check_shape(value)
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise ValueError(f"must be true or false, got {shorten(value)}")
            return value
        if self.kind == "text":
            if not isinstance(value, str) or not value or len(value) > MAX_NAME_CHARS:
                raise ValueError(f"must be a name of 1 to {MAX_NAME_CHARS} characters, got "
                                 f"{shorten(value)}")
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            kind = "a whole number" if self.kind == "int" else "a number"
            raise ValueError(f"must be {kind}, got {shorten(value)}")
        if not _finite(value):
            raise ValueError(f"must be a finite number, got {shorten(value)}")
        if self.kind == "int":
            if value != int(value):
                raise ValueError(f"must be a whole number, got {value!r}")
            value = int(value)
        else:
            value = float(value)
        if self.exclusive_min and value <= self.min:
            raise ValueError(f"must be above {_num(self.min)}, got {_num(value)}")
        if (self.min is not None and value < self.min) or \
                (self.max is not None and value > self.max):
            raise ValueError(f"must be between {_num(self.min)} and {_num(self.max)}, got "
                             f"{_num(value)}")
        return value

    def _check_shape(self, value) -> list[int]:
        wanted = "a list of positive whole numbers such as [] or [2, 3]"
        if not isinstance(value, (list, tuple)):
            raise ValueError(f"must be {wanted}, got {shorten(value)}")
        if len(value) > MAX_TENSOR_DIMS:
            raise ValueError(f"has {len(value)} dimensions; at most {MAX_TENSOR_DIMS} are allowed")
        dims = []
        for n in value:
            if isinstance(n, bool) or not isinstance(n, (int, float)) or not _finite(n) \
                    or n != int(n) or n < 1:
                raise ValueError(f"must be {wanted}, got {shorten(value)}")
            dims.append(int(n))
        if math.prod(dims) > MAX_TENSOR_ELEMENTS:
            raise ValueError(f"declares {math.prod(dims):,} elements; a tensor may hold at most "
                             f"{MAX_TENSOR_ELEMENTS:,}")
        return dims

    def schema(self) -> dict:
        """This setting as JSON Schema (what check() accepts)."""
        if self.kind == "choice":
            return {"enum": list(self.choices), "default": self.default}
        if self.kind == "shape":
            return {"type": "array", "items": {"type": "integer", "minimum": 1},
                    "maxItems": MAX_TENSOR_DIMS, "default": self.default}
        if self.kind == "text":
            return {"type": "string", "minLength": 1, "maxLength": MAX_NAME_CHARS}
        if self.kind == "bool":
            return {"type": "boolean", "default": self.default}
        out = {"type": "integer" if self.kind == "int" else "number"}
        if self.min is not None:
            out["exclusiveMinimum" if self.exclusive_min else "minimum"] = self.min
        if self.max is not None:
            out["maximum"] = self.max
        out["default"] = self.default
        return out


def _finite(x) -> bool:
    try:
        return math.isfinite(x)
    except OverflowError:              # an int too big for a float
        return False


def _num(x) -> str:
    return f"{int(x):,}" if x == int(x) and abs(x) < 1e15 else f"{x:g}"


# The file's optional ``training`` block: the defaults `train` and the editor start from.
TRAINING = (
    Setting("dataset", "text", "xor", doc="a built-in dataset's name"),
    Setting("optimizer", "choice", "adam", choices=tuple(OPTIMIZERS)),
    Setting("lr", "float", 0.01, 0.0, MAX_SETTING, exclusive_min=True, doc="learning rate"),
    Setting("batch_size", "int", 32, 1, 10**9),
    Setting("steps", "int", 1000, 1, 10**9),
    Setting("seed", "int", 0, 0, MAX_SEED),
)
TRAINING_BY_NAME = {s.name: s for s in TRAINING}
