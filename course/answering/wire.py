"""Plain data between the grader and a grading kernel: questions in, answers out.

A value travels as one ``.npz`` file: a JSON tree under the key ``tree`` and
every array beside it. Only data crosses: None, bools, ints, floats, strings,
NumPy arrays and scalars of numeric or boolean dtype, and lists, tuples and
dicts of these. Anything else is written as the name of its type, so the
reader learns what came back without ever running it. Reading never unpickles
and refuses files, arrays and trees above its limits.
"""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

LIMIT = 64 * 2**20  # bytes per file, arrays included
DEPTH = 32
NODES = 200_000
KINDS = "biufc"  # bool, int, unsigned, float, complex


class WireError(ValueError):
    """A file that is not data as this module writes it, or exceeds a limit."""


class Opaque:
    """Stands for an object that could not travel: only its type name did."""

    def __init__(self, type_name: str):
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<{self.type_name} object>"


class Function:
    """A named function in a question, resolved by the kernel's side (``course.answering.answers``)."""

    def __init__(self, name: str, table: list | None = None):
        self.name, self.table = name, table

    def __repr__(self) -> str:
        return self.name


def _type_name(value: Any) -> str:
    kind = type(value)
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"


def pack(value: Any, arrays: dict[str, np.ndarray], depth: int = 0) -> Any:
    """The JSON tree of ``value``; arrays go into ``arrays`` under fresh keys."""
    if depth > DEPTH:
        raise WireError(f"nested deeper than {DEPTH} levels")
    if value is None or isinstance(value, (bool, str)):
        return value
    if type(value) is int:
        return {"$int": str(value)}
    if type(value) is float:
        return {"$float": repr(value)}
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
        if array.dtype.kind not in KINDS:
            return {"$object": f"numpy array of dtype {array.dtype}"}
        key = f"a{len(arrays)}"
        arrays[key] = np.array(array, copy=True, subok=False)  # a plain ndarray, subclasses dropped
        return {"$scalar" if isinstance(value, np.generic) else "$array": key}
    if type(value) in (list, tuple):
        return {"$" + type(value).__name__: [pack(v, arrays, depth + 1) for v in value]}
    if type(value) is dict and all(type(k) in (str, int) for k in value):
        return {"$dict": [[pack(k, arrays, depth + 1), pack(v, arrays, depth + 1)] for k, v in value.items()]}
    if isinstance(value, Function):
        return {"$function": value.name, "table": pack(value.table, arrays, depth + 1)}
    return {"$object": _type_name(value)}


def unpack(tree: Any, arrays: dict[str, np.ndarray], budget: list[int] | None = None, depth: int = 0) -> Any:
    """The value a tree from ``pack`` describes; raises ``WireError`` on anything else."""
    budget = budget if budget is not None else [NODES]
    budget[0] -= 1
    if budget[0] < 0 or depth > DEPTH:
        raise WireError("the answer is too large or too deeply nested")
    if tree is None or isinstance(tree, (bool, str)):
        return tree
    if not isinstance(tree, dict) or len(tree) not in (1, 2):
        raise WireError(f"unexpected element {str(tree)[:40]!r}")
    (tag, body), *rest = tree.items()
    if tag == "$int" and isinstance(body, str) and len(body) < 400:
        return int(body)
    if tag == "$float" and isinstance(body, str) and len(body) < 40:
        return float(body)
    if tag == "$array" and isinstance(body, str) and body in arrays:
        return arrays[body]
    if tag == "$scalar" and isinstance(body, str) and body in arrays and arrays[body].ndim == 0:
        return arrays[body][()]
    if tag in ("$list", "$tuple") and isinstance(body, list):
        items = [unpack(v, arrays, budget, depth + 1) for v in body]
        return items if tag == "$list" else tuple(items)
    if tag == "$dict" and isinstance(body, list) and all(isinstance(p, list) and len(p) == 2 for p in body):
        pairs = [(unpack(k, arrays, budget, depth + 1), unpack(v, arrays, budget, depth + 1)) for k, v in body]
        if not all(type(k) in (str, int) for k, _ in pairs):
            raise WireError("a dict key that is not a string or an integer")
        return dict(pairs)
    if tag == "$object" and isinstance(body, str):
        return Opaque(body[:200])
    if tag == "$function" and isinstance(body, str) and rest and rest[0][0] == "table":
        return Function(body, unpack(rest[0][1], arrays, budget, depth + 1))
    return _bad(tree)


def _bad(tree: Any):
    raise WireError(f"unexpected element {str(tree)[:40]!r}")


def dumps(value: Any) -> bytes:
    """``value`` as the bytes of one ``.npz`` file."""
    arrays: dict[str, np.ndarray] = {}
    tree = json.dumps(pack(value, arrays))
    buffer = io.BytesIO()
    np.savez(buffer, tree=np.array(tree), **arrays)  # type: ignore[arg-type]  # numpy's stub types allow_pickle only
    return buffer.getvalue()


def save(path: Path, value: Any, limit: int = LIMIT) -> None:
    """Write ``value`` to ``path``; raises ``WireError`` if it would exceed ``limit`` bytes."""
    data = dumps(value)
    if len(data) > limit:
        raise WireError(f"{len(data) / 2**20:.1f} MB is more than the {limit / 2**20:.0f} MB allowed")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_bytes(data)
    partial.replace(path)


def loads(data: bytes, limit: int = LIMIT) -> Any:
    """The value in the bytes of an ``.npz`` file from ``dumps``, read strictly."""
    if len(data) > limit:
        raise WireError(f"{len(data) / 2**20:.1f} MB is more than the {limit / 2**20:.0f} MB allowed")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if sum(m.file_size for m in members) > limit or len(members) > NODES:
                raise WireError("the file unpacks to more than allowed")
            names = {m.filename for m in members}
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            if "tree.npy" not in names:
                raise WireError("no tree in the file")
            arrays = {key: npz[key] for key in npz.files if key != "tree"}
            tree = json.loads(str(npz["tree"][()]))
    except WireError:
        raise
    except Exception as error:  # a damaged or foreign file: say so, never crash the grader
        raise WireError(f"not a file of answers ({type(error).__name__}: {error})") from None
    if any(a.dtype.kind not in KINDS for a in arrays.values()):
        raise WireError("an array that is not numbers")
    try:
        return unpack(tree, arrays)
    except WireError:
        raise
    except (ValueError, TypeError, RecursionError) as error:
        raise WireError(f"not a file of answers ({error})") from None


def load(path: Path, limit: int = LIMIT) -> Any:
    """The value in ``path``, read strictly (see ``loads``)."""
    if not path.is_file() or path.is_symlink():
        raise WireError(f"{path.name} is not a regular file")
    if path.stat().st_size > limit:
        raise WireError(f"{path.stat().st_size / 2**20:.1f} MB is more than the {limit / 2**20:.0f} MB allowed")
    return loads(path.read_bytes(), limit)
