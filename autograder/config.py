"""nbgrader's configuration for this course, in one place.

The CLI passes it to nbgrader's API; ``nbgrader_config.py`` at the repository root
loads it too, so plain ``nbgrader autograde`` behaves the same.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearHiddenTests,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)
from traitlets.config import Config

from autograder.preprocessors.ask_questions import AskQuestions
from autograder.preprocessors.hide_test_tracebacks import HideTestTracebacks
from autograder.preprocessors.judge import Judge
from autograder.preprocessors.limit_text_output import LimitTextOutput
from autograder.preprocessors.sandboxed_execute import SandboxedExecute
from autograder.preprocessors.score_line import ScoreLine
from autograder.reports.late import PerDayLate
from autograder.reports.verdicts import VERDICTS

COURSE_ID = "image-recognition-workshop"
CELL_TIMEOUT = 90  # seconds per cell: an infinite loop costs its cell, not the class
# ipykernel warns on its own stderr at start-up; keep the instructor's terminal readable.
KERNEL_ARGUMENTS = ["--HistoryManager.hist_file=:memory:", "--IPKernelApp.log_level=ERROR"]


def quiet_environment(headless: bool = True) -> None:
    """Environment for grading kernels: TensorFlow silent, nbgrader's ``alembic`` on PATH.

    ``headless`` (grading, never a Jupyter server a participant looks at): figures are drawn
    with Agg and not rendered into the notebook; kernels inherit it from this process.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    if headless:
        os.environ.setdefault("MPLBACKEND", "Agg")
        os.environ.setdefault("WORKSHOP_HEADLESS", "1")  # course.plots then leaves Agg alone
    bin_dir = str(Path(sys.executable).parent)  # creating a gradebook shells out to alembic
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


# nbgrader's autograde steps: the questions written, the notebook executed in its sandbox
# (autograder/preprocessors/sandboxed_execute.py), the answers judged, text output capped, then nbgrader's own.
AUTOGRADE_PREPROCESSORS = [AskQuestions, SandboxedExecute, Judge, LimitTextOutput, IgnorePattern,
                           ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades, AssignLatePenalties,
                           CheckCellMetadata]


def gradebook_url(root: Path, db_url: str | None = None) -> str:
    """The gradebook's SQLAlchemy URL: ``root``/gradebook.db (SQLite) unless ``db_url`` (or the
    environment variable ``WORKSHOP_DB``, for every command) names another.

    SQLite waits up to a minute for a lock, so parallel graders take turns writing. A plain
    ``postgresql://`` would pick psycopg 3, which is not installed: it means psycopg2 here.
    """
    url = db_url or os.environ.get("WORKSHOP_DB") or f"sqlite:///{Path(root, 'gradebook.db')}"
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError(f"--db {url} is not a database URL: use sqlite:///PATH or postgresql+psycopg2://USER@HOST/DB")
    if scheme in ("postgresql", "postgres"):
        return f"postgresql+psycopg2://{rest}"
    if scheme.startswith("postgres") and scheme != "postgresql+psycopg2":
        raise ValueError(f"--db {scheme}:// needs a driver that is not installed: use postgresql+psycopg2://{rest}")
    if scheme == "sqlite" and "timeout=" not in rest:
        return f"{url}{'&' if '?' in rest else '?'}timeout=60"
    return url


def nbgrader_config(root: Path, cell_timeout: int = CELL_TIMEOUT, db_url: str | None = None) -> Config:
    """The course's nbgrader configuration, rooted at ``root``, its gradebook at ``db_url`` if given."""
    c = Config()
    c.CourseDirectory.root = str(root)
    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.db_url = gradebook_url(root, db_url)
    # Each cell gets a time limit; a cell that exceeds it is interrupted and the rest still runs.
    c.Execute.timeout = cell_timeout
    c.Execute.interrupt_on_timeout = True
    c.Execute.extra_arguments = KERNEL_ARGUMENTS
    # Each notebook runs in a throwaway workspace under bubblewrap with resource limits
    # (autograder/sandbox/kernel.py); a dead kernel costs the cells after it; text output is capped.
    # The kernel only answers the hidden checks' questions; the Judge, in this process, sets each
    # test cell's verdict before nbgrader saves the grades (autograder/preprocessors/judge.py).
    c.Autograde.autograde_preprocessors = AUTOGRADE_PREPROCESSORS
    # Our checks fail by raising; stderr (TensorFlow's log lines, warnings, a learner's debug
    # prints) is never a verdict, yet nbgrader would score any cell with stderr output zero.
    c.IgnorePattern.enabled = True
    c.IgnorePattern.pattern = r"[\s\S]"
    c.Judge.verdicts_dir = str(Path(root, VERDICTS))
    # A deleted test cell is put back from the gradebook and graded, not left for manual grading.
    c.OverwriteCells.add_missing_cells = True
    c.OverwriteCells.missing_cell_notification = (
        "This cell (id:{cell_id}) was missing from your notebook; the grader put it back.\n\n")
    # Feedback shows the learner every check's message but not the hidden tests' code.
    # On top, the score as the learner should read it: core and stretch apart, done or not, lateness, 06's rank.
    c.GenerateFeedback.preprocessors = [GetGrades, ScoreLine, ClearHiddenTests, HideTestTracebacks,
                                        CSSHTMLHeaderPreprocessor]
    c.ScoreLine.root = str(root)
    c.ClearHiddenTests.enforce_metadata = False
    # Late work (a due date set by `workshop release --due`): 10 % of the score per started day
    # (autograder/reports/late.py).
    c.AssignLatePenalties.plugin_class = PerDayLate
    return c
