"""05-equalization graded end to end through nbgrader: the kernel answers, the judge compares in the
grader's process. A solved notebook, a known mistake and a correct alternative."""
import pytest

from autograder.sample_class import solved
from tests.judging import error_text, grade, judge_hostile, points, replaced, verdicts

pytestmark = pytest.mark.xdist_group("judge-equalization")
ASSIGNMENT = "05-equalization"
POINTS = points(ASSIGNMENT)
SCALED_BY_256 = "Scaled by 256; the brightest level is 255 (levels - 1)."

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
    root, results = graded
    for student in ("ada", "cyd"):
        assert (results[student].score, results[student].max_score) == (sum(POINTS.values()),) * 2, student
        outcomes = {g: v["outcome"] for g, v in verdicts(root, student, ASSIGNMENT).items()}
        assert outcomes == dict.fromkeys(POINTS, "passed")


def test_mistake_loses_its_cell_with_the_diagnosis(graded):
    root, results = graded
    assert results["bob"].score == sum(POINTS.values()) - POINTS["test_equalize_like_opencv"]
    cells = verdicts(root, "bob", ASSIGNMENT)
    assert [g for g, v in cells.items() if v["outcome"] != "passed"] == ["test_equalize_like_opencv"]
    failed = cells["test_equalize_like_opencv"]
    assert failed["outcome"] == "failed" and failed["points"] == 0
    assert failed["diagnosis"] == SCALED_BY_256 and SCALED_BY_256 in failed["message"]
    assert error_text(root, "bob", ASSIGNMENT, "test_equalize_like_opencv") == f"CheckFailed: {failed['message']}"


def test_hostile_answers_get_messages_not_crashes():
    assert judge_hostile(ASSIGNMENT) == []
