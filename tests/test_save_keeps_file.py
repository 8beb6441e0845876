"""Saving replaces a file's content, not the file's nature: its permission bits stay, a new
file follows the umask, and a symlink is written through to its target (the link survives)."""

import os
import stat

import pytest

from backprop_studio.engine import fileformat
from backprop_studio.engine.api import Graph


def small_graph() -> Graph:
    g = Graph()
    g.multiply(g.input("x", 3.0), g.input("y", -2.0), label="f")
    return g


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("bits", [0o644, 0o600, 0o640, 0o664])
def test_an_existing_file_keeps_its_permissions(tmp_path, bits):
    path = tmp_path / "g.json"
    path.write_text("{}")
    os.chmod(path, bits)
    fileformat.save(small_graph(), path)
    assert mode(path) == bits
    assert fileformat.load(path).label("f") == "f"


@pytest.mark.parametrize("umask, expected", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_follows_the_umask(tmp_path, umask, expected):
    old = os.umask(umask)
    try:
        fileformat.save(small_graph(), tmp_path / "new.json")
    finally:
        os.umask(old)
    assert mode(tmp_path / "new.json") == expected


def test_a_symlink_is_written_through_to_its_target(tmp_path):
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    target = real_dir / "graph.json"
    target.write_text("old")
    os.chmod(target, 0o600)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    fileformat.save(small_graph(), link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8") == fileformat.dumps(small_graph())
    assert mode(target) == 0o600
    assert sorted(p.name for p in real_dir.iterdir()) == ["graph.json"]   # no temp file left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real"]


def test_a_relative_symlink_chain_is_followed(tmp_path):
    (tmp_path / "a").mkdir()
    target = tmp_path / "a" / "target.json"
    target.write_text("old")
    (tmp_path / "a" / "hop.json").symlink_to("target.json")
    link = tmp_path / "link.json"
    link.symlink_to("a/hop.json")
    fileformat.save(small_graph(), link)
    assert link.is_symlink() and (tmp_path / "a" / "hop.json").is_symlink()
    assert fileformat.load(target).label("f") == "f"
