"""Python identifiers from a graph's labels: ``z¹ = W¹ᵀx⁰ + b¹`` → ``z1``, ``σ`` → ``sigma``.

Generated code should read like the graph, so a node's variable is named after its label: the
part before an ``=`` when the label is an equation, sub- and superscripts as digits, Greek
letters by name, anything else an underscore; keywords, the script's own helpers and repeats
get a suffix.
"""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata

SYMBOLS = {"∂": "d", "∇": "grad", "Σ": "sum", "·": "_", "×": "x", "−": "_", "ŷ": "yhat",
           "½": "half", "θ": "theta", "∑": "sum", "‖": "_"}


def transliterate(text: str) -> str:
    """ASCII letters, digits and underscores for any text."""
    out = []
    for ch in text:
        if ch in SYMBOLS:
            out.append(SYMBOLS[ch])
            continue
        if ch.isascii():
            out.append(ch if (ch.isalnum() or ch == "_") else "_")
            continue
        folded = unicodedata.normalize("NFKD", ch)
        ascii_part = "".join(c for c in folded if c.isascii() and (c.isalnum() or c == "_"))
        if ascii_part:
            out.append(ascii_part)                 # ¹ → 1, ₂ → 2, ᵀ → T, é → e
            continue
        name = unicodedata.name(ch, "")
        match = re.match(r"GREEK (SMALL|CAPITAL) LETTER (\w+)", name)
        if match:
            word = match.group(2).lower()
            out.append(word if match.group(1) == "SMALL" else word.capitalize())
        else:
            out.append("_")
    return "".join(out)


def identifier(label: str) -> str:
    """A valid identifier for ``label`` (not yet made unique)."""
    head = label.split("=")[0] if "=" in label and label.split("=")[0].strip() else label
    name = re.sub(r"_+", "_", transliterate(head.strip())).strip("_")
    if not name:
        name = "node"
    if name[0].isdigit():
        name = "n" + name
    return name


class Namer:
    """Unique identifiers: a label's name, or it with _2, _3… when taken or reserved."""

    def __init__(self, reserved=()):
        self.taken = set(reserved) | set(keyword.kwlist) | set(dir(builtins))

    def claim(self, wanted: str) -> str:
        name, k = wanted, 2
        while name in self.taken:
            name, k = f"{wanted}_{k}", k + 1
        self.taken.add(name)
        return name

    def node(self, label: str) -> str:
        return self.claim(identifier(label))
