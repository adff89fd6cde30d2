"""Make a damaged submission gradable before nbgrader sees it, and say what was done.

nbgrader already restores deleted *test* cells (``OverwriteCells.add_missing_cells``)
and the original source of edited locked cells. It cannot cope with a notebook whose
nbgrader metadata was lost (re-saved by another editor, answers pasted into a new
notebook), with a deleted solution cell before a deleted test cell, with a cell that
appears twice (a copy-paste in Jupyter: nbgrader then fails with ``KeyError: 'grade_id'``),
with cells of another notebook, with a test cell turned into markdown, or with a kernelspec
it does not know. Those are repaired here from the release notebook; a file that is no
notebook of this assignment is refused with a reason the participant understands.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import nbformat

from autograder.paths import RELEASE, assignments, notebook_path


class Ungradable(ValueError):
    """A submission that cannot be graded, with what the participant should do."""


def _grade_id(cell) -> str | None:
    nbgrader = cell.get("metadata", {}).get("nbgrader")
    return nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None


def _is_test(cell) -> bool:
    return bool(cell.metadata.get("nbgrader", {}).get("grade"))


def read(path: Path, name: str) -> nbformat.NotebookNode:
    """The notebook at ``path``, or Ungradable with what is wrong with the file."""
    raw = path.read_bytes()
    if not raw.strip():
        raise Ungradable(f"{name} is empty (0 bytes of notebook); ask for a fresh copy of the saved notebook")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Ungradable(f"{name} is not a notebook file ({type(error).__name__}: {error}); "
                         "ask for a fresh copy of the saved notebook") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list) or data.get("nbformat") != 4:
        raise Ungradable(f"{name} is JSON but not a Jupyter notebook (version 4, with cells); "
                         "ask for the notebook saved from Jupyter")
    try:
        return nbformat.reads(json.dumps(data), as_version=4)
    except Exception as error:  # nbformat's validation, whatever it finds
        raise Ungradable(f"{name} is a damaged notebook ({type(error).__name__}: {str(error)[:120]}); "
                         "ask for a fresh copy of the saved notebook") from None


def _other_assignment(ids: set[str], assignment: str) -> str | None:
    """The assignment whose release notebook has most of ``ids``, if another one."""
    best, count = None, 0
    for other in assignments():
        if other == assignment:
            continue
        release = nbformat.read(notebook_path(other, RELEASE), as_version=4)
        common = len(ids & {_grade_id(c) for c in release.cells})
        if common > count:
            best, count = other, common
    return best


def repair(path: Path, assignment: str) -> list[str]:
    """Repair the submitted notebook at ``path`` in place; return notes for the instructor."""
    release = nbformat.read(notebook_path(assignment, RELEASE), as_version=4)
    name = notebook_path(assignment, RELEASE).name
    notebook = read(path, name)
    released = {_grade_id(c): c for c in release.cells if _grade_id(c)}
    notes = []
    notes += _kernelspec(notebook, release)
    notes += _foreign(notebook, released, assignment, name)
    if not any(_grade_id(c) for c in notebook.cells):
        if [c.cell_type for c in notebook.cells] != [c.cell_type for c in release.cells]:
            raise Ungradable("its nbgrader cell metadata is gone and its cells no longer line up with the "
                             "release; ask for the released notebook with the answers pasted in")
        for cell, original in zip(notebook.cells, release.cells, strict=False):
            if "nbgrader" in original.metadata:
                cell.metadata["nbgrader"] = copy.deepcopy(original.metadata["nbgrader"])
        notes.append("its nbgrader metadata was lost; restored from the release, cells matched by position")
    notes += _duplicates(notebook)
    notes += _cell_types(notebook, released)
    present = {_grade_id(c) for c in notebook.cells}
    restored: list[str] = []
    position = 0
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
    edited = [str(_grade_id(c)) for c in notebook.cells if _is_test(c)
              and _grade_id(c) in released and released[_grade_id(c)].source != c.source]
    if edited:
        notes.append(f"edited test cell(s) {', '.join(edited)}: graded with the original")
    nbformat.write(notebook, path)
    return notes


def _kernelspec(notebook, release) -> list[str]:
    """A kernelspec that is not the release's (another language, or invalid) is replaced."""
    spec, wanted = notebook.metadata.get("kernelspec"), release.metadata.get("kernelspec")
    if spec == wanted:
        return []
    notebook.metadata["kernelspec"] = copy.deepcopy(wanted)
    notebook.metadata["language_info"] = copy.deepcopy(release.metadata.get("language_info", {"name": "python"}))
    if not isinstance(spec, dict) or not spec.get("name") or not spec.get("display_name"):
        return ["its kernel metadata was missing or invalid; graded with the course's Python 3 kernel"]
    if spec.get("name") != wanted.get("name") or spec.get("language", "python") != wanted.get("language", "python"):
        return [f"it was saved with the kernel {spec.get('display_name')!r}; graded with the course's Python 3 kernel"]
    return []


def _foreign(notebook, released: dict, assignment: str, name: str) -> list[str]:
    """Cells with grade ids of no cell of this release: another notebook, or a part of one."""
    ids = {str(_grade_id(c)) for c in notebook.cells if _grade_id(c)}
    foreign = ids - set(released)
    if not foreign:
        return []
    if len(foreign) > len(ids & set(released)):  # mostly another notebook's cells (all share "setup")
        other = _other_assignment(ids, assignment)
        what = f"the notebook of {other}" if other else "another notebook"
        raise Ungradable(f"this file is {what}, not {name} of {assignment}; ask for {name}")
    for cell in notebook.cells:
        if _grade_id(cell) in foreign:
            cell.metadata.pop("nbgrader", None)
    return [f"cell(s) {', '.join(sorted(foreign))} belong to no exercise of {name}; not graded"]


def _duplicates(notebook) -> list[str]:
    """A cell copied in Jupyter keeps its grade id. Later copies of a test cell are removed
    (never double points); later copies of other cells run as plain code."""
    seen, removed, plain, cells = set(), [], [], []
    for cell in notebook.cells:
        grade_id = _grade_id(cell)
        if grade_id and grade_id in seen:
            if _is_test(cell):
                removed.append(grade_id)
                continue
            cell.metadata.pop("nbgrader", None)
            plain.append(grade_id)
        elif grade_id:
            seen.add(grade_id)
        elif "nbgrader" in cell.metadata and not cell.metadata["nbgrader"]:
            del cell.metadata["nbgrader"]
        cells.append(cell)
    notebook.cells = cells
    notes = []
    if removed:
        notes.append(f"removed a second copy of test cell(s) {', '.join(removed)}: each counts once")
    if plain:
        notes.append(f"a second copy of cell(s) {', '.join(plain)} ran as plain code")
    return notes


def _cell_types(notebook, released: dict) -> list[str]:
    """A graded or answer cell turned into markdown (or raw) becomes code again, as released."""
    changed: list[str] = []
    for cell in notebook.cells:
        original = released.get(_grade_id(cell))
        if original is not None and cell.cell_type != original.cell_type:
            changed.append(str(_grade_id(cell)))
            source, metadata = cell.source, cell.metadata
            cell.clear()
            cell.update(copy.deepcopy(original))
            cell.metadata = metadata
            if not _is_test(cell):
                cell.source = source
    return [f"cell(s) {', '.join(changed)} had been turned into another cell type; restored as released"] \
        if changed else []
