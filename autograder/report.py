"""Tables for the instructor: the class's scores, and which tasks the class found hard."""
from __future__ import annotations

from collections import defaultdict

from nbgrader.api import Gradebook

from .collect import Collection
from .steps import Graded


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda row: "  ".join(str(v).ljust(w) for v, w in zip(row, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def score_table(results: list[Graded], found: Collection, seconds: bool = False) -> str:
    """One row per participant: a score per notebook, the total, and a line per problem.

    With ``seconds``, each score is followed by the seconds its notebook took to grade."""
    assignments = sorted({r.assignment for r in results})
    max_scores = {r.assignment: r.max_score for r in results if r.max_score is not None}
    by_student = defaultdict(dict)
    for r in results:
        by_student[r.student][r.assignment] = r
    rows, notes = [], []
    for student in sorted(by_student):
        cells, total, maximum = [], 0.0, 0.0
        for assignment in assignments:
            r = by_student[student].get(assignment)
            maximum += max_scores.get(assignment, 0.0)  # a missing notebook counts as zero
            if r is None or r.score is None:
                cells.append("—")
            else:
                took = getattr(r, "seconds", None) if seconds else None
                cells.append(f"{r.score:g}/{r.max_score:g}" + (f" {took:.1f}s" if took is not None else ""))
                total += r.score
            notes += [f"{student} / {assignment}: {n}" for n in (r.notes if r else [])]
        rows.append([student, *cells, f"{total:g}/{maximum:g}" if maximum else "—"])
    notes += [f"{student or '(no participant)'}: {p}" for student, p in found.problems]
    text = _table(["participant", *assignments, "total"], rows) if rows else "no notebooks graded"
    return text + ("\n\nProblems:\n" + "\n".join(f"  {n}" for n in notes) if notes else "")


def overview(gradebook: Gradebook) -> str:
    """Per assignment and graded cell: how many participants earned its full points."""
    rows = []
    for assignment in sorted(gradebook.assignments, key=lambda a: a.name):
        for notebook in assignment.notebooks:
            submissions = list(notebook.submissions)
            if not submissions:
                continue
            scores = [s.score for s in submissions]
            rows.append([assignment.name, "(notebook)", f"{len(submissions)}",
                         f"mean {sum(scores) / len(scores):.1f}/{notebook.max_score:g}"])
            for cell in notebook.grade_cells:
                grades = [g for s in submissions for g in s.grades if g.name == cell.name]
                full = sum(1 for g in grades if g.score is not None and g.score >= g.max_score)
                rows.append(["", cell.name, f"{full}/{len(grades)} full", f"{cell.max_score:g} pt"])
    return _table(["assignment", "graded cell", "participants", "points"], rows) if rows else "nothing graded yet"
