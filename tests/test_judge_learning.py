"""03-learning graded for real through nbgrader: the kernel answers, the Judge decides
(train_xor's network is run here, on the grader's side, to see it answers XOR)."""
import pytest

from autograder.authoring.sample_class import solved
from course.checks.learning import MISTAKES
from tests.judging import (
    edited,
    expect_full_marks,
    expect_only_cell_lost,
    grade,
    judge_hostile,
)

pytestmark = pytest.mark.xdist_group("judge-learning")
ASSIGNMENT = "03-learning"


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
    expect_full_marks(*graded, ASSIGNMENT, "solved", "alternative")


def test_a_mistake_loses_its_cell_with_the_message(graded):
    expect_only_cell_lost(*graded, ASSIGNMENT, "mutant", "test_cross_entropy", MISTAKES["cross_entropy.summed"])


def test_hostile_answers_get_a_message_never_a_crash():
    assert judge_hostile(ASSIGNMENT) == []
