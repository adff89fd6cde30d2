"""06-pipeline graded for real: nbgrader runs the notebooks, the kernel answers the
questions, the judge decides. One class run: the solved notebook and one mutant.

The notebook trains its CNN in each kernel (that is the notebook's own cost); the
hidden questions add one short fit and two tiny training runs, and no training
for the trained model, which only reports its probabilities."""
import json
import shutil

import nbformat
import numpy as np
import pytest

from autograder.authoring.sample_class import solved
from autograder.authoring.validate import graded_cells
from autograder.grading import steps
from autograder.grading.grade_class import grade_class
from autograder.judging.questions import checks
from autograder.paths import SOURCE, notebook_path
from course.answering import answers, wire
from course.checking import CheckFailed

pytestmark = pytest.mark.xdist_group("judge-pipeline")
ASSIGNMENT = "06-pipeline"
POINTS = {grade_id: cell.metadata.nbgrader["points"] for grade_id, cell in graded_cells(
    nbformat.read(notebook_path(ASSIGNMENT), as_version=4)).items()}
EPOCHS_IGNORED = '''def train_model(model, x, y, epochs, seed):
    keras.utils.set_random_seed(seed)
    x = np.asarray(x, np.float32)
    if x.ndim == 3:
        x = x[..., np.newaxis]
    return model.fit(x, np.asarray(y), epochs=1, batch_size=128)  # the catalogue's "epochs ignored"
'''


def _with_solution(grade_id, source):
    notebook = solved(ASSIGNMENT)
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    cell.source = source
    return notebook


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("judge-pipeline")
    root = tmp / "course"
    shutil.copytree(SOURCE / ASSIGNMENT, root / "source" / ASSIGNMENT)
    steps.release([ASSIGNMENT], root=root)
    folder = tmp / "submissions"
    folder.mkdir()
    nbformat.write(solved(ASSIGNMENT), folder / "ada_pipeline.ipynb")
    nbformat.write(_with_solution("train_model", EPOCHS_IGNORED), folder / "bob_pipeline.ipynb")
    results, _ = grade_class(folder, root=root, only=[ASSIGNMENT], progress=False)
    return root, {r.student: r for r in results}


def _verdict(root, student):
    return json.loads((root / "verdicts" / student / f"{ASSIGNMENT}.json").read_text())


def test_solved_notebook_gets_full_marks(graded):
    root, results = graded
    assert results["ada"].notes == []
    assert (results["ada"].score, results["ada"].max_score) == (sum(POINTS.values()), sum(POINTS.values()))
    verdict = _verdict(root, "ada")
    assert {c["grade_id"]: c["outcome"] for c in verdict["cells"]} == {g: "passed" for g in POINTS}


CHALLENGE_FLOOR = 0.90  # the reference read 93.8-96.5 % of the challenge sheets' digits (5 or 10 sheets)


def test_verdict_holds_the_class_challenge(graded):
    """06's verdict has the metric challenge: the share of the harder sheets' digits read right."""
    root, _ = graded
    metrics = _verdict(root, "ada")["metrics"]
    assert CHALLENGE_FLOOR <= metrics["challenge"] <= 1.0
    assert metrics["sheet_reading"] >= 0.95
    assert metrics["accuracy"] >= 0.97
    assert 0.0 <= _verdict(root, "bob")["metrics"]["challenge"] <= 1.0


def _whole_pipeline(read_sheet, model, seed=0):
    """The metrics of test_whole_pipeline for these subjects, in this process (no kernel), pass or fail."""
    check = checks(ASSIGNMENT)["test_whole_pipeline"]
    questions = check.ask(np.random.default_rng([seed, 0]))
    records = [answers.ask(question, (read_sheet, model)) for question in wire.loads(wire.dumps(questions))]
    try:
        return check.judge(questions, wire.loads(wire.dumps(records)))
    except CheckFailed as failure:
        return failure.metrics


def test_challenge_ranks_a_worse_reader_lower_without_changing_points():
    from tests.catalogue import pipeline as catalogue

    model = catalogue.trained()[0]
    reference = _whole_pipeline(catalogue._ref().read_sheet, model)
    assert reference["challenge"] >= CHALLENGE_FLOOR
    assert reference["sheet_reading"] >= 0.95

    def no_clahe(image, model):  # passes for some sheets, but loses the faint digits in the second shadow
        steps = (lambda im: catalogue._opened(catalogue._adaptive(catalogue._gray(im), C=15)),
                 catalogue.find_digit_boxes, catalogue.to_mnist)
        return catalogue._read(image, model, steps=steps)

    worse = _whole_pipeline(no_clahe, model)
    assert worse["challenge"] < reference["challenge"] - 0.1
    # only the plain sheets decide the points: a reader that fails every challenge sheet still passes
    def plain_only(image, model):
        return [] if image.shape[:2] == (600, 800) else catalogue._ref().read_sheet(image, model)

    check = checks(ASSIGNMENT)["test_whole_pipeline"]
    questions = check.ask(np.random.default_rng([0, 0]))
    records = [answers.ask(q, (plain_only, model)) for q in wire.loads(wire.dumps(questions))]
    measured = check.judge(questions, wire.loads(wire.dumps(records)))
    assert measured["challenge"] == 0.0
    assert measured["sheet_reading"] >= 0.95


def test_mutant_loses_the_points_of_its_cell_with_the_message(graded):
    root, results = graded
    assert results["bob"].score <= sum(POINTS.values()) - POINTS["test_train_model"]
    cells = {c["grade_id"]: c for c in _verdict(root, "bob")["cells"]}
    assert cells["test_train_model"]["outcome"] == "failed"
    assert "trained for 1 epochs; expected" in cells["test_train_model"]["message"]
    assert "pass epochs=epochs to fit" in cells["test_train_model"]["message"]
    assert cells["test_preprocess_sheet"]["outcome"] == "passed"
    autograded = nbformat.read(root / "autograded" / "bob" / ASSIGNMENT / "pipeline.ipynb", as_version=4)
    cell = next(c for c in autograded.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_train_model")
    errors = [o for o in cell.outputs if o.output_type == "error"]
    assert errors
    assert "pass epochs=epochs to fit" in errors[0].evalue


HOSTILE = [None, 3, "x", wire.Opaque("Evil"), np.zeros(3), [1, 2], {"kind": "Model"},
           {"kind": "History", "history": {"loss": "x"}},
           {"returned": {"kind": "History", "history": {"loss": [1.0, 2.0]}}, "before": np.ones((3, 3)),
            "weights": [None]},
           {"kind": "Model", "input_shape": (None, 28, 28, 1), "output_shape": (None, 10),
            "layers": ["Conv2D", "MaxPooling2D"], "params": 10, "outputs": np.full((4, 10), 0.1, np.float32)}]


def test_hostile_answers_fail_with_a_message_never_a_crash():
    """No kernel: answers of every wrong shape and type, straight to each judge."""
    for check in checks(ASSIGNMENT).values():
        questions = check.ask(np.random.default_rng(5))
        for value in HOSTILE:
            for records in ([{"value": value}] * len(questions), [value] * len(questions), value):
                with pytest.raises((CheckFailed, NotImplementedError)):
                    check.judge(questions, wire.loads(wire.dumps(records)))
