"""What `exercise make` and `exercise grade` write must survive the teacher's computer: ids
that differ only in case are refused (one file on Windows and macOS), and grades.csv carries a
BOM so Excel on Windows reads accents and the ∂ headers."""

from __future__ import annotations

import csv

import pytest
from test_exercise_engine import base, cli, roster

from backprop_studio.engine import GraphError, fileformat
from backprop_studio.engine.exercise import model, variants


def _make(tmp_path, rows):
    return cli("exercise", "make", base(tmp_path), "--students", roster(tmp_path, rows),
               "--out", tmp_path / "out")


def test_ids_differing_only_in_case_are_refused(tmp_path):
    proc = _make(tmp_path, "id,name\ns1,Ada\nS1,Alan\n")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "error: students 's1' and 'S1' would get the file names s1.json and S1.json, one file "
        "on a case-insensitive disk"]
    assert not (tmp_path / "out").exists()              # nothing written


def test_the_same_file_name_is_still_refused_in_its_words(tmp_path):
    g = fileformat.load(base(tmp_path))
    ex = model.of_graph(g)
    with pytest.raises(GraphError, match="would get the same file name a_b.json"):
        variants.make_all(g, ex, [{"id": "a b"}, {"id": "a/b"}])


def test_grades_csv_is_utf8_with_a_bom_and_reads_back(tmp_path):
    assert _make(tmp_path, "id,name\ns01,Chloé Müller\ns02,Zoë\n").returncode == 0
    out = tmp_path / "grades.csv"
    proc = cli("exercise", "grade", tmp_path / "out", "--out", out)
    assert proc.returncode == 0, proc.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["name"] for r in rows] == ["Chloé Müller", "Zoë"]
    header = list(rows[0])
    assert header[:6] == ["file", "student", "name", "status", "score", "maximum"]
    assert "∂f/∂x" in header
    assert [r["score"] for r in rows] == ["0", "0"]
