"""Make a damaged submission gradable before nbgrader sees it, and say what was done.

nbgrader already restores deleted *test* cells (``OverwriteCells.add_missing_cells``)
and the original source of edited locked cells. It cannot cope with a notebook whose
nbgrader metadata was lost (re-saved by another editor, answers pasted into a new
notebook) or with a deleted solution cell before a deleted test cell. Those are
repaired here from the release notebook.
"""
from __future__ import annotations

import copy
from pathlib import Path

import nbformat

from .paths import RELEASE, notebook_path


class Ungradable(ValueError):
    """A submission that cannot be graded, with what the participant should do."""


def _grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def repair(path: Path, assignment: str) -> list[str]:
    """Repair the submitted notebook at ``path`` in place; return notes for the instructor."""
    notebook = nbformat.read(path, as_version=4)
    release = nbformat.read(notebook_path(assignment, RELEASE), as_version=4)
    notes = []
    if not any(_grade_id(c) for c in notebook.cells):
        if [c.cell_type for c in notebook.cells] != [c.cell_type for c in release.cells]:
            raise Ungradable("its nbgrader cell metadata is gone and its cells no longer line up with the "
                             "release; ask for the released notebook with the answers pasted in")
        for cell, original in zip(notebook.cells, release.cells):
            if "nbgrader" in original.metadata:
                cell.metadata["nbgrader"] = copy.deepcopy(original.metadata["nbgrader"])
        notes.append("its nbgrader metadata was lost; restored from the release, cells matched by position")
    present = {_grade_id(c) for c in notebook.cells}
    restored, position = [], 0
    for original in release.cells:
        grade_id = _grade_id(original)
        if grade_id in present:
            position = next(i for i, c in enumerate(notebook.cells) if _grade_id(c) == grade_id) + 1
        elif grade_id and not original.metadata["nbgrader"].get("grade"):  # test cells: nbgrader's job
            notebook.cells.insert(position, copy.deepcopy(original))
            restored.append(grade_id)
            position += 1
    if restored:
        notes.append(f"restored deleted cell(s) {', '.join(restored)} as released (unanswered)")
    edited = [_grade_id(c) for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade")
              and any(_grade_id(o) == _grade_id(c) and o.source != c.source for o in release.cells)]
    if edited:
        notes.append(f"edited test cell(s) {', '.join(edited)}: graded with the original")
    nbformat.write(notebook, path)
    return notes
