"""The judge's verdicts: the one place that writes and reads their file format.

One JSON file per graded notebook, ``<course root>/verdicts/<student>/<assignment>.json``, written by
``Judge`` and read by the reports::

    {"format": 1, "student": "ada", "assignment": "01-neurons", "notebook": "neurons",
     "graded_at": "2026-12-01T12:00:00+00:00", "seconds": 2.1, "seed": 123456,
     "cells": [{"grade_id": "test_weighted_sum", "points": 0.0, "max_points": 2.0,
                "outcome": "passed" | "failed" | "unfinished" | "unanswered",
                "message": "..." or null, "diagnosis": "..." or null}],
     "metrics": {"accuracy": 0.977, "sheet_reading": 0.962, "challenge": 0.91}}

``challenge`` (06: the share of digits read on the grader's harder sheets) ranks the class challenge
(``leaderboard``).
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

VERDICTS = "verdicts"  # the folder of verdicts in a course directory


class Outcome(StrEnum):
    """How a graded cell ended; equal to its string in the file."""
    PASSED = "passed"
    FAILED = "failed"
    UNFINISHED = "unfinished"  # NotImplementedError: the exercise still to do
    UNANSWERED = "unanswered"  # the cell sent no answers


@dataclass(frozen=True)
class CellVerdict:
    """The verdict on one graded cell."""
    grade_id: str
    points: float
    max_points: float
    outcome: Outcome
    message: str | None = None
    diagnosis: str | None = None


@dataclass(frozen=True)
class Verdict:
    """The verdicts on one graded notebook."""
    student: str
    assignment: str
    graded_at: datetime | None
    seconds: float | None
    cells: list[CellVerdict] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)
    notebook: str | None = None
    seed: int | None = None  # of the grader's questions


def verdict_path(verdicts: Path, student: str, assignment: str) -> Path:
    """Where the verdicts of one graded notebook are kept (``verdicts`` = ``<course>/verdicts``)."""
    return Path(verdicts, student, f"{assignment}.json")


def write_verdict(verdicts: Path, verdict: Verdict) -> Path:
    """Write ``verdict`` under the folder ``verdicts``, whole or not at all."""
    data = {"format": 1, "student": verdict.student, "assignment": verdict.assignment, "notebook": verdict.notebook,
            "graded_at": verdict.graded_at.isoformat(timespec="seconds") if verdict.graded_at else None,
            "seconds": verdict.seconds, "seed": verdict.seed, "cells": [asdict(c) for c in verdict.cells],
            "metrics": verdict.metrics}
    path = verdict_path(verdicts, verdict.student, verdict.assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(data, indent=1), encoding="utf-8")
    partial.replace(path)
    return path


def _parse(data: dict) -> Verdict:
    if data.get("format", 1) != 1:
        raise ValueError(f"format {data.get('format')!r}; this autograder reads format 1")
    graded_at = datetime.fromisoformat(data["graded_at"]) if data.get("graded_at") else None
    if graded_at is not None and graded_at.tzinfo is None:
        graded_at = graded_at.replace(tzinfo=UTC)  # the judge writes UTC
    cells = [CellVerdict(c["grade_id"], float(c.get("points") or 0.0), float(c.get("max_points") or 0.0),
                         Outcome(c.get("outcome") or Outcome.UNANSWERED), c.get("message"), c.get("diagnosis"))
             for c in data.get("cells", [])]
    seconds = data.get("seconds")
    return Verdict(data["student"], data["assignment"], graded_at, None if seconds is None else float(seconds),
                   cells, {k: float(v) for k, v in (data.get("metrics") or {}).items() if v is not None},
                   data.get("notebook"), data.get("seed"))


def _read(path: Path) -> Verdict:
    return _parse(json.loads(path.read_text(encoding="utf-8")))


_UNREADABLE = (OSError, ValueError, KeyError, TypeError)  # what a damaged or foreign file raises


def read_verdict(root: Path, student: str, assignment: str) -> Verdict | None:
    """The verdict on one notebook graded under ``root``; None if there is none or it cannot be read."""
    try:
        return _read(verdict_path(Path(root, VERDICTS), student, assignment))
    except _UNREADABLE:
        return None


def read_verdicts(root: Path) -> tuple[dict[tuple[str, str], Verdict], list[str]]:
    """Every verdict under ``root`` by (student, assignment), and one line per file that could not be read."""
    verdicts, problems = {}, []
    for path in sorted(Path(root, VERDICTS).glob("*/*.json")):
        try:
            verdict = _read(path)
        except _UNREADABLE as error:
            problems.append(f"{path.relative_to(root)} is not a readable verdict file "
                            f"({type(error).__name__}: {error}); grade that notebook again")
            continue
        verdicts[(verdict.student, verdict.assignment)] = verdict
    return verdicts, problems
