"""The nbgrader steps the workshop runs, through nbgrader's Python API."""
from __future__ import annotations

import contextlib
import io
import json
import logging
import re
import shutil
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.apps import NbGraderAPI
from traitlets.config import Config

from autograder.config import CELL_TIMEOUT, nbgrader_config, quiet_environment
from autograder.grading.repair import Ungradable, repair
from autograder.paths import COURSE_ROOT, assignments, notebook_path
from autograder.reports.scores import ScoresCsvExport, Standing, of_submission
from autograder.reports.verdicts import Outcome, read_verdict

UNGRADABLE = "could not be graded"  # how the instructor reads Graded.ungradable


def api(root: Path = COURSE_ROOT, cell_timeout: int = CELL_TIMEOUT, extra: Config | None = None,
        db_url: str | None = None) -> NbGraderAPI:
    """nbgrader's API on the course directory ``root``, configured for this course (``extra`` merged over it).

    The gradebook is ``root``/gradebook.db unless ``db_url`` names another (PostgreSQL, say)."""
    quiet_environment()
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    # nbgrader's own SQLAlchemy and nbformat deprecation chatter is not the instructor's business
    warnings.filterwarnings("ignore", module=r"nbgrader\..*|nbformat\..*|sqlalchemy\..*")
    warnings.filterwarnings("ignore", message=r".*(not in session|missing an id field).*")
    with contextlib.redirect_stderr(io.StringIO()):
        config = nbgrader_config(root, cell_timeout, db_url)
        config.merge(extra or Config())
        return NbGraderAPI(config=config)


def _ok(result: dict, what: str) -> dict:
    if not result["success"]:
        raise RuntimeError(f"{what} failed: {_reason(result)}")
    return result


def release(names: list[str] | None = None, root: Path = COURSE_ROOT, db_url: str | None = None) -> list[Path]:
    """``nbgrader generate_assignment``: write release/ from source/ and record it in the gradebook."""
    nbgrader = api(root, db_url=db_url)
    written = []
    for name in names or assignments(root / "source"):
        _ok(nbgrader.generate_assignment(name, force=True, create=True), f"generate_assignment {name}")
        written += sorted((root / "release" / name).glob("*.ipynb"))
    return written


def release_differences(root: Path = COURSE_ROOT) -> list[str]:
    """Release notebooks that differ from a fresh generation (empty when in sync)."""
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(root / "source", Path(tmp) / "source")
        release(root=Path(tmp))
        fresh = {p.relative_to(Path(tmp) / "release") for p in (Path(tmp) / "release").rglob("*.ipynb")}
        committed = {p.relative_to(root / "release") for p in (root / "release").rglob("*.ipynb")
                     if ".ipynb_checkpoints" not in p.parts}
        problems = [f"release/{p} is missing" for p in sorted(fresh - committed)]
        problems += [f"release/{p} has no source" for p in sorted(committed - fresh)]
        for path in sorted(fresh & committed):
            new = json.loads((Path(tmp) / "release" / path).read_text())
            old = json.loads((root / "release" / path).read_text())
            if new != old:
                problems.append(f"release/{path} differs from source/")
    return problems


@dataclass
class Graded:
    """One autograded notebook: its score and what the instructor should know."""
    student: str
    assignment: str
    score: float | None = None
    max_score: float | None = None
    notes: list[str] = field(default_factory=list)
    standing: Standing | None = None  # core and stretch apart, lateness (autograder.reports.scores)
    ungradable: str | None = None  # why it could not be graded (then it has no score)

    @property
    def lines(self) -> list[str]:
        """The notes as the instructor reads them: ``could not be graded: <reason>`` last."""
        return self.notes + ([f"{UNGRADABLE}: {self.ungradable}"] if self.ungradable is not None else [])


def autograde(student: str, assignment: str, nbgrader: NbGraderAPI) -> Graded:
    """Repair, then ``nbgrader autograde`` one submission and read its score from the gradebook.

    The kernel runs sandboxed (autograder/preprocessors/sandboxed_execute.py); if it died or ran out of time, the
    cells that ran keep their grades, the rest score 0, and a note says where and why.
    """
    notebook = notebook_path(assignment).stem
    graded = Graded(student, assignment)
    submitted = Path(nbgrader.coursedir.root, "submitted", student, assignment, f"{notebook}.ipynb")
    try:
        graded.notes += repair(submitted, assignment)
    except Ungradable as error:
        graded.ungradable = str(error)
        return graded
    except Exception as error:  # whatever is wrong with one file, the class goes on
        graded.ungradable = f"not a readable notebook ({type(error).__name__}: {error})"
        return graded
    _record_name(nbgrader, student)
    result = nbgrader.autograde(assignment, student, force=True, create=True)
    log = result.get("log", "")
    restored = re.findall(r"Missing grade cell (\S+) encountered", log)
    if restored:
        graded.notes.append(f"restored deleted cell(s) {', '.join(restored)} and graded them")
    if not result["success"]:
        graded.ungradable = _reason(result)
        return graded
    with nbgrader.gradebook as gb:
        submission = gb.find_submission_notebook(notebook, assignment, student)
        graded.score, graded.max_score = submission.score, submission.max_score
        graded.standing = of_submission(submission, Path(nbgrader.coursedir.root))
        manual = [g.name for g in submission.grades if g.needs_manual_grade]
    autograded = nbformat.read(Path(nbgrader.coursedir.root, "autograded", student, assignment,
                                    f"{notebook}.ipynb"), as_version=4)
    executed = autograded.metadata.get("workshop", {})  # what SandboxedExecute saw
    if executed.get("timed_out"):
        graded.notes.append(f"cell(s) {', '.join(executed['timed_out'])} timed out after "
                            f"{nbgrader.config.Execute.timeout} s")
    stopped = executed.get("stopped")
    if stopped:
        graded.notes.append(f"{stopped}; the cells after it scored 0")
    else:  # a stopped kernel's later cells are silent anyway: one note says it
        graded.notes += _unanswered(Path(nbgrader.coursedir.root), student, assignment)
    if manual:
        graded.notes.append(f"needs manual grading: {', '.join(manual)}")
    return graded


def _unanswered(root: Path, student: str, assignment: str) -> list[str]:
    """A note when test cells sent no answers (skipped, stopped early, tampered with)."""
    verdict = read_verdict(root, student, assignment)
    silent = [c.grade_id for c in verdict.cells if c.outcome is Outcome.UNANSWERED] if verdict else []
    if not silent:
        return []
    return [f"no answers from {', '.join(silent)}: those cells did not run to the end (0 points each)"]


def _record_name(nbgrader: NbGraderAPI, student: str) -> None:
    """The participant's name as submitted (kept by collect), in the gradebook, for the export."""
    from autograder.grading.collect import participant_name
    name = participant_name(Path(nbgrader.coursedir.root, "submitted", student))
    if name:
        first, _, last = name.partition(" ")
        with nbgrader.gradebook as gb:  # one short transaction
            gb.update_or_create_student(student, first_name=first, last_name=last)


def _reason(result: dict) -> str:
    """The underlying exception in nbgrader's log, as one line."""
    text = (result.get("log") or "") + "\n" + (result.get("error") or "")
    causes = [m for m in re.findall(r"^\s*(\w+(?:Error|Exception)\b.*)$", text, re.M) if "NbGrader" not in m]
    return causes[0] if causes else "nbgrader failed; run `nbgrader autograde` for the full log"


def feedback(student: str, assignment: str, nbgrader: NbGraderAPI) -> Path:
    """``nbgrader generate_feedback``: the learner's HTML report, hidden tests removed."""
    _ok(nbgrader.generate_feedback(assignment, student, force=True), f"generate_feedback {student}/{assignment}")
    return Path(nbgrader.coursedir.root, "feedback", student, assignment, f"{notebook_path(assignment).stem}.html")


def export(nbgrader: NbGraderAPI, to: Path) -> Path:
    """``nbgrader export``: one row per student and assignment, as CSV, with nbgrader's columns and then
    the core and stretch points apart, ``core_done`` and ``seconds_late`` (autograder.reports.scores)."""
    with nbgrader.gradebook as gb:
        ScoresCsvExport(to=str(to), root=str(nbgrader.coursedir.root), parent=nbgrader).export(gb)
    return to
