"""Grade one's own notebook, alone: the same nbgrader run an instructor does, in a
private course folder, with the score and each failed check's message printed."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat

from autograder.authoring.validate import graded_cells
from autograder.grading import steps
from autograder.grading.collect import notebook_names
from autograder.paths import COURSE_ROOT, SOURCE
from autograder.reports.scores import stretch_ids

WORKDIR = COURSE_ROOT / ".selfgrade"
STUDENT = "me"


def selfgrade(notebook: Path, workdir: Path = WORKDIR) -> tuple[steps.Graded, str]:
    """Autograde ``notebook`` and return its grade and a report for the learner."""
    names = notebook_names()
    if notebook.stem not in names:
        raise ValueError(f"{notebook.name} is not a workshop notebook: pass one of "
                         f"{', '.join(n + '.ipynb' for n in names)}")
    try:
        json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"cannot read {notebook} as a notebook ({error}); "
                         "check the path, or restore it from JupyterLab's File → Revert") from None
    assignment = names[notebook.stem]
    shutil.rmtree(workdir / "source", ignore_errors=True)
    shutil.copytree(SOURCE / assignment, workdir / "source" / assignment)
    steps.release([assignment], root=workdir)
    target = workdir / "submitted" / STUDENT / assignment / notebook.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(notebook, target)
    nbgrader = steps.api(workdir)
    graded = steps.autograde(STUDENT, assignment, nbgrader)
    if graded.score is None:
        return graded, "\n".join(graded.lines)
    html = steps.feedback(STUDENT, assignment, nbgrader)
    return graded, _report(graded, workdir / "autograded" / STUDENT / assignment / notebook.name, html)


def _report(graded: steps.Graded, autograded: Path, html: Path) -> str:
    head = f"{graded.assignment}: {graded.score:g} / {graded.max_score:g} points"
    part = graded.standing
    if part is not None:
        head += f" ({part.points()})"
        head += (" — the core is finished: done" + (", the ⭐ stretch tasks are extra" if part.stretch_max else "")
                 if part.done else f" — the core needs {part.core_max - part.core:g} more")
    stretch = stretch_ids(autograded.parents[3], graded.assignment)
    lines = [head, ""]
    for grade_id, cell in graded_cells(nbformat.read(autograded, as_version=4)).items():
        points = cell.metadata.nbgrader.get("points", 0)
        failures = [o for o in cell.outputs if o.output_type == "error"]
        star = " ⭐ stretch" if grade_id in stretch else ""
        if failures:
            lines.append(f"  ✘ {grade_id}{star} (0/{points:g}): {failures[0].ename}: {failures[0].evalue}")
        else:
            lines.append(f"  ✔ {grade_id}{star} ({points:g}/{points:g})")
    lines += [f"  note: {n}" for n in graded.notes]
    lines += ["", f"Feedback: {html}"]
    return "\n".join(lines)
