"""Tables for the instructor: the class's scores, and which tasks the class found hard."""
from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from nbgrader.api import Gradebook

from autograder.grading.collect import Collection
from autograder.grading.steps import UNGRADABLE, Graded
from autograder.reports.scores import Standing, standings, stretch_ids
from autograder.reports.scores import total as scores_total
from autograder.sandbox.kernel import unavailable_reason

NOTES = "grading-notes.json"  # under the course root: what `workshop grade` could not show in the gradebook


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda row: "  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=False)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def score_table(results: list[Graded], found: Collection, seconds: bool = False) -> str:
    """One row per participant (the name as submitted): per notebook its core and stretch points,
    ✔ where the core is finished, how late it came; how many cores are done, the total; a line per
    problem, and a line when the kernels could not be sandboxed.

    With ``seconds``, each score is followed by the seconds its notebook took to grade."""
    assignments = sorted({r.assignment for r in results})
    max_scores = {r.assignment: r.max_score for r in results if r.max_score is not None}
    empty = {r.assignment: Standing(0.0, r.standing.core_max, 0.0, r.standing.stretch_max)
             for r in results if r.standing is not None}
    by_student: dict[str, dict[str, Graded]] = defaultdict(dict)
    for result in results:
        by_student[result.student][result.assignment] = result
    rows, notes, any_late = [], [], False
    for student in sorted(by_student, key=lambda s: (found.name(s).casefold(), s)):
        name = _printable(found.name(student))
        cells, parts, total, maximum, done = [], [], 0.0, 0.0, 0
        for assignment in assignments:
            r: Graded | None = by_student[student].get(assignment)
            maximum += max_scores.get(assignment, 0.0)  # a missing notebook counts as zero
            if r is None or r.score is None:
                cells.append("—")
                parts += [empty[assignment]] if assignment in empty else []
            else:
                took = getattr(r, "seconds", None) if seconds else None
                cells.append(_points(r) + (f" {took:.1f}s" if took is not None else ""))
                total += r.score
                parts += [r.standing] if r.standing else []
                done += bool(r.standing and r.standing.done)
                any_late |= bool(r.standing and r.standing.late)
            notes += [f"{name} / {assignment}: {_printable(n)}" for n in (r.lines if r else [])]
        summed = scores_total(parts)
        split = f" ({summed.points()})" if summed.stretch_max and len(parts) == len(assignments) else ""
        rows.append([name, *cells, f"{done}/{len(assignments)}", f"{total:g}/{maximum:g}{split}" if maximum else "—"])
    notes += [f"{_printable(found.name(s)) if s else '(no participant)'}: {_printable(p)}" for s, p in found.problems]
    text = _table(["participant", *assignments, "core done", "total"], rows) if rows else "no notebooks graded"
    if rows and empty:
        stretch = any(part.stretch_max for part in empty.values())
        text += ("\n\nPer notebook: core points" + (" · ⭐ stretch points" if stretch else "")
                 + "; ✔ the core is finished: done" + ("; late: handed in after the deadline, with the penalty "
                                                       "nbgrader gave" if any_late else "") + ".")
    reason = unavailable_reason()
    if reason and results:
        text += (f"\n\nNot sandboxed: {reason}; the notebooks ran with resource limits in private folders "
                 "only, and could read the course's files.")
    return text + ("\n\nProblems:\n" + "\n".join(f"  {n}" for n in notes) if notes else "")


def _points(r: Graded) -> str:
    """``10/12 · 2/6 ✔ late 3 min``: core · stretch, done, lateness; plain ``score/max`` without a Standing."""
    part = r.standing
    if part is None:
        return f"{r.score:g}/{r.max_score:g}"
    text = f"{part.core:g}/{part.core_max:g}"
    text += f" · {part.stretch:g}/{part.stretch_max:g}" if part.stretch_max else ""
    return text + (" ✔" if part.done else "") + (f" {part.lateness()}" if part.late else "")


def _printable(text: str) -> str:
    """One line: control characters (a newline in a file name) shown as spaces."""
    return "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)


def overview(gradebook: Gradebook, root: Path | None = None) -> str:
    """Per assignment and graded cell: how many participants earned its full points; per notebook how
    many finished its core, and the stretch cells (tagged in ``root``'s source notebooks) marked ⭐."""
    rows = []
    standing = standings(gradebook.db, root) if root is not None else {}
    for assignment in sorted(gradebook.assignments, key=lambda a: a.name):
        stretch = stretch_ids(root, assignment.name) if root is not None else frozenset()
        for notebook in assignment.notebooks:
            submissions = list(notebook.submissions)
            if not submissions:
                continue
            scores = [s.score for s in submissions]
            done = sum(1 for (_, a), p in standing.items() if a == assignment.name and p.done)
            rows.append([assignment.name, "(notebook)", f"{len(submissions)}" + (
                f", core done {done}" if root is not None else ""),
                         f"mean {sum(scores) / len(scores):.1f}/{notebook.max_score:g}"])
            for cell in notebook.grade_cells:
                grades = [g for s in submissions for g in s.grades if g.name == cell.name]
                full = sum(1 for g in grades if g.score is not None and g.score >= g.max_score)
                rows.append(["", cell.name + (" ⭐ stretch" if cell.name in stretch else ""),
                             f"{full}/{len(grades)} full", f"{cell.max_score:g} pt"])
    return _table(["assignment", "graded cell", "participants", "points"], rows) if rows else "nothing graded yet"


def save_notes(results: list[Graded], found: Collection, root: Path) -> Path:
    """Keep what a class run had to say per participant (ungradable notebooks and why, restored
    cells, timeouts, stray files) in ``<root>/grading-notes.json``, for `workshop report`::

        {"format": 1, "assignments": {"01-neurons": {"graded_at": "2026-12-01T12:00:00+00:00",
            "notes": {student: [line, ...]}, "ungradable": {student: reason}, "problems": [[student, text]]}}}

    Kept per assignment: grading an assignment again replaces its notes, others stay. A problem
    with a participant's file of an assignment (a notebook that is no notebook) goes with that
    assignment; any other (a stray file) goes with every assignment of the run.
    """
    path = Path(root, NOTES)
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))["assignments"]
    except (OSError, ValueError, KeyError, TypeError):
        kept = {}
    now = datetime.now(UTC).isoformat(timespec="seconds")
    run: dict[str, dict] = {r.assignment: {"graded_at": now, "notes": {}, "ungradable": {}, "problems": []}
                            for r in results}
    for r in results:
        if r.notes:
            run[r.assignment]["notes"].setdefault(r.student, []).extend(r.notes)
        if r.ungradable is not None:
            run[r.assignment]["ungradable"][r.student] = r.ungradable
    for student, problem in found.problems:
        named = found.assignment_of.get((student, problem))
        if student and named in run:
            run[named]["notes"].setdefault(student, []).append(problem)
        else:
            for assignment in run:
                run[assignment]["problems"].append([student, problem])
    path.write_text(json.dumps({"format": 1, "assignments": kept | run}, indent=1) + "\n", encoding="utf-8")
    return path


@dataclass
class GradingNotes:
    """What ``save_notes`` kept of a course's class runs."""
    notes: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # by (student, assignment)
    ungradable: dict[tuple[str, str], str] = field(default_factory=dict)  # why not, by (student, assignment)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (student or '', text): of no one notebook
    graded_at: dict[str, datetime] = field(default_factory=dict)  # by assignment


def load_notes(root: Path) -> GradingNotes:
    """What ``save_notes`` kept; all empty if no class was graded under ``root``."""
    try:
        kept = json.loads(Path(root, NOTES).read_text(encoding="utf-8"))["assignments"]
    except (OSError, ValueError, KeyError, TypeError):
        return GradingNotes()
    found = GradingNotes()
    for assignment, run in sorted(kept.items()):
        found.graded_at[assignment] = datetime.fromisoformat(run["graded_at"])
        prose = "ungradable" not in run  # kept before the reason was apart: a note that began with UNGRADABLE
        for student, lines in run.get("notes", {}).items():
            said = [line for line in lines if prose and line.startswith(UNGRADABLE)]
            if said:
                found.ungradable[(student, assignment)] = said[0].removeprefix(UNGRADABLE).removeprefix(":").strip()
            if len(said) < len(lines):
                found.notes[(student, assignment)] = [line for line in lines if line not in said]
        for student, reason in run.get("ungradable", {}).items():
            found.ungradable[(student, assignment)] = reason
        found.problems += [(s, p) for s, p in run.get("problems", []) if (s, p) not in found.problems]
    return found
