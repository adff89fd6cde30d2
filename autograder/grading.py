"""Grade a class: collect the submissions, autograde each notebook, write feedback."""
from __future__ import annotations

from pathlib import Path

from tqdm.auto import tqdm

from . import steps
from .collect import Collection, collect
from .paths import COURSE_ROOT, notebook_path


def grade_class(source: Path, root: Path = COURSE_ROOT, only: list[str] | None = None,
                cell_timeout: int = steps.CELL_TIMEOUT, progress: bool = True
                ) -> tuple[list[steps.Graded], Collection]:
    """Autograde every notebook found in ``source``; one bad submission never stops the rest."""
    found = collect(source, root / "submitted", only)
    assignments = only or sorted({a for _, a in found.notebooks})
    if assignments:
        steps.release(assignments, root)  # records the source cells, hidden tests included, in the gradebook
    nbgrader = steps.api(root, cell_timeout)
    results = []
    jobs = [(s, a) for s in found.students for a in assignments]
    for student, assignment in tqdm(jobs, desc="grading", unit="notebook", disable=not progress):
        if (student, assignment) in found.notebooks:
            results.append(steps.autograde(student, assignment, nbgrader))
        else:
            results.append(steps.Graded(student, assignment,
                                        notes=[f"no usable {notebook_path(assignment).stem}.ipynb"]))
    return results, found


def write_feedback(graded: list[tuple[str, str]], root: Path = COURSE_ROOT) -> list[Path]:
    """Feedback HTML for each autograded (student, assignment)."""
    nbgrader = steps.api(root)
    return [steps.feedback(student, assignment, nbgrader) for student, assignment in graded]


def feedback_for(results: list[steps.Graded]) -> list[tuple[str, str]]:
    """The (student, assignment) pairs that were graded."""
    return [(r.student, r.assignment) for r in results if r.score is not None]
