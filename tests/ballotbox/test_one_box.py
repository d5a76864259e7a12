"""The box is the only place ballots are written and read: no module outside tallyroom.ballotbox
imports the sealed or the plaintext ballots' models (the results app reads through the box)."""

import ast
from pathlib import Path

import tallyroom

BALLOT_MODELS = {"Ballot", "SealedBallot"}


def test_no_module_outside_the_box_imports_the_ballots():
    root = Path(tallyroom.__file__).parent
    found = [
        f"{path.relative_to(root)}: {alias.name}"
        for path in root.rglob("*.py")
        if not path.is_relative_to(root / "ballotbox")
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tallyroom.ballotbox")
        for alias in node.names
        if alias.name in BALLOT_MODELS
    ]
    assert found == []
