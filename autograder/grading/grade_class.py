"""Grade a class: collect the submissions, autograde each notebook, write feedback.

Every core by default: long-lived worker processes (autograder.grading.workers) grade many notebooks each,
or the workers of a Dask cluster (autograder.grading.cluster). The gradebook is made, and the assignments
recorded in it, once by this process before any worker starts. A rerun grades only submissions
that are new or changed since they were last graded (autograder.grading.ledger); ``force`` regrades all.
"""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from nbgrader.api import MissingEntry
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from tqdm.auto import tqdm

from autograder.config import gradebook_url
from autograder.grading import steps
from autograder.grading.collect import Collection, collect
from autograder.grading.ledger import Ledger, digest, source_checksum
from autograder.grading.workers import Settings, Timed, grade_one, single_threaded, warm_up
from autograder.paths import COURSE_ROOT, notebook_path
from autograder.reports.scores import of_submission
from autograder.reports.tables import save_notes


def grade_class(source: Path, root: Path = COURSE_ROOT, only: list[str] | None = None,
                cell_timeout: int = steps.CELL_TIMEOUT, progress: bool = True, jobs: int | None = None,
                dask: str | None = None, db_url: str | None = None, force: bool = False
                ) -> tuple[list[steps.Graded], Collection]:
    """Autograde every notebook found in ``source``; one bad submission never stops the rest.

    ``jobs`` notebooks at once (default: one per core), each worker process grading many; or on the
    Dask cluster at ``dask`` (``tcp://HOST:8786``, or ``local[:N]`` for a LocalCluster). The gradebook
    is ``root``/gradebook.db unless ``db_url`` names another. A submission graded before with the same
    checksum (notebook, assignment source, grading code, timeout) is not graded again unless ``force``.
    """
    jobs = (os.cpu_count() or 1) if jobs is None else jobs
    if jobs < 1:
        raise ValueError(f"--jobs {jobs}: give at least 1")
    single_threaded()
    url = gradebook_url(root, db_url)
    found = collect(source, root / "submitted", only)
    assignments = only or sorted({a for _, a in found.notebooks})
    ledger = prepare(root, assignments, found.students, url)
    settings = Settings(str(root), cell_timeout, url)
    sources = {a: source_checksum(root, a) for a in assignments}
    pairs = [(s, a) for s in found.students for a in assignments if (s, a) in found.notebooks]
    checksums = {(s, a): digest(sources[a], _submitted(root, s, a).read_bytes(), str(cell_timeout))
                 for s, a in pairs}
    graded: dict[tuple[str, str], steps.Graded] = {} if force else dict(_unchanged(root, url, ledger, checksums))
    ledger.close()
    todo = [(s, a, checksums[s, a]) for s, a in pairs if (s, a) not in graded]
    unchanged = f", unchanged since graded: {len(pairs) - len(todo)}" if len(todo) < len(pairs) else ""
    bar = tqdm(total=len(todo), desc="grading", unit="notebook", disable=not progress)
    bar.set_postfix_str(f"could not be graded: 0{unchanged}")
    failed = 0
    for result in _run(settings, todo, jobs, dask):
        graded[result.student, result.assignment] = result
        failed += result.score is None
        bar.set_postfix_str(f"could not be graded: {failed}{unchanged}", refresh=False)
        bar.update()
    bar.close()
    results = [graded.get((s, a)) or steps.Graded(s, a, notes=_missing(found, s, a))
               for s in found.students for a in assignments]
    save_notes(results, found, root)  # for `workshop report`: who could not be graded, and why
    return results, found


def _submitted(root: Path, student: str, assignment: str) -> Path:
    return root / "submitted" / student / assignment / f"{notebook_path(assignment, root / 'source').stem}.ipynb"


def prepare(root: Path, assignments: list[str], students: list[str], url: str) -> Ledger:
    """Before any worker starts: the gradebook (nbgrader creates it, shelling out to alembic), each
    assignment recorded in it unless recorded from the same source already, every participant in it."""
    nbgrader = steps.api(root, db_url=url)
    try:
        with nbgrader.gradebook:
            pass
        ledger = Ledger(url)
        released = ledger.released()
        for assignment in assignments:
            checksum = source_checksum(root, assignment)
            if released.get(assignment) != checksum or not (root / "release" / assignment).is_dir():
                steps.release([assignment], root, db_url=url)  # records the source cells, hidden tests included
                ledger.record_release(assignment, checksum)
        with nbgrader.gradebook as gb:  # workers never race to create the same participant
            for student in students:
                gb.update_or_create_student(student)
    except SQLAlchemyError as error:
        raise RuntimeError(f"cannot use the gradebook {_shown(url)}: "
                           f"{str(error.orig if hasattr(error, 'orig') else error).strip().splitlines()[0]}") from None
    except ImportError as error:
        raise ValueError(f"--db {_shown(url)}: its driver is not installed ({error}); "
                         "use postgresql+psycopg2://USER@HOST/DB or sqlite:///PATH") from None
    return ledger


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _unchanged(root: Path, url: str, ledger: Ledger, checksums: dict[tuple[str, str], str]
               ) -> dict[tuple[str, str], Timed]:
    """Submissions graded before with the same checksum, their grades read back from the gradebook."""
    recorded = ledger.graded()
    same = [job for job, checksum in checksums.items() if recorded.get(job, {}).get("checksum") == checksum]
    unchanged = {}
    with steps.api(root, db_url=url).gradebook as gb:
        for student, assignment in same:
            notebook = notebook_path(assignment, root / "source").stem
            if not (root / "autograded" / student / assignment / f"{notebook}.ipynb").is_file():
                continue  # the grades are there but not the graded notebook feedback is made from
            try:
                submission = gb.find_submission_notebook(notebook, assignment, student)
            except MissingEntry:
                continue
            entry = recorded[student, assignment]
            unchanged[student, assignment] = Timed(student, assignment, submission.score, submission.max_score,
                                                   list(entry["notes"]), of_submission(submission, root),
                                                   seconds=entry["seconds"])
    return unchanged


def _run(settings: Settings, todo: list[tuple[str, str, str]], jobs: int, dask: str | None) -> Iterator[Timed]:
    """Grade ``todo`` here (in this process, or ``jobs`` worker processes) or on a Dask cluster."""
    if not todo:
        return
    if dask:
        from autograder.grading import cluster
        root = Path(settings.root)
        yield from cluster.grade(dask, settings, [(s, a, c, _submitted(root, s, a).read_bytes()) for s, a, c in todo])
    elif jobs == 1 or len(todo) == 1:
        for job in todo:
            yield grade_one(settings, *job)
    else:
        yield from _pool(settings, todo, min(jobs, len(todo)))


def _pool(settings: Settings, todo: Iterable[tuple[str, str, str]], jobs: int) -> Iterator[Timed]:
    spawn = multiprocessing.get_context("spawn")  # no forked kernels, sockets or event loops
    with ProcessPoolExecutor(jobs, mp_context=spawn, initializer=warm_up, initargs=(settings, os.getpid())) as pool:
        futures = {pool.submit(grade_one, settings, *job): job for job in todo}
        for future in as_completed(futures):
            student, assignment, _ = futures[future]
            try:
                yield future.result()
            except Exception as error:  # a worker process that died (out of memory, say)
                yield Timed(student, assignment, ungradable=f"its worker process died "
                                                            f"({type(error).__name__}: {error})")


def _missing(found: Collection, student: str, assignment: str) -> list[str]:
    """'missing x.ipynb', unless a problem already says what went wrong with that file."""
    name = f"{notebook_path(assignment).stem}.ipynb"
    explained = any(who == student and name.removesuffix(".ipynb") in text for who, text in found.problems)
    return [] if explained else [f"missing {name}"]


def write_feedback(graded: list[tuple[str, str]], root: Path = COURSE_ROOT, db_url: str | None = None) -> list[Path]:
    """Feedback HTML for each autograded (student, assignment); one failure skips only its report."""
    nbgrader = steps.api(root, db_url=db_url)
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
