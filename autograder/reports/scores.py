"""Core and stretch, and lateness: the one place that splits a participant's score.

Which graded cells are stretch tasks is read from the tags of the assignment's *source* notebook
(a test cell tagged ``stretch``, see docs/AUTHORING.md); nbgrader's gradebook does not store tags.
Every other graded cell counts toward the core. A participant with the core's full points is
*done* with that notebook, whatever they did of the stretch.

Lateness is nbgrader's: ``SubmittedAssignment.total_seconds_late`` (the submission's timestamp past
the assignment's due date and any extension) and the late penalty its ``LateSubmissionPlugin`` gave.
"""
from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader.api import Assignment, Grade, GradeCell, SubmittedAssignment, SubmittedNotebook
from nbgrader.plugins.export import CsvExportPlugin
from sqlalchemy import func
from traitlets import Unicode

STRETCH = "stretch"  # the tag of a stretch task's cells (docs/AUTHORING.md)
_cache: dict[tuple[str, float], frozenset[str]] = {}


def stretch_ids(root: Path, assignment: str) -> frozenset[str]:
    """Grade ids of the graded cells tagged ``stretch`` in ``root``/source/``assignment``'s notebook
    (empty when the assignment has no source there)."""
    notebooks = sorted(Path(root, "source", assignment).glob("*.ipynb"))
    if not notebooks:
        return frozenset()
    key = (str(notebooks[0]), notebooks[0].stat().st_mtime)
    if key not in _cache:
        notebook = nbformat.read(notebooks[0], as_version=4)
        _cache[key] = frozenset(
            c.metadata.nbgrader["grade_id"] for c in notebook.cells
            if c.metadata.get("nbgrader", {}).get("grade") and "grade_id" in c.metadata.nbgrader
            and STRETCH in (c.metadata.get("tags") or []))
    return _cache[key]


@dataclass(frozen=True)
class Standing:
    """One participant's graded notebook: core and stretch points apart, and how late it came."""
    core: float
    core_max: float
    stretch: float = 0.0
    stretch_max: float = 0.0
    seconds_late: float = 0.0
    penalty: float = 0.0  # points nbgrader's late penalty took off

    @property
    def done(self) -> bool:
        """The core's full points: this notebook is finished, stretch or not."""
        return self.core >= self.core_max - 1e-9

    @property
    def late(self) -> bool:
        return self.seconds_late > 0

    def points(self) -> str:
        """``core 40/45 · stretch 6/20`` (the stretch part only where the notebook has stretch tasks)."""
        text = f"core {self.core:g}/{self.core_max:g}"
        return text + (f" · stretch {self.stretch:g}/{self.stretch_max:g}" if self.stretch_max else "")

    def lateness(self) -> str:
        """``late 1 h 05 min (−3 points)``, or empty when on time."""
        if not self.late:
            return ""
        return f"late {duration(self.seconds_late)}" + (f" (−{self.penalty:g} points)" if self.penalty else "")


def duration(seconds: float) -> str:
    """A lateness for people: ``40 s``, ``12 min``, ``1 h 05 min``, ``2 d 3 h``."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if hours < 1:
        return f"{minutes} min"
    if days < 1:
        return f"{hours} h {minutes % 60:02d} min"
    return f"{days} d {hours % 24} h"


def split(grades: Iterable[tuple[str, float | None, float]], stretch: frozenset[str] | set[str],
          seconds_late: float = 0.0, penalty: float = 0.0) -> Standing:
    """(grade id, score, max score) of each graded cell → the notebook's Standing."""
    points = {True: [0.0, 0.0], False: [0.0, 0.0]}
    for grade_id, score, max_score in grades:
        part = points[grade_id in stretch]
        part[0] += score or 0.0
        part[1] += max_score or 0.0
    (core, core_max), (extra, extra_max) = points[False], points[True]
    return Standing(core, core_max, extra, extra_max, seconds_late=float(seconds_late or 0.0),
                    penalty=float(penalty or 0.0))


def of_submission(submission: SubmittedNotebook, root: Path) -> Standing:
    """The Standing of one of nbgrader's submitted notebooks, read through its ORM object."""
    assignment = submission.assignment
    return split(((g.name, g.score, g.max_score) for g in submission.grades),
                 stretch_ids(root, assignment.assignment.name), assignment.total_seconds_late,
                 submission.late_submission_penalty)


def seconds_late(timestamp, duedate, extension) -> float:
    """nbgrader's ``SubmittedAssignment.total_seconds_late``, from its columns."""
    if timestamp is None or duedate is None:
        return 0.0
    due = duedate + extension if extension is not None else duedate
    return max(0.0, (timestamp - due).total_seconds())


def standings(db, root: Path) -> dict[tuple[str, str], Standing]:
    """Every graded submission in the gradebook (a SQLAlchemy session, ``gradebook.db``) by
    (student, assignment), in two queries."""
    grades = defaultdict(list)
    for assignment, student, grade_id, score, max_score in (
            db.query(Assignment.name, SubmittedAssignment.student_id, GradeCell.name, Grade.score, GradeCell.max_score)
            .select_from(Grade).join(GradeCell, Grade.cell_id == GradeCell.id)
            .join(Grade.notebook).join(SubmittedNotebook.assignment).join(SubmittedAssignment.assignment)):
        grades[(student, assignment)].append((grade_id, score, max_score))
    penalties = {(student, assignment): penalty or 0.0 for assignment, student, penalty in (
        # nbgrader's SubmittedAssignment.late_submission_penalty, summed in one query (its column property
        # runs a subquery per row)
        db.query(Assignment.name, SubmittedAssignment.student_id, func.sum(SubmittedNotebook.late_submission_penalty))
        .select_from(SubmittedNotebook).join(SubmittedNotebook.assignment).join(SubmittedAssignment.assignment)
        .group_by(SubmittedAssignment.id, Assignment.name, SubmittedAssignment.student_id))}
    late = {}
    for assignment, student, timestamp, duedate, extension in (
            db.query(Assignment.name, SubmittedAssignment.student_id, SubmittedAssignment.timestamp,
                     Assignment.duedate, SubmittedAssignment.extension)
            .select_from(SubmittedAssignment).join(SubmittedAssignment.assignment)):
        late[(student, assignment)] = (seconds_late(timestamp, duedate, extension),
                                       penalties.get((student, assignment), 0.0))
    stretch = {assignment: stretch_ids(root, assignment) for assignment in {a for _, a in grades}}
    return {pair: split(cells, stretch[pair[1]], *late.get(pair, (0.0, 0.0))) for pair, cells in grades.items()}


def total(parts: Iterable[Standing]) -> Standing:
    """Several notebooks' Standings added up (lateness: the latest)."""
    parts = list(parts)
    return Standing(sum(p.core for p in parts), sum(p.core_max for p in parts), sum(p.stretch for p in parts),
                    sum(p.stretch_max for p in parts), max((p.seconds_late for p in parts), default=0.0),
                    sum(p.penalty for p in parts))


# --- the export: nbgrader's CSV columns, then core, stretch, done and lateness --------------------------

EXTRA_COLUMNS = ["core_score", "core_max", "stretch_score", "stretch_max", "core_done", "seconds_late"]


class ScoresCsvExport(CsvExportPlugin):
    """nbgrader's CSV export (its columns first, unchanged), one row per participant and assignment,
    with the core and stretch points apart, whether the core is finished (1/0) and the seconds the
    submission came late (0 when on time or not handed in)."""

    root = Unicode("", help="the course folder (for the source notebooks' stretch tags)").tag(config=True)

    def export(self, gradebook) -> None:
        keys = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
                "raw_score", "late_submission_penalty", "score", "max_score", *EXTRA_COLUMNS]
        root = Path(self.root or self.parent.coursedir.root)
        standing = standings(gradebook.db, root)
        submitted = {(s.student_id, a.name): s for a in gradebook.assignments for s in a.submissions}
        with open(self.to or "grades.csv", "w", newline="", encoding="utf-8") as file:
            writer = csv.DictWriter(file, keys, lineterminator="\n")
            writer.writeheader()
            for assignment in gradebook.assignments:
                if self.assignment and assignment.name not in self.assignment:
                    continue
                cells = [(c.name, 0.0, c.max_score) for n in assignment.notebooks for c in n.grade_cells]
                empty = split(cells, stretch_ids(root, assignment.name))
                for student in gradebook.students:
                    if self.student and student.id not in self.student:
                        continue
                    row = {"assignment": assignment.name, "duedate": assignment.duedate or "",
                           "student_id": student.id, "last_name": student.last_name or "",
                           "first_name": student.first_name or "", "email": student.email or "",
                           "max_score": assignment.max_score}
                    submission = submitted.get((student.id, assignment.name))
                    if submission is None:
                        row |= {"timestamp": "", "raw_score": 0.0, "late_submission_penalty": 0.0, "score": 0.0}
                        part = empty
                    else:
                        penalty = submission.late_submission_penalty or 0.0
                        row |= {"timestamp": submission.timestamp or "", "raw_score": submission.score,
                                "late_submission_penalty": penalty,
                                "score": max(0.0, submission.score - penalty)}
                        part = standing.get((student.id, assignment.name), empty)
                    row |= {"core_score": part.core, "core_max": part.core_max, "stretch_score": part.stretch,
                            "stretch_max": part.stretch_max, "core_done": int(submission is not None and part.done),
                            "seconds_late": part.seconds_late if submission is not None else 0.0}
                    writer.writerow(row)


def done_counts(by_pair: Mapping[tuple[str, str], Standing]) -> dict[str, tuple[int, int]]:
    """Per assignment: (participants who finished its core, participants graded on it)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (_, assignment), standing in by_pair.items():
        counts[assignment][0] += standing.done
        counts[assignment][1] += 1
    return {a: (done, graded) for a, (done, graded) in counts.items()}
