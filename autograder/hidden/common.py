"""What every hidden check does: feed many inputs to the learner's function and
to the reference, and compare with the messages of ``course.checking``."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from course.checking import ATOL, RTOL, call, expect_array, signature


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
    if any(getattr(np.asarray(x), "dtype", None) == np.float32 for x in inputs):
        return 1e-5, 1e-6
    return RTOL, ATOL


def against_reference(fn: Callable, reference: Callable, cases: Iterable[tuple], name: str, *,
                      mistakes: Callable[..., dict] | None = None, rtol: float | None = None,
                      atol: float | None = None, **expect) -> None:
    """Compare ``fn(*args)`` with ``reference(*args)`` for every tuple of args in ``cases``.

    ``mistakes(*args)`` returns {diagnosis: output of a known mistake} for the
    same arguments; a learner whose output matches one is told the diagnosis.
    """
    for args in cases:
        got = call(fn, *args, name=name)
        expected = reference(*args)
        default_rtol, default_atol = tolerance_for(*args)
        expect_array(got, expected, signature(name, args),
                     rtol=default_rtol if rtol is None else rtol,
                     atol=default_atol if atol is None else atol,
                     mistakes=mistakes(*args) if mistakes else None, **expect)
