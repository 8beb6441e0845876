"""Documentation generated from the op registry: README's op table (tests/test_readme.py keeps
README in step with this)."""

from __future__ import annotations

from .ops import CATEGORIES, REGISTRY


def ops_table() -> str:
    """A Markdown table: op, group, what it computes, and each input's local gradient."""
    rows = ["| op | group | computes | local gradient per input |", "|---|---|---|---|"]
    for category in CATEGORIES:
        for op in REGISTRY.values():
            if op.category != category:
                continue
            grads = "; ".join(f"{p}: {op.formula[p]}" for p in op.ports)
            own = "; ".join(f"{t}: {op.formula[t]}" for t in op.tensors if t in op.formula)
            cell = "; ".join(x for x in (grads, own) if x) or "—"
            rows.append(f"| `{op.name}` | {category} | {op.summary} | {cell} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(ops_table())
