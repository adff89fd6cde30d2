"""Answer the grader's questions from inside a notebook being graded.

The hidden part of each test cell calls ``answer(grade_id, *subjects)``. When
the grader asked questions (a ``questions.npz`` in ``.grading/`` of the working
folder, or in ``$WORKSHOP_GRADING_DIR``), it runs the subjects — your functions,
constants or model — on the grader's inputs and writes what came back as plain
data. Nothing here decides a score: the grader judges the answers in its own
process, against a reference this kernel never sees. Outside grading it does
nothing, so the notebooks run as usual.
"""
from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from course.answering import wire
from course.checking import respond

GRADING_DIR = ".grading"


def _step(z):
    return np.where(np.asarray(z) >= 0, 1.0, 0.0)


FUNCTIONS: dict[str, Callable] = {  # the functions a question may pass as an argument
    "step": _step,
    "identity": lambda z: z,
    "affine": lambda z: 2 * z - 1,
    "tanh": np.tanh,
    "sin": np.sin,
    "exp": np.exp,
    "cube": lambda z: np.asarray(z, dtype=float) ** 3,
    "square": lambda z: np.asarray(z, dtype=float) ** 2,
    "abs": np.abs,
    # x at even positions along the last axis, 2x at odd ones: depends on the position, like BReLU
    "alternating": lambda z: np.asarray(z, dtype=float) * (1 + (np.arange(np.shape(z)[-1]) % 2 if np.ndim(z) else 0)),
}
PROBES: dict[str, Callable] = {}  # name → probe(subject, *args): a measurement of a stateful subject


def probe(function: Callable) -> Callable:
    """Register ``function`` as a probe that questions can name."""
    PROBES[function.__name__] = function
    return function


def folder() -> Path:
    """Where the grader puts its questions and expects the answers."""
    return Path(os.environ.get("WORKSHOP_GRADING_DIR") or GRADING_DIR)


def _lookup(name: str, table: list, fallback: Callable | None = None) -> Callable:
    """A function that returns the grader's prepared output for each prepared input, and
    otherwise what ``fallback`` (your own function of that name) returns."""
    def prepared(*args):
        for inputs, output in table:
            if len(inputs) == len(args) and all(_same(a, b) for a, b in zip(inputs, args, strict=False)):
                return output.copy() if isinstance(output, np.ndarray) else output
        if fallback is None:
            raise ValueError(f"{name} was called with an input the grader did not prepare")
        return fallback(*args)
    prepared.__name__ = name
    return prepared


def _same(a: Any, b: Any) -> bool:
    """The same input, however it was converted (list or array, int or float)."""
    if callable(a) or callable(b):
        return getattr(a, "__name__", a) == getattr(b, "__name__", b)
    try:
        return np.shape(a) == np.shape(b) and np.array_equal(np.asarray(a, float), np.asarray(b, float))
    except (TypeError, ValueError):
        return False


def resolve(value: Any) -> Any:
    """Questions' values with every named function made callable."""
    if isinstance(value, wire.Function):
        return _lookup(value.name, value.table) if value.table is not None else FUNCTIONS[value.name]
    if type(value) in (list, tuple):
        return type(value)(resolve(v) for v in value)
    if type(value) is dict:
        return {k: resolve(v) for k, v in value.items()}
    return value


@contextlib.contextmanager
def replaced(fn: Callable, names: dict[str, Callable]):
    """Names in ``fn``'s module namespace replaced while it runs (the grader's own steps)."""
    namespace = getattr(fn, "__globals__", {})
    saved = {name: namespace[name] for name in names if name in namespace}
    namespace.update({name: _lookup(name, f.table, saved.get(name)) if isinstance(f, wire.Function) else f
                      for name, f in names.items()})
    try:
        yield
    finally:
        for name in names:
            namespace.pop(name, None)
        namespace.update(saved)


def ask(question: dict, subjects: tuple) -> dict:
    """Run one question on the subjects; the record of what happened (see ``respond``)."""
    subject = subjects[question.get("subject", 0)]
    how = question.get("call") or "call"
    args, kwargs = resolve(question.get("args", [])), resolve(question.get("kwargs", {}))
    if how == "value":
        return {"value": subject}
    if how.startswith("probe:"):
        measure = functools.partial(PROBES[how[6:]], subject)
        return respond(measure, *args, name=question.get("name", how[6:]), **kwargs)
    target = getattr(subject, how[7:]) if how.startswith("method:") else subject
    with replaced(target, question.get("globals", {})):
        return respond(target, *args, name=question.get("name"), **kwargs)


def _questions(path: Path) -> dict:
    """The grader's questions, read once per kernel (06's are tens of MB) unless the file changed."""
    stat = path.stat()
    return _read_questions(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=1)
def _read_questions(path: str, mtime_ns: int, size: int) -> dict:
    return wire.load(Path(path))


def answer(grade_id: str, *subjects: Any) -> None:
    """Answer the grader's questions for the test cell ``grade_id`` (nothing when not graded)."""
    where = folder()
    if not (where / "questions.npz").is_file():
        return
    questions = _questions(where / "questions.npz")
    records = [ask(question, subjects) for question in questions["cells"].get(grade_id, [])]
    target = where / "answers" / f"{grade_id}.npz"
    content = {"token": questions["token"], "grade_id": grade_id, "answers": records}
    try:
        wire.save(target, content)
    except wire.WireError as error:  # too large: say so instead of the answers
        wire.save(target, {"token": questions["token"], "grade_id": grade_id, "too_large": str(error)})
