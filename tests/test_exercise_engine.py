"""Exercises: the block's round trip and checks, answers from the engine, make → solve → grade,
a tampered file flagged, and the same roster giving the same bytes."""

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from backprop_studio.engine import fileformat
from backprop_studio.engine.errors import GraphError
from backprop_studio.engine.exercise import answers, grading, model, variants
from backprop_studio.engine.exercise.model import Exercise, Field, RandomValue
from backprop_studio.engine.exercise.seal import intact
from backprop_studio.engine.exercise.tolerance import close

ROOT = Path(__file__).resolve().parent.parent
EX = fileformat.EXAMPLES


def cli(*args):
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert "Traceback" not in proc.stderr
    return proc


def base(tmp_path) -> Path:
    """CS231n's f = (x + y)·z with every gradient blank, f's value blank, x and z drawn."""
    g = fileformat.load(EX / "cs231n_add_multiply.json")
    ex = Exercise(fields=[Field("value", node="q"),
                          Field("local", source="q", target="f", port="a")],
                  passes=[{"kind": "all_gradients"}],
                  random=[RandomValue("x", -5, 5), RandomValue("z", -3, 3, decimals=1)],
                  title="Add and multiply")
    model.store(g, ex)
    path = tmp_path / "base.json"
    fileformat.save(g, path)
    return path


def roster(tmp_path, rows="id,name\ns01,Ada\ns02,Alan\ns03,Grace\n") -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(rows, encoding="utf-8")
    return path


def test_the_block_round_trips_exactly_and_is_checked(tmp_path):
    path = base(tmp_path)
    text = path.read_text(encoding="utf-8")
    assert fileformat.dumps(fileformat.load(path)) == text
    doc = json.loads(text)
    doc["graph"]["graph"]["exercise"]["fields"].append({"kind": "gradient", "node": "x"})
    with pytest.raises(GraphError, match="fields"):
        fileformat.loads(json.dumps(doc))
    doc["graph"]["graph"]["exercise"]["fields"][-1] = {"kind": "grad", "node": "nope"}
    with pytest.raises(GraphError, match="no node 'nope'"):
        fileformat.loads(json.dumps(doc))
    doc["graph"]["graph"]["exercise"]["fields"][-1] = {"kind": "local", "source": "x",
                                                      "target": "f", "port": "a"}
    with pytest.raises(GraphError, match="no edge 'x' → 'f'.'a'"):
        fileformat.loads(json.dumps(doc))


def test_answers_come_from_the_engine_in_working_order(tmp_path):
    g = fileformat.load(base(tmp_path))
    ex = model.of_graph(g)
    fs = answers.fields(g, ex)
    got = {answers.describe(g, f): v for f, v in answers.expected(g, fs).items()}
    # x = −2, y = 5, z = −4: q = 3, ∂f/∂q = z = −4, ∂f/∂z = q = 3, ∂f/∂x = ∂f/∂y = −4
    assert got == {"q": 3.0, "local ∂f/∂q (q → f.a)": -4.0, "∂f/∂q": -4.0, "∂f/∂z": 3.0,
                   "∂f/∂x": -4.0, "∂f/∂y": -4.0}
    assert [answers.describe(g, f) for f in fs][:2] == ["q", "local ∂f/∂q (q → f.a)"]
    assert "∂f/∂x" in [answers.describe(g, f) for f in fs][-2:]


def test_tolerance_is_two_significant_digits():
    assert close(0.73, 0.7311, 2) and not close(0.74, 0.7311, 2)
    assert close(-4, -4.04, 2) and not close(-4.1, -4.0, 2)
    assert close(0.004, 0.0, 2) and not close(0.006, 0.0, 2)
    assert close([1.0, 0.5], [1.02, 0.499], 2) and not close([1.0], [1.0, 1.0], 2)


def test_backward_from_a_node_covers_it_and_what_it_depends_on():
    g = fileformat.load(EX / "cs231n_add_multiply.json")
    result = answers.solve(g)
    fs = answers.pass_fields(g, result, {"kind": "backward_from", "node": "q"})
    assert sorted(f.node for f in fs) == ["q", "x", "y"]


def make(tmp_path, out="out"):
    proc = cli("exercise", "make", base(tmp_path), "--students", roster(tmp_path),
               "--out", tmp_path / out)
    assert proc.returncode == 0, proc.stderr
    return tmp_path / out


def grades(tmp_path, folder):
    proc = cli("exercise", "grade", folder, "--out", tmp_path / "grades.csv")
    assert proc.returncode == 0, proc.stderr
    with open(tmp_path / "grades.csv", encoding="utf-8-sig", newline="") as handle:
        return {r["student"]: r for r in csv.DictReader(handle)}


def test_make_solve_grade_full_marks_blank_zero(tmp_path):
    folder = make(tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == ["s01.json", "s02.json", "s03.json"]
    drawn = {p.name: fileformat.load(p).node("x")["tensors"]["value"] for p in folder.iterdir()}
    assert len(set(drawn.values())) > 1                  # neighbours get different numbers
    proc = cli("exercise", "solve", folder / "s01.json", "--out", folder / "s01.json")
    assert proc.returncode == 0 and "filled 6 blanks" in proc.stdout
    rows = grades(tmp_path, folder)
    assert (rows["s01"]["score"], rows["s01"]["maximum"], rows["s01"]["status"]) == \
        ("6", "6", "graded")
    assert rows["s01"]["name"] == "Ada"
    assert (rows["s02"]["score"], rows["s02"]["maximum"]) == ("0", "6")
    assert rows["s02"]["∂f/∂x"] == "blank"


def test_a_wrong_answer_is_graded_with_its_mistake_and_a_hint_costs_the_point(tmp_path):
    folder = make(tmp_path)
    path = folder / "s02.json"
    g = fileformat.load(path)
    grading.fill(g)
    ex = model.of_graph(g)
    z = g.node("z")["tensors"]["value"]
    y = g.node("y")["tensors"]["value"]
    ex.answers[Field("grad", node="y")] = z * y            # ∂f/∂q · y: the add-gate mistake
    ex.hints_used.append((Field("grad", node="z"), "reveal"))
    model.store(g, ex)
    fileformat.save(g, path)
    row = grades(tmp_path, folder)["s02"]
    assert row["score"] == "4"
    assert row["∂f/∂y"].startswith("wrong: multiplied by the input's value")
    assert row["∂f/∂z"] == "hint: hint taken (reveal)"


@pytest.mark.parametrize("edit", ["value", "node", "field", "unsealed"])
def test_a_tampered_file_is_flagged(tmp_path, edit):
    folder = make(tmp_path)
    path = folder / "s03.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    nodes = doc["graph"]["nodes"]
    block = doc["graph"]["graph"]["exercise"]
    if edit == "value":
        next(n for n in nodes if n["id"] == "x")["tensors"]["value"] = 1.0
    elif edit == "node":
        next(n for n in nodes if n["id"] == "f")["op"] = "add"
    elif edit == "field":
        block["fields"].pop()
    else:
        del block["seal"]
    path.write_text(json.dumps(doc), encoding="utf-8")
    grading.fill(g := fileformat.load(path))
    fileformat.save(g, path)
    row = grades(tmp_path, folder)["s03"]
    assert row["status"].startswith("TAMPERED") and row["score"] == ""


def test_moving_a_node_and_answering_keep_the_seal(tmp_path):
    folder = make(tmp_path)
    g = fileformat.load(folder / "s01.json")
    g.set_position("x", (999.0, 5.0))
    grading.fill(g)
    assert intact(g)


def test_the_same_roster_gives_byte_identical_files(tmp_path):
    first, second = make(tmp_path, "a"), make(tmp_path, "b")
    for p in first.iterdir():
        assert p.read_bytes() == (second / p.name).read_bytes()
    assert variants.student_seed("k", "s01") == 14951250191774276119   # SHA-256, not hash()


def test_draws_keep_their_range_and_decimals(tmp_path):
    for p in make(tmp_path).iterdir():
        g = fileformat.load(p)
        x, z = (g.node(n)["tensors"]["value"] for n in ("x", "z"))
        assert -5 <= x <= 5 and x == round(x) and x != 0
        assert -3 <= z <= 3 and z == round(z, 1) and z != 0


@pytest.mark.parametrize("rows, message", [("name\nAda\n", "no id column"),
                                           ("id\ns1\ns1\n", "listed twice"),
                                           ("id,name\n", "lists no students"),
                                           ("id,name\n,Ada\n", "line 2 has no student id")])
def test_bad_rosters_get_one_line(tmp_path, rows, message):
    proc = cli("exercise", "make", base(tmp_path), "--students", roster(tmp_path, rows),
               "--out", tmp_path / "out")
    assert proc.returncode == 2 and message in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_commands_refuse_a_plain_graph_and_a_missing_folder(tmp_path):
    proc = cli("exercise", "solve", EX / "max_gate.json", "--out", tmp_path / "s.json")
    assert proc.returncode == 2 and "has no exercise block" in proc.stderr
    proc = cli("exercise", "grade", tmp_path / "nowhere", "--out", tmp_path / "g.csv")
    assert proc.returncode == 2 and "not a folder" in proc.stderr


def test_typed_answers_parse():
    assert grading.parse_answer(" −0.2 ") == -0.2
    assert grading.parse_answer("[1, −2]") == [1.0, -2.0]
    with pytest.raises(ValueError, match="not a number"):
        grading.parse_answer("abc")


def test_a_dense_layers_tensor_gradients_are_blanks_with_the_engines_answers(tmp_path):
    from backprop_studio.engine.api import Graph
    from backprop_studio.engine.backprop import run
    g = Graph()
    x = g.input("x", [[1.0, 2.0]])
    h = g.dense(x, 2, 2, label="h", W=[[1.0, -1.0], [0.5, 2.0]], b=[0.0, 1.0])
    g.set_output(g.sum(h, label="L"))
    model.store(g, Exercise(passes=[{"kind": "all_gradients"}]))
    ex = model.of_graph(g)
    fs = answers.fields(g, ex)
    params = [f for f in fs if f.kind == "param"]
    assert {(f.node, f.tensor) for f in params} == {("h", "W"), ("h", "b")}
    right = answers.expected(g, fs)
    tensor_grads = run(g).tensor_grads
    assert right[Field("param", node="h", tensor="W")].tolist() == [[1.0, 1.0], [2.0, 2.0]]
    assert right[Field("param", node="h", tensor="b")].tolist() == \
        tensor_grads[("h", "b")].tolist() == [1.0, 1.0]
    assert grading.fill(g) == len(fs) and grading.check(g).score == len(fs)


def test_an_answer_must_be_a_rectangular_array_of_finite_numbers(tmp_path):
    doc = json.loads(base(tmp_path).read_text(encoding="utf-8"))
    block = doc["graph"]["graph"]["exercise"]
    block["answers"] = [{"field": {"kind": "grad", "node": "x"}, "value": [[1, 2], [3]]}]
    with pytest.raises(GraphError, match=r"exercise.answers\[0\].value"):
        fileformat.loads(json.dumps(doc))
    block["answers"][0]["value"] = "4"
    with pytest.raises(GraphError, match="answers"):
        fileformat.loads(json.dumps(doc))


def test_pruned_drops_only_what_names_a_missing_node(tmp_path):
    g = fileformat.load(base(tmp_path))
    block = g.nx.graph["exercise"]
    block["answers"] = [{"field": {"kind": "grad", "node": "x"}, "value": 1.0},
                        {"field": {"kind": "grad", "node": "y"}, "value": 2.0}]
    g.disconnect("q", "a")
    g.remove_node("x")
    out = model.pruned(block, g)
    assert out["fields"] == block["fields"]           # q and the q → f edge are still there
    assert out["random"] == [r for r in block["random"] if r["node"] == "z"]
    assert out["answers"] == [{"field": {"kind": "grad", "node": "y"}, "value": 2.0}]
    assert out["passes"] == [{"kind": "all_gradients"}]
    model.from_json(out, g)


def test_make_refuses_a_blank_the_output_does_not_depend_on(tmp_path):
    g = fileformat.load(EX / "cs231n_add_multiply.json")
    g.add_node("input", "stray", tensors={"value": 1.0}, node_id="stray")
    model.store(g, Exercise(fields=[Field("grad", node="stray")]))
    path = tmp_path / "stray.json"
    fileformat.save(g, path)
    proc = cli("exercise", "make", path, "--students", roster(tmp_path), "--out",
               tmp_path / "out")
    assert proc.returncode == 2 and "∂f/∂stray has no gradient" in proc.stderr


def test_exercise_without_a_subcommand_says_which_there_are():
    proc = cli("exercise")
    assert proc.returncode == 2
    assert proc.stderr.strip() == "error: the following arguments are required: " \
                                  "{make,solve,grade}"
