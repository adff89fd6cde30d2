"""A sample class to grade: built from release/ and the source solutions, as an LMS zip.

| participant   | what they hand in                                                        |
|---------------|--------------------------------------------------------------------------|
| ada-lovelace  | every exercise solved                                                    |
| grace-hopper  | every other exercise solved (Canvas-style file names)                    |
| alan-turing   | the release untouched                                                    |
| linus-noisy   | all solved, but prints to stderr, warns, and deleted a test cell          |
| bobby-tables  | a corrupted notebook, an infinite loop, and a stray file                 |
"""
from __future__ import annotations

import copy
import zipfile
from pathlib import Path

import nbformat

from autograder.paths import RELEASE, SOURCE, notebook_path

EXPECTED = {  # what grading must make of each participant
    "ada-lovelace": "full marks",
    "grace-hopper": "partial marks",
    "alan-turing": "zero",
    "linus-noisy": "full marks: noise costs nothing, the deleted test cell is restored",
    "bobby-tables": "first notebook ungradable, an infinite loop costs its cells only",
}


def _solutions(assignment: str) -> dict[str, str]:
    """Solution code by grade id, from source/ with nbgrader's markers removed."""
    notebook = nbformat.read(notebook_path(assignment, SOURCE), as_version=4)
    return {c.metadata.nbgrader["grade_id"]: "\n".join(
                line for line in c.source.splitlines() if "### BEGIN SOLUTION" not in line
                and "### END SOLUTION" not in line)
            for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution")}


def _solution_cells(notebook) -> list:
    return [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution")]


def solved(assignment: str, every: int = 1) -> nbformat.NotebookNode:
    """The release notebook with every ``every``-th exercise solved."""
    notebook = nbformat.read(notebook_path(assignment, RELEASE), as_version=4)
    solutions = _solutions(assignment)
    for index, cell in enumerate(_solution_cells(notebook)):
        if index % every == 0:
            cell.source = solutions[cell.metadata.nbgrader["grade_id"]]
    return notebook


def noisy(assignment: str) -> nbformat.NotebookNode:
    """Solved, but writes to stderr after every cell (test cells too), warns, and lost a test cell."""
    notebook = solved(assignment)
    cell = _solution_cells(notebook)[0]
    cell.source = ("import sys, warnings\n"
                   "get_ipython().events.register('post_run_cell', lambda _: print('debug', file=sys.stderr))\n"
                   "warnings.warn('a harmless warning')\n" + cell.source)
    first_test = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade"))
    notebook.cells.remove(first_test)
    return notebook


def looping(assignment: str) -> nbformat.NotebookNode:
    """Solved, but the first exercise cell never finishes."""
    notebook = solved(assignment)
    cell = _solution_cells(notebook)[0]
    cell.source = "while True:  # oops\n    pass\n" + cell.source
    return notebook


def make_sample_class(target: Path, assignments: list[str]) -> Path:
    """Write the sample class as ``target`` (a zip of flat, LMS-named files)."""
    files: dict[str, str] = {"bobby-tables_notes.txt": "my answers are in the notebooks\n"}
    for position, assignment in enumerate(assignments):
        stem = notebook_path(assignment, RELEASE).stem
        untouched = nbformat.read(notebook_path(assignment, RELEASE), as_version=4)
        submissions = {
            f"ada-lovelace_{stem}.ipynb": solved(assignment),
            f"grace-hopper_1234_5678_{stem}-1.ipynb": solved(assignment, every=2),
            f"alan-turing_{stem}.ipynb": copy.deepcopy(untouched),
            f"linus-noisy_{stem}.ipynb": noisy(assignment),
            f"bobby-tables_{stem}.ipynb": looping(assignment) if position else None,
        }
        for name, notebook in submissions.items():
            files[name] = nbformat.writes(notebook) if notebook else '{"cells": [ {"cell_type": "code"'
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w") as archive:
        for name, text in sorted(files.items()):
            archive.writestr(name, text)
    return target
