"""Core and stretch apart, and lateness, in every view: the score table, the CSV export, the class
report, feedback and selfgrade.

The stretch tags are read from the source notebook at run time; these tests tag cells of a copy of
01-neurons in a course folder of their own (``test_layer`` as the stretch task), so they hold before
and after the notebooks' own tags land."""
from __future__ import annotations

import csv
import re
import shutil
from datetime import datetime, timedelta

import nbformat
import pytest
from nbgrader.api import Assignment, SubmittedAssignment

from autograder.authoring.sample_class import solved
from autograder.grading import steps
from autograder.grading.collect import Collection
from autograder.grading.grade_class import feedback_for, grade_class, write_feedback
from autograder.paths import notebook_path
from autograder.reports import class_report, scores
from autograder.reports.tables import overview, score_table
from tests.synthetic_class import add_submissions, cell, empty_course, verdict_file

STRETCH_TASK = "layer"  # 01's last task, tagged stretch in these tests' copy
CORE_MAX, STRETCH_MAX = 10.0, 2.0
DUE = datetime(2026, 12, 1, 12, 0)


def tag_stretch(root, assignment: str, task: str) -> None:
    """Tag the markdown before, the solution cell and the test cell of ``task`` ``stretch`` in the course's
    source notebook, as docs/AUTHORING.md says."""
    path = notebook_path(assignment, root / "source")
    notebook = nbformat.read(path, as_version=4)
    for c in notebook.cells:  # only ``task`` is stretch here, whatever the course's own notebook tags
        if scores.STRETCH in c.metadata.get("tags", []):
            c.metadata.tags.remove(scores.STRETCH)
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in notebook.cells]
    start = ids.index(task)
    for c in notebook.cells[start - 1:ids.index(f"test_{task}") + 1]:
        c.metadata.setdefault("tags", []).append(scores.STRETCH)
    nbformat.write(notebook, path)


def cells_of(root) -> list[tuple[str, float]]:
    return [(c.name, c.max_score) for c in _grade_cells(root)]


def _grade_cells(root):
    with steps.api(root).gradebook as gb:
        return list(gb.find_notebook("neurons", "01-neurons").grade_cells)


@pytest.fixture
def core_class(tmp_path):
    """Five participants on 01-neurons: three finished exactly the core, one the core and the stretch,
    one missed a core cell. Three handed in late (one by 65 minutes, with a penalty), two on time."""
    cells = empty_course(tmp_path, ["01-neurons"])["01-neurons"]
    tag_stretch(tmp_path, "01-neurons", STRETCH_TASK)
    plan = {"core1": "core", "core2": "core", "core3": "core", "all": "all", "short": "short"}
    graded, people = {}, {}
    for student, what in plan.items():
        points = {g: (0.0 if g == f"test_{STRETCH_TASK}" and what != "all" else p) for g, p in cells}
        if what == "short":
            points["test_xor"] = 0.0
        graded[(student, "01-neurons")] = points
        people[student] = (student.capitalize(), "Tester")
        verdict_file(tmp_path, student, "01-neurons", [cell(g, p, "passed" if points[g] else "failed", "no")
                                                       for g, p in cells])
    add_submissions(tmp_path, graded, people)
    late = {"core1": 0, "core2": 65 * 60, "all": 40, "short": -3600, "core3": 3 * 86400 + 7200}
    with steps.api(tmp_path).gradebook as gb:
        gb.db.query(Assignment).filter(Assignment.name == "01-neurons").update({"duedate": DUE})
        for submission in gb.db.query(SubmittedAssignment):
            submission.timestamp = DUE + timedelta(seconds=late[submission.student_id])
        gb.db.commit()
        notebook = gb.find_submission_notebook("neurons", "01-neurons", "core2")
        notebook.late_submission_penalty = 3.0
        gb.db.commit()
    return tmp_path, late


def test_stretch_cells_come_from_the_source_tags(tmp_path):
    empty_course(tmp_path, ["01-neurons"])
    assert scores.stretch_ids(tmp_path, "01-neurons") == frozenset()
    tag_stretch(tmp_path, "01-neurons", STRETCH_TASK)
    assert scores.stretch_ids(tmp_path, "01-neurons") == {"test_layer"}, "only graded cells, by grade id"
    assert scores.stretch_ids(tmp_path, "no-such-assignment") == frozenset()


def test_split_and_its_words():
    part = scores.split([("a", 2.0, 2.0), ("b", None, 3.0), ("s", 1.0, 4.0)], {"s"})
    assert (part.core, part.core_max, part.stretch, part.stretch_max) == (2.0, 5.0, 1.0, 4.0)
    assert part.points() == "core 2/5 · stretch 1/4"
    assert not part.done
    assert scores.split([("a", 2.0, 2.0), ("s", 0.0, 4.0)], {"s"}).done, "the core full, no stretch: done"
    assert scores.split([("a", 2.0, 2.0)], set()).points() == "core 2/2", "no stretch tasks: no stretch part"
    assert [scores.duration(s) for s in (40, 65 * 60, 3 * 86400 + 7200, 59.6)] == ["40 s", "1 h 05 min", "3 d 2 h",
                                                                                   "1 min"]
    assert scores.Standing(1, 1, seconds_late=600, penalty=2).lateness() == "late 10 min (−2 points)"
    assert scores.Standing(1, 1).lateness() == ""


def test_a_class_that_finished_exactly_the_core_is_done(core_class):
    root, _ = core_class
    with steps.api(root).gradebook as gb:
        standing = scores.standings(gb.db, root)
    for student in ("core1", "core2", "core3"):
        part = standing[(student, "01-neurons")]
        assert (part.core, part.core_max, part.stretch, part.stretch_max) == (CORE_MAX, CORE_MAX, 0.0, STRETCH_MAX)
        assert part.done
    assert standing[("all", "01-neurons")].stretch == STRETCH_MAX
    assert standing[("all", "01-neurons")].done
    assert not standing[("short", "01-neurons")].done
    assert scores.done_counts(standing) == {"01-neurons": (4, 5)}


def test_lateness_is_nbgraders(core_class):
    root, late = core_class
    with steps.api(root).gradebook as gb:
        standing = scores.standings(gb.db, root)
        truth = {s.student_id: s.total_seconds_late for s in gb.db.query(SubmittedAssignment)}
    assert {s: p.seconds_late for (s, _), p in standing.items()} == truth == {s: max(0, v) for s, v in late.items()}
    assert standing[("core2", "01-neurons")].penalty == 3.0


def test_export_has_core_stretch_and_seconds_late_in_every_row(core_class):
    root, late = core_class
    with steps.api(root).gradebook as gb:
        gb.add_student("absent")  # never handed in: a row all the same
    exported = steps.export(steps.api(root), root / "grades.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(exported.splitlines()))
    assert len(rows) == 6
    by = {r["student_id"]: r for r in rows}
    assert all(float(r["seconds_late"]) >= 0 for r in rows), "a number in every row"
    assert {s: float(r["seconds_late"]) for s, r in by.items()} == {**{s: max(0, v) for s, v in late.items()},
                                                                    "absent": 0.0}
    for student in ("core1", "core2", "core3"):
        r = by[student]
        assert (float(r["core_score"]), float(r["core_max"]), float(r["stretch_score"]), float(r["stretch_max"])) == \
            (CORE_MAX, CORE_MAX, 0.0, STRETCH_MAX)
        assert r["core_done"] == "1"
    assert by["short"]["core_done"] == "0"
    assert by["absent"]["core_done"] == "0"
    assert float(by["absent"]["core_max"]) == CORE_MAX
    assert by["absent"]["raw_score"] == "0.0"
    assert float(by["core2"]["late_submission_penalty"]) == 3.0
    assert float(by["core2"]["score"]) == CORE_MAX - 3
    assert list(rows[0])[:11] == ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name",
                                  "email", "raw_score", "late_submission_penalty", "score", "max_score"], \
        "nbgrader's columns first, unchanged"


def test_score_table_says_why_a_notebook_could_not_be_graded():
    broken = steps.Graded("eve", "01-neurons", notes=["restored deleted cell(s) test_xor and graded them"],
                          ungradable="DeadKernelError: Kernel died")
    assert broken.lines == ["restored deleted cell(s) test_xor and graded them",
                            "could not be graded: DeadKernelError: Kernel died"]
    table = score_table([steps.Graded("ada", "01-neurons", 12, 12), broken], Collection())
    assert table.endswith("Problems:\n  eve / 01-neurons: restored deleted cell(s) test_xor and graded them\n"
                          "  eve / 01-neurons: could not be graded: DeadKernelError: Kernel died")


def test_score_table_shows_core_stretch_done_and_late():
    parts = {"ada": scores.Standing(10, 10, 0, 2), "bob": scores.Standing(10, 10, 2, 2, seconds_late=3900, penalty=3),
             "cy": scores.Standing(8, 10, 2, 2)}
    results = [steps.Graded(s, "01-neurons", p.core + p.stretch, 12, standing=p) for s, p in parts.items()]
    results.append(steps.Graded("dan", "01-neurons", notes=["missing neurons.ipynb"]))
    table = score_table(results, Collection())
    lines = {line.split()[0]: line for line in table.splitlines() if line[:3] in ("ada", "bob", "cy ", "dan")}
    assert lines["ada"].split()[-7:] == ["1/1", "10/12", "(core", "10/10", "·", "stretch", "0/2)"], \
        "the total as nbgrader counts it, then core and stretch apart"
    assert "10/10 · 2/2 ✔ late 1 h 05 min (−3 points)" in lines["bob"]
    assert "8/10 · 2/2 " in lines["cy"] + " "
    assert "✔" not in lines["cy"]
    assert "0/1" in lines["cy"]
    assert "—" in lines["dan"]
    assert "0/1" in lines["dan"]
    assert "0/12 (core 0/10 · stretch 0/2)" in lines["dan"]
    assert "core done" in table.splitlines()[0]
    assert "Per notebook: core points · ⭐ stretch points; ✔ the core is finished: done; late: handed in after " \
        "the deadline" in table


def test_class_report_counts_who_finished_the_core(core_class):
    root, _ = core_class
    path, report = class_report.write(root / "report.html", root)
    [nb] = report.notebooks
    assert (nb.core_done, len(nb.scores)) == (4, 5)
    assert (nb.core_max, nb.stretch_max) == (CORE_MAX, STRETCH_MAX)
    assert [c.grade_id for c in nb.cells if c.stretch] == ["test_layer"]
    text = class_report.summary(report)
    assert "core done 4/5" in text
    assert "Late:" in text
    assert "Core2 Tester / 01-neurons: late 1 h 05 min (−3 points)" in text
    with steps.api(root).gradebook as gb:
        table = overview(gb, root)
    assert "5, core done 4" in table
    assert "test_layer ⭐ stretch" in table
    assert "test_xor ⭐" not in table
    html = path.read_text()
    assert 'data-core-done="4"' in html
    assert "⭐" in html
    assert html.count('class="late"') == 3


# --- graded for real: nbgrader, the judge, feedback ------------------------------------------------------

@pytest.mark.xdist_group("grading")
def test_graded_for_real_core_only_is_done_in_table_and_feedback(course, tmp_path):
    tag_stretch(course, "01-neurons", STRETCH_TASK)
    notebook = solved("01-neurons")
    stub = next(c for c in nbformat.read(notebook_path("01-neurons", course / "release"), as_version=4).cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == STRETCH_TASK)
    for c in notebook.cells:
        if c.metadata.get("nbgrader", {}).get("grade_id") == STRETCH_TASK:
            c.source = stub.source  # the stretch task left as released
    folder = tmp_path / "class"
    folder.mkdir()
    nbformat.write(notebook, folder / "ada_neurons.ipynb")
    shutil.copyfile(folder / "ada_neurons.ipynb", folder / "bo_neurons.ipynb")
    results, found = grade_class(folder, root=course, progress=False, jobs=1)
    for r in results:
        assert r.standing == scores.Standing(CORE_MAX, CORE_MAX, 0.0, STRETCH_MAX)
    table = score_table(results, found)
    assert "10/10 · 0/2 ✔" in table
    assert "10/12 (core 10/10 · stretch 0/2)" in table
    (html, _) = write_feedback(feedback_for(results), root=course)
    text = html.read_text()
    assert "Your score: core 10/10 · stretch 0/2</strong> — the core is finished: you are done" in text


@pytest.mark.xdist_group("grading")
def test_graded_for_real_lateness_from_nbgraders_timestamp(course):
    """A due date set in the gradebook, a submission whose timestamp.txt (as nbgrader's collect writes it)
    is 65 minutes past it: nbgrader's autograde records the timestamp; table, export and report say so."""
    with steps.api(course).gradebook as gb:
        gb.update_or_create_assignment("01-neurons", duedate=DUE)
    for student, minutes in (("ada", 65), ("bo", -5)):
        folder = course / "submitted" / student / "01-neurons"
        folder.mkdir(parents=True)
        nbformat.write(solved("01-neurons"), folder / "neurons.ipynb")
        (folder / "timestamp.txt").write_text(f"{DUE + timedelta(minutes=minutes)} UTC")
    nbgrader = steps.api(course)
    results = [steps.autograde(student, "01-neurons", nbgrader) for student in ("ada", "bo")]
    assert [r.standing.seconds_late for r in results] == [65 * 60, 0.0]
    table = score_table(results, Collection())
    assert re.search(r"ada +\d+/\d+( · \d+/\d+)? ✔ late 1 h 05 min", table)
    assert table.count("late 1 h") == 1
    exported = steps.export(nbgrader, course / "g.csv").read_text(encoding="utf-8")
    rows = {r["student_id"]: r for r in csv.DictReader(exported.splitlines())}
    assert (float(rows["ada"]["seconds_late"]), float(rows["bo"]["seconds_late"])) == (3900.0, 0.0)
    with steps.api(course).gradebook as gb:  # whichever late penalty the course configures, as nbgrader gave it
        penalty = gb.find_submission("01-neurons", "ada").late_submission_penalty
    assert results[0].standing.penalty == penalty
    assert class_report.build(course).late == [
        "ada / 01-neurons: late 1 h 05 min" + (f" (−{penalty:g} points)" if penalty else "")]
    ada, bo = write_feedback([("ada", "01-neurons"), ("bo", "01-neurons")], root=course)
    assert "Handed in 1 h 05 min after the deadline" + (
        f"; the late penalty took {penalty:g} points." if penalty else ".") in ada.read_text()
    assert "after the deadline" not in bo.read_text()
