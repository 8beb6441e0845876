"""The headless command line: ``run``, ``check`` and ``train`` a graph file.

Exit status: 0 success, 1 a gradient-check mismatch, 2 bad input or usage (one line on stderr,
never a traceback), 3 an internal error (one line, please report it).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

from . import datasets, fileformat
from .backprop import Result, run
from .errors import GraphError
from .gradcheck import gradient_check
from .numbers import format_tensor
from .optimizers import OPTIMIZERS
from .text import clip, printable
from .train import Trainer

PROG = "python main.py"


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):          # one line, not argparse's usage block
        raise UsageError(message)


def build_parser(prog: str = PROG) -> argparse.ArgumentParser:
    """``prog`` is the command as the person typed it (main.program_name), so help and usage
    lines name ``backprop-studio``, ``python main.py`` or ``python -m backprop_studio``."""
    parser = _Parser(prog=prog, description=f"Backprop Studio. Without a command, `{prog} "
                     "[FILE]` opens the editor; --version prints the version.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p = sub.add_parser("run", help="forward and backward: values, gradients, every edge's "
                       "upstream × local = downstream")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="one JSON object instead of tables")
    p = sub.add_parser("check", help="compare every gradient with central finite differences")
    p.add_argument("file")
    p.add_argument("--tolerance", type=float, default=1e-5)
    p = sub.add_parser("train", help="gradient descent; writes the trained graph")
    p.add_argument("file")
    p.add_argument("--steps", type=int, help="number of steps (default: the file's, else 1000)")
    p.add_argument("--lr", type=float, help="learning rate (default: the file's, else 0.01)")
    p.add_argument("--optimizer", choices=sorted(OPTIMIZERS))
    p.add_argument("--batch-size", type=int)
    p.add_argument("--seed", type=int)
    data = p.add_mutually_exclusive_group()
    data.add_argument("--dataset", choices=sorted(datasets.BUILTIN))
    data.add_argument("--csv", metavar="PATH", help="a CSV file with a header row")
    p.add_argument("--features", help="CSV feature columns, comma-separated")
    p.add_argument("--targets", help="CSV target columns, comma-separated")
    p.add_argument("--out", help="where to write the trained graph (default: FILE.trained.json)")
    for name, module in _plugins():
        module.add_parser(sub, name)
    return parser


# Commands that live in modules of their own: name -> module under backprop_studio.engine.
# Each module has ``add_parser(subparsers, name)`` and ``run(args) -> int``.
PLUGINS = {"export": "export.cli", "exercise": "exercise.cli", "import": "onnx_io.cli"}


def _plugins():
    import importlib
    for name, module in PLUGINS.items():
        try:
            yield name, importlib.import_module(f"{__package__}.{module}")
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith(f"{__package__}."):
                continue          # not built yet
            raise


def main(argv: list[str], prog: str = PROG) -> int:
    try:
        args = build_parser(prog).parse_args(argv)
        commands = {"run": cmd_run, "check": cmd_check, "train": cmd_train}
        commands.update({name: module.run for name, module in _plugins()})
        return commands[args.command](args)
    except SystemExit as exc:          # --help
        return int(exc.code or 0)
    except (UsageError, GraphError) as exc:
        print(f"error: {printable(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:          # a bug: still one line, never a traceback
        print(f"internal error ({type(exc).__name__}): {printable(clip(exc))}; "
              f"please report it", file=sys.stderr)
        return 3


# ---------------------------------------------------------------- formatting

def fmt(value) -> str:
    """The canvas's digits (engine.numbers), with an ASCII minus for any terminal."""
    return format_tensor(value, minus="-")


def _table(rows: list[list[str]], header: list[str]) -> str:
    """Columns padded to width; every cell with its control characters escaped (a label may
    hold any text, and a terminal must not obey it)."""
    rows = [[printable(c) for c in r] for r in rows]
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in rows])


def _plain(value):
    return value.tolist() if isinstance(value, np.ndarray) else value


def result_json(graph, result: Result) -> dict:
    nodes = [{"id": n, "op": graph.node(n)["op"], "label": graph.label(n),
              "value": _plain(result.values[n]), "grad": _plain(result.grads[n])}
             for n in result.order]
    edges = [{"source": s.source, "target": s.node, "port": s.port, "upstream": _plain(s.upstream),
              "local": _plain(s.local), "downstream": _plain(s.downstream), "formula": s.formula}
             for s in result.trace if s.kind == "edge"]
    params = [{"node": n, "name": t, "value": _plain(graph.node(n)["tensors"][t]),
               "grad": _plain(result.tensor_grads[(n, t)])} for n, t in graph.trainable()]
    return {"output": result.output, "loss": result.loss, "nodes": nodes, "edges": edges,
            "params": params}


# ---------------------------------------------------------------- commands

def cmd_run(args) -> int:
    graph = fileformat.load(args.file)
    result = run(graph, trace=True)
    if args.json:
        print(json.dumps(result_json(graph, result), ensure_ascii=False))
        return 0
    print(_table([[n, graph.node(n)["op"], graph.label(n), fmt(result.values[n]),
                   fmt(result.grads[n])] for n in result.order],
                 ["id", "op", "label", "value", "gradient"]))
    if result.output is None:
        print("\n(no output chosen: forward pass only)")
        return 0
    out = printable(graph.label(result.output))
    print(f"\nbackward pass (∂{out}/∂{out} = 1), in the order gradients flow:")
    rows = []
    for s in result.trace:
        if s.kind == "edge":
            rows.append([f"{graph.label(s.source)} → {graph.label(s.node)}.{s.port}",
                         fmt(s.upstream), fmt(s.local), fmt(s.downstream), s.formula])
        elif s.kind == "sum":
            rows.append([f"Σ into {graph.label(s.node)}", "", "", fmt(s.downstream),
                         " + ".join(fmt(p[2]) for p in s.parts)])
        elif s.kind == "param":
            rows.append([f"{graph.label(s.node)}.{s.port}", fmt(s.upstream), fmt(s.local),
                         fmt(s.downstream), s.formula])
    print(_table(rows, ["edge", "upstream", "local", "downstream", "local formula"]))
    if result.loss is not None:
        print(f"\n{out} = {result.loss:.6g}")
    return 0


def cmd_check(args) -> int:
    graph = fileformat.load(args.file)
    report = gradient_check(graph, tolerance=args.tolerance)   # on the values in the file
    rows = [[f"{t.label}.{t.tensor}", str(t.checked), f"{t.max_rel_error:.2e}",
             f"{t.analytic:.6g}", f"{t.numeric:.6g}", "ok" if t.passed else "MISMATCH"]
            for t in report.tensors]
    print(_table(rows, ["tensor", "elements", "max rel. error", "analytic", "numeric", ""]))
    verdict = "passed" if report.passed else "FAILED"
    print(f"\ngradient check {verdict}: largest relative error {report.max_rel_error:.2e} "
          f"(tolerance {args.tolerance:g})")
    return 0 if report.passed else 1


def cmd_train(args) -> int:
    graph = fileformat.load(args.file)
    defaults = dict(graph.nx.graph.get("training") or {})
    steps = args.steps if args.steps is not None else int(defaults.get("steps", 1000))
    if steps < 1:
        raise UsageError("--steps must be at least 1")
    dataset = _dataset(args, defaults)
    trainer = Trainer(graph, dataset,
                      optimizer=args.optimizer or defaults.get("optimizer", "adam"),
                      lr=args.lr if args.lr is not None else float(defaults.get("lr", 0.01)),
                      batch_size=args.batch_size or int(defaults.get("batch_size", 32)),
                      seed=args.seed if args.seed is not None else int(defaults.get("seed", 0)))
    bar = _Progress(steps)
    trainer.on_explosion = lambda explosion: bar.warn(f"warning: {explosion.message()}")
    out = args.out or _default_out(args.file)
    started = time.perf_counter()
    try:
        trainer.run(steps, callback=lambda i, loss: bar.update(i + 1, loss))
    except GraphError as exc:          # NaN or infinity: keep the last good parameters
        bar.close()
        trainer.write_back()
        fileformat.save(graph, out)
        raise GraphError(f"{exc}; wrote them (from before that step) to {out}") from None
    finally:
        bar.close()
    trainer.write_back()
    fileformat.save(graph, out)
    elapsed = time.perf_counter() - started
    first, final = trainer.history[0], trainer.full_loss()
    print(printable(f"trained {len(trainer.history)} steps in {elapsed:.2f} s: loss "
                    f"{first:.6g} → {final:.6g}; wrote {out}"))
    return 0


def _dataset(args, defaults):
    if args.csv:
        if not args.features or not args.targets:
            raise UsageError("--csv needs --features and --targets (comma-separated columns)")
        return datasets.load_csv(args.csv, _columns(args.features), _columns(args.targets))
    name = args.dataset or defaults.get("dataset")
    return datasets.builtin(name, int(defaults.get("seed", 0))) if name else None


def _columns(text: str) -> list[str]:
    return [c.strip() for c in text.split(",") if c.strip()]


def _default_out(path: str) -> str:
    return path[:-5] + ".trained.json" if path.endswith(".json") else path + ".trained.json"


class _Progress:
    """A one-line progress bar on stderr (or a line every 10% when stderr is not a terminal)."""

    def __init__(self, total: int):
        self.total, self.tty = total, sys.stderr.isatty()
        self.last = -1.0
        self.next_line = 0

    def update(self, done: int, loss: float) -> None:
        now = time.perf_counter()
        if self.tty and (now - self.last > 0.05 or done == self.total):
            filled = int(30 * done / self.total)
            sys.stderr.write(f"\r[{'█' * filled}{'·' * (30 - filled)}] {done}/{self.total} "
                             f"loss {loss:.5g}")
            sys.stderr.flush()
            self.last = now
        elif not self.tty and done >= self.next_line:
            sys.stderr.write(f"step {done}/{self.total} loss {loss:.5g}\n")
            self.next_line += max(1, self.total // 10)

    def warn(self, text: str) -> None:
        """A line of its own, between progress lines (or under the bar on a terminal)."""
        sys.stderr.write(("\n" if self.tty else "") + printable(text) + "\n")
        sys.stderr.flush()

    def close(self) -> None:
        if self.tty:
            sys.stderr.write("\n")
            self.tty = False
