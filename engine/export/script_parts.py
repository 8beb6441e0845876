"""What the NumPy and the PyTorch scripts share: saving one, and its ``main()`` (the --train
option, then the report printed as JSON), so both take the same command line."""

from __future__ import annotations

from pathlib import Path

TRAIN_ARG = ('    parser.add_argument("--train", nargs="?", type=int, '
             'const=TRAINING["steps"],\n                        metavar="STEPS", '
             'help="train, then print the parameters")\n')


def save(text: str, path, what: str) -> str:
    Path(path).write_text(text, encoding="utf-8")
    return f"wrote a {what} script ({len(text.splitlines())} lines) to {path}"


def main_block(training: bool, train_run: str, report_call: str) -> str:
    """``main()``: with training, ``--train [STEPS]`` runs ``train_run`` (code that prints and
    returns); otherwise, or without it, prints ``report_call`` as JSON."""
    return f'''

def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
{TRAIN_ARG if training else ""}    args = parser.parse_args()
{train_run if training else ""}    print(json.dumps({report_call}, ensure_ascii=False))


if __name__ == "__main__":
    main()
'''
