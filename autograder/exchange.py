"""nbgrader's exchange, the instructor's side on a shared JupyterHub.

``release`` puts the release notebooks into the exchange (nbgrader ``release_assignment``);
participants fetch and submit them from JupyterLab's Assignment List (nbgrader
``fetch_assignment`` and ``submit``); ``grade`` collects the latest submission of each
(nbgrader ``collect``, into ``submitted/`` with its timestamp) and grades them exactly as
``workshop grade`` grades a folder; ``release_feedback`` hands each participant's feedback back
(nbgrader ``release_feedback``; they press "Fetch Feedback").
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from nbgrader.exchange.default import Exchange
from traitlets.config import Config

from . import steps
from .collect import Collection
from .config import COURSE_ID
from .grading import grade_class
from .paths import COURSE_ROOT, assignments, notebook_path

DEFAULT_ROOT = Path(Exchange.root.default_value)  # nbgrader's own: /usr/local/share/nbgrader/exchange


def exchange_config(exchange_dir: Path | None) -> Config:
    """The course's configuration for an exchange at ``exchange_dir`` (nbgrader's default if None)."""
    c = Config()
    c.Exchange.root = str(exchange_dir or DEFAULT_ROOT)
    c.ExchangeReleaseAssignment.force = True  # releasing again replaces what participants have not fetched yet
    c.ExchangeCollect.update = True           # a newer submission replaces the one collected before
    return c


def release(names: list[str] | None = None, exchange_dir: Path | None = None, root: Path = COURSE_ROOT
            ) -> list[Path]:
    """``nbgrader generate_assignment``, then ``release_assignment``: the outbound folders written."""
    names = names or assignments(root / "source")
    steps.release(names, root)
    nbgrader = steps.api(root, extra=exchange_config(exchange_dir))
    outbound = Path(nbgrader.exchange_root or exchange_config(exchange_dir).Exchange.root, COURSE_ID, "outbound")
    for name in names:
        steps._ok(nbgrader.release_assignment(name), f"release_assignment {name} to {outbound.parent.parent}")
    return [outbound / name for name in names]


def collect(names: list[str] | None = None, exchange_dir: Path | None = None, root: Path = COURSE_ROOT
            ) -> dict[tuple[str, str], Path]:
    """``nbgrader collect``: each participant's latest submission into ``submitted/``; the notebooks."""
    names = names or assignments(root / "source")
    exchange = Path(exchange_config(exchange_dir).Exchange.root)
    if not (exchange / COURSE_ID / "inbound").is_dir():
        raise FileNotFoundError(f"no course {COURSE_ID} in the exchange {exchange}: "
                                "run `workshop release --exchange` first, or pass --exchange-dir")
    nbgrader = steps.api(root, extra=exchange_config(exchange_dir))
    found = {}
    for name in names:
        steps._ok(nbgrader.collect(name, update=True), f"collect {name} from {exchange}")
        stem = notebook_path(name, root / "source").stem
        for notebook in sorted((root / "submitted").glob(f"*/{name}/{stem}.ipynb")):
            if (notebook.parent / "timestamp.txt").exists():  # collected from the exchange, not a zip
                found[(notebook.parent.parent.name, name)] = notebook
    return found


def grade(names: list[str] | None = None, exchange_dir: Path | None = None, root: Path = COURSE_ROOT,
          **options) -> tuple[list[steps.Graded], Collection]:
    """Collect from the exchange, then ``grade_class`` on what was collected, with its ``options``
    (``jobs``, ``dask``, ``db_url``, ``force``, ...)."""
    collected = collect(names, exchange_dir, root)
    if not collected:
        where = exchange_config(exchange_dir).Exchange.root
        raise FileNotFoundError(f"no submissions of {', '.join(names or assignments(root / 'source'))} "
                                f"in the exchange {where}: nothing to grade yet")
    with tempfile.TemporaryDirectory() as tmp:
        # grade_class takes a folder of <participant>/<notebook>.ipynb; nbgrader's timestamp.txt stays in submitted/
        for (student, _), notebook in collected.items():
            (Path(tmp) / student).mkdir(exist_ok=True)
            shutil.copyfile(notebook, Path(tmp) / student / notebook.name)
        return grade_class(Path(tmp), root, only=names or None, **options)


def release_feedback(graded: list[tuple[str, str]], exchange_dir: Path | None = None, root: Path = COURSE_ROOT
                     ) -> tuple[list[tuple[str, str]], list[str]]:
    """``nbgrader release_feedback`` for each (student, assignment) with feedback written that came
    through the exchange; what was released, and a one-line reason for each that was not."""
    nbgrader = steps.api(root, extra=exchange_config(exchange_dir))
    released, skipped = [], []
    for student, assignment in graded:
        folder = root / "feedback" / student / assignment
        if not (folder / "submission_secret.txt").is_file():  # nbgrader names the file by the secret
            skipped.append(f"{student} / {assignment}: not submitted through the exchange; "
                           "hand the feedback HTML back another way")
            continue
        try:
            steps._ok(nbgrader.release_feedback(assignment, student), f"release_feedback {student}/{assignment}")
        except RuntimeError as error:  # one participant's files never stop the others' feedback
            skipped.append(f"{student} / {assignment}: {str(error).splitlines()[0]}")
            continue
        released.append((student, assignment))
    return released, skipped
