"""The judge's verdicts, read back: the one place that reads their file format (``judge.Judge`` writes it).

One JSON file per graded notebook, ``<course root>/verdicts/<student>/<assignment>.json``::

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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from autograder.preprocessors.judge import VERDICTS  # the folder the Judge writes them to


@dataclass(frozen=True)
class CellVerdict:
    """The verdict on one graded cell."""
    grade_id: str
    points: float
    max_points: float
    outcome: str  # passed, failed, unfinished or unanswered
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


def _parse(data: dict) -> Verdict:
    if data.get("format", 1) != 1:
        raise ValueError(f"format {data.get('format')!r}; this autograder reads format 1")
    graded_at = datetime.fromisoformat(data["graded_at"]) if data.get("graded_at") else None
    if graded_at is not None and graded_at.tzinfo is None:
        graded_at = graded_at.replace(tzinfo=UTC)  # the judge writes UTC
    cells = [CellVerdict(c["grade_id"], float(c.get("points") or 0.0), float(c.get("max_points") or 0.0),
                         c.get("outcome") or "unanswered", c.get("message"), c.get("diagnosis"))
             for c in data.get("cells", [])]
    seconds = data.get("seconds")
    return Verdict(data["student"], data["assignment"], graded_at, None if seconds is None else float(seconds),
                   cells, {k: float(v) for k, v in (data.get("metrics") or {}).items() if v is not None})


def read_verdicts(root: Path) -> tuple[dict[tuple[str, str], Verdict], list[str]]:
    """Every verdict under ``root`` by (student, assignment), and one line per file that could not be read."""
    verdicts, problems = {}, []
    for path in sorted(Path(root, VERDICTS).glob("*/*.json")):
        try:
            verdict = _parse(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as error:
            problems.append(f"{path.relative_to(root)} is not a readable verdict file "
                            f"({type(error).__name__}: {error}); grade that notebook again")
            continue
        verdicts[(verdict.student, verdict.assignment)] = verdict
    return verdicts, problems
