"""Functions from the learner's own earlier notebooks, for a later notebook to reuse.

06 runs a learned kernel through the ``conv2d_layer`` the learner wrote in 04. Only the imports and
the function definitions of the notebook's code cells are run (no plots, no checks, no training), in a
fresh namespace; a function the learner has not written yet is found all the same and raises
``NotImplementedError`` when called.
"""
from __future__ import annotations

import ast
import json
from collections.abc import Callable
from pathlib import Path

__all__ = ["functions_of"]


def functions_of(notebook: str | Path) -> dict[str, Callable]:
    """Every function the notebook's code cells define, by name; {} when there is no such notebook."""
    try:
        cells = json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    namespace: dict = {"__name__": f"earlier_{Path(notebook).stem}"}
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue  # a cell the learner left broken defines nothing
        kept: list[ast.stmt] = [node for node in tree.body
                                if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef))]
        try:
            exec(compile(ast.Module(body=kept, type_ignores=[]), str(notebook), "exec"), namespace)
        except Exception:  # noqa: BLE001 - an import that fails here leaves the rest usable
            continue
    return {name: value for name, value in namespace.items()
            if callable(value) and getattr(value, "__module__", None) == namespace["__name__"]}
