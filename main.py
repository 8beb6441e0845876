"""Backprop Studio's entry point.

``python main.py [FILE]`` (or ``backprop-studio``, ``backprop-studio-gui``, ``python -m
backprop_studio``) opens the editor; ``run|check|train FILE …`` runs headless (see ``--help``);
``--version`` prints the version; ``--smoke-test FILE`` opens FILE in the window, runs it, lists
the examples, prints one line and exits (0 when all of that worked; CI runs it offscreen).
"""

from __future__ import annotations

import sys

COMMANDS = ("run", "check", "train", "export", "exercise", "import")


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


def program_name(argv0: str | None = None) -> str:
    """The command as it was typed, for help and usage lines: ``backprop-studio`` (an installed
    script), ``python main.py`` (a checkout) or ``python -m backprop_studio``."""
    from pathlib import Path

    argv0 = sys.argv[0] if argv0 is None else argv0
    name = Path(argv0).name
    if name == "__main__.py":
        return f"python -m {__package__ or 'backprop_studio'}"
    if name.endswith(".py"):
        return f"python {argv0}"
    return name.removesuffix(".exe") or "backprop-studio"


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    prog = program_name() if prog is None else prog
    if argv and (argv[0] in COMMANDS or argv[0] in ("-h", "--help")):
        from backprop_studio.engine.cli import main as cli_main
        return cli_main(argv, prog)
    if argv == ["--version"]:
        from backprop_studio import __version__
        print(f"backprop-studio {__version__}")
        return 0
    smoke_test = len(argv) == 2 and argv[0] == "--smoke-test"
    if not smoke_test and (len(argv) > 1 or (argv and argv[0].startswith("-"))):
        print(f"usage: {prog} [FILE] | run|check|train FILE … | --version | --smoke-test FILE "
              "(see --help)", file=sys.stderr)
        return 2
    from backprop_studio.gui.app import run_app
    return run_app(argv[-1] if argv else None, smoke_test=smoke_test)


if __name__ == "__main__":
    sys.exit(main())
