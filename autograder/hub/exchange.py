"""nbgrader's exchange, the instructor's side on a shared JupyterHub.

``release`` puts the release notebooks into the exchange (nbgrader ``release_assignment``);
participants fetch and submit them from JupyterLab's Assignment List (nbgrader
``fetch_assignment`` and ``submit``); ``grade`` collects the latest submission of each
(a guarded collect of our own: the participant is the Unix owner of the submission, its
time the server's; anything else is refused and logged in ``exchange-refused.log``) and grades them exactly as
``workshop grade`` grades a folder; ``release_feedback`` hands each participant's feedback back
(nbgrader ``release_feedback``; they press "Fetch Feedback").
"""
from __future__ import annotations

import os
import pwd
import shutil
import stat
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from nbgrader.exchange.default import Exchange, ExchangeReleaseAssignment
from nbgrader.utils import parse_utc
from traitlets.config import Config

from autograder.config import COURSE_ID
from autograder.grading import steps
from autograder.grading.collect import Collection
from autograder.grading.grade_class import grade_class
from autograder.paths import COURSE_ROOT, assignments, notebook_path

DEFAULT_ROOT = Path(Exchange.root.default_value)  # nbgrader's own: /usr/local/share/nbgrader/exchange
REFUSED_LOG = "exchange-refused.log"  # in the course folder: what the guarded collect refused, for the instructor
CLOCK_SLACK = timedelta(seconds=60)   # a timestamp.txt this much before the server's time is reported


def exchange_config(exchange_dir: Path | None) -> Config:
    """The course's configuration for an exchange at ``exchange_dir`` (nbgrader's default if None)."""
    c = Config()
    c.Exchange.root = str(exchange_dir or DEFAULT_ROOT)
    c.ExchangeReleaseAssignment.force = True  # releasing again replaces what participants have not fetched yet
    c.ExchangeCollect.update = True           # a newer submission replaces the one collected before
    c.ExchangeFactory.release_assignment = "autograder.hub.exchange.ReleaseAssignment"
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


def layout(exchange_dir: Path) -> Path:
    """Create (or repair) the course's folders in the exchange with modes that hold against participants.

    The exchange root and the course folder: 0755, nobody but the instructor (their owner) adds or
    renames anything. ``outbound/`` 0755: everyone reads what was released. ``inbound/`` 1733:
    every participant may add a submission, nobody may list the folder, and (sticky) nobody may
    rename or delete an entry they do not own. ``feedback/`` 0711: a participant opens only the file
    whose name they can compute, from the secret of their own submission. The course folder."""
    course = Path(exchange_dir, COURSE_ID)
    for folder, mode in ((Path(exchange_dir), 0o755), (course, 0o755), (course / "outbound", 0o755),
                         (course / "inbound", 0o1733), (course / "feedback", 0o711)):
        folder.mkdir(parents=True, exist_ok=True)
        os.chmod(folder, mode)
    return course


class ReleaseAssignment(ExchangeReleaseAssignment):
    """nbgrader's release, without its ``chmod 0777`` of the exchange root and with a sticky inbound."""

    def ensure_root(self):
        layout(Path(self.root))

    def init_dest(self):
        super().init_dest()
        layout(Path(self.root))


@dataclass
class Submission:
    """One submission in the exchange's inbound folder, as the server saw it."""
    student: str          # the Unix owner of the folder (who wrote it), the name in it only if that is the instructor
    assignment: str
    path: Path
    received: datetime    # the newest change time of the folder or a file in it (UTC): the server's clock


def _server_time(folder: Path) -> datetime:
    """When ``folder`` and everything in it last changed, by the file system's ctime, which no user can set."""
    times = [folder.lstat().st_ctime] + [p.lstat().st_ctime for p in folder.rglob("*")]
    return datetime.fromtimestamp(max(times), UTC)


def _owner(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def _claimed_time(folder: Path) -> datetime | None:
    try:
        stated = parse_utc((folder / "timestamp.txt").read_text().strip())
        return stated if stated.tzinfo else stated.replace(tzinfo=UTC)
    except (OSError, ValueError, TypeError):
        return None


def inbound(exchange_dir: Path | None, names: list[str]) -> tuple[list[Submission], list[str]]:
    """The submissions of ``names`` in the inbound folder that can be trusted, and a line for each refused.

    A submission's participant is the Unix owner of its folder, never the name in the folder's
    name; its time is the server's (``_server_time``), never ``timestamp.txt``. Refused: a folder
    named for someone other than its owner, anything in it owned by someone else, links, and
    anything that is not a submission folder. A ``timestamp.txt`` earlier than the server's time is
    overruled and reported. A folder the collecting user wrote themself (the instructor, or a local
    exchange without a hub) keeps the name in it."""
    folder = Path(exchange_config(exchange_dir).Exchange.root, COURSE_ID, "inbound")
    accepted, refused = [], []
    for entry in sorted(folder.iterdir()):
        parts = entry.name.split("+")
        info = entry.lstat()
        owner = _owner(info.st_uid)
        if len(parts) < 3 or not stat.S_ISDIR(info.st_mode):
            refused.append(f"{entry.name} (written by {owner}): not a submission folder; not collected")
            continue
        claimed, assignment = parts[0], parts[1]
        if assignment not in names:
            continue
        if claimed != owner and info.st_uid != os.geteuid():  # the instructor's own test submissions are theirs
            refused.append(f"{entry.name}: submitted under the name {claimed!r} by the Unix user {owner!r}; "
                           f"not collected, {claimed}'s own submissions are untouched")
            continue
        strangers = sorted(str(p.relative_to(entry)) for p in entry.rglob("*")
                           if p.is_symlink() or p.lstat().st_uid != info.st_uid)
        if strangers:
            refused.append(f"{entry.name}: {', '.join(strangers)} in {owner}'s submission is a link or belongs to "
                           "another user; not collected")
            continue
        received = _server_time(entry)
        stated = _claimed_time(entry)
        if stated is not None and stated < received - CLOCK_SLACK:
            refused.append(f"{entry.name}: its timestamp.txt says {stated:%Y-%m-%d %H:%M:%S} UTC but the server "
                           f"received it at {received:%Y-%m-%d %H:%M:%S} UTC; the server's time counts")
        accepted.append(Submission(claimed, assignment, entry, received))
    return accepted, refused


def _log_refusals(lines: list[str], root: Path) -> None:
    if lines:
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        with open(root / REFUSED_LOG, "a", encoding="utf-8") as log:
            log.writelines(f"{now}  {line}\n" for line in lines)


def parse_due(text: str) -> datetime:
    """A due date as the instructor types it (``2026-12-03 18:00``, ``2026-12-03T18:00+01:00``): UTC if no zone."""
    try:
        when = datetime.fromisoformat(text.strip().replace(" UTC", "").replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"--due {text!r} is not a date and time: write e.g. 2026-12-03 18:00 (UTC) "
                         "or 2026-12-03T18:00+01:00") from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def set_due(names: list[str], when: datetime, root: Path = COURSE_ROOT) -> None:
    """Each assignment's due date in nbgrader's gradebook; autograde then sets ``total_seconds_late`` from
    the time the server received a submission, and the late penalty (autograder/reports/late.py) applies."""
    with steps.api(root).gradebook as gb:
        for name in names:
            gb.update_or_create_assignment(name, duedate=when.astimezone(UTC).replace(tzinfo=None))


def collect(names: list[str] | None = None, exchange_dir: Path | None = None, root: Path = COURSE_ROOT
            ) -> tuple[dict[tuple[str, str], Path], list[str]]:
    """The guarded collect: each participant's latest submission (by the server's clock) into
    ``submitted/<participant>/<assignment>/`` with the server's time in ``timestamp.txt`` (from which
    nbgrader computes lateness); every refusal appended to ``exchange-refused.log`` in the course
    folder. The notebooks collected, and the lines refused."""
    names = names or assignments(root / "source")
    exchange = Path(exchange_config(exchange_dir).Exchange.root)
    if not (exchange / COURSE_ID / "inbound").is_dir():
        raise FileNotFoundError(f"no course {COURSE_ID} in the exchange {exchange}: "
                                "run `workshop release --exchange` first, or pass --exchange-dir")
    submissions, refused = inbound(exchange_dir, names)
    _log_refusals(refused, root)
    latest: dict[tuple[str, str], Submission] = {}
    for sub in submissions:
        key = (sub.student, sub.assignment)
        if key not in latest or sub.received > latest[key].received:
            latest[key] = sub
    found = {}
    for (student, name), sub in sorted(latest.items()):
        stem = notebook_path(name, root / "source").stem
        if not (sub.path / f"{stem}.ipynb").is_file():
            refused.append(f"{sub.path.name}: no {stem}.ipynb in it; not collected")
            _log_refusals(refused[-1:], root)
            continue
        target = root / "submitted" / student / name
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for item in sub.path.iterdir():
            if item.is_file() and item.name != "timestamp.txt":
                shutil.copyfile(item, target / item.name)
        (target / "timestamp.txt").write_text(sub.received.strftime("%Y-%m-%d %H:%M:%S.%f %Z"))
        found[(student, name)] = target / f"{stem}.ipynb"
    return found, refused


def grade(names: list[str] | None = None, exchange_dir: Path | None = None, root: Path = COURSE_ROOT,
          **options) -> tuple[list[steps.Graded], Collection]:
    """Collect from the exchange, then ``grade_class`` on what was collected, with its ``options``
    (``jobs``, ``dask``, ``db_url``, ``force``, ...)."""
    collected, refused = collect(names, exchange_dir, root)
    for line in refused:
        print(f"refused: {line}")
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
