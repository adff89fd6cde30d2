"""What has been graded, by checksum, so a rerun grades only new or changed submissions.

The ledger is two small tables in the gradebook's own database (SQLite or PostgreSQL), so it
lives and dies with the grades it describes. A notebook's row is written by the worker that
graded it, right after nbgrader committed its grades: a grader killed at any moment leaves
the notebooks in flight without a row, and a rerun grades exactly those again.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Column, Float, MetaData, String, Table, Text, create_engine, delete, event, insert, select
from sqlalchemy.engine import Engine

_metadata = MetaData()
GRADED = Table(
    "workshop_graded", _metadata,
    Column("student", String(128), primary_key=True),
    Column("assignment", String(128), primary_key=True),
    Column("checksum", String(64), nullable=False),
    Column("notes", Text, nullable=False),          # JSON list of the instructor's notes
    Column("seconds", Float),
    Column("graded_at", String(32), nullable=False),
)
RELEASED = Table(
    "workshop_released", _metadata,
    Column("assignment", String(128), primary_key=True),
    Column("checksum", String(64), nullable=False),
)


GRADING_CODE = ("hidden", "judging", "preprocessors", "sandbox", "config.py", "grading/repair.py", "grading/steps.py",
                "reports/late.py")  # in autograder/: what runs between a submission and its grade


def grading_code() -> list[Path]:
    """What decides a grade besides the submission and its source: the hidden and public checks
    and the grading configuration."""
    package = Path(__file__).resolve().parents[1]
    course = importlib.util.find_spec("course")
    paths = [package / part for part in GRADING_CODE]
    missing = [str(path) for path in paths if not path.exists()]
    if missing:  # a rename must not quietly drop code from the checksum
        raise FileNotFoundError(f"grading code moved: {', '.join(missing)}; update ledger.GRADING_CODE")
    return [*paths, *([Path(course.origin).parent] if course and course.origin else [])]


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                  and ".ipynb_checkpoints" not in p.parts) if path.is_dir() else []


def digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


def source_checksum(root: Path, assignment: str) -> str:
    """The assignment's source folder and the grading code, as one checksum."""
    files = [(p.relative_to(root / "source").as_posix(), p) for p in _files(root / "source" / assignment)]
    files += [(p.name, p) for code in grading_code() for p in _files(code) if p.suffix == ".py"]
    return digest(*(part for name, p in files for part in (name, p.read_bytes())))


@event.listens_for(Engine, "connect")
def sqlite_pragmas(connection, _record) -> None:
    """Every SQLite connection of this process, nbgrader's included: in WAL mode (set once per gradebook
    by the grader) a commit need not wait for the disk to be safe from a crash or ``kill -9`` of the
    grader (only a power cut may lose the last commits), and readers never block the one writer."""
    if isinstance(connection, sqlite3.Connection):
        cursor = connection.cursor()
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


class Ledger:
    """The ledger's tables in the gradebook database at ``db_url`` (created if missing)."""

    def __init__(self, db_url: str):
        self.engine = create_engine(db_url, future=True)
        if self.engine.dialect.name == "sqlite":
            with self.engine.connect() as db:
                db.exec_driver_sql("PRAGMA journal_mode=WAL")  # a setting of the file: lasts
        _metadata.create_all(self.engine)

    def graded(self) -> dict[tuple[str, str], dict]:
        """(student, assignment) → {checksum, notes, seconds, graded_at}."""
        with self.engine.connect() as db:
            return {(row.student, row.assignment): {"checksum": row.checksum, "notes": json.loads(row.notes),
                                                     "seconds": row.seconds, "graded_at": row.graded_at}
                    for row in db.execute(select(GRADED))}

    def record(self, student: str, assignment: str, checksum: str, notes: list[str], seconds: float) -> None:
        """One notebook graded and committed to the gradebook."""
        with self.engine.begin() as db:
            db.execute(delete(GRADED).where(GRADED.c.student == student, GRADED.c.assignment == assignment))
            db.execute(insert(GRADED).values(student=student, assignment=assignment, checksum=checksum,
                                             notes=json.dumps(notes), seconds=seconds,
                                             graded_at=datetime.now(UTC).isoformat(timespec="seconds")))

    def released(self) -> dict[str, str]:
        """assignment → checksum of the source it was released (recorded in the gradebook) from."""
        with self.engine.connect() as db:
            return {row.assignment: row.checksum for row in db.execute(select(RELEASED))}

    def record_release(self, assignment: str, checksum: str) -> None:
        with self.engine.begin() as db:
            db.execute(delete(RELEASED).where(RELEASED.c.assignment == assignment))
            db.execute(insert(RELEASED).values(assignment=assignment, checksum=checksum))

    def close(self) -> None:
        self.engine.dispose()
