"""Hidden checks as questions and answers.

A ``Check`` belongs to one graded test cell. ``ask`` draws its questions (plain
data: the inputs, seeded per grading run, plus the contract's edge cases);
the grading kernel answers them with ``course.answering.answers``; ``judge`` then runs in
the grader's own process and raises ``CheckFailed`` with the learner's message
when an answer is wrong. Each ``autograder.hidden.<notebook>`` module lists its
checks in ``CHECKS``, keyed by the test cell's ``grade_id``.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograder.paths import notebook_path
from course.answering import answers, wire


@dataclass(frozen=True)
class Check:
    """The questions of one test cell and how its answers are judged."""
    ask: Callable[[np.random.Generator], list[dict]]
    judge: Callable[[list[dict], list[dict]], None]


def checks(assignment: str) -> dict[str, Check]:
    """The checks of ``assignment`` by grade id (its module's, then those of its ``PARTS``)."""
    from autograder.hidden import PARTS

    stem = notebook_path(assignment).stem
    found = {}
    for name in (stem, *PARTS.get(stem, ())):
        found.update(importlib.import_module(f"autograder.hidden.{name}").CHECKS)
    return found


def ask(assignment: str, seed: int) -> dict[str, list[dict]]:
    """Every question of ``assignment`` for one grading run, by grade id."""
    return {grade_id: check.ask(np.random.default_rng([seed, index]))
            for index, (grade_id, check) in enumerate(checks(assignment).items())}


def judged(assignment: str, grade_id: str, *subjects: Any, seed: int = 0) -> None:
    """Ask, answer in this process and judge one cell: the whole round trip, no kernel.

    Questions and answers go through the same files as in grading, so what the
    judge sees is exactly what a kernel could send.
    """
    check = checks(assignment)[grade_id]
    questions = check.ask(np.random.default_rng([seed, 0]))
    received = wire.loads(wire.dumps(questions))
    records = [answers.ask(question, subjects) for question in received]
    check.judge(questions, wire.loads(wire.dumps(records)))
