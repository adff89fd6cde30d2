"""04-layers graded end to end through nbgrader: the kernel answers, the judge compares with Keras
in the grader's process. A solved notebook, a known mistake and a correct alternative."""
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

pytestmark = pytest.mark.xdist_group("judge-layers")
ASSIGNMENT = "04-layers"
POINTS = {grade_id: cell.metadata.nbgrader["points"] for grade_id, cell in graded_cells(
    nbformat.read(notebook_path(ASSIGNMENT), as_version=4)).items()}

# tests/catalogue/layers.py "bias forgotten"
DENSE_WITHOUT_BIAS = '''def dense(x, W, b, activation=None):
    z = np.asarray(x, dtype=float) @ np.asarray(W, dtype=float)
    return z if activation is None else activation(z)
'''
# tests/catalogue/layers.py "sliding_window_view + einsum"; conv2d_layer builds on it
CONV2D_WINDOWS = '''def conv2d(image, kernel, stride=1, padding="valid"):
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
    if padding == "same":
        pads = []
        for n, k in zip(image.shape, kernel.shape):
            total = max((-(-n // stride) - 1) * stride + k - n, 0)
            pads.append((total // 2, total - total // 2))
        image = np.pad(image, pads)
    windows = sliding_window_view(image, kernel.shape)[::stride, ::stride]
    return np.einsum("ijuv,uv->ij", windows, kernel)
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
    for student, notebook in (("ada", solved(ASSIGNMENT)), ("bob", _with("dense", DENSE_WITHOUT_BIAS)),
                              ("cyd", _with("conv2d", CONV2D_WINDOWS))):
        nbformat.write(notebook, folder / f"{student}_layers.ipynb")
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
    assert results["bob"].score == sum(POINTS.values()) - POINTS["test_dense"]
    cells = {c["grade_id"]: c for c in _verdict(root, "bob")["cells"]}
    assert cells["test_dense"]["outcome"] == "failed" and cells["test_dense"]["points"] == 0
    assert cells["test_dense"]["diagnosis"] == "The bias b is missing."
    assert "The bias b is missing." in cells["test_dense"]["message"]
    assert all(c["outcome"] == "passed" for grade_id, c in cells.items() if grade_id != "test_dense")
    notebook = nbformat.read(root / "autograded" / "bob" / ASSIGNMENT / "layers.ipynb", as_version=4)
    (cell,) = [c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_dense"]
    (error,) = [o for o in cell.outputs if o.output_type == "error"]
    assert error.ename == "CheckFailed" and "The bias b is missing." in error.evalue


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
