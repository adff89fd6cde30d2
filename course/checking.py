"""The machinery behind every check: call a learner's function safely, compare
what it returned with what was expected, and fail with a message that teaches.

Public checks (``course.checks``) run them in the kernel; the grader's judge
uses the same helpers on the answers a graded kernel recorded, so a learner
sees the same kind of message in class and in the grade report: what is wrong (type, shape, dtype, which input),
what was expected, a diagnosis where one is cheap, and never the check's code.
"""
from __future__ import annotations

import builtins
import copy
import functools
import traceback
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

RTOL, ATOL = 1e-6, 1e-8


class CheckFailed(AssertionError):
    """A verdict for the learner. IPython shows the message alone, no traceback.

    ``diagnosis`` is the known mistake the answer reproduces, when one was recognised; ``metrics``, what
    the grader measured all the same (a model that missed its target still has an accuracy).
    """

    def __init__(self, message: str = "", diagnosis: str | None = None, *, metrics: Mapping[str, float] | None = None):
        super().__init__(message)
        self.diagnosis = diagnosis
        self.metrics: dict[str, float] = dict(metrics or {})

    def _render_traceback_(self) -> list[str]:
        return [f"\x1b[0;31mCheckFailed\x1b[0m: {self}"]


def with_hint(failure: CheckFailed, hint: str) -> CheckFailed:
    """The same verdict with ``hint`` (what is special about the input) added."""
    return CheckFailed(f"{failure} {hint}".strip(), failure.diagnosis, metrics=failure.metrics)


class NotImplementedError(builtins.NotImplementedError):  # noqa: A001 - same name on purpose
    """An exercise still to do: same name as the builtin, shown without a traceback."""

    def _render_traceback_(self) -> list[str]:
        return [f"\x1b[0;31mNotImplementedError\x1b[0m: {self}"]


def learner_facing(check: Callable) -> Callable:
    """Decorate a check so that nothing but a learner-facing message escapes it.

    An unfinished exercise stays a ``NotImplementedError``; any other surprise
    inside the check becomes a ``CheckFailed`` rather than a traceback through
    checking code.
    """

    @functools.wraps(check)
    def wrapper(*args, **kwargs):
        try:
            return check(*args, **kwargs)
        except (CheckFailed, NotImplementedError):
            raise
        except builtins.NotImplementedError as error:
            raise NotImplementedError(str(error) or "this exercise is not implemented yet") from None
        except Exception as error:  # a bug in the check itself must not leak its code
            raise CheckFailed(f"{check.__name__}: the check itself failed ({type(error).__name__}: "
                              f"{error}); please tell your instructor.") from None

    return wrapper


def require_defined(name: str, value: Any) -> None:
    """A constant still set to None is an exercise not done yet."""
    if value is None:
        raise NotImplementedError(f"{name} is still None: set it in the cell above.")


def describe(value: Any, limit: int = 60) -> str:
    """A short human description of a value, for messages."""
    if isinstance(value, np.ndarray):
        if value.ndim > 1 or value.size > 12:
            return f"an array of shape {value.shape} ({value.dtype})"
        text = repr((value if value.dtype.kind in "biu" else np.round(value, 4)).tolist())
        if len(text) > limit:
            return f"an array of shape {value.shape} ({value.dtype})"
        return text if value.dtype == np.float64 else f"np.array({text}, dtype={value.dtype})"
    if isinstance(value, (list, tuple)) and len(repr(value)) > limit:
        return f"a {type(value).__name__} of length {len(value)}"
    if callable(value):
        return getattr(value, "__name__", "a function")
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def signature(name: str, args: Iterable[Any], kwargs: Mapping[str, Any] | None = None) -> str:
    """``name(arg1, arg2, key=value)`` with each argument described briefly."""
    parts = [describe(a) for a in args] + [f"{k}={describe(v)}" for k, v in (kwargs or {}).items()]
    return f"{name}({', '.join(parts)})"


def _your_line(error: BaseException) -> str:
    """The last line of the learner's own code in a traceback, if any."""
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if "ipykernel" in f.filename or f.filename.startswith("<")]
    if not frames or not frames[-1].line:
        return ""
    return f" (in your code: `{frames[-1].line.strip()}`)"


def respond(fn: Callable, *args, name: str | None = None, **kwargs) -> dict:
    """Call a learner's function on copies of its inputs; what happened, as plain data.

    ``{"value": result}``, or ``{"raised": type, "message": ..., "line": ...}``, or
    ``{"unfinished": function, "via": caller}``; plus ``"warning"`` (the first numerical
    RuntimeWarning) and ``"mutated"`` (it changed an input array in place).
    """
    name = name or getattr(fn, "__name__", "your function")
    safe_args, safe_kwargs = copy.deepcopy(args), copy.deepcopy(kwargs)
    record: dict[str, Any] = {}
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn", under="ignore"):
        warnings.simplefilter("always")
        try:
            record["value"] = fn(*safe_args, **safe_kwargs)
        except builtins.NotImplementedError as error:
            frames = traceback.extract_tb(error.__traceback__)
            unfinished = frames[-1].name if len(frames) > 1 and frames[-1].name != "<module>" else name
            record.update(unfinished=unfinished, via=name)
        except Exception as error:
            record.update(raised=type(error).__name__, message=str(error)[:2000], line=_your_line(error))
    numerical = [w for w in caught if issubclass(w.category, RuntimeWarning)]  # overflow, 0/0, invalid
    if numerical:
        record["warning"] = f"{numerical[0].category.__name__}: {numerical[0].message}"
    record["mutated"] = any(
        isinstance(given, np.ndarray) and (given.shape != np.shape(used) or not np.array_equal(given, used,
                                                                                             equal_nan=True))
        for given, used in zip(list(args) + list(kwargs.values()), list(safe_args) + list(safe_kwargs.values()),
                               strict=False))
    return record


def expect_answered(record: dict, where: str) -> Any:
    """The value in a record from ``respond``, or the learner's message for what went wrong."""
    if "unfinished" in record:
        unfinished, name = record["unfinished"], record.get("via", "")
        via = f" ({name} calls it)" if name and unfinished != name else ""
        raise NotImplementedError(f"{unfinished} is not implemented yet{via}: replace "
                                  "`raise NotImplementedError()` with your code.")
    if "raised" in record:
        raise CheckFailed(f"{where} raised {record['raised']}: {record.get('message', '')}{record.get('line', '')}")
    if record.get("warning"):
        raise CheckFailed(f"{where} emitted a {record['warning']}. "
                          "A correct implementation runs without warnings for this input.")
    if record.get("mutated"):
        raise CheckFailed(f"{where} changed its input array in place; work on a copy instead.")
    if "value" not in record:
        raise CheckFailed(f"{where}: no answer was recorded.")
    return record["value"]


def call(fn: Callable, *args, name: str | None = None, **kwargs) -> Any:
    """Call a learner's function on copies of its inputs and return the result.

    Fails with a message if it raises, emits a warning (overflow, invalid value)
    or changes its inputs in place. ``NotImplementedError`` passes through.
    """
    shown = str(name or getattr(fn, "__name__", "your function"))
    return expect_answered(respond(fn, *args, name=shown, **kwargs), signature(shown, args, kwargs))


def expect_array(got: Any, expected: Any, where: str, *, rtol: float = RTOL, atol: float = ATOL,
                 allow_scalar: bool | None = None, require_float: bool = True,
                 mistakes: Mapping[str, Any] | None = None, hint: str = "") -> np.ndarray:
    """Check ``got`` against ``expected`` in the order a learner fixes things.

    Type (an array; a NumPy or Python scalar is accepted when the expected value
    is 0-d), then shape, dtype, finiteness, values. ``mistakes`` maps a
    diagnosis to the output a known mistake would give: when ``got`` matches
    one, the diagnosis is added to the message.
    """
    expected = np.asarray(expected)
    allow_scalar = expected.ndim == 0 if allow_scalar is None else allow_scalar
    if isinstance(got, (list, tuple)):
        raise CheckFailed(f"{where} returned a {type(got).__name__}; expected a NumPy array "
                          f"(wrap the result in np.asarray).")
    if got is None:
        raise CheckFailed(f"{where} returned None; did you forget the `return` statement?")
    scalar_ok = allow_scalar and isinstance(got, (int, float, np.number, np.bool_))
    if not isinstance(got, np.ndarray) and not scalar_ok:
        if isinstance(got, (int, float, np.number, np.bool_)):
            raise CheckFailed(f"{where} returned a single number ({type(got).__name__}); expected an array of "
                              f"shape {expected.shape}. Apply the formula elementwise with NumPy (e.g. np.where "
                              "rather than if/else) so that an array comes back.")
        raise CheckFailed(f"{where} returned {type(got).__name__}; expected a NumPy array.")
    got_array = np.asarray(got)
    if got_array.shape != expected.shape:
        raise CheckFailed(f"{where} returned shape {got_array.shape}; expected shape {expected.shape}."
                          + _shape_hint(got_array.shape, expected.shape))
    if require_float and not np.issubdtype(got_array.dtype, np.floating):
        advice = ("convert with .astype(float)" if got_array.dtype == bool else
                  "an integer input must still give a float result: start from np.asarray(x, dtype=float)")
        raise CheckFailed(f"{where} returned dtype {got_array.dtype}; expected floats ({advice}).")
    finite = np.isfinite(expected) if np.issubdtype(expected.dtype, np.number) else np.ones(expected.shape, bool)
    bad = finite & ~np.isfinite(got_array.astype(float)) if np.issubdtype(got_array.dtype, np.number) else finite
    if np.any(bad):
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        raise CheckFailed(f"{where} returned {got_array[index]} at index {index or '()'}; expected "
                          f"{expected[index]}. Look for overflow in exp or a division by zero.")
    close = np.isclose(got_array, expected, rtol=rtol, atol=atol, equal_nan=True)
    if not np.all(close):
        index = tuple(int(i) for i in np.argwhere(~close)[0])
        at = f" at index {index}" if index else ""
        message = (f"{where} returned {got_array[index]:.6g}{at}; expected {expected[index]:.6g} "
                   f"({np.count_nonzero(~close)} of {close.size} values differ).")
        diagnosis = diagnose(got_array, expected, mistakes, rtol=rtol, atol=atol)
        raise CheckFailed(" ".join(part for part in (message, diagnosis, hint) if part), diagnosis or None)
    return got_array


def _shape_hint(got: tuple, expected: tuple) -> str:
    if got == expected + (1,) or got == (1,) + expected:
        return " Remove the extra axis of length 1 (e.g. with .reshape or by indexing)."
    if got == expected[::-1]:
        return " The axes are swapped: check the order of a matrix product or a transpose."
    if got == () and expected != ():
        return " You reduced the array to a single number; the function works elementwise."
    return ""


def diagnose(got: np.ndarray, expected: np.ndarray, mistakes: Mapping[str, Any] | None,
             rtol: float = RTOL, atol: float = ATOL) -> str:
    """The diagnosis of the first known mistake that ``got`` reproduces, else a generic one."""
    for message, wrong in (mistakes or {}).items():
        wrong = np.asarray(wrong, dtype=float)
        if wrong.shape == got.shape and np.allclose(got, wrong, rtol=rtol, atol=atol, equal_nan=True):
            return message
    if np.allclose(got, -expected, rtol=rtol, atol=atol) and np.any(np.abs(expected) > atol):
        return "The sign is flipped."
    return ""


def diagnoses(table: Mapping[str, str], outputs: Mapping[str, Any], **fields: Any) -> dict[str, Any]:
    """``mistakes`` for ``expect_array``: {mistake id: output} as {diagnosis: output}, in that order.

    ``table`` is a notebook's ``MISTAKES`` (id → diagnosis); ``fields`` fill the diagnoses'
    placeholders (PReLU's ``{alpha}``). An output of None (the mistake cannot happen here) is left out.
    """
    unknown = [key for key in outputs if key not in table]
    if unknown:
        raise ValueError(f"no diagnosis for the mistake id(s) {', '.join(map(repr, unknown))}: "
                         "add them to the notebook's MISTAKES")
    try:
        return {table[key].format(**fields): output for key, output in outputs.items() if output is not None}
    except KeyError as missing:
        raise ValueError(f"a diagnosis names the field {missing}, which was not given") from None


def expect_equal(got: Any, expected: Any, where: str, what: str = "") -> None:
    """Exact comparison for integers, labels, lists and tuples."""
    if isinstance(expected, np.ndarray) or isinstance(got, np.ndarray):
        if np.shape(got) != np.shape(expected) or not np.array_equal(got, expected):
            raise CheckFailed(f"{where} returned {describe(np.asarray(got))}; expected "
                              f"{describe(np.asarray(expected))}. {what}".strip())
    elif got != expected:
        raise CheckFailed(f"{where} returned {describe(got)}; expected {describe(expected)}. {what}".strip())


def passed(*names: str) -> None:
    """Tell the learner the public checks passed, and that hidden ones will follow."""
    print(f"✔ {', '.join(names)}: public checks passed. "
          "More cases are checked when your notebook is graded.")
