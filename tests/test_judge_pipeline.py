"""06-pipeline graded for real: nbgrader runs the notebooks, the kernel answers the
questions, the judge decides. One class run, shared with test_judge_finale (conftest's
``graded_pipeline``): the solved notebook, alternatives, and a notebook of three mutants.

The notebook trains its CNN in each kernel (that is the notebook's own cost); the
hidden questions add one short fit and two tiny training runs, and no training
for the trained model, which only reports its probabilities."""
import json

import nbformat
import numpy as np
import pytest

from autograder.judging.questions import checks
from course.answering import answers, wire
from course.checking import CheckFailed
from tests.judging import points

pytestmark = pytest.mark.xdist_group("judge-pipeline")
ASSIGNMENT = "06-pipeline"
POINTS = points(ASSIGNMENT)


def _verdict(root, student):
    return json.loads((root / "verdicts" / student / f"{ASSIGNMENT}.json").read_text())


def test_solved_notebook_gets_full_marks(graded_pipeline):
    root, results = graded_pipeline
    assert results["ada"].notes == []
    assert (results["ada"].score, results["ada"].max_score) == (sum(POINTS.values()), sum(POINTS.values()))
    verdict = _verdict(root, "ada")
    assert {c["grade_id"]: c["outcome"] for c in verdict["cells"]} == {g: "passed" for g in POINTS}


CHALLENGE_FLOOR = 0.90  # the reference read 93.8-96.5 % of the challenge sheets' digits (5 or 10 sheets)


def test_verdict_holds_the_class_challenge(graded_pipeline):
    """06's verdict has the metric challenge: the share of the harder sheets' digits read right."""
    root, _ = graded_pipeline
    metrics = _verdict(root, "ada")["metrics"]
    assert CHALLENGE_FLOOR <= metrics["challenge"] <= 1.0
    assert metrics["sheet_reading"] >= 0.95
    assert metrics["accuracy"] >= 0.97
    assert 0.0 <= _verdict(root, "cal")["metrics"]["challenge"] <= 1.0


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


def test_mutant_loses_the_points_of_its_cell_with_the_message(graded_pipeline):
    root, results = graded_pipeline
    assert results["cal"].score <= sum(POINTS.values()) - POINTS["test_train_model"]
    cells = {c["grade_id"]: c for c in _verdict(root, "cal")["cells"]}
    assert cells["test_train_model"]["outcome"] == "failed"
    assert "trained for 1 epochs; expected" in cells["test_train_model"]["message"]
    assert "pass epochs=epochs to fit" in cells["test_train_model"]["message"]
    assert cells["test_preprocess_sheet"]["outcome"] == "passed"
    # one epoch also leaves the learner's own model short of its targets; the finale's mutants cost theirs
    lost = {g for g, c in cells.items() if c["outcome"] != "passed"}
    assert lost - {"test_trained_model", "test_whole_pipeline"} == {
        "test_train_model", "test_emotion_input", "test_save_and_reload"}
    autograded = nbformat.read(root / "autograded" / "cal" / ASSIGNMENT / "pipeline.ipynb", as_version=4)
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
