"""Every plausible mistake loses its cell's points with a message; every correct
alternative gets full marks. Public checks are called directly, hidden ones
through the whole question-and-answer round trip in this process (no kernel)."""
import importlib
import pkgutil
import re
import string

import numpy as np
import pytest

import tests.catalogue
from autograder.hidden import PARTS
from autograder.judging.questions import checks, judged
from autograder.paths import assignments, notebook_path
from course.answering.answers import resolve
from course.checking import CheckFailed

MODULES = sorted(m.name for m in pkgutil.iter_modules(tests.catalogue.__path__))
ASSIGNMENT = {notebook_path(a).stem: a for a in assignments()}
ASSIGNMENT |= {part: ASSIGNMENT[whole] for whole, parts in PARTS.items() for part in parts}  # 06's finale
WHOLE = {part: whole for whole, parts in PARTS.items() for part in parts}


def _public(module):
    return importlib.import_module(f"course.checks.{module}")


def _cell(case):
    """The test cell a case is for, and what its hidden region hands the grader."""
    args = case.arguments()
    if args and isinstance(args[0], str):  # a check for one of several (gate "AND" → test_and_gate)
        return f"test_{args[0].lower()}_{case.check}", args[1:]
    return f"test_{case.check}", args


def _hidden(module, case, seed=0):
    """Judge the case's subjects on the hidden check of its test cell."""
    grade_id, subjects = _cell(case)
    judged(ASSIGNMENT[module], grade_id, *subjects, seed=seed)


def _cases(kind):
    for module in MODULES:
        for case in getattr(importlib.import_module(f"tests.catalogue.{module}"), kind):
            name = f"{WHOLE[module]}-{module}" if module in WHOLE else module  # -k pipeline selects its parts
            yield pytest.param(module, case, id=f"{name}.{case.check}: {case.label}")


def _says(diagnosis, text):
    """Whether ``text`` is ``diagnosis`` with its placeholders ({alpha}) filled in."""
    pattern = "".join(re.escape(literal) + (".+?" if field is not None else "")
                      for literal, field, _, _ in string.Formatter().parse(diagnosis))
    return text is not None and re.fullmatch(pattern, text) is not None


@pytest.mark.parametrize(("module", "case"), list(_cases("MUTANTS")))
def test_mistake_loses_points(module, case):
    with pytest.raises(CheckFailed) as failure:
        _hidden(module, case)
    assert case.message in str(failure.value), f"hidden message does not diagnose it: {failure.value}"
    if case.mistake:  # an earlier check may catch it without a diagnosis (06's range of emotion_input)
        assert case.mistake.startswith(f"{case.check}."), "a mistake id is <function>.<what>"
        diagnosis = failure.value.diagnosis
        assert diagnosis is None or _says(_public(module).MISTAKES[case.mistake], diagnosis), \
            f"hidden diagnosis is not {case.mistake}'s: {diagnosis}"
    public = getattr(_public(module), case.check)
    if case.public:
        with pytest.raises(CheckFailed):
            public(*case.arguments())
    else:  # a fact of the catalogue: the public check lets this one through, the hidden one alone catches it
        public(*case.arguments())


@pytest.mark.parametrize(("module", "case"), list(_cases("ALTERNATIVES")))
def test_alternative_gets_full_marks(module, case, capsys):
    getattr(_public(module), case.check)(*case.arguments())
    assert "public checks passed" in capsys.readouterr().out
    for seed in (0, 1):  # questions are drawn afresh for every grading run
        _hidden(module, case, seed)


def _first_alternatives():
    """One correct alternative per test cell of 01 to 05 (06's are trained networks: swept by hand)."""
    seen = set()
    for module, case in (p.values for p in _cases("ALTERNATIVES")):
        cell = (module, _cell(case)[0])
        if ASSIGNMENT[module] != "06-pipeline" and cell not in seen:
            seen.add(cell)
            yield pytest.param(module, case, id=f"{module}.{cell[1]}")


@pytest.mark.parametrize(("module", "case"), list(_first_alternatives()))
def test_a_correct_answer_passes_whatever_the_seed(module, case):
    """Questions are drawn afresh for every notebook graded: none may fall outside the contract."""
    for seed in range(2, 32):
        _hidden(module, case, seed)


def _test_cells(assignment):
    """The grade ids of an assignment's test cells and the cell each hidden region answers for."""
    text = notebook_path(assignment).read_text()
    return re.findall(r'"grade_id": "(test_\w+)"', text), re.findall(r'answer\(\\"(\w+)\\"', text)


@pytest.mark.parametrize("assignment", assignments())
def test_every_test_cell_has_a_hidden_check_and_a_catalogue(assignment):
    grade_ids, answered = _test_cells(assignment)
    assert sorted(grade_ids) == sorted(answered), "each test cell answers for itself, once"
    assert set(checks(assignment)) == set(grade_ids), "autograder.hidden CHECKS lists exactly the test cells"
    module = notebook_path(assignment).stem
    assert module in MODULES, f"tests/catalogue/{module}.py is missing"
    catalogues = {name: importlib.import_module(f"tests.catalogue.{name}") for name in (module, *PARTS.get(module, ()))}
    for name, catalogue in catalogues.items():
        for check in {c.check for c in catalogue.MUTANTS + catalogue.ALTERNATIVES}:
            assert hasattr(_public(name), check), f"{name}.{check}: no public check of that name"
    for kind, minimum in (("MUTANTS", 3), ("ALTERNATIVES", 2)):
        cases = [case for catalogue in catalogues.values() for case in getattr(catalogue, kind)]
        for grade_id in grade_ids:
            assert any(_cell(c)[0] == grade_id for c in cases), f"{module}: no {kind.lower()} for {grade_id}"
        for check in {c.check for c in cases}:
            count = sum(c.check == check for c in cases)
            assert count >= minimum, f"{module}.{check}: {count} {kind.lower()}, want at least {minimum}"


def _formula_ids(module):
    """The mistake ids the formulas of ``autograder.hidden.<module>`` (``<check>_mistakes``) give for the
    questions of their check."""
    hidden = importlib.import_module(f"autograder.hidden.{module}")
    formulas = {name.removesuffix("_mistakes"): getattr(hidden, name) for name in dir(hidden)
                if name.endswith("_mistakes") and not name.startswith("_")}
    ids = set()
    for check, formula in formulas.items():
        assert f"test_{check}" in hidden.CHECKS, f"{module}.{check}_mistakes: no check test_{check}"
        for question in hidden.CHECKS[f"test_{check}"].ask(np.random.default_rng(0)):
            ids |= set(formula(*resolve(question.get("args", [])), **resolve(question.get("kwargs", {}))))
    return ids


@pytest.mark.parametrize("module", MODULES)
def test_every_diagnosis_has_a_formula_and_a_mutant(module):
    """The ids of MISTAKES in ``course.checks.<module>``, the hidden formulas' and the catalogue's are the same."""
    table = set(getattr(_public(module), "MISTAKES", {}))  # a notebook without classic mistakes needs no table
    catalogue = importlib.import_module(f"tests.catalogue.{module}")
    named = {case.mistake for case in catalogue.MUTANTS + catalogue.ALTERNATIVES if case.mistake}
    formulas = _formula_ids(module)
    assert sorted(formulas - table) == [], f"autograder.hidden.{module}: mistake ids without a diagnosis"
    assert sorted(named - table) == [], f"tests/catalogue/{module}.py: mistake ids without a diagnosis"
    assert sorted(table - formulas) == [], f"diagnoses without a formula in autograder.hidden.{module}"
    assert sorted(table - named) == [], f"diagnoses without a mutant in tests/catalogue/{module}.py"
