"""The one way hidden checks ask and read: questions that call the learner's function (``calls``),
the kernel's records checked against them (``matching``) and turned into values (``answered``), and
those compared with the reference (``against_reference``), with ``course.checking``'s messages."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

import numpy as np

from course.answering.answers import resolve
from course.answering.wire import Opaque
from course.checking import ATOL, RTOL, CheckFailed, expect_answered, expect_array, signature, with_hint

MISMATCH = ("the answers recorded for this cell do not match the grader's questions; "
            "run the notebook from the top and submit it again.")


class Answer(NamedTuple):
    """One question's arguments (as the learner's function got them), its description and the value returned."""
    args: list
    kwargs: dict
    where: str
    value: Any


def calls(name: str, cases: Iterable, *, with_kwargs: bool = False, **question: Any) -> list[dict]:
    """One question per case: call the cell's function ``name`` on a tuple of arguments, or, with
    ``with_kwargs``, on ``(args, kwargs)``; ``question`` adds keys to each (``globals``)."""
    pairs = cases if with_kwargs else ((args, {}) for args in cases)
    return [{"name": name, "args": list(args), **({"kwargs": dict(kwargs)} if kwargs else {}), **question}
            for args, kwargs in pairs]


def matching(questions: list[dict], records: Any, *, dicts: bool = True) -> list:
    """The records, one per question and (unless not ``dicts``) each a dict; else the learner's message
    that they do not match the questions."""
    if not isinstance(records, list) or len(records) != len(questions) or \
            (dicts and not all(isinstance(r, dict) for r in records)):
        raise CheckFailed(MISMATCH)
    return records


def answered(questions: list[dict], records: Any, *, hint: Callable[..., str] | None = None,
             where: Callable[..., str] | None = None, expected: str | None = None,
             opaque: bool = False) -> Iterator[Answer]:
    """An ``Answer`` for each question whose record is a value; the learner's message for the first
    that raised, warned or changed its input, or whose value the grader cannot read.

    ``where(*args, **kwargs)`` describes a question (by default its call, ``name(args)``);
    ``hint(*args, **kwargs)``, what is special about its input, is added to a message. An unreadable
    value (``Opaque``) is refused with "return the type the task asks for", or "expected ``expected``"
    when given; with ``opaque`` it is the judge's to word.
    """
    for question, record in zip(questions, matching(questions, records, dicts=False), strict=True):
        args, kwargs = resolve(question.get("args", [])), resolve(question.get("kwargs", {}))
        text = where(*args, **kwargs) if where else \
            signature(question.get("name", "your function"), question.get("args", []), question.get("kwargs"))
        try:
            if not isinstance(record, dict):
                raise CheckFailed(f"{text}: the recorded answer is not readable.")
            got = expect_answered(record, text)
            if isinstance(got, Opaque) and not opaque:
                raise CheckFailed(_unreadable(text, got.type_name, expected))
        except CheckFailed as failure:
            raise with_hint(failure, hint(*args, **kwargs) if hint else "") from None
        yield Answer(args, kwargs, text, got)


def _unreadable(where: str, type_name: str, expected: str | None) -> str:
    if expected is None:
        return (f"{where} returned {type_name}, which the grader cannot read; "
                "return the type the task asks for (a NumPy array, a number, a list).")
    return f"{where} returned something the grader cannot read ({type_name}); expected {expected}."


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
                      mistakes: Callable[..., dict] | None = None, diagnosed: Callable[[dict], dict] | None = None,
                      rtol: float | None = None, atol: float | None = None, **expect) -> None:
    """Compare each answer with ``reference(*args, **kwargs)`` of its question.

    ``mistakes(*args, **kwargs)`` returns {mistake id: output of that mistake} for the same arguments,
    and ``diagnosed`` (the notebook's ``course.checks.<name>.diagnosed``) the diagnoses of those ids; a
    learner whose output matches one is told its diagnosis.
    """
    if mistakes is not None and diagnosed is None:
        raise TypeError("against_reference: mistakes by id need diagnosed, the notebook's id → diagnosis")
    for args, kwargs, where, got in answered(questions, records):
        default_rtol, default_atol = tolerance_for(*args, *kwargs.values())
        expect_array(got, reference(*args, **kwargs), where,
                     rtol=default_rtol if rtol is None else rtol,
                     atol=default_atol if atol is None else atol,
                     mistakes=diagnosed(mistakes(*args, **kwargs)) if mistakes and diagnosed else None, **expect)
