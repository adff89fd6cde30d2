"""Cells that did not run to their end, as data: what execution saw, and what a test cell after one says.

``SandboxedExecute`` (autograder/preprocessors/sandboxed_execute.py) records an :class:`Interruption`
for each cell that ran past the per-cell time limit (``Execute.timeout``) and for the one where the kernel died or the
notebook's time ran out; it passes them on as ``resources["workshop"]["interruptions"]``. The
``Judge`` then tells a learner why a check had nothing to judge (:func:`not_graded`) instead of
quoting the ``NameError`` the kernel raised in the test cell.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from enum import Enum

ADVICE = "Make that cell finish faster (an endless loop?) and grade again."


class Stop(Enum):
    """How a cell's run ended early."""
    TIMED_OUT = "timed out"          # past the cell's time limit: interrupted, and the notebook went on
    UNRESPONSIVE = "unresponsive"    # past the limit and deaf to the interrupt: the kernel was shut down
    DIED = "died"                    # the kernel process ended while the cell ran
    DIED_BEFORE = "died before"      # the kernel never started, or ended between cells, before this one
    OUT_OF_TIME = "out of time"      # the notebook's own time limit ran out before this cell


@dataclass(frozen=True)
class Interruption:
    """One cell that did not run to its end (``index`` in the notebook; ``len(cells)`` if none was left)."""
    stop: Stop
    index: int
    name: str                   # the cell's grade id, "In [n]", or "code cell n" (never ran)
    seconds: int | None = None  # the limit that ran out: Execute.timeout (or what the notebook had left)
    cause: str | None = None    # why the kernel ended, from the sandbox: "memory limit", "segmentation fault", ...

    @property
    def final(self) -> bool:
        """Nothing after this cell ran."""
        return self.stop is not Stop.TIMED_OUT

    def note(self) -> str:
        """The instructor's line (``metadata.workshop.stopped``)."""
        return {Stop.TIMED_OUT: f"{self.name} timed out after {self.seconds} s",
                Stop.UNRESPONSIVE: f"the kernel stopped answering in {self.name} (time limit)",
                Stop.DIED: f"the kernel died in {self.name}: {self.cause}",
                Stop.DIED_BEFORE: f"the kernel died before {self.name}: {self.cause}",
                Stop.OUT_OF_TIME: f"the notebook's time limit ({self.seconds} s) ran out before {self.name}",
                }[self.stop]


def not_graded(cells: list, index: int, error: dict | None, interruptions: list[Interruption]) -> str | None:
    """Why the test cell ``cells[index]`` sent no answers, when an interruption explains it; else None.

    ``error`` is the first error output of the cell (the kernel's own, e.g. a ``NameError``)."""
    final = next((i for i in interruptions if i.final), None)
    if final is not None and final.index <= index:  # this cell or one above was the last to run
        return _after_stop(cells, index, final)
    here = next((i for i in interruptions if i.index == index and i.stop is Stop.TIMED_OUT), None)
    if here is not None:
        return (f"Not graded: this cell timed out after {here.seconds} s while it ran your code on the grader's "
                f"questions, so this check had nothing to judge. Make your code finish faster (an endless loop?) "
                f"and grade again.")
    name = _missing_name(error)
    slow = _defining(cells, index, name, interruptions)
    if slow is None:
        return None
    return (f"Not graded: {_where(cells, slow.index, name)} timed out after {slow.seconds} s, "
            f"so this check had nothing to run. {ADVICE}")


def undefined_hint(cells: list, index: int, records, interruptions: list[Interruption]) -> str | None:
    """For a check that failed on a ``NameError`` of a name a timed-out cell above would have defined: why."""
    if not isinstance(records, list):
        return None
    for record in records:
        name = _missing_name({"ename": record.get("raised"), "evalue": record.get("message")}) \
            if isinstance(record, dict) else None
        slow = _defining(cells, index, name, interruptions)
        if slow is not None:
            return (f"`{name}` is not defined because {_where(cells, slow.index, name)} "
                    f"timed out after {slow.seconds} s. {ADVICE}")
    return None


def _defining(cells: list, index: int, name: str | None, interruptions: list[Interruption]) -> Interruption | None:
    """The cell above ``index`` that timed out before it could define ``name``, if any."""
    return next((i for i in interruptions if name and i.stop is Stop.TIMED_OUT and i.index < index
                 and name in defined_names(cells[i.index].get("source", ""))), None)


def _after_stop(cells: list, index: int, final: Interruption) -> str:
    if final.stop is Stop.OUT_OF_TIME:
        return (f"Not graded: the notebook's time limit ({final.seconds} s for the whole notebook) ran out before "
                f"this cell, so this check never ran. Make the slow cells above finish faster and grade again.")
    if final.stop is Stop.DIED_BEFORE:
        return (f"Not graded: the kernel stopped ({final.cause}) before this cell, so this check never ran. "
                f"Run the notebook from the top and grade again; if this happens again, tell your instructor.")
    here = final.index == index
    where = "this cell" if here else _where(cells, final.index)
    if final.stop is Stop.UNRESPONSIVE:
        limit = f"the {final.seconds} s" if final.seconds else "its"
        return (f"Not graded: {where} ran past {limit} time limit and did not stop when interrupted, so the "
                f"grader stopped the kernel and this check never ran. "
                + ("Make your code finish faster (an endless loop?) and grade again." if here else ADVICE))
    return (f"Not graded: the kernel stopped while running {where}: {final.cause}. This check never ran. "
            f"A kernel stops when its code exits Python (os._exit), crashes or runs out of memory: "
            f"fix {'the code this cell runs' if here else 'that cell'} and grade again.")


def _where(cells: list, index: int, name: str | None = None) -> str:
    """A cell that started to run, as the learner finds it in their feedback: what it defines (``name``)
    and its ``In [n]`` prompt."""
    name = name or next(iter(defined_names(cells[index].get("source", ""))), None)
    what = f"the cell defining `{name}`" if name else "the cell"
    return f"{what} (In [{prompt(cells, index)}] above)"


def prompt(cells: list, index: int) -> int:
    """The ``In [n]`` of ``cells[index]``: its execution count, or, if the kernel died before reporting it,
    its place among the cells nbclient runs (every non-empty code cell once, in order: the same number)."""
    return cells[index].get("execution_count") or sum(_runs(cell) for cell in cells[:index + 1])


def _runs(cell) -> bool:
    """Whether nbclient executes the cell (it skips empty ones and those tagged skip-execution)."""
    tags = cell.get("metadata", {}).get("tags", [])
    return cell.get("cell_type") == "code" and bool(cell.get("source", "").strip()) and "skip-execution" not in tags


def _missing_name(error: dict | None) -> str | None:
    if not error or error.get("ename") != "NameError":
        return None
    found = re.match(r"name '(\w+)' is not defined", str(error.get("evalue") or ""))
    return found.group(1) if found else None


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.ListComp, ast.SetComp,
           ast.DictComp, ast.GeneratorExp)


def defined_names(source: str) -> list[str]:
    """The names a cell binds in the notebook's namespace (definitions first), in order."""
    lines = source.splitlines()
    try:
        tree = ast.parse("\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in lines))
    except SyntaxError:
        return []
    defs, others = [], []
    todo: list[ast.AST] = list(tree.body)
    while todo:
        node = todo.pop(0)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defs.append(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            others += [(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"]
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            others.append(node.id)
        if not isinstance(node, _SCOPES):
            todo += list(ast.iter_child_nodes(node))
    return list(dict.fromkeys(defs + others))
