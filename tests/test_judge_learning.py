"""03-learning graded for real through nbgrader: the kernel answers, the Judge decides
(train_xor's network is run here, on the grader's side, to see it answers XOR)."""
import pytest

from autograder.sample_class import solved
from tests.judging import edited, error_text, grade, judge_hostile, points, verdicts

pytestmark = pytest.mark.xdist_group("judge-learning")
ASSIGNMENT = "03-learning"
POINTS = points(ASSIGNMENT)
MAX = sum(POINTS.values())
SUMMED = "The losses of the samples are summed"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    return grade(tmp_path_factory.mktemp("judge-learning"), ASSIGNMENT, {
        "solved": solved(ASSIGNMENT),
        # the catalogue's cross_entropy "summed over samples"
        "mutant": edited(ASSIGNMENT, "cross_entropy", ("-np.mean(np.sum(", "-np.sum(np.sum(")),
        # the catalogue's mse "sum over size"
        "alternative": edited(ASSIGNMENT, "mse", ("float(np.mean(error ** 2))",
                                                  "float(np.sum(np.square(error)) / error.size)")),
    })


def test_solved_and_alternative_get_full_marks(graded):
    root, results = graded
    for student in ("solved", "alternative"):
        assert (results[student].score, results[student].max_score) == (MAX, MAX), results[student]
        assert all(v["outcome"] == "passed" for v in verdicts(root, student, ASSIGNMENT).values())


def test_a_mistake_loses_its_cell_with_the_message(graded):
    root, results = graded
    assert results["mutant"].score == MAX - POINTS["test_cross_entropy"]
    cells = verdicts(root, "mutant", ASSIGNMENT)
    assert [g for g, v in cells.items() if v["outcome"] != "passed"] == ["test_cross_entropy"]
    verdict = cells["test_cross_entropy"]
    assert verdict["outcome"] == "failed" and verdict["points"] == 0
    assert SUMMED in verdict["message"] and verdict["diagnosis"].startswith(SUMMED)
    assert SUMMED in error_text(root, "mutant", ASSIGNMENT, "test_cross_entropy")


def test_hostile_answers_get_a_message_never_a_crash():
    assert judge_hostile(ASSIGNMENT) == []
