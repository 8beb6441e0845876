"""``python main.py export FILE --to tikz|tikz-snippet|png|svg|gif|mp4``: files written
offscreen, a progress bar for the animation, and bad input as one line with exit status 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from backprop_studio.engine.cli import main
from backprop_studio.engine.resources import resource

ROOT = Path(__file__).resolve().parent.parent
CS231N = resource("examples", "cs231n_add_multiply.json")


def _cli(*args, tmp, **extra_env):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp), **extra_env}
    env.pop("DISPLAY", None)
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "export", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=600)


def test_tikz_and_snippet(tmp_path, capsys):
    assert main(["export", str(CS231N), "--to", "tikz", "-o", str(tmp_path / "f.tex")]) == 0
    assert main(["export", str(CS231N), "--to", "tikz-snippet", "--palette", "colorblind",
                 "-o", str(tmp_path / "f.tikz")]) == 0
    doc = (tmp_path / "f.tex").read_text(encoding="utf-8")
    snippet = (tmp_path / "f.tikz").read_text(encoding="utf-8")
    assert "\\documentclass" in doc and "{1B8A2F}" in doc
    assert "\\documentclass" not in snippet and "{0072B2}" in snippet
    assert capsys.readouterr().out.count("wrote ") == 2


@pytest.mark.parametrize("args, message", [
    (["--to", "gif", "--size", "big"], "--size 'big': expected WIDTHxHEIGHT, e.g. 960x600"),
    (["--to", "gif", "--size", "10x10"], "each side must be between 64 and 4096"),
    (["--to", "gif", "--size", "0x0"], "--size 0x0: each side must be between 64 and 4096"),
    (["--to", "mp4", "--size", "5x99999"], "--size 5x99999: each side must be between 64"),
    (["--to", "gif", "--fps", "0"], "--fps 0: must be between 1 and 50 for gif"),
    (["--to", "mp4", "--fps", "61"], "--fps 61: must be between 1 and 60 for mp4"),
    (["--to", "png", "--scale", "100"], "--scale 100: must be between 0.1 and 8"),
    (["--to", "pdf"], "unknown export format 'pdf'; choose one of "),
    (["--to", "numpy", "--fps", "3"], "--fps is not an option of numpy"),
])
def test_bad_options_are_one_line(tmp_path, capsys, args, message):
    assert main(["export", str(CS231N), "-o", str(tmp_path / "out"), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_unwritable_and_missing_are_one_line(tmp_path, capsys):
    assert main(["export", str(CS231N), "--to", "tikz", "-o",
                 str(tmp_path / "no" / "f.tex")]) == 2
    assert main(["export", str(tmp_path / "none.json"), "--to", "tikz", "-o",
                 str(tmp_path / "f.tex")]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2 and all(line.startswith("error: ") for line in lines)


@pytest.mark.parametrize("fmt", ["numpy", "pytorch", "tikz", "svg", "gif"])
@pytest.mark.parametrize("where, reason", [("no/dir/x.out", "No such file or directory"),
                                           (".", "Is a directory")])
def test_an_unwritable_path_is_one_line_for_every_format(tmp_path, fmt, where, reason):
    """The export command refuses it before rendering, the same for code, figures and
    animations: one line, exit 2, and no Qt painter complaint."""
    out = tmp_path / where
    proc = _cli(CS231N, "--to", fmt, "-o", out, tmp=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == f"error: cannot save {out}: {reason}\n"
    assert not (tmp_path / "no").exists()


def test_png_offscreen_at_scale_with_transparency(tmp_path):
    from PIL import Image
    one, two = tmp_path / "one.png", tmp_path / "two.png"
    assert _cli(CS231N, "--to", "png", "--scale", "1", "-o", one, tmp=tmp_path).returncode == 0
    proc = _cli(CS231N, "--to", "png", "--scale", "2", "--transparent", "-o", two, tmp=tmp_path)
    assert proc.returncode == 0, proc.stderr
    small, big = Image.open(one), Image.open(two)
    assert abs(big.width - 2 * small.width) <= 1 and abs(big.height - 2 * small.height) <= 1
    assert small.getpixel((0, 0))[3] == 255 and big.getpixel((0, 0))[3] == 0
    assert not (tmp_path / ".config").exists()          # the user's settings are not touched


def test_an_image_export_leaves_nothing_in_the_temporary_folder(tmp_path):
    """The export's own settings folder (made so it never touches the user's) goes when the
    process exits: 77 of them had piled up in /tmp before."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    out = tmp_path / "f.png"
    proc = _cli(CS231N, "--to", "png", "-o", out, tmp=tmp_path, TMPDIR=str(scratch))
    assert proc.returncode == 0, proc.stderr
    assert out.stat().st_size > 1000
    assert list(scratch.iterdir()) == []


def test_gif_with_progress_bar(tmp_path):
    from PIL import Image
    out = tmp_path / "a.gif"
    proc = _cli(CS231N, "--to", "gif", "--size", "320x200", "--fps", "5", "-o", out,
                tmp=tmp_path)
    assert proc.returncode == 0, proc.stderr
    # 6 steps with a pulse (5 frames + a hold each), 4 without, a title and an end frame
    total = 6 * 6 + 4 + 2
    assert f"] {total}/{total} frames" in proc.stderr and "rendering [" in proc.stderr
    assert Image.open(out).n_frames == total
