"""The class challenge: 06's readers ranked on the grader's harder held-out sheets.

The one place that ranks: competition ranking (1, 2, 2, 4), used by the projector's page
(`workshop leaderboard --to board.html`), each participant's 06 feedback ("rank 3 of 12") and the class
report's leaderboard. Read from the gradebook (who was graded, the names they submitted), the judge's
verdicts (metric ``challenge``, else ``sheet_reading``; see ``verdicts``) and the notes of `workshop grade`
(who could not be graded). A participant who could not be graded, or whose reader was never measured,
is listed as such and never ranked.

Names are pseudonyms unless the instructor asks for names: stable per course, keyed by a secret kept in
the course folder (``.leaderboard-secret``), so that nobody can work out a pseudonym from a user name.
"""
from __future__ import annotations

import bisect
import hashlib
import hmac
import os
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from autograder.grading.steps import UNGRADABLE
from autograder.paths import COURSE_ROOT

if TYPE_CHECKING:
    from autograder.reports.tables import GradingNotes

T = TypeVar("T")

CHALLENGE = "06-pipeline"  # the assignment whose readers are ranked
METRICS = ("challenge", "sheet_reading")  # the first present is the challenge score (see hidden/pipeline.py)
SECRET = ".leaderboard-secret"

_ADJECTIVES = ("amber", "brave", "calm", "clever", "coral", "crimson", "daring", "eager", "fancy", "gentle",
               "golden", "happy", "indigo", "jolly", "keen", "lively", "lucky", "merry", "mighty", "nimble",
               "olive", "proud", "quick", "quiet", "rapid", "silver", "steady", "swift", "teal", "violet",
               "witty", "zesty")
_ANIMALS = ("badger", "beaver", "bison", "crane", "dolphin", "eagle", "falcon", "ferret", "gecko", "heron",
            "ibis", "jackal", "koala", "lemur", "lynx", "marten", "narwhal", "ocelot", "otter", "owl", "panda",
            "puffin", "quokka", "raven", "seal", "stork", "tapir", "tiger", "toucan", "walrus", "wombat", "yak")


def competition_ranks(values: Iterable[float], digits: int = 9) -> list[int]:
    """Ranks of ``values`` (higher is better), in their order: equal values share a rank and the next
    rank skips as many (1, 2, 2, 4). Values equal to ``digits`` decimals are equal."""
    values = [round(v, digits) for v in values]
    ascending = sorted(values)
    return [1 + len(ascending) - bisect.bisect_right(ascending, v) for v in values]


def ranked(items: list[T], score: Callable[[T], float], name: Callable[[T], str]) -> list[tuple[int, T]]:
    """``items`` best first (ties by ``name``), each with its competition rank by ``score``."""
    ordered = sorted(items, key=lambda item: (-round(score(item), 9), name(item).casefold(), name(item)))
    return list(zip(competition_ranks([score(item) for item in ordered]), ordered, strict=False))


def challenge_score(metrics: dict[str, float]) -> float | None:
    """A verdict's challenge score: ``challenge`` (the harder sheets), else ``sheet_reading``."""
    for key in METRICS:
        if key in metrics:
            return metrics[key]
    return None


# --- pseudonyms ----------------------------------------------------------------------------------------

def course_secret(root: Path) -> bytes:
    """The course's secret for pseudonyms, made on first use (readable by the instructor only)."""
    path = Path(root, SECRET)
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        pass
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(key + "\n")
    return bytes.fromhex(key)


def pseudonym(secret: bytes, student: str, length: int = 2) -> str:
    """``Teal Otter 3f``: an adjective, an animal and ``length`` hex digits, all from an HMAC of the id."""
    digest = hmac.new(secret, student.encode("utf-8"), hashlib.sha256).digest()
    return f"{_ADJECTIVES[digest[0] % 32].title()} {_ANIMALS[digest[1] % 32].title()} {digest[2:].hex()[:length]}"


def pseudonyms(root: Path, students: Iterable[str]) -> dict[str, str]:
    """A pseudonym per student, unique in the class (longer where two would collide)."""
    secret, students = course_secret(root), sorted(set(students))
    for length in range(2, 40, 2):
        names = {s: pseudonym(secret, s, length) for s in students}
        if len(set(names.values())) == len(names):
            return names
    raise RuntimeError("pseudonyms collide")  # pragma: no cover - 2**240 pseudonyms


# --- the board -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    student: str
    shown: str  # the pseudonym, or the name the participant submitted
    score: float | None  # the challenge score; None for who is not ranked
    rank: int | None
    accuracy: float | None = None  # held-out accuracy of the digit model
    sheet_reading: float | None = None
    reason: str = ""  # why not ranked, in a few words (shown on the projector)
    detail: str = ""  # and what grading said (for the participant's own feedback, never on the projector)


@dataclass(frozen=True)
class Board:
    assignment: str
    entries: list[Entry]  # the ranked best first, then who is not ranked
    metric: str  # the metric ranked on: "challenge", "sheet_reading" or "mixed"
    graded_at: datetime | None = None

    @property
    def ranked(self) -> list[Entry]:
        return [e for e in self.entries if e.rank is not None]

    @property
    def unranked(self) -> list[Entry]:
        return [e for e in self.entries if e.rank is None]

    def of(self, student: str) -> Entry | None:
        return next((e for e in self.entries if e.student == student), None)


def board(root: Path = COURSE_ROOT, names: bool = False, assignment: str = CHALLENGE,
          db_url: str | None = None) -> Board:
    """The class challenge of the course under ``root`` (its gradebook, unless ``db_url`` names another):
    pseudonyms unless ``names``."""
    from autograder.reports.class_report import _gradebook
    from autograder.reports.tables import load_notes
    from autograder.reports.verdicts import read_verdicts
    participants, _, _, scores, _ = _gradebook(root, db_url)
    verdicts, _ = read_verdicts(root)
    return make_board(root, assignment, participants, scores.get(assignment, {}), verdicts, load_notes(root), names)


def make_board(root: Path, assignment: str, participants: dict[str, str], graded: dict[str, float],
               verdicts: dict, kept: GradingNotes, names: bool) -> Board:
    """The board from what the class report reads too: names by id, the gradebook's scores of ``assignment``
    by student, verdicts by (student, assignment), the notes of grading (``tables.load_notes``)."""
    noted = {s for s, a in [*kept.notes, *kept.ungradable] if a == assignment}
    ungradable = {s for s in noted if s not in graded or (s, assignment) in kept.ungradable}
    graded = {s: v for s, v in graded.items() if s not in ungradable}
    students = set(graded) | set(ungradable)
    shown = ({s: participants.get(s, s) for s in students} if names else pseudonyms(root, students))
    scored: list[Entry] = []
    unscored: list[Entry] = []
    used: set[str] = set()
    for student in sorted(graded):
        verdict = verdicts.get((student, assignment))
        metrics = verdict.metrics if verdict else {}
        value = challenge_score(metrics)
        used |= {next(k for k in METRICS if k in metrics)} if value is not None else set()
        entry = Entry(student, shown[student], value, None, metrics.get("accuracy"), metrics.get("sheet_reading"),
                      "" if value is not None else "graded, but its reader was never measured on the sheets")
        (scored if value is not None else unscored).append(entry)
    for student in sorted(ungradable):
        lines = kept.notes.get((student, assignment), [])
        reason = kept.ungradable.get((student, assignment))
        missing = reason is None and lines and all(line.startswith("missing ") for line in lines)
        reasons = lines + ([reason] if reason is not None else [])
        unscored.append(Entry(student, shown[student], None, None, reason="not handed in" if missing else UNGRADABLE,
                              detail="; ".join(reasons) or "not graded"))
    ranks = ranked(scored, lambda e: e.score or 0.0, lambda e: e.shown)  # scored: every score is a number
    entries = [Entry(e.student, e.shown, e.score, rank, e.accuracy, e.sheet_reading) for rank, e in ranks]
    when = [v.graded_at for (s, a), v in verdicts.items() if a == assignment and s in graded and v.graded_at]
    metric = used.pop() if len(used) == 1 else "mixed" if used else METRICS[0]
    return Board(assignment, entries + sorted(unscored, key=lambda e: e.shown.casefold()), metric,
                 max(when) if when else None)


def feedback_line(entry: Entry | None, board: Board) -> str:
    """What a participant's 06 feedback says of the challenge."""
    if entry is None:
        return ""
    if entry.rank is None:
        return f"Class challenge: not ranked ({entry.reason}{': ' + entry.detail if entry.detail else ''})."
    read = f"Class challenge: your reader read {entry.score:.1%} of the digits on the grader's harder sheets"
    if len(board.entries) == 1:
        return read + " (graded alone: no class to rank in)."
    return read + f", rank {entry.rank} of {len(board.ranked)} in the class (as {entry.shown} on the leaderboard)."


def render(board: Board, title: str = "Class challenge") -> str:
    """The board as one self-contained HTML page for the projector: no scripts, no network."""
    from jinja2 import Environment, PackageLoader, select_autoescape
    env = Environment(loader=PackageLoader("autograder.reports", "templates"),
                      autoescape=select_autoescape(["j2", "html"]), trim_blocks=True, lstrip_blocks=True)
    return env.get_template("leaderboard.html.j2").render(
        board=board, title=title, generated=datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        metric={"challenge": "digits read on the grader's harder sheets",
                "sheet_reading": "digits read on the grader's held-out sheets",
                "mixed": "digits read on the grader's sheets"}[board.metric])


def write(to: Path, root: Path = COURSE_ROOT, names: bool = False) -> tuple[Path, Board]:
    made = board(root, names)
    to = Path(to)
    to.parent.mkdir(parents=True, exist_ok=True)
    to.write_text(render(made), encoding="utf-8")
    return to, made
