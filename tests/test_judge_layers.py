"""04-layers graded end to end through nbgrader: the kernel answers, the judge compares with Keras
in the grader's process. A solved notebook, a known mistake and a correct alternative."""
import pytest

from autograder.authoring.sample_class import solved
from course.checks.layers import MISTAKES
from tests.judging import (
    expect_full_marks,
    expect_only_cell_lost,
    grade,
    judge_hostile,
    replaced,
)

pytestmark = pytest.mark.xdist_group("judge-layers")
ASSIGNMENT = "04-layers"

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


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    return grade(tmp_path_factory.mktemp("judge-layers"), ASSIGNMENT, {
        "ada": solved(ASSIGNMENT),
        "bob": replaced(ASSIGNMENT, "dense", DENSE_WITHOUT_BIAS),
        "cyd": replaced(ASSIGNMENT, "conv2d", CONV2D_WINDOWS),
    })


def test_solved_and_alternative_get_full_marks(graded):
    expect_full_marks(*graded, ASSIGNMENT, "ada", "cyd")


def test_mistake_loses_its_cell_with_the_diagnosis(graded):
    expect_only_cell_lost(*graded, ASSIGNMENT, "bob", "test_dense", MISTAKES["dense.bias_missing"])


def test_hostile_answers_get_messages_not_crashes():
    assert judge_hostile(ASSIGNMENT) == []
