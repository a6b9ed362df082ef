"""README opens with the two set-up commands, and CI runs exactly the second one."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).parents[2]


def setup_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = text.split("```", 2)[1]
    lines = [line.strip() for line in first_block.splitlines()[1:] if line.strip()]
    return lines


def test_readme_opens_with_exactly_two_setup_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    before = text.split("```", 1)[0]
    assert before.count("\n") <= 3, "the set-up commands must come first"
    commands = setup_commands()
    assert len(commands) == 2
    assert commands[0].startswith("pip install") and "fieldsurvey demo" in commands[0]
    assert commands[1].startswith("pip install") and "pytest" in commands[1]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert setup_commands()[1] in ci.splitlines()
