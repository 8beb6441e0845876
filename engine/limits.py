"""Every limit on what a graph file or CSV may hold, in one place (README's File format section
quotes these numbers; tests/test_hostile_files.py and test_hostile_sizes.py try each one).

The limits bound what loading costs: a file is refused before it is read when it is too big, a
size a file declares is checked before anything of that size is allocated, and nothing a file
holds can nest deep enough to exhaust Python's stack.
"""

from __future__ import annotations

MAX_FILE_BYTES = 64 * 1024 * 1024        # a graph file, checked with stat() before reading
MAX_NODES = 100_000                      # nodes in a file (edges: at most two per node)
MAX_TENSOR_ELEMENTS = 4 * 1024 * 1024    # one tensor: 4,194,304 numbers (32 MiB of float64)
MAX_TOTAL_ELEMENTS = 16 * 1024 * 1024    # all tensors of one file together (128 MiB)
MAX_TENSOR_DIMS = 64                     # nesting of a tensor's lists: numpy's own limit
MAX_ATTR_DEPTH = 32                      # nesting of any other value (graph attributes)
MAX_NAME_CHARS = 1_000                   # a node id, label, port or dataset name
MAX_SETTING = 1_000_000                  # |p|, a parameter's scale: the editor's own range
MAX_SEED = 2**31 - 1

MAX_CSV_BYTES = 256 * 1024 * 1024        # a CSV dataset, checked with stat() before reading
MAX_CSV_FIELD_CHARS = 1_000              # one cell of a CSV (numbers and column names)

ECHO_CHARS = 60                          # at most this much of a refused value is quoted back
EXPLOSION_FACTOR = 1000.0                # a training loss this many times its start: a warning
