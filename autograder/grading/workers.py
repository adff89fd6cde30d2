"""Grading workers: long-lived processes, on this machine or on a Dask cluster, that import nbgrader,
the course and the heavy libraries once and then grade many notebooks each, with one task: ``grade_one``.
"""
from __future__ import annotations

import contextlib
import ctypes
import functools
import json
import os
import signal
import socket
import sys
import time
from dataclasses import dataclass, fields
from pathlib import Path

from autograder.grading import steps
from autograder.grading.ledger import Ledger
from autograder.paths import notebook_path

# BLAS and OpenMP, and TensorFlow's own two thread pools (its threads spin while they wait).
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                    "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")


def single_threaded() -> None:
    """One thread per numerical library in this process and in every kernel it starts: N notebooks at
    once fill N cores without oversubscribing them, and no result depends on how or where it was graded."""
    for name in THREAD_VARIABLES:
        os.environ[name] = "1"


@dataclass(frozen=True)
class Settings:
    """What every worker needs to know about the class it grades (sent with each task)."""
    root: str
    cell_timeout: int
    db_url: str


@dataclass
class Timed(steps.Graded):
    """A graded notebook and the seconds its grading took."""
    seconds: float | None = None


def timed(graded: steps.Graded, seconds: float | None) -> Timed:
    return Timed(**{f.name: getattr(graded, f.name) for f in fields(graded)}, seconds=seconds)


@functools.lru_cache(maxsize=8)
def _context(settings: Settings):
    """nbgrader's API and the ledger, built once per worker process."""
    faster_nbgrader()
    nbgrader = steps.api(Path(settings.root), settings.cell_timeout, db_url=settings.db_url)
    # nbconvert checks the whole notebook against its schema after each of nbgrader's ~12 preprocessors;
    # once, after the last, finds the same invalid notebook.
    nbgrader.config.Exporter.optimistic_validation = True
    return nbgrader, Ledger(settings.db_url)


@functools.cache
def faster_nbgrader() -> None:
    """Costs of nbgrader's that are not the notebook's, measured per graded notebook of 01-neurons
    (~1.3 s of kernel CPU): its cell-metadata check re-validated the JSON schema itself against the
    meta-schema for every cell (~0.27 s of CPU); the same check with the schema compiled once.
    SQLite's ~40 commits per notebook each waited for the disk (~0.2 s; see ledger.sqlite_pragmas)."""
    import jsonschema
    from nbgrader.nbgraderformat import common

    validators: dict[str, object] = {}

    class _Compiled:
        ValidationError = jsonschema.ValidationError

        @staticmethod
        def validate(instance, schema):
            key = json.dumps(schema, sort_keys=True)  # each of nbgrader's validators loads its own copy
            if key not in validators:
                cls = jsonschema.validators.validator_for(schema)
                cls.check_schema(schema)
                validators[key] = cls(schema)
            error = jsonschema.exceptions.best_match(validators[key].iter_errors(instance))
            if error is not None:
                raise error

    common.jsonschema = _Compiled


def warm_up(settings: Settings, parent: int | None = None) -> None:
    """Initializer of a worker process: die with the grader, then pay every start-up cost once
    (the gradebook is left alone: the grader may be creating it right now)."""
    single_threaded()
    if parent is not None:
        _die_with(parent)
    faster_nbgrader()
    import nbclient  # noqa: F401  what nbgrader imports only when it first executes a notebook
    import nbconvert.exporters  # noqa: F401
    from nbgrader.converters import Autograde  # noqa: F401
    from nbgrader.preprocessors import Execute  # noqa: F401


def _die_with(parent: int) -> None:
    """Linux: end this worker when the grader that started it ends, even by ``kill -9``, so a rerun never
    races a leftover worker (its kernel follows: ipykernel watches its parent)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the grader was gone before prctl took effect
        sys.exit(1)


def grade_one(settings: Settings, student: str, assignment: str, checksum: str,
              notebook: bytes | None = None) -> Timed:
    """Autograde one submission and record it in the ledger once nbgrader has committed its grades.

    ``notebook``: the submission's bytes, for a worker whose course folder is a copy; it is written to
    ``submitted/`` first (a worker on shared storage finds it there already).
    """
    single_threaded()
    root = Path(settings.root)
    if not (root / "source" / assignment).is_dir():
        return Timed(student, assignment, ungradable=f"{socket.gethostname()} has no course folder at {root}; "
                                                     "share it with the workers or copy it there")
    try:
        nbgrader, ledger = _context(settings)
        if notebook is not None:
            path = root / "submitted" / student / assignment / notebook_path(assignment, root / "source").name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(notebook)
        start = time.perf_counter()
        graded = steps.autograde(student, assignment, nbgrader)
        seconds = time.perf_counter() - start
        if graded.score is not None:
            ledger.record(student, assignment, checksum, graded.notes, seconds)
        return timed(graded, seconds)
    except Exception as error:  # a worker that cannot reach the gradebook, say: one line, the class goes on
        return Timed(student, assignment, ungradable=f"{type(error).__name__}: "
                                                     f"{str(error).splitlines()[0] if str(error) else ''}")
