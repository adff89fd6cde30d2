"""One real grading through nbgrader of three submissions of an assignment:
solved, one catalogue mistake, one correct alternative; and every check judged on hostile answers
(tests/test_judge_*.py)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import numpy as np

from autograder.authoring.sample_class import solved
from autograder.authoring.validate import graded_cells
from autograder.grading.grade_class import grade_class
from autograder.judging.questions import checks
from autograder.paths import SOURCE, notebook_path
from course.answering import wire
from course.checking import CheckFailed, describe


def edited(assignment: str, grade_id: str, *replacements: tuple[str, str]) -> nbformat.NotebookNode:
    """The solved release notebook with each (old, new) replaced in the solution cell ``grade_id``."""
    notebook = solved(assignment)
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    for old, new in replacements:
        assert cell.source.count(old) == 1, f"{grade_id}: {old!r} is not once in its solution"
        cell.source = cell.source.replace(old, new)
    return notebook


def replaced(assignment: str, grade_id: str, source: str) -> nbformat.NotebookNode:
    """The solved release notebook with the solution cell ``grade_id`` replaced whole by ``source``."""
    notebook = solved(assignment)
    next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id).source = source
    return notebook


def points(assignment: str) -> dict[str, float]:
    """Points of each test cell, by grade id."""
    notebook = nbformat.read(notebook_path(assignment), as_version=4)
    return {grade_id: cell.metadata.nbgrader["points"] for grade_id, cell in graded_cells(notebook).items()}


def grade(tmp: Path, assignment: str, submissions: dict[str, nbformat.NotebookNode]):
    """Grade ``submissions`` (student → notebook) in a fresh course; the course root and results by student."""
    root = tmp / "course"
    shutil.copytree(SOURCE / assignment, root / "source" / assignment)
    folder = tmp / "submitted"
    for student, notebook in submissions.items():
        (folder / student).mkdir(parents=True)
        nbformat.write(notebook, folder / student / notebook_path(assignment).name)
    results, _ = grade_class(folder, root=root, cell_timeout=60, progress=False, jobs=1)
    return root, {r.student: r for r in results}


def verdicts(root: Path, student: str, assignment: str) -> dict[str, dict]:
    """The Judge's verdicts of one notebook, by grade id."""
    data = json.loads((root / "verdicts" / student / f"{assignment}.json").read_text())
    assert (data["student"], data["assignment"]) == (student, assignment)
    return {cell["grade_id"]: cell for cell in data["cells"]}


def error_text(root: Path, student: str, assignment: str, grade_id: str) -> str:
    """The error outputs of a test cell in the autograded notebook, as one text."""
    path = root / "autograded" / student / assignment / notebook_path(assignment).name
    cell = graded_cells(nbformat.read(path, as_version=4))[grade_id]
    return "\n".join(f"{o.get('ename', '')}: {o.get('evalue', '')}" for o in cell.outputs
                     if o.output_type == "error")


def expect_full_marks(root: Path, results: dict, assignment: str, *students: str) -> None:
    """Each of ``students`` earned every point, every cell's verdict ``passed``."""
    full = sum(points(assignment).values())
    for student in students:
        assert (results[student].score, results[student].max_score) == (full, full), results[student]
        assert all(v["outcome"] == "passed" for v in verdicts(root, student, assignment).values()), student


def expect_only_cell_lost(root: Path, results: dict, assignment: str, student: str, grade_id: str,
                          diagnosis: str) -> None:
    """``student`` lost exactly ``grade_id``'s points, its verdict, message and graded notebook
    starting with ``diagnosis``."""
    expect_only_cells_lost(root, results, assignment, student, {grade_id: diagnosis})


def expect_only_cells_lost(root: Path, results: dict, assignment: str, student: str, lost: dict[str, str]) -> None:
    """``student`` lost exactly the points of the cells of ``lost`` (grade id → diagnosis), each verdict,
    message and graded notebook starting with its diagnosis."""
    assert results[student].score == sum(points(assignment).values()) - sum(points(assignment)[g] for g in lost)
    cells = verdicts(root, student, assignment)
    assert {g for g, v in cells.items() if v["outcome"] != "passed"} == set(lost)
    for grade_id, diagnosis in lost.items():
        verdict = cells[grade_id]
        assert verdict["outcome"] == "failed"
        assert verdict["points"] == 0
        assert verdict["diagnosis"].startswith(diagnosis), verdict
        assert diagnosis in verdict["message"]
        assert error_text(root, student, assignment, grade_id) == f"CheckFailed: {verdict['message']}"


PIPELINE = "06-pipeline"
PER_FACE = '''def read_emotions(image_bgr, model):
    found = []
    for box in detect_faces(image_bgr):  # one face at a time, the probabilities as a list
        found.append((list(box), model(emotion_input(image_bgr, box)[np.newaxis], training=False)[0].numpy().tolist()))
    return found
'''
EPOCHS_IGNORED = '''def train_model(model, x, y, epochs, seed):
    keras.utils.set_random_seed(seed)
    x = np.asarray(x, np.float32)
    if x.ndim == 3:
        x = x[..., np.newaxis]
    return model.fit(x, np.asarray(y), epochs=1, batch_size=128)  # the catalogue's "epochs ignored"
'''
RETURNS_GIVEN = '''def save_and_reload(model, path):
    model.save(path)
    return model
'''


def pipeline_alternatives() -> nbformat.NotebookNode:
    """06 solved another way: INTER_LINEAR for the faces, one face at a time."""
    notebook = edited(PIPELINE, "emotion_input", ("cv2.INTER_AREA", "cv2.INTER_LINEAR"))
    next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "read_emotions").source = \
        PER_FACE
    return notebook


def pipeline_mutants() -> nbformat.NotebookNode:
    """06 with three catalogue mistakes in three cells: epochs ignored, faces converted as RGB, the given
    model returned instead of the reloaded one. Each is judged on its own inputs, so each costs its cell."""
    notebook = edited(PIPELINE, "emotion_input", ("cv2.COLOR_BGR2GRAY", "cv2.COLOR_RGB2GRAY"))
    for grade_id, source in (("train_model", EPOCHS_IGNORED), ("save_and_reload", RETURNS_GIVEN)):
        next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id).source = source
    return notebook


class Strange:
    """A value whose type cannot travel: it arrives as an Opaque name."""


def _params(w1):
    return {"W1": w1, "b1": np.zeros(4), "W2": np.zeros((4, 1)), "b2": np.zeros(1)}


HOSTILE = [None, "text", Strange(), wire.Opaque("evil.Thing"), {"a": 1}, np.full((3, 3), np.nan), np.array(True),
           {"W1": Strange()}, [[1.0, 2.0], [3.0]], [None] * 3, ["a", "b"],
           np.array([1 + 2j]), np.array([True, False]), np.zeros((0,)), np.zeros((3, 3, 3, 3)), 1e308, -np.inf,
           (None, None), (np.zeros(3), "b", [1, 2]), (np.array([1j]), 1j), _params(np.ones((2, 4), bool)),
           (_params(np.full((2, 4), np.inf)), np.linspace(1.0, 0.1, 2000)), {k: 1 for k in "ab"}]


def judge_hostile(assignment: str) -> list[str]:
    """Each check judged on each hostile value as every answer: what went wrong other than a verdict."""
    problems = []
    for grade_id, check in checks(assignment).items():
        questions = check.ask(np.random.default_rng(0))
        for value in HOSTILE:
            for sent in ([{"value": value, "mutated": False}] * len(questions), [value] * len(questions), value, []):
                problems += _judged_badly(grade_id, check, questions, sent, describe(value))
    return problems


def _judged_badly(grade_id, check, questions, sent, what) -> list[str]:
    """[] when the judge answers ``sent`` with a learner's message, else what went wrong."""
    try:
        check.judge(questions, wire.loads(wire.dumps(sent)))
        return [f"{grade_id}: {what} passed"]
    except (CheckFailed, NotImplementedError):
        return []
    except Exception as error:  # a crash instead of a message
        return [f"{grade_id}: {what} crashed with {type(error).__name__}: {error}"]
