"""Damaged submissions repaired before nbgrader sees them, or refused with a reason (no kernel)."""
import copy
import json

import nbformat
import pytest

from autograder.authoring.sample_class import solved
from autograder.grading.repair import Ungradable, repair
from autograder.paths import RELEASE, notebook_path


def _ids(nb):
    return [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]


def _cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _repair(tmp_path, notebook):
    path = tmp_path / "neurons.ipynb"
    path.write_text(notebook if isinstance(notebook, str) else nbformat.writes(notebook))
    notes = repair(path, "01-neurons")
    return notes, nbformat.read(path, as_version=4)


def test_a_duplicated_test_cell_counts_once(tmp_path):
    nb = solved("01-neurons")
    cell = _cell(nb, "test_xor")
    nb.cells.insert(nb.cells.index(cell) + 1, copy.deepcopy(cell))
    notes, repaired = _repair(tmp_path, nb)
    assert _ids(repaired).count("test_xor") == 1
    assert notes == ["removed a second copy of test cell(s) test_xor: each counts once"]


def test_a_duplicated_solution_cell_runs_as_plain_code(tmp_path):
    nb = solved("01-neurons")
    cell = _cell(nb, "xor")
    nb.cells.insert(nb.cells.index(cell) + 1, copy.deepcopy(cell))
    notes, repaired = _repair(tmp_path, nb)
    assert _ids(repaired).count("xor") == 1
    assert len(repaired.cells) == len(nb.cells)
    assert "a second copy of cell(s) xor ran as plain code" in notes


def test_another_assignments_notebook_is_refused_by_name(tmp_path):
    other = nbformat.read(notebook_path("02-activations", RELEASE), as_version=4)
    with pytest.raises(Ungradable, match="this file is the notebook of 02-activations, not neurons.ipynb"):
        _repair(tmp_path, other)


def test_cells_of_another_notebook_are_not_graded(tmp_path):
    nb = solved("01-neurons")
    stray = copy.deepcopy(_cell(nb, "test_layer"))
    stray.metadata.nbgrader["grade_id"] = "test_sigmoid"
    nb.cells.append(stray)
    notes, repaired = _repair(tmp_path, nb)
    assert "test_sigmoid" not in _ids(repaired)
    assert "cell(s) test_sigmoid belong to no exercise of neurons.ipynb; not graded" in notes


@pytest.mark.parametrize(("spec", "note"), [
    ({"name": "python3"}, "its kernel metadata was missing or invalid"),
    (None, "its kernel metadata was missing or invalid"),
    ({"name": "ir", "display_name": "R", "language": "R"}, "it was saved with the kernel 'R'"),
])
def test_a_foreign_or_invalid_kernelspec_is_replaced(tmp_path, spec, note):
    data = json.loads(nbformat.writes(solved("01-neurons")))
    if spec is None:
        del data["metadata"]["kernelspec"]
    else:
        data["metadata"]["kernelspec"] = spec
    notes, repaired = _repair(tmp_path, json.dumps(data))
    assert repaired.metadata.kernelspec.display_name
    assert repaired.metadata.kernelspec.name == "python3"
    assert any(n.startswith(note) for n in notes)


def test_a_test_cell_turned_into_markdown_is_code_again(tmp_path):
    nb = solved("01-neurons")
    cell = _cell(nb, "test_neuron")
    cell.cell_type = "markdown"
    del cell["outputs"], cell["execution_count"]
    notes, repaired = _repair(tmp_path, nb)
    assert _cell(repaired, "test_neuron").cell_type == "code"
    assert any("test_neuron had been turned into another cell type" in n for n in notes)


@pytest.mark.parametrize(("text", "reason"), [
    ("", "is empty"), ("[1, 2]", "is JSON but not a Jupyter notebook"),
    ('{"nbformat": 4, "cells": "none"}', "is JSON but not a Jupyter notebook"),
    ('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code"}]}',
     "is a damaged notebook"),
])
def test_files_that_are_no_notebook_are_refused_in_one_line(tmp_path, text, reason):
    with pytest.raises(Ungradable, match=reason) as error:
        _repair(tmp_path, text)
    assert "\n" not in str(error.value)
    assert "KeyError" not in str(error.value)
