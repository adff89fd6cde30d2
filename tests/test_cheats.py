"""Participants who attack the grader from inside their notebook, graded through the
real nbgrader path next to an honest participant: each unsolved cheat scores 0 and
the honest participant keeps full marks. (Reading the reference off the disk is the
sandbox's to stop: tests of autograder/sandbox/kernel.py.)"""
import json
import shutil

import nbformat
import pytest
from nbformat.v4 import new_code_cell

from autograder.authoring.sample_class import solved
from autograder.grading.grade_class import grade_class, write_feedback
from autograder.paths import RELEASE, notebook_path

pytestmark = pytest.mark.xdist_group("cheats")

ASSIGNMENT = "01-neurons"
ANSWER_EVERYTHING = """
class Always:
    def __eq__(self, other): return True
    def __array_ufunc__(self, *args, **kwargs): return True
    def __bool__(self): return True
"""
CHEATS = {  # name → code run in a cell of its own, right after the setup cell
    "no-op checks": """
import course.answering.answers, course.checks.neurons
for name in dir(course.checks.neurons):
    if callable(getattr(course.checks.neurons, name)):
        setattr(course.checks.neurons, name, lambda *args, **kwargs: None)
course.answering.answers.answer = lambda *args, **kwargs: None
""",
    "input transformer": "get_ipython().input_transformers_post.append(lambda lines: ['pass\\n'])",
    "numpy patched": """
np.isclose = lambda *a, **k: np.ones(np.broadcast(*a[:2]).shape, bool)
np.allclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
""",
    "builtins patched": """
import builtins
builtins.NotImplementedError = type('NotImplementedError', (Exception,), {})
builtins.AssertionError = type('AssertionError', (Exception,), {})
builtins.repr = lambda value: 'passed'
""",
    "hooks silenced": """
import sys
sys.excepthook = lambda *args: None
get_ipython().showtraceback = lambda *args, **kwargs: None
get_ipython().set_custom_exc((BaseException,), lambda *args, **kwargs: None)
""",
    "questions deleted": "import shutil; shutil.rmtree('.grading', ignore_errors=True)",
    "questions edited": """
from pathlib import Path
from course.answering import wire
def zeros(value):
    if isinstance(value, np.ndarray): return np.zeros_like(value)
    if isinstance(value, (list, tuple)): return type(value)(zeros(v) for v in value)
    if isinstance(value, dict): return {k: zeros(v) for k, v in value.items()}
    return 0.0 if isinstance(value, float) else value
asked = wire.load(Path('.grading/questions.npz'))
wire.save(Path('.grading/questions.npz'), {'token': asked['token'], 'cells': zeros(asked['cells'])})
weighted_sum = neuron = layer = lambda *args: np.zeros(1)
""",
    "answers forged": """
from pathlib import Path
from course.answering import wire
asked = wire.load(Path('.grading/questions.npz'))
for grade_id, questions in asked['cells'].items():
    wire.save(Path('.grading/answers') / f'{grade_id}.npz', {'token': asked['token'], 'grade_id': grade_id,
              'answers': [{'value': np.zeros(3), 'mutated': False} for _ in questions]})
import course.answering.answers
course.answering.answers.answer = lambda *args, **kwargs: None  # keep the forgery
""",
    "always-equal objects": ANSWER_EVERYTHING + """
weighted_sum = neuron = layer = xor = lambda *args: Always()
AND_W = OR_W = NAND_W = NOT_W = AND_B = OR_B = NAND_B = NOT_B = Always()
""",
    "ndarray subclass": """
class Yes(np.ndarray):
    def __eq__(self, other): return np.ones(np.shape(other), bool)
    def __array_finalize__(self, obj): pass
weighted_sum = neuron = layer = xor = lambda *args: np.zeros(3).view(Yes)
""",
    "float subclass": """
class Yes(float):
    def __eq__(self, other): return True
    __hash__ = float.__hash__
weighted_sum = lambda *args: Yes(0.0)
""",
}


def _with_cheat(code: str | None, tag_skip: bool = False) -> nbformat.NotebookNode:
    notebook = nbformat.read(notebook_path(ASSIGNMENT, RELEASE), as_version=4)
    if code:
        notebook.cells.insert(2, new_code_cell(code))
    if tag_skip:
        for cell in notebook.cells:
            if cell.metadata.get("nbgrader", {}).get("grade"):
                cell.metadata["tags"] = ["skip-execution"]
    return notebook


@pytest.fixture(scope="module")
def graded(cheat_course, tmp_path_factory):
    """One class: an honest participant, every cheat on the unsolved notebook, and one cheat on a solved one."""
    folder = tmp_path_factory.mktemp("cheats")
    mistaken = solved(ASSIGNMENT)
    cell = next(c for c in mistaken.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "weighted_sum")
    cell.source = "def weighted_sum(x, w, b):\n    return np.asarray(x, float) @ np.asarray(w, float)\n"
    alternative = solved(ASSIGNMENT)
    cell = next(c for c in alternative.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "weighted_sum")
    cell.source = "def weighted_sum(x, w, b):\n    return np.dot(x, w) + b\n"
    submissions = {"honest": solved(ASSIGNMENT), "mistaken": mistaken, "alternative": alternative,
                   "skip-execution tags": _with_cheat(None, tag_skip=True)}
    submissions |= {name: _with_cheat(code) for name, code in CHEATS.items()}
    for name, notebook in submissions.items():
        (folder / name.replace(" ", "-")).mkdir()
        nbformat.write(notebook, folder / name.replace(" ", "-") / "neurons.ipynb")
    results, _ = grade_class(folder, root=cheat_course, cell_timeout=30, progress=False, jobs=2)
    return cheat_course, {r.student: r for r in results}


@pytest.fixture(scope="module")
def cheat_course(template_course, tmp_path_factory):
    root = tmp_path_factory.mktemp("cheat-course") / "course"
    shutil.copytree(template_course, root)
    return root


def test_the_honest_participant_keeps_full_marks(graded):
    _, results = graded
    assert results["honest"].score == results["honest"].max_score == 12
    assert results["alternative"].score == 12, "np.dot instead of @ is just as right"


@pytest.mark.parametrize("cheat", ["skip-execution tags", *CHEATS])
def test_a_cheat_on_an_unsolved_notebook_scores_zero(graded, cheat):
    course, results = graded
    student = cheat.replace(" ", "-")
    assert results[student].score == 0, results[student]
    verdicts = json.loads((course / "verdicts" / student / f"{ASSIGNMENT}.json").read_text())
    for cell in verdicts["cells"]:
        assert cell["outcome"] != "passed", cell
        assert cell["message"], cell
    autograded = nbformat.read(course / "autograded" / student / ASSIGNMENT / "neurons.ipynb", as_version=4)
    graded_cells = [c for c in autograded.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert all(o.output_type == "error" for c in graded_cells for o in c.outputs)


def test_a_mistake_costs_its_cell_and_the_feedback_diagnoses_it(graded):
    course, results = graded
    # weighted_sum loses its 2 points; neuron is judged on the reference's weighted sums; xor is built
    # from the learner's own neuron (the task says so), so it inherits the mistake
    assert results["mistaken"].score == 8
    html = write_feedback([("mistaken", ASSIGNMENT)], root=course)[0].read_text()
    assert "The bias b is missing." in html
    assert "answer(" not in html
    assert "HIDDEN TESTS" not in html


def test_cells_that_sent_no_answers_are_named_in_a_note(graded):
    _, results = graded
    assert any("no answers from test_weighted_sum" in note for note in results["skip-execution-tags"].notes)
    assert any("no answers from" in note for note in results["input-transformer"].notes)
