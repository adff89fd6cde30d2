"""06's finale graded for real (nbgrader runs the notebooks, the kernel answers, the judge decides, with
the grader's own emotion model): the solved notebook, catalogue mistakes and correct alternatives, in
the class conftest's ``graded_pipeline`` grades once for this file and test_judge_pipeline; and every
finale check judged on hostile answers."""
import numpy as np
import pytest

from autograder.hidden import finale
from course.answering import wire
from course.checking import CheckFailed
from course.checks.finale import MISTAKES
from tests.judging import HOSTILE, expect_full_marks, verdicts

pytestmark = pytest.mark.xdist_group("judge-pipeline")
ASSIGNMENT = "06-pipeline"



def test_solved_and_alternatives_get_full_marks(graded_pipeline):
    root, results = graded_pipeline
    expect_full_marks(root, results, ASSIGNMENT, "ada", "bea")
    finale_cells = {"test_emotion_input", "test_read_emotions", "test_save_and_reload"}
    assert finale_cells <= set(verdicts(root, "ada", ASSIGNMENT))


def test_mistakes_lose_only_their_cell_with_the_diagnosis(graded_pipeline):
    root, results = graded_pipeline
    cells = verdicts(root, "cal", ASSIGNMENT)
    emotion_input = cells["test_emotion_input"]
    assert emotion_input["outcome"] == "failed"
    assert emotion_input["diagnosis"].startswith(MISTAKES["emotion_input.bgr_as_rgb"])
    finale_cells = {"test_emotion_input", "test_read_emotions", "test_save_and_reload"}
    lost = {g for g in finale_cells if cells[g]["outcome"] != "passed"}
    assert lost == {"test_emotion_input", "test_save_and_reload"}, \
        "read_emotions is judged on the grader's own faces, not on the learner's emotion_input"
    assert cells["test_save_and_reload"]["outcome"] == "failed"
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
