"""README stays true: CI runs its exact test command, and its op table is the registry's."""

from pathlib import Path

from backprop_studio.engine.docs import ops_table

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_lines():
    lines, inside = [], False
    for line in README.splitlines():
        if line.startswith("```"):
            inside = not inside
        elif inside:
            lines.append(line)
    return lines


def test_ci_runs_the_readme_test_command_verbatim():
    test_commands = [line for line in code_lines() if "pytest" in line and "pip install" in line]
    assert len(test_commands) == 1
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert ci.count(test_commands[0]) == 1
    at = ci.index(test_commands[0])
    assert ci[at - 1:at + 2] == ["set +e", test_commands[0], "status=$?"]   # its code passed on


def test_the_readme_install_and_run_command_starts_the_app():
    run_commands = [line for line in code_lines() if line.endswith("python main.py")]
    assert run_commands == ["python3 -m venv .venv && . .venv/bin/activate && pip install -e . "
                            "&& python main.py"]


def test_the_op_table_is_generated_from_the_registry():
    assert ops_table() in README
