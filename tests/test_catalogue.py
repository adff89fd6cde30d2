"""Every plausible mistake loses its cell's points with a message; every correct
alternative gets full marks. Check logic is called directly, no kernel needed."""
import importlib
import pkgutil
import re

import pytest

import tests.catalogue
from autograder.paths import assignments, notebook_path
from course.checking import CheckFailed

MODULES = sorted(m.name for m in pkgutil.iter_modules(tests.catalogue.__path__))


def _checks(module):
    return (importlib.import_module(f"course.checks.{module}"), importlib.import_module(f"autograder.hidden.{module}"))


def _cases(kind):
    for module in MODULES:
        for case in getattr(importlib.import_module(f"tests.catalogue.{module}"), kind):
            yield pytest.param(module, case, id=f"{module}.{case.check}: {case.label}")


@pytest.mark.parametrize("module, case", _cases("MUTANTS"))
def test_mistake_loses_points(module, case):
    public, hidden = _checks(module)
    with pytest.raises(CheckFailed) as failure:
        getattr(public, case.check)(*case.arguments())
        getattr(hidden, case.check)(*case.arguments())
    assert case.message in str(failure.value), f"message does not diagnose it: {failure.value}"


@pytest.mark.parametrize("module, case", _cases("ALTERNATIVES"))
def test_alternative_gets_full_marks(module, case, capsys):
    public, hidden = _checks(module)
    getattr(public, case.check)(*case.arguments())
    getattr(hidden, case.check)(*case.arguments())
    assert "public checks passed" in capsys.readouterr().out


def _hidden_calls(assignment):
    """Names of the hidden checks that an assignment's test cells call."""
    text = notebook_path(assignment).read_text()
    return set(re.findall(r"hidden\.(\w+)\(", text))


@pytest.mark.parametrize("assignment", assignments())
def test_catalogue_covers_every_graded_check(assignment):
    module = assignment.split("-", 1)[1]
    assert module in MODULES, f"tests/catalogue/{module}.py is missing"
    catalogue = importlib.import_module(f"tests.catalogue.{module}")
    for check in _hidden_calls(assignment):
        mutants = [c for c in catalogue.MUTANTS if c.check == check]
        alternatives = [c for c in catalogue.ALTERNATIVES if c.check == check]
        assert len(mutants) >= 3, f"{module}.{check}: {len(mutants)} mutants, want at least 3"
        assert len(alternatives) >= 2, f"{module}.{check}: {len(alternatives)} alternatives, want at least 2"
