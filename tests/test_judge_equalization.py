"""05-equalization graded end to end through nbgrader: the kernel answers, the judge compares in the
grader's process. A solved notebook, a known mistake and a correct alternative."""
import pytest

from autograder.authoring.sample_class import solved
from course.checks.equalization import MISTAKES
from tests.judging import (
    expect_full_marks,
    expect_only_cell_lost,
    grade,
    judge_hostile,
    replaced,
)

pytestmark = pytest.mark.xdist_group("judge-equalization")
ASSIGNMENT = "05-equalization"

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


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    return grade(tmp_path_factory.mktemp("judge-equalization"), ASSIGNMENT, {
        "ada": solved(ASSIGNMENT),
        "bob": replaced(ASSIGNMENT, "equalize_like_opencv", OPENCV_BY_256),
        "cyd": replaced(ASSIGNMENT, "histogram", HISTOGRAM_NP),
    })


def test_solved_and_alternative_get_full_marks(graded):
    expect_full_marks(*graded, ASSIGNMENT, "ada", "cyd")


def test_mistake_loses_its_cell_with_the_diagnosis(graded):
    expect_only_cell_lost(*graded, ASSIGNMENT, "bob", "test_equalize_like_opencv",
                          MISTAKES["equalize_like_opencv.scaled_by_256"])


def test_hostile_answers_get_messages_not_crashes():
    assert judge_hostile(ASSIGNMENT) == []
