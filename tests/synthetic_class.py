"""A class of any size without grading anyone: a gradebook written through nbgrader's API and
verdict files as the judge writes them, with known mistakes. For tests/test_report.py and
scripts/benchmark.py."""
from __future__ import annotations

import functools
import json
import random
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Grade, Student, SubmittedAssignment, SubmittedNotebook, new_uuid
from sqlalchemy import insert

from autograder.authoring.validate import graded_cells
from autograder.grading import steps
from autograder.grading.collect import Collection
from autograder.paths import SOURCE, assignments, notebook_path
from autograder.reports.tables import save_notes

# Mistakes a synthetic participant makes: (outcome, message template, diagnosis). The values in
# braces differ between participants; the same mistake must still group together.
MISTAKES = [
    ("failed", "{cell}({a}, [{b}, {c}], {d}) returned {e}; expected {f}.", "The bias b is missing."),
    ("failed", "{cell}(np.array([{a}, {b}], dtype=float32)) returned a list; expected a NumPy array "
               "(wrap the result in np.asarray).", None),
    ("failed", "{cell}({a}) returned an array of shape ({n}, {m}); expected shape ({m}, {n}).", None),
    ("unfinished", "{cell} is not implemented yet: replace `raise NotImplementedError()` with your code.", None),
    ("unanswered", None, None),
]


@functools.cache
def _stem(assignment: str) -> str:
    return notebook_path(assignment).stem


def verdict_file(root: Path, student: str, assignment: str, cells: list[dict], seconds: float = 1.5,
                 graded_at: str = "2026-12-01T12:00:00+00:00", metrics: dict | None = None) -> Path:
    """A verdict file as the judge writes it (format 1)."""
    path = Path(root, "verdicts", student, f"{assignment}.json")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "format": 1, "student": student, "assignment": assignment, "notebook": _stem(assignment),
        "graded_at": graded_at, "seconds": seconds, "seed": 1, "cells": cells, "metrics": metrics or {}}))
    return path


def cell(grade_id: str, max_points: float, outcome: str = "passed", message: str | None = None,
         diagnosis: str | None = None) -> dict:
    return {"grade_id": grade_id, "points": max_points if outcome == "passed" else 0.0, "max_points": max_points,
            "outcome": outcome, "message": message, "diagnosis": diagnosis}


def course_cells(names: list[str]) -> dict[str, list[tuple[str, float]]]:
    """Graded cells (grade id, points) of each assignment, in notebook order, from source/."""
    return {a: [(g, float(c.metadata.nbgrader["points"]))
                for g, c in graded_cells(nbformat.read(notebook_path(a), as_version=4)).items()] for a in names}


@functools.cache
def _empty_gradebook() -> Path:
    """A new gradebook costs nbgrader a call of `alembic` (seconds): made once, copied after."""
    root = Path(tempfile.mkdtemp(prefix="empty-gradebook-"))
    with steps.api(root).gradebook:
        pass
    return root / "gradebook.db"


def empty_course(root: Path, names: list[str]) -> dict[str, list[tuple[str, float]]]:
    """A course folder with the source notebooks (for the cells' order) and a gradebook holding the
    assignments, their notebooks and graded cells."""
    cells = course_cells(names)
    for name in names:
        (root / "source" / name).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(notebook_path(name), root / "source" / name / notebook_path(name).name)
    shutil.copyfile(_empty_gradebook(), root / "gradebook.db")
    with steps.api(root).gradebook as gb:
        for name in names:
            gb.add_assignment(name)
            stem = notebook_path(name).stem
            gb.add_notebook(stem, name)
            for grade_id, points in cells[name]:
                gb.add_grade_cell(grade_id, stem, name, max_score=points, cell_type="code")
    return cells


def add_submissions(root: Path, graded: dict[tuple[str, str], dict[str, float]],
                    names: dict[str, tuple[str | None, str | None]]) -> None:
    """Students (with the names they submitted) and their graded notebooks: (student, assignment) →
    grade id → points. Into nbgrader's tables through its session, as bulk inserts (seconds faster
    than an ORM object per grade)."""
    with steps.api(root).gradebook as gb:
        gb.db.add_all(Student(id=student, first_name=first, last_name=last) for student, (first, last) in names.items())
        notebooks = {a.name: [(n.id, {c.name: c.id for c in n.grade_cells}) for n in a.notebooks]
                     for a in gb.assignments}
        assignment_ids = {a.name: a.id for a in gb.assignments}
        submissions, submitted, grades = [], [], []
        for (student, assignment), points in graded.items():
            submissions.append({"id": new_uuid(), "assignment_id": assignment_ids[assignment], "student_id": student})
            for notebook_id, cell_ids in notebooks[assignment]:
                submitted.append({"id": new_uuid(), "notebook_id": notebook_id, "assignment_id": submissions[-1]["id"]})
                grades += [{"id": new_uuid(), "cell_id": cell_id, "notebook_id": submitted[-1]["id"],
                            "auto_score": points[name], "needs_manual_grade": False}
                           for name, cell_id in cell_ids.items()]
        for model, rows in ((SubmittedAssignment, submissions), (SubmittedNotebook, submitted), (Grade, grades)):
            if rows:
                gb.db.execute(insert(model), rows)
        gb.db.commit()


@dataclass
class Synthetic:
    root: Path
    students: list[str]
    ungradable: list[tuple[str, str]] = field(default_factory=list)


def synthetic_class(root: Path, size: int, names: list[str] | None = None, seed: int = 0) -> Synthetic:
    """``size`` participants on ``names`` (default: every assignment): most cells passed, the rest one
    of MISTAKES with the participant's own values; every 50th participant's first notebook a corrupt
    file; 06 with leaderboard metrics."""
    rng = random.Random(seed)
    names = names or assignments(SOURCE)
    cells = empty_course(root, names)
    students = [f"p{i:04d}" for i in range(size)]
    people = {s: (f"First{i}", f"Last{i}") if i % 7 else (None, None) for i, s in enumerate(students)}
    graded, results, found = {}, [], Collection()
    for i, student in enumerate(students):
        for position, assignment in enumerate(names):
            if position == 0 and i % 50 == 49:
                unusable = (student, f"{student}_{_stem(assignment)}.ipynb is not a valid notebook "
                                     "(JSONDecodeError: Expecting value); ask for a fresh copy")
                found.problems.append(unusable)
                found.assignment_of[unusable] = assignment
                results.append(steps.Graded(student, assignment))
                continue
            verdict = []
            for grade_id, points in cells[assignment]:
                if rng.random() < 0.7:
                    verdict.append(cell(grade_id, points))
                    continue
                outcome, template, diagnosis = rng.choice(MISTAKES)
                values = {k: round(rng.uniform(-3, 3), rng.randint(1, 3)) for k in "abcdef"}
                message = template and template.format(cell=grade_id.removeprefix("test_"), n=rng.randint(2, 9),
                                                       m=rng.randint(10, 30), **values)
                verdict.append(cell(grade_id, points, outcome, message, diagnosis))
            metrics = ({"accuracy": round(rng.uniform(0.8, 0.99), 4), "sheet_reading": round(rng.uniform(0.5, 1), 4)}
                       if assignment == "06-pipeline" else {})
            verdict_file(root, student, assignment, verdict, seconds=round(rng.uniform(1, 9), 2), metrics=metrics)
            graded[(student, assignment)] = {c["grade_id"]: c["points"] for c in verdict}
            results.append(steps.Graded(student, assignment, sum(c["points"] for c in verdict),
                                        sum(c["max_points"] for c in verdict)))
    add_submissions(root, graded, people)
    save_notes(results, found, root)
    return Synthetic(root, students, [(r.student, r.assignment) for r in results if r.score is None])
