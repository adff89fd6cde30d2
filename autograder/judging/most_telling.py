"""Judge every answer of a cell, then report the failure that teaches most."""
from __future__ import annotations

from collections.abc import Callable

from autograder.judging.answered import matching
from course.checking import CheckFailed


def most_telling(failures: list[CheckFailed]) -> CheckFailed:
    """The failure with the diagnosis most wrong answers share, else the first.

    At some inputs two slips give the same output (at x = 0, zeros is also the
    identity; on one sample, summing is averaging): the diagnosis that explains
    the most answers is the one meant, and a diagnosis teaches more than an
    error that one input alone provokes.
    """
    diagnoses = [f.diagnosis for f in failures if f.diagnosis]
    if not diagnoses:
        return failures[0]
    meant = max(dict.fromkeys(diagnoses), key=diagnoses.count)  # ties: the first seen
    return next(f for f in failures if f.diagnosis == meant)


def judge_each(questions: list[dict], records: list[dict], judge: Callable[[list[dict], list[dict]], None]) -> None:
    """``judge`` on each question and its answer alone; raises the most telling failure."""
    failures = []
    for question, record in zip(questions, matching(questions, records, dicts=False), strict=True):
        try:
            judge([question], [record])
        except CheckFailed as failure:
            failures.append(failure)
    if failures:
        raise most_telling(failures)
