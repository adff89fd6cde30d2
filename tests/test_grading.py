"""The instructor's cycle through the real nbgrader: a sample class collected from
an LMS zip, autograded, given feedback and exported; bad input reported, never fatal."""
import csv
import re
import shutil
import subprocess
import sys

import nbformat
import pytest

from autograder.authoring.sample_class import looping, make_sample_class, solved
from autograder.authoring.validate import graded_cells
from autograder.grading import steps
from autograder.grading.grade_class import feedback_for, grade_class, write_feedback
from autograder.paths import notebook_path
from autograder.reports.tables import overview, score_table

pytestmark = pytest.mark.xdist_group("grading")
MAX = sum(c.metadata.nbgrader["points"] for c in graded_cells(
    nbformat.read(notebook_path("01-neurons"), as_version=4)).values())  # 12


@pytest.fixture(scope="module")
def graded_class(template_course, tmp_path_factory):
    """The sample class graded once for this module's tests."""
    tmp = tmp_path_factory.mktemp("class")
    course = tmp / "course"
    shutil.copytree(template_course, course)
    archive = make_sample_class(tmp / "class.zip", ["01-neurons"])
    results, found = grade_class(archive, root=course, cell_timeout=30, progress=False, jobs=2)
    return course, {r.student: r for r in results}, found


def test_sample_class_scores(graded_class):
    course, results, found = graded_class
    assert (results["ada-lovelace"].score, results["ada-lovelace"].max_score) == (MAX, MAX)
    assert 0 < results["grace-hopper"].score < MAX
    assert results["alan-turing"].score == 0
    assert results["bobby-tables"].score is None


def test_noise_on_stderr_and_a_deleted_test_cell_cost_nothing(graded_class):
    _, results, _ = graded_class
    linus = results["linus-noisy"]
    assert linus.score == MAX
    assert linus.notes == ["restored deleted cell(s) test_weighted_sum and graded them"]


def test_bad_files_are_reported_one_line_each(graded_class):
    _, results, found = graded_class
    bobby = [problem for who, problem in found.problems if who == "bobby-tables"]
    assert any("bobby-tables_neurons.ipynb is not a valid notebook" in p for p in bobby)
    assert any(p.startswith("ignored bobby-tables_notes.txt") for p in bobby)
    assert results["bobby-tables"].notes == [], "the invalid file already explains the missing grade"
    table = score_table(list(results.values()), found)
    core = results["ada-lovelace"].standing
    assert core.done
    assert core.core + core.stretch == MAX
    assert re.search(rf"ada-lovelace +{core.core:g}/{core.core_max:g}( · {core.stretch:g}/{core.stretch_max:g})? ✔ ",
                     table), "core · stretch, and ✔: done"
    assert "not a valid notebook" in table
    assert "core done" in table


def test_feedback_shows_messages_not_hidden_tests(graded_class):
    course, results, _ = graded_class
    paths = write_feedback(feedback_for(results.values()), root=course)
    assert len(paths) == 4
    for path in paths:
        html = path.read_text()
        assert "HIDDEN TESTS" not in html
        assert "hidden." not in html
        assert "autograder" not in html, "a traceback through checking code"
        assert "checking.py" not in html, "a traceback through checking code"
    assert "is not implemented yet" in (course / "feedback/alan-turing/01-neurons/neurons.html").read_text()


def test_export_and_overview(graded_class):
    course, _, _ = graded_class
    nbgrader = steps.api(course)
    rows = list(csv.DictReader(steps.export(nbgrader, course / "grades.csv").read_text(encoding="utf-8").splitlines()))
    scores = {row["student_id"]: float(row["raw_score"]) for row in rows}
    assert scores["ada-lovelace"] == MAX
    assert scores["alan-turing"] == 0
    assert all(float(row["seconds_late"]) == 0 for row in rows), "no deadline set: on time, a number in every row"
    done = {row["student_id"]: row["core_done"] for row in rows}
    assert done["ada-lovelace"] == "1"
    assert done["alan-turing"] == "0"
    assert done["bobby-tables"] == "0"
    assert float(next(r for r in rows if r["student_id"] == "ada-lovelace")["core_score"]) + float(
        next(r for r in rows if r["student_id"] == "ada-lovelace")["stretch_score"]) == MAX
    with nbgrader.gradebook as gb:
        text = overview(gb)
    assert "test_weighted_sum" in text
    assert "full" in text


def test_infinite_loop_costs_only_its_cells(course, tmp_path):
    folder = tmp_path / "class"
    (folder / "ada").mkdir(parents=True)
    nbformat.write(looping("01-neurons"), folder / "ada" / "neurons.ipynb")
    (result,), _ = grade_class(folder, root=course, cell_timeout=5, progress=False)
    # weighted_sum never got defined: its cell and xor (built on the learner's neuron) lose their points;
    # neuron is judged on the reference's weighted sums
    assert result.score == MAX - 4
    assert any("timed out" in note for note in result.notes)
    (html,) = write_feedback([("ada", "01-neurons")], root=course)
    text = html.read_text()
    assert "weighted_sum" in text, "the feedback names the cell that timed out"
    assert "timed out after 5 s" in text, "the feedback names the cell that timed out"
    assert "HIDDEN TESTS" not in text, "a traceback quoted the hidden tests"
    assert "autograder" not in text, "a traceback quoted the hidden tests"


def test_tensorflow_import_costs_nothing(course, tmp_path):
    notebook = solved("01-neurons")
    first = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution"))
    first.source = "import os\nos.environ['TF_CPP_MIN_LOG_LEVEL'] = '0'\nimport tensorflow as tf\n" + first.source
    folder = tmp_path / "class"
    folder.mkdir()
    nbformat.write(notebook, folder / "ada_neurons.ipynb")
    (result,), _ = grade_class(folder, root=course, progress=False)
    assert result.score == MAX


def test_plain_nbgrader_cli_uses_the_course_config(course, tmp_path):
    (course / "nbgrader_config.py").write_text(
        "from autograder.config import nbgrader_config\n"
        "c = get_config()\nc.merge(nbgrader_config(__import__('pathlib').Path(__file__).parent))\n")
    target = course / "submitted" / "ada" / "01-neurons"
    target.mkdir(parents=True)
    nbformat.write(solved("01-neurons"), target / "neurons.ipynb")
    done = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", "01-neurons"],
                          cwd=course, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    with steps.api(course).gradebook as gb:
        assert gb.find_submission_notebook("neurons", "01-neurons", "ada").score == MAX


def _grade_one(course, tmp_path, notebook):
    folder = tmp_path / "class"
    folder.mkdir()
    if isinstance(notebook, str):
        (folder / "ada_neurons.ipynb").write_text(notebook)
    else:
        nbformat.write(notebook, folder / "ada_neurons.ipynb")
    (result,), _ = grade_class(folder, root=course, progress=False)
    return result


def test_lost_metadata_is_restored_from_the_release(course, tmp_path):
    notebook = solved("01-neurons")
    for cell in notebook.cells:
        cell.metadata.pop("nbgrader", None)
    result = _grade_one(course, tmp_path, notebook)
    assert result.score == MAX
    assert "nbgrader metadata was lost" in result.notes[0]


def test_deleted_solution_and_test_cells_are_restored(course, tmp_path):
    notebook = solved("01-neurons")
    notebook.cells = [c for c in notebook.cells
                      if c.metadata.get("nbgrader", {}).get("grade_id") not in ("xor", "test_xor")]
    result = _grade_one(course, tmp_path, notebook)
    assert result.score == MAX - 2
    assert "restored deleted cell(s) xor as released" in " ".join(result.notes)


def test_edited_test_cell_is_graded_with_the_original(course, tmp_path):
    notebook = solved("01-neurons", every=2)
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.source = "pass  # no tests, please"
    result = _grade_one(course, tmp_path, notebook)
    assert 0 < result.score < MAX
    assert any(note.startswith("edited test cell(s) test_weighted_sum") for note in result.notes)


def test_json_that_is_no_notebook_is_reported(course, tmp_path):
    result = _grade_one(course, tmp_path, '{"hello": "world"}')
    assert result.score is None
    assert "is JSON but not a Jupyter notebook" in result.ungradable
