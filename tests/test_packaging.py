"""Installing like real software: the wheel holds the package and nothing else, every
subpackage is listed, the version has one source, help names the command typed, and the desktop
file, icon and smoke test that CI uses are real."""

from __future__ import annotations

import configparser
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:          # Python 3.10
    import tomli as tomllib

import backprop_studio
from backprop_studio.engine.resources import resource
from backprop_studio.main import program_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
EXAMPLE = resource("examples", "cs231n_add_multiply.json")


def run(*args, cwd=ROOT, **env):
    proc = subprocess.run(list(map(str, args)), capture_output=True, text=True, cwd=cwd,
                          timeout=300, env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **env})
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    proc = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", out, ROOT)
    assert proc.returncode == 0, proc.stderr
    (path,) = out.glob("*.whl")
    return zipfile.ZipFile(path)


def test_every_subpackage_of_engine_and_gui_is_in_the_packages_list():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    on_disk = {"backprop_studio." + ".".join(init.parent.relative_to(ROOT).parts)
               for top in ("engine", "gui") for init in (ROOT / top).rglob("__init__.py")}
    assert {"backprop_studio.engine", "backprop_studio.gui.canvas"} <= on_disk
    assert on_disk - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"


def test_the_wheel_installs_only_under_backprop_studio(wheel):
    names = wheel.namelist()
    dist_info = f"backprop_studio-{backprop_studio.__version__}.dist-info/"
    strays = [n for n in names if not n.startswith(("backprop_studio/", dist_info))]
    assert strays == []
    top_level = wheel.read(dist_info + "top_level.txt").decode().split()
    assert top_level == ["backprop_studio"]


def test_the_wheel_ships_the_schema_examples_icons_and_desktop_file(wheel):
    names = set(wheel.namelist())
    res = ROOT / "resources"
    wanted = [res / "graph.schema.json", res / "backprop-studio.desktop",
              res / "icons" / "backprop-studio.png", res / "icons" / "backprop-studio.svg",
              *sorted((res / "examples").glob("*.json")),
              *sorted((res / "examples").glob("*.onnx"))]
    missing = [p for p in wanted
               if "backprop_studio/" + p.relative_to(ROOT).as_posix() not in names]
    assert len(wanted) >= 10 and missing == []
    assert "backprop_studio/engine/plan.py" in names
    assert "backprop_studio/gui/training/worker.py" in names
    assert "backprop_studio/engine/onnx_io/importer.py" in names
    assert len(list((res / "examples").glob("*.onnx"))) == 2
    assert not any("/tests/" in n or "/bench/" in n or n.endswith("build_examples.py")
                   or n.endswith("build_onnx_examples.py")
                   for n in names)


def test_the_wheel_declares_both_commands_and_the_licence(wheel):
    dist_info = f"backprop_studio-{backprop_studio.__version__}.dist-info/"
    entry_points = configparser.ConfigParser()
    entry_points.read_string(wheel.read(dist_info + "entry_points.txt").decode())
    assert dict(entry_points["console_scripts"]) == {"backprop-studio": "backprop_studio.main:main"}
    assert dict(entry_points["gui_scripts"]) == {"backprop-studio-gui": "backprop_studio.main:main"}
    metadata = wheel.read(dist_info + "METADATA").decode()
    assert f"\nVersion: {backprop_studio.__version__}\n" in metadata
    assert "\nLicense-Expression: MIT\n" in metadata
    assert dist_info + "licenses/LICENSE" in wheel.namelist()


def test_the_version_has_one_source():
    assert "version" in PYPROJECT["project"]["dynamic"] and "version" not in PYPROJECT["project"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {
        "attr": "backprop_studio.__version__"}
    proc = run(sys.executable, ROOT / "main.py", "--version")
    assert (proc.returncode, proc.stdout) == (0, f"backprop-studio {backprop_studio.__version__}\n")


@pytest.mark.parametrize("argv0, typed", [
    ("/home/me/.venv/bin/backprop-studio", "backprop-studio"),
    ("main.py", "python main.py"),
    ("../checkout/main.py", "python ../checkout/main.py"),
    ("/site-packages/backprop_studio/__main__.py", "python -m backprop_studio"),
    ("C:\\venv\\Scripts\\backprop-studio.exe", "backprop-studio"),
])
def test_program_name_is_the_command_as_typed(argv0, typed):
    assert program_name(argv0.replace("\\", os.sep)) == typed


def test_help_names_the_command_that_was_typed(tmp_path):
    script = Path(sys.executable).with_name("backprop-studio")
    assert script.exists(), "pip install -e . makes the backprop-studio command"
    for command, typed in (([sys.executable, ROOT / "main.py"], f"python {ROOT / 'main.py'}"),
                           ([sys.executable, "-m", "backprop_studio"], "python -m backprop_studio"),
                           ([script], "backprop-studio")):
        proc = run(*command, "--help", cwd=tmp_path)
        assert proc.returncode == 0
        usage_line = " ".join(proc.stdout.split())      # argparse wraps a long usage line
        assert usage_line.startswith(
            f"usage: {typed} [-h] {{run,check,train,export,exercise,import}} ..."), usage_line
        assert f"Without a command, `{typed} [FILE]` opens the editor" in " ".join(
            proc.stdout.split())                        # argparse wraps the description
        usage = run(*command, "--no-such-flag", cwd=tmp_path)
        assert usage.returncode == 2 and usage.stderr.startswith(f"usage: {typed} [FILE]")


def test_the_desktop_file_starts_the_gui_script_with_the_shipped_icon():
    desktop = configparser.ConfigParser(interpolation=None)
    desktop.optionxform = str
    desktop.read(resource("backprop-studio.desktop"), encoding="utf-8")
    entry = desktop["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Name"] == "Backprop Studio"
    assert entry["Exec"].split()[0] in PYPROJECT["project"]["gui-scripts"]
    assert resource("icons", entry["Icon"] + ".png").is_file()
    assert resource("icons", entry["Icon"] + ".svg").is_file()


def test_the_icon_is_a_256_pixel_png_and_a_valid_svg(qapp):
    from PySide6.QtGui import QImage
    from PySide6.QtSvg import QSvgRenderer

    png = QImage(str(resource("icons", "backprop-studio.png")))
    assert (png.width(), png.height()) == (256, 256)
    centre, corner = png.pixelColor(128, 128), png.pixelColor(0, 0)
    assert centre.alpha() == 255 and corner.alpha() == 0      # a rounded tile, not a blank
    svg = QSvgRenderer(str(resource("icons", "backprop-studio.svg")))
    assert svg.isValid() and svg.defaultSize().width() == 256


def test_the_window_shows_the_shipped_icon(make_window):
    window = make_window()
    assert not window.windowIcon().isNull()
    assert window.windowIcon().availableSizes()[0].width() == 256


def test_the_smoke_test_opens_runs_and_lists_the_examples(tmp_path):
    settings = tmp_path / "settings.ini"
    proc = run(sys.executable, ROOT / "main.py", "--smoke-test", EXAMPLE, cwd=tmp_path,
               BACKPROP_STUDIO_SETTINGS=str(settings))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"smoke test passed: opened {EXAMPLE} (5 nodes) and ran it")
    examples = sorted(p.stem.replace("_", " ") for p in resource("examples").glob("*.json"))
    assert proc.stdout.rstrip().endswith(f"lists {len(examples)}: {', '.join(examples)}")


def test_the_smoke_test_fails_on_a_file_it_cannot_open(tmp_path):
    proc = run(sys.executable, ROOT / "main.py", "--smoke-test", tmp_path / "missing.json",
               cwd=tmp_path, BACKPROP_STUDIO_SETTINGS=str(tmp_path / "settings.ini"))
    assert proc.returncode == 1
    lines = [line for line in proc.stderr.splitlines() if line.startswith("smoke test")]
    assert len(lines) == 1      # Qt's offscreen plugin may add its own notes around it
    assert lines[0].startswith(f"smoke test failed: could not open {tmp_path / 'missing.json'}")
