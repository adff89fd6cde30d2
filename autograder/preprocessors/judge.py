"""``Judge``, the step after nbgrader's ``Execute``: each test cell's answers judged, its outputs the verdict.

``Judge`` reads each test cell's answers with the strict reader of ``course.answering.wire``,
judges them against the reference in this process (the questions ``AskQuestions`` kept in memory),
and makes the cell's outputs say the verdict: an error with the learner's message, or a line saying
it passed. nbgrader's SaveAutoGrades, feedback and export then work unchanged, and nothing the
kernel printed, patched or tagged decides a score. The verdicts are also written as JSON
(``verdicts/<student>/<assignment>.json``, ``autograder.reports.verdicts``) for the instructor's report.
"""
from __future__ import annotations

import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

from nbformat.v4 import new_output
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from autograder.judging import questions
from autograder.judging.interruptions import not_graded, undefined_hint
from autograder.preprocessors.ask_questions import grading_folder
from autograder.reports.verdicts import CellVerdict, Outcome, Verdict, write_verdict
from course.answering import wire
from course.checking import CheckFailed


class Judge(NbGraderPreprocessor):
    """Judge each test cell's answers; the cell's outputs become the verdict."""

    verdicts_dir = Unicode("", help="Folder for the verdicts as JSON (none written if empty).").tag(config=True)

    def preprocess(self, nb, resources):
        state = resources.get("workshop") or {}
        assignment = resources["nbgrader"]["assignment"]
        checks = questions.checks(assignment)
        folder = grading_folder(resources)
        cells, metrics = [], {}
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or not utils.is_grade(cell):
                continue
            grade_id = cell.metadata.nbgrader["grade_id"]
            outcome, message, diagnosis = self._judge(grade_id, nb.cells, index, checks.get(grade_id), state, folder,
                                                      metrics)
            cell.outputs = [_output(grade_id, outcome, message)]
            points = float(cell.metadata.nbgrader.get("points", 0))
            passed = outcome is Outcome.PASSED
            cells.append(CellVerdict(grade_id, points if passed else 0.0, points, outcome,
                                     None if passed else message, diagnosis))
        shutil.rmtree(folder, ignore_errors=True)
        self._write(resources, state, cells, metrics)
        return nb, resources

    def _judge(self, grade_id, cells, index, check, state, folder, metrics) -> tuple[Outcome, str, str | None]:
        """(outcome, message, diagnosis) of the test cell ``cells[index]``."""
        if check is None:
            return Outcome.FAILED, f"the grader has no check for {grade_id}; tell your instructor.", None
        interruptions = state.get("interruptions") or []  # cells that timed out, where the kernel died
        path = folder / "answers" / f"{grade_id}.npz"
        if not path.exists():
            return _unanswered(cells[index], not_graded(cells, index, _first_error(cells[index]), interruptions))
        try:
            content = wire.load(path)
        except wire.WireError as error:
            return Outcome.FAILED, f"the answers of this cell could not be read: {error}.", None
        if not isinstance(content, dict) or content.get("token") != state.get("token") \
                or content.get("grade_id") != grade_id:
            return Outcome.FAILED, ("the answers of this cell were not written for this grading run's questions; "
                                    "run the notebook from the top and submit it again."), None
        if "too_large" in content:
            return Outcome.FAILED, (f"the answers of this cell were too large to grade "
                                    f"({content['too_large']})."), None
        try:
            measured = check.judge(state["questions"][grade_id], content.get("answers"))
        except CheckFailed as failure:
            metrics.update(failure.metrics)  # a model that missed its target still has a score
            hint = undefined_hint(cells, index, content.get("answers"), interruptions)  # a NameError after a timeout
            return Outcome.FAILED, f"{failure} — {hint}" if hint else str(failure), failure.diagnosis
        except NotImplementedError as unfinished:
            return Outcome.UNFINISHED, str(unfinished), None
        except Exception as error:  # an answer the comparisons cannot take: the learner's, never the class's
            return Outcome.FAILED, (f"the grader could not compare what your code returned "
                                    f"({type(error).__name__}: {str(error)[:200]}); "
                                    "return the type the task asks for."), None
        metrics.update(measured or {})  # what a check measured, e.g. a model's accuracy
        return Outcome.PASSED, f"{grade_id}: passed every case the grader checked.", None

    def _write(self, resources, state, cells: list[CellVerdict], metrics: dict[str, float]) -> None:
        if not self.verdicts_dir:
            return
        info = resources["nbgrader"]
        write_verdict(Path(self.verdicts_dir), Verdict(
            info["student"], info["assignment"], datetime.now(UTC),
            round(time.time() - state.get("started", time.time()), 2), cells, metrics, info["notebook"],
            state.get("seed")))


def _first_error(cell) -> dict | None:
    return next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)


def _unanswered(cell, interrupted: str | None = None) -> tuple[Outcome, str, str | None]:
    """A cell that recorded no answers scores 0; a cell above that timed out or a dead kernel (``interrupted``:
    the learner's message), else the kernel's own error, if any, says why."""
    if interrupted:
        return Outcome.UNANSWERED, interrupted, None
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    if errors and errors[0].get("ename") == "NotImplementedError":
        return Outcome.UNFINISHED, str(errors[0].get("evalue", ""))[:2000], None
    if errors:
        return Outcome.UNANSWERED, (f"this cell stopped before the grader's questions were answered: "
                                    f"{errors[0].get('ename')}: {str(errors[0].get('evalue', ''))[:2000]}"), None
    return Outcome.UNANSWERED, ("the grader's questions for this cell were never answered: the cell did not "
                                "run (it was skipped, or the kernel stopped before it). Run the notebook from the "
                                "top and submit it again."), None


def _output(grade_id: str, outcome: Outcome, message: str):
    if outcome is Outcome.PASSED:
        return new_output("stream", name="stdout", text=f"✔ {message}\n")
    ename = "NotImplementedError" if outcome is Outcome.UNFINISHED else "CheckFailed"
    return new_output("error", ename=ename, evalue=message, traceback=[f"\x1b[0;31m{ename}\x1b[0m: {message}"])
