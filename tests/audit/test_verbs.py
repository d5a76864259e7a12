"""Every verb recorded anywhere in ``src/tallyroom`` has a label (``audit/verbs.py``), found by
reading each ``record(...)`` / ``append(...)`` call's verb: a literal, a constant, a choice of
either, a local set from one, or a parameter given one by the module's calls."""

import ast
import importlib
from pathlib import Path

import pytest
from django.contrib import admin
from django.utils import translation

from tallyroom.audit.admin import AuditedAdmin
from tallyroom.audit.verbs import CHANGES, label

SRC = Path(__file__).resolve().parents[2] / "src" / "tallyroom"
# where the verb is a variable by design: the recording functions themselves, and the staff
# edits' ``<model>.create|change|delete`` (tested below)
PASSED_ON = {"audit/events.py", "audit/changes.py"}


class Unresolved(Exception):
    pass


def _module_name(path: Path) -> str:
    return "tallyroom." + ".".join(path.relative_to(SRC).with_suffix("").parts)


def _enclosing(tree: ast.AST, node: ast.AST) -> ast.FunctionDef | None:
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef) and any(n is node for n in ast.walk(fn)):
            inner = _enclosing(ast.Module(body=fn.body, type_ignores=[]), node)
            return inner or fn
    return None


def _verbs(expr: ast.expr, tree: ast.AST, module: str) -> set[str]:
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return {expr.value}
    if isinstance(expr, ast.IfExp):
        return _verbs(expr.body, tree, module) | _verbs(expr.orelse, tree, module)
    if isinstance(expr, ast.Name):
        fn = _enclosing(tree, expr)
        if fn is not None:
            assigned = [
                n.value
                for n in ast.walk(fn)
                if isinstance(n, ast.Assign) and any(getattr(t, "id", None) == expr.id for t in n.targets)
            ]
            if assigned:
                return set().union(*(_verbs(v, tree, module) for v in assigned))
            params = [a.arg for a in fn.args.args]
            if expr.id in params:
                return _given(fn.name, params.index(expr.id), expr.id, tree, module)
        value = getattr(importlib.import_module(module), expr.id, None)
        if isinstance(value, str):
            return {value}
    raise Unresolved(ast.unparse(expr))


def _given(function: str, position: int, name: str, tree: ast.AST, module: str) -> set[str]:
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "id", None) == function]
    if not calls:
        raise Unresolved(f"{function}'s {name}, never given in its module")
    found = set()
    for call in calls:
        given = {k.arg: k.value for k in call.keywords}.get(name)
        found |= _verbs(given if given is not None else call.args[position], tree, module)
    return found


def recorded_verbs() -> dict[str, str]:
    """Each verb recorded in the sources, with where; fails naming a call whose verb it cannot tell."""
    verbs, unknown = {}, []
    for path in sorted(SRC.rglob("*.py")):
        where = path.relative_to(SRC).as_posix()
        if "migrations" in path.parts or where.startswith("count/") or where in PASSED_ON:
            continue  # the engine's ``record`` makes a stage, not an event
        tree = ast.parse(path.read_text())
        for call in ast.walk(tree):
            if not (isinstance(call, ast.Call) and getattr(call.func, "id", None) in ("record", "append")):
                continue
            if len(call.args) < 2:
                continue
            try:
                found = _verbs(call.args[1], tree, _module_name(path))
            except Unresolved as e:
                unknown.append(f"{where}:{call.lineno}: {e}")
                continue
            verbs |= {v: f"{where}:{call.lineno}" for v in found}
    assert not unknown, f"cannot tell the verb recorded at {unknown}"
    return verbs


def test_every_verb_recorded_has_a_label():
    verbs = recorded_verbs()
    sought = {"job.start", "job.done", "election.extend", "audit.election_key", "election.mail_test"}
    assert sought <= set(verbs)  # a literal, a local, a parameter, an imported and a module constant
    with translation.override("cy"):
        missing = {v: where for v, where in verbs.items() if label(v) == v}
    assert not missing, f"add these verbs to audit/verbs.py: {missing}"


@pytest.mark.parametrize("model", [m for m, a in admin.site._registry.items() if isinstance(a, AuditedAdmin)])
def test_every_audited_models_edits_have_a_label(model):
    name = model._meta.model_name
    with translation.override("cy"):
        for change in CHANGES:
            assert label(f"{name}.{change}") != f"{name}.{change}"


def test_labels_are_in_the_active_language_and_unknown_verbs_stay_as_stored():
    with translation.override("cy"):
        assert label("job.start") == "Dechreuwyd tasg"
        assert label("user.create") == "Crëwyd cyfrif"
        assert label("election.launch") == "election.launch"  # no such change
        assert label("gone.verb") == "gone.verb"
    with translation.override("en-gb"):
        assert label("job.start") == "Job started"
        assert label("contest.delete") == "Contest deleted"
