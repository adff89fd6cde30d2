"""Prove both directions: every source notebook passes all its tests; every release
notebook fails every graded test with ``NotImplementedError`` and nothing else."""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder.config import KERNEL_ARGUMENTS, quiet_environment
from autograder.paths import RELEASE, SOURCE, assignments, notebook_path


def execute(path: Path, timeout: int = 300, as_graded: bool = False) -> nbformat.NotebookNode:
    """Run a notebook in a fresh kernel, errors recorded in its outputs.

    Cells tagged ``skip-execution`` run too, as for a participant, unless ``as_graded``
    (nbgrader's execution skips them).
    """
    quiet_environment()
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=timeout, kernel_name="python3", allow_errors=True,
                   skip_cells_with_tag="skip-execution" if as_graded else "run-every-cell",
                   extra_arguments=KERNEL_ARGUMENTS, resources={"metadata": {"path": str(path.parent)}}).execute()
    return notebook


def graded_cells(notebook) -> dict[str, nbformat.NotebookNode]:
    """The graded test cells by grade id."""
    return {c.metadata.nbgrader["grade_id"]: c for c in notebook.cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")}


def errors(cell) -> list[str]:
    """'Name: message' of every error in a cell's outputs, and stderr text."""
    found = [f"{o.ename}: {o.evalue}" for o in cell.outputs if o.output_type == "error"]
    return found + [f"stderr: {o.text.strip()}" for o in cell.outputs
                    if o.output_type == "stream" and o.name == "stderr"]


def source_problems(notebook) -> list[str]:
    """Every cell of a solved notebook runs cleanly: no error, nothing on stderr."""
    return [f"cell {i} ({c.metadata.get('nbgrader', {}).get('grade_id', 'plain')}): {e}"
            for i, c in enumerate(notebook.cells) if c.cell_type == "code" for e in errors(c)]


def release_problems(notebook) -> list[str]:
    """Every graded cell of an unsolved notebook fails with NotImplementedError alone."""
    problems = []
    for grade_id, cell in graded_cells(notebook).items():
        names = [o.ename for o in cell.outputs if o.output_type == "error"]
        if names != ["NotImplementedError"]:
            problems.append(f"{grade_id}: expected NotImplementedError, got {errors(cell) or 'no error'}")
    return problems


def validate(names: list[str] | None = None) -> dict[str, list[str]]:
    """Problems per notebook, for source/ and release/ (all empty lists when valid)."""
    report = {}
    for name in names or assignments():
        for root, check in ((SOURCE, source_problems), (RELEASE, release_problems)):
            path = notebook_path(name, root)
            report[str(path.relative_to(root.parent))] = check(execute(path))
    return report
