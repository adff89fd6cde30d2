"""How long a notebook takes: an estimate per task, computed from the notebook itself.

The method (docs/ESTIMATING.md says why these figures) counts, per task, three things a participant
spends time on, and converts them to minutes:

    minutes = READ * words / 100            reading the task's markdown (READ = 0.5: 200 words a
                                            minute, a display formula counted as one word)
            + WRITE * lines                 lines of the reference solution (code lines between
                                            ### BEGIN SOLUTION and ### END SOLUTION)
            + CONCEPT * new concepts        the task itself, plus each library call its reference makes
                                            that no earlier task of the notebook made (for a core
                                            task: no earlier core task; the stretch may be skipped)
            + CHECK * graded test cells     running the check, reading its message, one fix

A task is a solution cell with the markdown cells of its kind (core or stretch) since the previous
solution cell of that kind, and the graded test cells up to the next solution cell. Markdown after
the last task of a kind (a summary) is reading of that last task. A task is *stretch* when its
solution cell is tagged ``stretch`` (a markdown cell counts as stretch reading when it is tagged
``stretch``); its minutes go to the notebook's stretch figure, every other task's to its core figure.

The first markdown cell states the figures (``*About N minutes (core) + M minutes (stretch)*``);
``workshop budget`` prints both, and tests/test_day.py holds the header within TOLERANCE of the
estimate.
"""
from __future__ import annotations

import ast
import json
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from autograder.paths import COURSE_ROOT, assignments

__all__ = ["HEADER", "HINT", "TOLERANCE", "Task", "header_minutes", "estimate", "reference_lines",
           "solution_regions", "table"]

READ = 0.5          # minutes per 100 words of markdown (200 words a minute)
WRITE = 1.0         # minutes per line of reference solution
CONCEPT = 1.0       # minutes per new concept
CHECK = 0.5         # minutes per graded test cell
TOLERANCE = 0.3     # the header's figure may differ from the estimate by 30 % ...
SLACK = 5           # ... or by 5 minutes, whichever is more

HEADER = re.compile(r"about (\d+) minutes \(core\) \+ (\d+) minutes \(stretch\)", re.IGNORECASE)
HINT = re.compile(r"≈ (\d+) lines?")
_BEGIN, _END = "### BEGIN SOLUTION", "### END SOLUTION"
_MODULES = {"np", "cv2", "keras", "tf", "plt", "math", "scipy"}


def _source(cell) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def solution_regions(source: str) -> list[tuple[int, list[str]]]:
    """(index of the BEGIN line, the lines inside) for every solution region of a cell's source."""
    lines, regions, start = source.splitlines(), [], None
    for i, line in enumerate(lines):
        if line.strip() == _BEGIN:
            start = i
        elif line.strip() == _END and start is not None:
            regions.append((start, lines[start + 1:i]))
            start = None
    return regions


def reference_lines(region: list[str]) -> int:
    """Lines of code in a solution region: neither blank nor comment-only."""
    return sum(1 for line in region if line.strip() and not line.strip().startswith("#"))


def library_calls(code: str) -> list[str]:
    """`np.where`, `cv2.equalizeHist`, `keras.layers.Dense` ... called in code, in order of appearance."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    calls: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            parts: list[str] = []
            target: ast.expr = node.func
            while isinstance(target, ast.Attribute):
                parts.append(target.attr)
                target = target.value
            if isinstance(target, ast.Name) and target.id in _MODULES:
                calls.append(".".join([target.id, *reversed(parts)]))
    return list(dict.fromkeys(sorted(calls, key=code.find)))


def _words(text: str) -> int:
    text = re.sub(r"\$\$.*?\$\$", " formula ", text, flags=re.DOTALL)   # a display formula reads as a few words
    return len(re.findall(r"[\w`$\\]+", text))


@dataclass
class Task:
    """One solution cell and the cells around it that belong to it."""
    name: str
    stretch: bool
    words: int = 0
    lines: int = 0
    concepts: int = 1
    checks: int = 0
    calls: list[str] = field(default_factory=list)

    @property
    def minutes(self) -> float:
        return READ * self.words / 100 + WRITE * self.lines + CONCEPT * self.concepts + CHECK * self.checks


def tasks(notebook: dict) -> list[Task]:
    """The notebook's tasks with their counts (see the module's docstring)."""
    found: list[Task] = []
    seen: dict[bool, set[str]] = {False: set(), True: set()}  # concepts met by a core learner / by one doing all
    words = {False: 0, True: 0}
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            words["stretch" in _tags(cell)] += _words(_source(cell))
            continue
        meta = _nbgrader(cell)
        if meta.get("solution"):
            stretch = "stretch" in _tags(cell)
            regions = solution_regions(_source(cell))
            calls = list(dict.fromkeys(call for _, region in regions
                                       for call in library_calls(textwrap.dedent("\n".join(region)))))
            new = [call for call in calls if call not in seen[stretch] and not call.endswith(("asarray", "array"))]
            seen[True].update(calls)
            if not stretch:
                seen[False].update(calls)
            found.append(Task(meta.get("grade_id", cell.get("id", "?")), stretch, words[stretch],
                              sum(reference_lines(region) for _, region in regions), 1 + len(new), 0, new))
            words[stretch] = 0
        elif meta.get("grade") and found:
            found[-1].checks += 1
    for stretch, left in words.items():
        last = [task for task in found if task.stretch == stretch]
        if last:
            last[-1].words += left
        elif left:
            found.append(Task("(reading)", stretch, left, 0, 0, 0))
    return found


def estimate(notebook: dict) -> tuple[float, float]:
    """(core, stretch) minutes the method gives for a notebook."""
    found = tasks(notebook)
    return (sum(t.minutes for t in found if not t.stretch), sum(t.minutes for t in found if t.stretch))


def header_minutes(notebook: dict) -> tuple[int, int] | None:
    """(core, stretch) minutes stated in the notebook's first markdown cell, or None."""
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            match = HEADER.search(_source(cell))
            return (int(match[1]), int(match[2])) if match else None
    return None


def agrees(stated: float, estimated: float) -> bool:
    """The header's figure is within the tolerance of the estimate."""
    return abs(stated - estimated) <= max(SLACK, TOLERANCE * estimated)


def notebook_path(assignment: str, folder: str = "source") -> Path:
    return next((COURSE_ROOT / folder / assignment).glob("*.ipynb"))


def table(folder: str = "source", detail: bool = False) -> str:
    """Per notebook: the estimate beside the header's figures; with detail, every task's counts."""
    rows = ["| notebook | header core | estimate core | header stretch | estimate stretch | agrees |",
            "|---|---|---|---|---|---|"]
    details, totals = [], [0, 0.0]
    for assignment in assignments():
        notebook = json.loads(notebook_path(assignment, folder).read_text())
        core, stretch = estimate(notebook)
        stated = header_minutes(notebook)
        ok = stated is not None and agrees(stated[0], core) and agrees(stated[1], stretch)
        head = ("-", "-") if stated is None else stated
        rows.append(f"| {assignment} | {head[0]} | {core:.0f} | {head[1]} | {stretch:.0f} | {'yes' if ok else 'NO'} |")
        totals[0] += stated[0] if stated else 0
        totals[1] += core
        if detail:
            details.append(f"\n{assignment}")
            for task in tasks(notebook):
                kind = "stretch" if task.stretch else "core"
                details.append(f"  {task.name:24} {kind:7} {task.words:4} words {task.lines:3} lines "
                               f"{task.concepts} concepts {task.checks} checks -> {task.minutes:5.1f} min"
                               + (f"  (new: {', '.join(task.calls)})" if task.calls else ""))
    rows.append(f"\ncore of all notebooks: header {totals[0]} minutes, estimate {totals[1]:.0f} "
                f"(at most 270); tolerance ±{TOLERANCE:.0%} or ±{SLACK} minutes")
    return "\n".join(rows + details)
