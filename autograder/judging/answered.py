"""What most hidden checks do: ask for the learner's function on many inputs,
then compare each answer with the reference, with ``course.checking``'s messages."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from course.answering.answers import resolve
from course.answering.wire import Opaque
from course.checking import ATOL, RTOL, CheckFailed, expect_answered, expect_array, signature, with_hint


def calls(name: str, cases: Iterable[tuple], **question: Any) -> list[dict]:
    """One question per tuple of arguments: call the cell's function ``name`` on them."""
    return [{"name": name, "args": list(args), **question} for args in cases]


def answered(questions: list[dict], records: list[dict], hint: Callable[..., str] | None = None
             ) -> Iterator[tuple[list, str, Any]]:
    """(arguments, where, value) for each question whose answer is a value; the
    learner's message for the first that raised, warned or changed its input, with
    ``hint(*arguments)`` (what is special about that input) added."""
    if not isinstance(records, list) or len(records) != len(questions):
        raise CheckFailed("the answers recorded for this cell do not match the grader's questions; "
                          "run the notebook from the top and submit it again.")
    for question, record in zip(questions, records, strict=False):
        args = resolve(question.get("args", []))
        where = signature(question.get("name", "your function"), question.get("args", []), question.get("kwargs"))
        try:
            if not isinstance(record, dict):
                raise CheckFailed(f"{where}: the recorded answer is not readable.")
            got = expect_answered(record, where)
            if isinstance(got, Opaque):
                raise CheckFailed(f"{where} returned {got.type_name}, which the grader cannot read; "
                                  "return the type the task asks for (a NumPy array, a number, a list).")
        except CheckFailed as failure:
            raise with_hint(failure, hint(*args) if hint else "") from None
        yield args, where, got


def elementwise_inputs(seed: int, scale: float = 3.0, include_extremes: bool = True) -> Iterator[Any]:
    """The contract's inputs for an elementwise function, then seeded random arrays.

    0 and negatives, Python scalars and ints, 0-d and n-d arrays, lists,
    float32 and integer arrays, and ±1000 when ``include_extremes``.
    """
    rng = np.random.default_rng(seed)
    yield from (0.0, -1.5, 2.0, 3, np.float64(-0.25), np.array(0.75), [-2.0, -0.5, 0.0, 0.5, 2.0])
    yield np.arange(-4, 5)                                   # integers
    yield np.linspace(-3, 3, 13).astype(np.float32)          # float32
    for shape in [(7,), (3, 4), (2, 3, 4), (1, 5)]:
        yield rng.normal(0.0, scale, size=shape)
    yield rng.uniform(-0.01, 0.01, size=(10,))               # near zero
    if include_extremes:
        yield from (1000.0, -1000.0, np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0]))


def tolerance_for(*inputs: Any) -> tuple[float, float]:
    """Looser tolerances where an input is float32, so float32 and float64 results both pass."""
    if any(getattr(np.asarray(x), "dtype", None) == np.float32 for x in inputs if not callable(x)):
        return 1e-5, 1e-6
    return RTOL, ATOL


def against_reference(questions: list[dict], records: list[dict], reference: Callable, *,
                      mistakes: Callable[..., dict] | None = None, rtol: float | None = None,
                      atol: float | None = None, **expect) -> None:
    """Compare each answer with ``reference(*args)`` of its question.

    ``mistakes(*args)`` returns {diagnosis: output of a known mistake} for the
    same arguments; a learner whose output matches one is told the diagnosis.
    """
    for args, where, got in answered(questions, records):
        default_rtol, default_atol = tolerance_for(*args)
        expect_array(got, reference(*args), where,
                     rtol=default_rtol if rtol is None else rtol,
                     atol=default_atol if atol is None else atol,
                     mistakes=mistakes(*args) if mistakes else None, **expect)
