"""05-equalization graded end to end through nbgrader: the kernel answers, the judge compares in the
grader's process. A solved notebook, a known mistake and a correct alternative."""
import json
import shutil

import nbformat
import numpy as np
import pytest

from autograder import steps
from autograder.grading import grade_class
from autograder.paths import SOURCE, notebook_path
from autograder.questions import checks
from autograder.sample_class import solved
from autograder.validate import graded_cells
from course import wire
from course.checking import CheckFailed

pytestmark = pytest.mark.xdist_group("judge-equalization")
ASSIGNMENT = "05-equalization"
POINTS = {grade_id: cell.metadata.nbgrader["points"] for grade_id, cell in graded_cells(
    nbformat.read(notebook_path(ASSIGNMENT), as_version=4)).items()}
SCALED_BY_256 = "Scaled by 256; the brightest level is 255 (levels - 1)."

# tests/catalogue/equalization.py "scaled by 256"
OPENCV_BY_256 = '''def equalize_like_opencv(image):
    image = np.asarray(image)
    c = cdf(histogram(image, 256))
    c_min = c[image.min()]
    if c_min == 1.0:
        return image.copy()
    table = np.round((c - c_min) / (1.0 - c_min) * 256)
    return np.clip(table, 0, 255).astype(np.uint8)[image]
'''
# tests/catalogue/equalization.py "np.histogram with one bin per level"; equalize and OpenCV's variant build on it
HISTOGRAM_NP = '''def histogram(image, levels=256):
    return np.histogram(image, bins=levels, range=(0, levels))[0]
'''


def _with(solution_id, source):
    """The solved notebook with one solution cell replaced."""
    notebook = solved(ASSIGNMENT)
    (cell,) = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == solution_id]
    cell.source = source
    return notebook


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(SOURCE / ASSIGNMENT, root / "source" / ASSIGNMENT)
    steps.release([ASSIGNMENT], root=root)
    folder = tmp_path_factory.mktemp("class")
    for student, notebook in (("ada", solved(ASSIGNMENT)), ("bob", _with("equalize_like_opencv", OPENCV_BY_256)),
                              ("cyd", _with("histogram", HISTOGRAM_NP))):
        nbformat.write(notebook, folder / f"{student}_equalization.ipynb")
    results, _ = grade_class(folder, root=root, progress=False)
    return root, {r.student: r for r in results}


def _verdict(root, student):
    return json.loads((root / "verdicts" / student / f"{ASSIGNMENT}.json").read_text())


def test_solved_and_alternative_get_full_marks(graded):
    root, results = graded
    for student in ("ada", "cyd"):
        assert (results[student].score, results[student].max_score) == (sum(POINTS.values()),) * 2, student
        verdict = _verdict(root, student)
        assert {c["grade_id"]: c["outcome"] for c in verdict["cells"]} == dict.fromkeys(POINTS, "passed")


def test_mistake_loses_its_cell_with_the_diagnosis(graded):
    root, results = graded
    assert results["bob"].score == sum(POINTS.values()) - POINTS["test_equalize_like_opencv"]
    cells = {c["grade_id"]: c for c in _verdict(root, "bob")["cells"]}
    failed = cells["test_equalize_like_opencv"]
    assert failed["outcome"] == "failed" and failed["points"] == 0
    assert failed["diagnosis"] == SCALED_BY_256 and SCALED_BY_256 in failed["message"]
    assert all(c["outcome"] == "passed" for grade_id, c in cells.items() if grade_id != "test_equalize_like_opencv")
    notebook = nbformat.read(root / "autograded" / "bob" / ASSIGNMENT / "equalization.ipynb", as_version=4)
    (cell,) = [c for c in notebook.cells
               if c.metadata.get("nbgrader", {}).get("grade_id") == "test_equalize_like_opencv"]
    (error,) = [o for o in cell.outputs if o.output_type == "error"]
    assert error.ename == "CheckFailed" and SCALED_BY_256 in error.evalue


def test_hostile_answers_get_messages_not_crashes():
    """Whatever comes back for any question (junk, objects that could not travel, wrong records), the judge
    answers with a learner's message."""
    junk = [None, "text", 2.5, True, [1, 2], {"a": 1}, wire.Opaque("evil.Thing"), np.zeros((2, 2)),
            np.full((3, 3), np.nan), np.array(True), np.zeros((1, 1, 1, 1))]
    for check in checks(ASSIGNMENT).values():
        questions = check.ask(np.random.default_rng(1))
        for bad in junk:
            for records in ([{"value": bad}] * len(questions), [bad] * len(questions), bad, []):
                with pytest.raises((CheckFailed, NotImplementedError)):
                    check.judge(questions, wire.loads(wire.dumps(records)))
