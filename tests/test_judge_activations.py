"""02-activations graded for real through nbgrader: the kernel answers, the Judge decides."""
import pytest

from autograder.authoring.sample_class import solved
from autograder.grading.grade_class import write_feedback
from course.checks.activations import MISTAKES
from tests.judging import (
    edited,
    expect_full_marks,
    expect_only_cell_lost,
    grade,
    judge_hostile,
    verdicts,
)

pytestmark = pytest.mark.xdist_group("judge-activations")
ASSIGNMENT = "02-activations"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    return grade(tmp_path_factory.mktemp("judge-activations"), ASSIGNMENT, {
        "solved": solved(ASSIGNMENT),
        # the catalogue's "normalised over the whole array"
        "mutant": edited(ASSIGNMENT, "softmax", ("np.max(z, axis=axis, keepdims=True)", "np.max(z)"),
                         ("np.sum(e, axis=axis, keepdims=True)", "np.sum(e)")),
        # the classic overflow: exp(1000)
        "naive": edited(ASSIGNMENT, "sigmoid", ("x = np.asarray(x, dtype=float)\n",
                                                "return 1 / (1 + np.exp(-np.asarray(x, dtype=float)))\n")),
        # the catalogue's sigmoid "through tanh"
        "alternative": edited(ASSIGNMENT, "sigmoid", ("x = np.asarray(x, dtype=float)\n",
                                                      "return 0.5 * (1 + np.tanh(np.asarray(x, dtype=float) / 2))\n")),
    })


def test_solved_and_alternative_get_full_marks(graded):
    expect_full_marks(*graded, ASSIGNMENT, "solved", "alternative")


def test_a_mistake_loses_its_cell_with_the_message(graded):
    expect_only_cell_lost(*graded, ASSIGNMENT, "mutant", "test_softmax", MISTAKES["softmax.whole_array"])


def test_hostile_answers_get_a_message_never_a_crash():
    assert judge_hostile(ASSIGNMENT) == []


def test_the_overflow_advice_reaches_the_feedback_and_costs_sigmoid_only(graded):
    root, results = graded
    cells = verdicts(root, "naive", ASSIGNMENT)
    assert [g for g, v in cells.items() if v["outcome"] != "passed"] == ["test_sigmoid"]
    (html,) = write_feedback([("naive", ASSIGNMENT)], root=root)
    text = html.read_text()
    assert "exp(1000) overflows: exponentiate only -|x|" in text
    assert "answer(" not in text
    assert "HIDDEN TESTS" not in text


def test_grading_is_headless(graded):
    """The kernel draws with Agg: the 16 figures of 02 cost nothing to render into the graded notebook."""
    root, _ = graded
    text = (root / "autograded" / "solved" / ASSIGNMENT / "activations.ipynb").read_text()
    assert '"execution_count": ' in text
    assert "image/png" not in text
