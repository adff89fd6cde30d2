"""Grade a class: collect the submissions, autograde each notebook, write feedback."""
from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from tqdm.auto import tqdm

from . import steps
from .collect import Collection, collect
from .paths import COURSE_ROOT, notebook_path
from .report import save_notes


def _autograde(root: Path, cell_timeout: int, student: str, assignment: str) -> steps.Graded:
    """One notebook, in a worker process of its own."""
    return steps.autograde(student, assignment, steps.api(root, cell_timeout))


def grade_class(source: Path, root: Path = COURSE_ROOT, only: list[str] | None = None,
                cell_timeout: int = steps.CELL_TIMEOUT, progress: bool = True, jobs: int = 1
                ) -> tuple[list[steps.Graded], Collection]:
    """Autograde every notebook found in ``source``; one bad submission never stops the rest.

    With ``jobs`` > 1, that many notebooks are graded at once, each in its own process
    (worth it on a machine with more cores than one notebook's kernel keeps busy).
    """
    found = collect(source, root / "submitted", only)
    assignments = only or sorted({a for _, a in found.notebooks})
    if assignments:
        steps.release(assignments, root)  # records the source cells, hidden tests included, in the gradebook
    todo = [(s, a) for s in found.students for a in assignments if (s, a) in found.notebooks]
    bar = tqdm(total=len(todo), desc="grading", unit="notebook", disable=not progress)
    graded = {}
    if jobs > 1:
        spawn = multiprocessing.get_context("spawn")  # no forked kernels, sockets or event loops
        with ProcessPoolExecutor(jobs, mp_context=spawn) as pool:
            futures = {job: pool.submit(_autograde, root, cell_timeout, *job) for job in todo}
            for job, future in futures.items():
                graded[job] = future.result()
                bar.update()
    else:
        nbgrader = steps.api(root, cell_timeout)
        for job in todo:
            graded[job] = steps.autograde(*job, nbgrader)
            bar.update()
    bar.close()
    results = [graded.get((s, a)) or steps.Graded(s, a, notes=_missing(found, s, a))
               for s in found.students for a in assignments]
    save_notes(results, found, root)  # for `workshop report`: who could not be graded, and why
    return results, found


def _missing(found: Collection, student: str, assignment: str) -> list[str]:
    """'missing x.ipynb', unless a problem already says what went wrong with that file."""
    name = f"{notebook_path(assignment).stem}.ipynb"
    explained = any(who == student and name.removesuffix(".ipynb") in text for who, text in found.problems)
    return [] if explained else [f"missing {name}"]


def write_feedback(graded: list[tuple[str, str]], root: Path = COURSE_ROOT) -> list[Path]:
    """Feedback HTML for each autograded (student, assignment); one failure skips only its report."""
    nbgrader = steps.api(root)
    written = []
    for student, assignment in graded:
        if not (root / "autograded" / student / assignment).is_dir():
            continue  # never graded: nothing to report on
        try:
            written.append(steps.feedback(student, assignment, nbgrader))
        except RuntimeError as error:
            print(f"no feedback for {student} / {assignment}: {error}")
    return written


def feedback_for(results: list[steps.Graded]) -> list[tuple[str, str]]:
    """The (student, assignment) pairs that were graded."""
    return [(r.student, r.assignment) for r in results if r.score is not None]
