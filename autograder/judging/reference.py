"""The reference solutions, read from the solution cells of ``source/``.

The source notebooks are the single copy of every reference solution: this
module executes their solution cells (and the cells tagged ``given``, which
define what the solutions build on, such as imports or ``step``) into a fresh
namespace. Plots, tests and prose are not run.
"""
from __future__ import annotations

import contextlib
import functools
import io
import json
import types

from autograder.paths import notebook_path


def is_reference_cell(cell: dict) -> bool:
    """A solution cell, or a code cell tagged ``given``."""
    if cell["cell_type"] != "code":
        return False
    nbgrader = cell["metadata"].get("nbgrader", {})
    return nbgrader.get("solution", False) or "given" in cell["metadata"].get("tags", [])


@functools.cache
def reference(assignment: str) -> types.SimpleNamespace:
    """Every name the reference solution of ``assignment`` defines."""
    path = notebook_path(assignment)
    notebook = json.loads(path.read_text(encoding="utf-8"))  # plain JSON: nbformat's import costs seconds
    namespace: dict = {"__name__": f"reference_{assignment.replace('-', '_')}"}
    with contextlib.redirect_stdout(io.StringIO()):
        for index, cell in enumerate(notebook["cells"]):
            if is_reference_cell(cell):
                source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                exec(compile(source, f"{path.name}[{index}]", "exec"), namespace)
    return types.SimpleNamespace(**{k: v for k, v in namespace.items() if not k.startswith("__")})


def reference_cells(assignment: str, grade_ids: tuple[str, ...], namespace: dict) -> dict:
    """Only the reference cells whose grade id is in ``grade_ids``, run into ``namespace`` in notebook order.

    For a grader that needs a few OpenCV steps and must not pay for the set-up cell's imports
    (TensorFlow's costs seconds); ``namespace`` brings the modules the cells use.
    """
    path = notebook_path(assignment)
    for index, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
        if is_reference_cell(cell) and cell["metadata"].get("nbgrader", {}).get("grade_id") in grade_ids:
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            exec(compile(source, f"{path.name}[{index}]", "exec"), namespace)
    return namespace
