"""Backprop Studio's entry point.

``python main.py [FILE]`` opens the editor; ``python main.py run|check|train FILE …`` runs headless
(see ``python main.py --help``).
"""

from __future__ import annotations

import sys

COMMANDS = ("run", "check", "train")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and (argv[0] in COMMANDS or argv[0] in ("-h", "--help")):
        from engine.cli import main as cli_main
        return cli_main(argv)
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        print("usage: python main.py [FILE] | run|check|train FILE … (see --help)",
              file=sys.stderr)
        return 2
    from gui.app import run_app
    return run_app(argv[0] if argv else None)


if __name__ == "__main__":
    sys.exit(main())
