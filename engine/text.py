"""Text that goes to a person: refused values quoted short, control characters made visible.

A label may hold any character, but a terminal must not obey one (an escape sequence, a carriage
return that overwrites the line) and an error message must stay one line; a refused document's
value is quoted only in part, however big it was.
"""

from __future__ import annotations

import re
import reprlib

from .limits import ECHO_CHARS

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with control and bidirectional-override characters written as escapes."""
    return _CONTROL.sub(_escape, str(text))


def shorten(value, limit: int = ECHO_CHARS) -> str:
    """A bounded repr of ``value`` (reprlib: a few items, two levels), at most ``limit``
    characters: a huge or deep value is never formatted, let alone echoed, whole."""
    text = _REPR.repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clip(text: str, limit: int = 200) -> str:
    """Plain text cut to ``limit`` characters with an ellipsis."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict, _REPR.maxstring = 2, 4, 4, ECHO_CHARS
_REPR.maxother = ECHO_CHARS
