"""What the class found hard: the instructor's report after grading, as one HTML file and in the terminal.

Read from the gradebook (scores per notebook and graded cell, the names participants submitted),
the judge's verdicts (failure messages and diagnoses, the 06 leaderboard, grading times; see
``verdicts``) and the notes `workshop grade` kept (who could not be graded and why; see
``tables.save_notes``). Never from the feedback HTML.
"""
from __future__ import annotations

import base64
import io
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import nbformat
from nbgrader.api import Assignment, Grade, GradeCell, Notebook, Student, SubmittedAssignment, SubmittedNotebook
from sqlalchemy import func

from autograder.grading import steps
from autograder.paths import COURSE_ROOT
from autograder.reports.leaderboard import challenge_score, make_board
from autograder.reports.scores import Standing, standings, stretch_ids
from autograder.reports.tables import load_notes
from autograder.reports.verdicts import Outcome, Verdict, read_verdicts

TOP_FAILURES = 5  # failure groups shown per graded cell


@dataclass
class Failure:
    """Participants who failed a graded cell the same way."""
    label: str  # the diagnosis, or the message with the participant's values stripped
    example: str  # one participant's message as it was
    who: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.who)


@dataclass
class CellSummary:
    grade_id: str
    max_points: float
    earned: int  # participants with its full points
    graded: int  # participants graded on it
    failures: list[Failure] = field(default_factory=list)
    more_failures: int = 0  # further groups not shown
    stretch: bool = False  # a stretch task's cell (tagged in the source notebook)

    @property
    def share(self) -> float:
        return self.earned / self.graded if self.graded else 0.0


@dataclass
class NotebookSummary:
    assignment: str
    notebook: str
    max_score: float
    scores: list[float]  # one per graded participant, from the gradebook
    cells: list[CellSummary]  # in the notebook's order
    seconds: list[float]  # grading time per participant, from the verdicts
    verdicts: int  # graded notebooks with a verdict file
    standings: list[Standing] = field(default_factory=list)  # core and stretch apart, lateness; per participant
    core_max: float = 0.0
    stretch_max: float = 0.0

    @property
    def core_done(self) -> int:
        """Participants who finished its core (its core's full points): done with this notebook."""
        return sum(s.done for s in self.standings)

    @property
    def late(self) -> int:
        return sum(s.late for s in self.standings)

    @property
    def core_mean(self) -> float:
        return statistics.fmean(s.core for s in self.standings) if self.standings else 0.0

    @property
    def stretch_mean(self) -> float:
        return statistics.fmean(s.stretch for s in self.standings) if self.standings else 0.0

    @property
    def mean(self) -> float:
        return statistics.fmean(self.scores) if self.scores else 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.scores) if self.scores else 0.0


@dataclass
class Ranked:
    name: str
    accuracy: float | None
    sheet_reading: float | None
    rank: int | None = None  # the class challenge's competition rank (autograder.reports.leaderboard); None: not ranked
    challenge: float | None = None  # the share of digits read on the grader's harder sheets
    reason: str = ""  # why not ranked


@dataclass
class ClassReport:
    participants: dict[str, str]  # student id → the name they submitted
    notebooks: list[NotebookSummary]
    ungradable: list[str]  # one line each: who, which notebook, why
    notes: list[str]  # one line each: graded, but worth knowing (restored cells, timeouts, stray files)
    leaderboards: dict[str, list[Ranked]]  # assignment → best first, then who is not ranked
    graded_at: tuple[datetime, datetime] | None
    in_gradebook: int = 0  # participants the gradebook knows
    with_scores: int = 0  # participants with at least one graded notebook
    late: list[str] = field(default_factory=list)  # one line each: who, which notebook, how late, the penalty

    @property
    def hardest(self) -> list[tuple[NotebookSummary, CellSummary]]:
        cells = [(nb, c) for nb in self.notebooks for c in nb.cells if c.graded]
        return sorted(cells, key=lambda pair: (pair[1].share, pair[0].assignment))


# --- failure messages: the same mistake groups together --------------------------------------------

_CODE = re.compile(r"`[^`\n]*`")
_QUOTED = re.compile(r"(?<![\w'])'[^'\n]*'(?![\w'])|\"[^\"\n]*\"")
_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![\w])|(?<![\w])-?(?:nan|inf)\b")
_ARRAY_START = re.compile(r"\b(?:np\.|numpy\.)?array\(|\[")


def _balanced(text: str, start: int) -> int:
    """The index after the bracket group opened at or before ``start``'s bracket."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] in "([":
            depth += 1
        elif text[i] in ")]":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def strip_values(message: str) -> str:
    """The message with each participant's values replaced by placeholders: array reprs → ``<array>``,
    lists → ``<list>``, quoted values → ``<value>``, code in backticks → ``<code>``, numbers → ``<n>``."""
    out, i = [], 0
    text = _QUOTED.sub("<value>", _CODE.sub("<code>", " ".join(message.split())))
    while (match := _ARRAY_START.search(text, i)) is not None:
        out.append(text[i:match.start()] + ("<list>" if match.group() == "[" else "<array>"))
        i = _balanced(text, match.end() - 1)
    text = "".join(out) + text[i:]
    return _NUMBER.sub("<n>", text)


def failure_label(outcome: Outcome, message: str | None, diagnosis: str | None) -> str:
    """What a failure is grouped by: its diagnosis when the judge made one, else the stripped message."""
    if diagnosis:
        return diagnosis.strip()
    if message:
        return strip_values(message)
    return {Outcome.UNFINISHED: "not implemented yet",
            Outcome.UNANSWERED: "never answered (the cell did not run, or the kernel stopped before it)"
            }.get(outcome, f"{outcome}, no message")


def group_failures(failed: list[tuple[str, Outcome, str | None, str | None]]) -> list[Failure]:
    """(who, outcome, message, diagnosis) of each failure → groups, most frequent first."""
    groups: dict[str, Failure] = {}
    for who, outcome, message, diagnosis in failed:
        label = failure_label(outcome, message, diagnosis)
        group = groups.setdefault(label, Failure(label, message or label))
        group.who.append(who)
    return sorted(groups.values(), key=lambda g: (-g.count, g.label))


# --- reading: gradebook, verdicts, notes -------------------------------------------------------------

def _course_order(root: Path, assignment: str, verdicts: list[Verdict]) -> dict[str, int]:
    """Position of each graded cell: from the source notebook, else from a verdict."""
    sources = sorted(Path(root, "source", assignment).glob("*.ipynb"))
    if sources:
        notebook = nbformat.read(sources[0], as_version=4)
        ids = [c.metadata.nbgrader["grade_id"] for c in notebook.cells
               if c.metadata.get("nbgrader", {}).get("grade") and "grade_id" in c.metadata.nbgrader]
    else:
        ids = [c.grade_id for c in verdicts[0].cells] if verdicts else []
    return {grade_id: position for position, grade_id in enumerate(ids)}


def _name(first: str | None, last: str | None, student: str) -> str:
    name = " ".join(part.strip() for part in (first, last) if part and part.strip())
    return name or student


def _gradebook(root: Path, db_url: str | None = None):
    """From the gradebook, in a few queries: names, notebooks, graded cells, scores and grades."""
    nbgrader = steps.api(root, db_url=db_url)
    database = nbgrader.coursedir.db_url.split("?")[0]
    if database.startswith("sqlite:///") and not Path(database.removeprefix("sqlite:///")).exists():
        raise FileNotFoundError(f"no gradebook in {root}: grade the class first (workshop grade SUBMISSIONS)")
    with nbgrader.gradebook as gb:
        db = gb.db
        participants = {sid: _name(first, last, sid)
                        for sid, first, last in db.query(Student.id, Student.first_name, Student.last_name)}
        assignments = {name: (notebook, max_score) for name, notebook, max_score in
                       db.query(Assignment.name, Notebook.name, Notebook.max_score).join(Notebook.assignment)}
        cells = defaultdict(list)  # assignment → [(grade_id, max_points)]
        for assignment, grade_id, max_points in (db.query(Assignment.name, GradeCell.name, GradeCell.max_score)
                                                 .select_from(GradeCell).join(GradeCell.notebook)
                                                 .join(Notebook.assignment)):
            cells[assignment].append((grade_id, max_points))
        # assignment → student → score: nbgrader's SubmittedNotebook.score, summed
        scores: dict[str, dict[str, float]] = defaultdict(dict)
        for assignment, student, score in (  # in one query (its column property runs a subquery per notebook)
                db.query(Assignment.name, SubmittedAssignment.student_id, func.coalesce(func.sum(Grade.score), 0.0))
                .select_from(SubmittedNotebook).outerjoin(Grade, Grade.notebook_id == SubmittedNotebook.id)
                .join(SubmittedNotebook.assignment).join(SubmittedAssignment.assignment)
                .group_by(SubmittedNotebook.id, Assignment.name, SubmittedAssignment.student_id)):
            scores[assignment][student] = score
        # (assignment, grade_id) → student → (score, max)
        grades: dict[tuple[str, str], dict[str, tuple[float, float]]] = defaultdict(dict)
        for assignment, grade_id, student, score, max_points in (
                db.query(Assignment.name, GradeCell.name, SubmittedAssignment.student_id, Grade.score,
                         GradeCell.max_score)
                .select_from(Grade).join(GradeCell, Grade.cell_id == GradeCell.id)
                .join(Grade.notebook).join(SubmittedNotebook.assignment).join(SubmittedAssignment.assignment)):
            grades[(assignment, grade_id)][student] = (score, max_points)
    return participants, assignments, cells, scores, grades


def build(root: Path = COURSE_ROOT) -> ClassReport:
    """Everything the report shows, read from the course under ``root``."""
    participants, assignments, cells, scores, grades = _gradebook(root)
    with steps.api(root).gradebook as gb:
        standing = standings(gb.db, root)
    verdicts, verdict_problems = read_verdicts(root)
    kept = load_notes(root)

    # nbgrader keeps a record, all zeros, of a notebook its autograde failed on: not a score of the class
    for student, assignment in kept.ungradable:
        scores.get(assignment, {}).pop(student, None)
    for (assignment, _), by_student in grades.items():
        for student in [s for s in by_student if (s, assignment) in kept.ungradable]:
            del by_student[student]

    in_gradebook = len(participants)
    for student, _ in [*kept.notes, *kept.ungradable, *kept.problems]:
        if student:
            participants.setdefault(student, student)
    by_assignment = defaultdict(list)
    for (student, assignment), verdict in verdicts.items():
        if student in scores.get(assignment, {}):  # a verdict of a notebook the gradebook no longer holds is stale
            by_assignment[assignment].append(verdict)

    notebooks, late = [], []
    for assignment in sorted(assignments):
        notebook, max_score = assignments[assignment]
        graded = scores.get(assignment, {})
        if not graded:
            continue
        ours = by_assignment[assignment]
        order = _course_order(root, assignment, ours)
        stretch = stretch_ids(root, assignment)
        failed: dict[str, list[tuple[str, Outcome, str | None, str | None]]] = defaultdict(list)
        for verdict in ours:
            for cell in verdict.cells:
                if cell.outcome is not Outcome.PASSED:
                    failed[cell.grade_id].append((participants.get(verdict.student, verdict.student),
                                                  cell.outcome, cell.message, cell.diagnosis))
        summaries = []
        for grade_id, max_points in sorted(cells[assignment], key=lambda c: (order.get(c[0], len(order)), c[0])):
            got = grades.get((assignment, grade_id), {})
            groups = group_failures(failed[grade_id])
            summaries.append(CellSummary(grade_id, max_points,
                                         earned=sum(1 for s, m in got.values() if s is not None and s >= m),
                                         graded=len(got), failures=groups[:TOP_FAILURES],
                                         more_failures=max(0, len(groups) - TOP_FAILURES),
                                         stretch=grade_id in stretch))
        parts = [standing[(s, assignment)] for s in sorted(graded) if (s, assignment) in standing]
        notebooks.append(NotebookSummary(
            assignment, notebook, max_score, [graded[s] for s in sorted(graded)], summaries,
            [v.seconds for v in ours if v.seconds is not None], len(ours), parts,
            sum(c.max_points for c in summaries if not c.stretch), sum(c.max_points for c in summaries if c.stretch)))
        late += [(participants.get(s, s), assignment, standing[(s, assignment)]) for s in graded
                 if (s, assignment) in standing and standing[(s, assignment)].late]

    graded_pairs = {(s, a) for a, by_student in scores.items() for s in by_student}
    ungradable, other = [], []
    for student, assignment in sorted({*kept.notes, *kept.ungradable}):
        who = f"{participants.get(student, student)} / {assignment}"
        lines = kept.notes.get((student, assignment), [])
        if (student, assignment) in graded_pairs:
            other += [f"{who}: {line}" for line in lines]
        else:
            reason = kept.ungradable.get((student, assignment))
            reasons = lines + ([reason] if reason is not None else [])
            ungradable.append(f"{who}: {'; '.join(reasons) or 'not graded'}")
    other += [f"{participants.get(s, s) if s else '(no participant)'}: {p}" for s, p in kept.problems]
    other += verdict_problems

    leaderboards = {}  # the class challenge, ranked as the projector's board and the feedback rank it
    for assignment, ours in sorted(by_assignment.items()):
        if not any("accuracy" in v.metrics or challenge_score(v.metrics) is not None for v in ours):
            continue
        board = make_board(root, assignment, participants, scores.get(assignment, {}), verdicts, kept, names=True)
        leaderboards[assignment] = [Ranked(e.shown, e.accuracy, e.sheet_reading, e.rank, e.score,
                                           e.reason + (f": {e.detail}" if e.detail else "")) for e in board.entries]

    times = [v.graded_at for vs in by_assignment.values() for v in vs if v.graded_at] or [
        when for assignment, when in kept.graded_at.items() if assignment in scores]
    return ClassReport(participants, notebooks, ungradable, other, leaderboards,
                       (min(times), max(times)) if times else None, in_gradebook,
                       len({student for by_student in scores.values() for student in by_student}),
                       [f"{who} / {assignment}: {part.lateness()}" for who, assignment, part in
                        sorted(late, key=lambda t: (t[1], -t[2].seconds_late, t[0]))])


# --- the terminal ------------------------------------------------------------------------------------

def _when(report: ClassReport) -> str:
    if report.graded_at is None:
        return "when: not recorded"
    first, last = (moment.astimezone(UTC) for moment in report.graded_at)
    text = first.strftime("%Y-%m-%d %H:%M")
    if last.date() != first.date():
        text += last.strftime(" – %Y-%m-%d %H:%M")
    elif last.strftime("%H:%M") != first.strftime("%H:%M"):
        text += last.strftime("–%H:%M")
    return f"graded {text} UTC"


def _nothing_graded(report: ClassReport) -> str:
    missing = len(report.participants) - report.with_scores
    return f" ({missing} with nothing graded)" if missing else ""


def _seconds(nb: NotebookSummary) -> str:
    if not nb.seconds:
        return "—"
    return f"{statistics.fmean(nb.seconds):.1f} s mean, {max(nb.seconds):.1f} s max"


def summary(report: ClassReport, lines: int = 5) -> str:
    """The top of the report as text: per notebook, the hardest cells, the most frequent mistakes,
    who could not be graded, the leaderboard; at most ``lines`` entries per list."""
    def more(items: list, shown: int) -> list[str]:
        return [f"  … and {len(items) - shown} more"] if len(items) > shown else []

    count = len(report.participants)
    out = [f"Class report: {count} participant{'s' * (count != 1)}{_nothing_graded(report)}, {_when(report)}", ""]
    if not report.notebooks:
        out.append("nothing graded yet: run `workshop grade SUBMISSIONS` first")
    for nb in report.notebooks:
        hardest = min(nb.cells, key=lambda c: c.share, default=None)
        hard = f"hardest {hardest.grade_id} {hardest.earned}/{hardest.graded}" if hardest else ""
        out.append(f"{nb.assignment:<16} {len(nb.scores):>4} graded  core done {nb.core_done}/{len(nb.standings)}  "
                   f"mean {_means(nb)}  {hard}  grading {_seconds(nb)}")
    hard_tasks = [(nb, c) for nb, c in report.hardest if c.share < 1][:lines]
    if hard_tasks:
        out += ["", "Hardest tasks (share who earned the full points):"]
        out += [f"  {nb.assignment} / {c.grade_id}: {c.earned}/{c.graded} ({c.share:.0%})" for nb, c in hard_tasks]
    mistakes = sorted(((g, nb, c) for nb in report.notebooks for c in nb.cells for g in c.failures),
                      key=lambda t: -t[0].count)
    if mistakes:
        out += ["", "Most frequent mistakes:"]
        out += [f"  {g.count:>4} × {nb.assignment} / {c.grade_id}: {g.label}" for g, nb, c in mistakes[:lines]]
    if report.ungradable:
        out += ["", "Could not be graded:"] + [f"  {line}" for line in report.ungradable[:lines]]
        out += more(report.ungradable, lines)
    if report.late:
        out += ["", "Late:"] + [f"  {line}" for line in report.late[:lines]]
        out += more(report.late, lines)
    for assignment, ranked in report.leaderboards.items():
        out += ["", f"Leaderboard {assignment} (class challenge: digits read on the grader's sheets; "
                    "held-out accuracy):"]
        out += [f"  {r.rank}. {r.name}: {_share(r.challenge)}, {_share(r.accuracy)}"
                for r in ranked[:lines] if r.rank is not None]
        out += more([r for r in ranked if r.rank is not None], lines)
        unranked = [r for r in ranked if r.rank is None]
        out += [f"  not ranked: {len(unranked)} ({', '.join(r.name for r in unranked[:lines])})"] if unranked else []
    return "\n".join(out)


def _means(nb: NotebookSummary) -> str:
    """``9.4/10 core · 1.2/2 stretch``, or the plain mean where the notebook has no stretch tasks."""
    if not nb.stretch_max or not nb.standings:
        return f"{nb.mean:5.1f}/{nb.max_score:g}"
    return f"{nb.core_mean:.1f}/{nb.core_max:g} core · {nb.stretch_mean:.1f}/{nb.stretch_max:g} stretch"


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


# --- the HTML file -----------------------------------------------------------------------------------

def _png(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def figures(nb: NotebookSummary) -> tuple[str, str]:
    """The score histogram and the bar chart of shares per graded cell, as data: URIs."""
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    # margins set by hand: a constrained layout costs more than drawing the figures
    histogram = Figure(figsize=(5, 2.8))
    histogram.subplots_adjust(left=0.12, right=0.97, bottom=0.17, top=0.89)
    ax = histogram.subplots()
    top = max(nb.max_score, max(nb.scores, default=0))
    step = max(1.0, round(top / 25))
    edges = [i * step - step / 2 for i in range(int(top / step) + 2)]
    ax.hist(nb.scores, bins=edges, color="#4878a8", edgecolor="white")
    ax.set(xlabel=f"score (of {nb.max_score:g})", ylabel="participants", xlim=(edges[0], edges[-1]),
           title=f"{nb.assignment}: scores of {len(nb.scores)}")
    ax.yaxis.get_major_locator().set_params(integer=True)  # type: ignore[call-arg]  # a MaxNLocator

    height = 0.9 + 0.24 * max(len(nb.cells), 1)
    label = max((len(c.grade_id) for c in nb.cells), default=4) * 0.065 + 0.2  # inches, at 8 pt
    bars = Figure(figsize=(label + 4.2, height))
    bars.subplots_adjust(left=label / (label + 4.2), right=0.94, bottom=0.55 / height, top=1 - 0.35 / height)
    ax = bars.subplots()
    shares = [c.share for c in nb.cells]
    ax.barh(range(len(nb.cells)), shares, color=[_colour(s) for s in shares])
    ax.set_yticks(range(len(nb.cells)), [c.grade_id for c in nb.cells], fontsize=8)
    ax.invert_yaxis()  # course order, top to bottom
    ax.set(xlim=(0, 1), xlabel="share of participants with full points", title=f"{nb.assignment}: per graded cell")
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    for y, share in enumerate(shares):
        ax.text(min(share, 0.86) + 0.01, y, f"{share:.0%}", va="center", fontsize=7)
    return _png(histogram), _png(bars)


def _colour(share: float) -> str:
    return "#c0504d" if share < 0.5 else "#e8a33d" if share < 0.8 else "#5b9b5b"


def render(report: ClassReport) -> str:
    """The report as one self-contained HTML page: figures inline, no network."""
    from jinja2 import Environment, PackageLoader, select_autoescape
    env = Environment(loader=PackageLoader("autograder.reports", "templates"),
                      autoescape=select_autoescape(["j2", "html"]), trim_blocks=True, lstrip_blocks=True)
    sections = [(nb, *figures(nb)) for nb in report.notebooks]
    return env.get_template("report.html.j2").render(
        report=report, sections=sections, when=_when(report), summary=summary(report),
        nothing_graded=_nothing_graded(report),
        seconds=_seconds, share=_share, generated=datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"))


def write(to: Path, root: Path = COURSE_ROOT) -> tuple[Path, ClassReport]:
    """Build the report of the class under ``root`` and write it as ``to``."""
    report = build(root)
    to = Path(to)
    to.parent.mkdir(parents=True, exist_ok=True)
    to.write_text(render(report), encoding="utf-8")
    return to, report

