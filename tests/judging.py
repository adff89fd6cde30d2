"""One real grading through nbgrader of three submissions of an assignment:
solved, one catalogue mistake, one correct alternative (tests/test_judge_*.py)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat

from autograder.grading import grade_class
from autograder.paths import SOURCE, notebook_path
from autograder.sample_class import solved
from autograder.validate import graded_cells


def edited(assignment: str, grade_id: str, *replacements: tuple[str, str]) -> nbformat.NotebookNode:
    """The solved release notebook with each (old, new) replaced in the solution cell ``grade_id``."""
    notebook = solved(assignment)
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    for old, new in replacements:
        assert cell.source.count(old) == 1, f"{grade_id}: {old!r} is not once in its solution"
        cell.source = cell.source.replace(old, new)
    return notebook


def points(assignment: str) -> dict[str, float]:
    """Points of each test cell, by grade id."""
    notebook = nbformat.read(notebook_path(assignment), as_version=4)
    return {grade_id: cell.metadata.nbgrader["points"] for grade_id, cell in graded_cells(notebook).items()}


def grade(tmp: Path, assignment: str, submissions: dict[str, nbformat.NotebookNode]):
    """Grade ``submissions`` (student → notebook) in a fresh course; the course root and results by student."""
    root = tmp / "course"
    shutil.copytree(SOURCE / assignment, root / "source" / assignment)
    folder = tmp / "submitted"
    for student, notebook in submissions.items():
        (folder / student).mkdir(parents=True)
        nbformat.write(notebook, folder / student / notebook_path(assignment).name)
    results, _ = grade_class(folder, root=root, cell_timeout=60, progress=False, jobs=1)
    return root, {r.student: r for r in results}


def verdicts(root: Path, student: str, assignment: str) -> dict[str, dict]:
    """The Judge's verdicts of one notebook, by grade id."""
    data = json.loads((root / "verdicts" / student / f"{assignment}.json").read_text())
    assert (data["student"], data["assignment"]) == (student, assignment)
    return {cell["grade_id"]: cell for cell in data["cells"]}


def error_text(root: Path, student: str, assignment: str, grade_id: str) -> str:
    """The error outputs of a test cell in the autograded notebook, as one text."""
    path = root / "autograded" / student / assignment / notebook_path(assignment).name
    cell = graded_cells(nbformat.read(path, as_version=4))[grade_id]
    return "\n".join(f"{o.get('ename', '')}: {o.get('evalue', '')}" for o in cell.outputs
                     if o.output_type == "error")
