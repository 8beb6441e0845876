"""Backprop Studio's entry point.

``python main.py [FILE]`` (or ``backprop-studio``, ``python -m backprop_studio``) opens the editor;
``run|check|train FILE …`` runs headless (see ``--help``).
"""

from __future__ import annotations

import sys

COMMANDS = ("run", "check", "train")


def _as_package() -> None:
    """Run from a checkout as ``python main.py``: make the checkout importable as backprop_studio.

    Installed (wheel or editable), the package is already importable and this does nothing
    beyond finding it. Spawned training processes re-run this module, so it happens there too.
    """
    import importlib.util
    from pathlib import Path

    if "backprop_studio" in sys.modules:
        return
    root = Path(__file__).resolve().parent
    spec = importlib.util.spec_from_file_location(
        "backprop_studio", root / "__init__.py", submodule_search_locations=[str(root)])
    module = importlib.util.module_from_spec(spec)
    sys.modules["backprop_studio"] = module
    spec.loader.exec_module(module)


if not __package__:
    _as_package()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and (argv[0] in COMMANDS or argv[0] in ("-h", "--help")):
        from backprop_studio.engine.cli import main as cli_main
        return cli_main(argv)
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        print("usage: python main.py [FILE] | run|check|train FILE … (see --help)",
              file=sys.stderr)
        return 2
    from backprop_studio.gui.app import run_app
    return run_app(argv[0] if argv else None)


if __name__ == "__main__":
    sys.exit(main())
