"""06's finale graded for real (nbgrader runs the notebooks, the kernel answers, the judge decides, with
the grader's own emotion model): the solved notebook, one catalogue mistake per finale cell, and correct
alternatives; and every finale check judged on hostile answers."""
import numpy as np
import pytest

from autograder.authoring.sample_class import solved
from autograder.hidden import finale
from course.answering import wire
from course.checking import CheckFailed
from course.checks.finale import MISTAKES
from tests.judging import HOSTILE, edited, expect_full_marks, expect_only_cell_lost, grade, replaced, verdicts

pytestmark = pytest.mark.xdist_group("judge-pipeline")
ASSIGNMENT = "06-pipeline"

PER_FACE = '''def read_emotions(image_bgr, model):
    found = []
    for box in detect_faces(image_bgr):  # one face at a time, the probabilities as a list
        found.append((list(box), model(emotion_input(image_bgr, box)[np.newaxis], training=False)[0].numpy().tolist()))
    return found
'''
RETURNS_GIVEN = '''def save_and_reload(model, path):
    model.save(path)
    return model
'''


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    alternative = edited(ASSIGNMENT, "emotion_input", ("cv2.INTER_AREA", "cv2.INTER_LINEAR"))
    next(c for c in alternative.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "read_emotions").source = \
        PER_FACE
    submissions = {
        "ada": solved(ASSIGNMENT),
        "bea": alternative,
        "cal": edited(ASSIGNMENT, "emotion_input", ("cv2.COLOR_BGR2GRAY", "cv2.COLOR_RGB2GRAY")),
        "dan": replaced(ASSIGNMENT, "save_and_reload", RETURNS_GIVEN),
    }
    return grade(tmp_path_factory.mktemp("judge-finale"), ASSIGNMENT, submissions)


def test_solved_and_alternatives_get_full_marks(graded):
    root, results = graded
    expect_full_marks(root, results, ASSIGNMENT, "ada", "bea")
    finale_cells = {"test_emotion_input", "test_read_emotions", "test_save_and_reload"}
    assert finale_cells <= set(verdicts(root, "ada", ASSIGNMENT))


def test_mistakes_lose_only_their_cell_with_the_diagnosis(graded):
    root, results = graded
    expect_only_cell_lost(root, results, ASSIGNMENT, "cal", "test_emotion_input",
                          MISTAKES["emotion_input.bgr_as_rgb"])
    cells = verdicts(root, "dan", ASSIGNMENT)
    assert [g for g, v in cells.items() if v["outcome"] != "passed"] == ["test_save_and_reload"]
    assert "returned the model it was given" in cells["test_save_and_reload"]["message"]


def test_hostile_answers_fail_with_a_message_never_a_crash():
    for grade_id, check in finale.CHECKS.items():
        questions = check.ask(np.random.default_rng(3))
        for value in HOSTILE + [{"found": [((1, 2, 3, 4), np.ones(7))], "inputs": [np.zeros((64, 64, 1))]},
                                {"found": [], "inputs": []}, {"file": {"exists": True}, "returned": {"kind": "Model"}}]:
            for sent in ([{"value": value}] * len(questions), [value] * len(questions), value, []):
                try:
                    check.judge(questions, wire.loads(wire.dumps(sent)))
                except (CheckFailed, NotImplementedError):
                    continue
                raise AssertionError(f"{grade_id}: {value!r:.80} passed")
