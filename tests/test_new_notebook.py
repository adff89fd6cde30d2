"""A seventh notebook is its own files only (docs/AUTHORING.md, "Adding a notebook"): in a copy of the
repository, a new assignment's source notebook, public checks, hidden checks and catalogue, nothing else
edited, are released, graded and exported by the ``workshop`` commands."""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

pytestmark = pytest.mark.xdist_group("new-notebook")

REPOSITORY = Path(__file__).resolve().parents[1]
ASSIGNMENT, POINTS = "07-scaling", {"test_min_max_scale": 2, "test_standardize": 1}

HIDDEN = '''"""Hidden checks for 07-scaling: questions for the kernel, judged here."""
import numpy as np

from autograder.judging.answered import against_reference, calls
from autograder.judging.questions import Check
from autograder.judging.reference import reference
from course.checks import scaling as public


def _ref():
    return reference("07-scaling")


def _inputs(rng, constant=True):
    yield [2.0, 4.0, 6.0],                                   # a list
    yield np.arange(-3, 5),                                  # integers
    if constant:
        yield np.full(5, 7.0),                               # no spread: all zeros
    for shape in [(9,), (3, 4)]:
        yield rng.normal(2.0, 5.0, size=shape),


def min_max_scale_mistakes(x):
    x = np.asarray(x, dtype=float)
    with np.errstate(all="ignore"):
        return {"min_max_scale.divided_by_max": (x - x.min()) / x.max(),
                "min_max_scale.min_not_subtracted": x / np.ptp(x)}


def standardize_mistakes(x):
    x = np.asarray(x, dtype=float)
    return {"standardize.divided_by_variance": (x - x.mean()) / x.var(),
            "standardize.mean_not_subtracted": x / x.std(),
            "standardize.sample_deviation": (x - x.mean()) / x.std(ddof=1)}


def _judge(name, mistakes):
    return lambda questions, records: against_reference(questions, records, getattr(_ref(), name),
                                                        mistakes=mistakes, diagnosed=public.diagnosed)


CHECKS = {
    "test_min_max_scale": Check(lambda rng: calls("min_max_scale", _inputs(rng)),
                                _judge("min_max_scale", min_max_scale_mistakes)),
    "test_standardize": Check(lambda rng: calls("standardize", _inputs(rng, constant=False)),
                              _judge("standardize", standardize_mistakes)),
}
'''

PUBLIC = '''"""Public checks for 07-scaling: cases you can work out by hand."""
import numpy as np

from course.checking import call, diagnoses, expect_array, learner_facing, passed

MISTAKES = {
    "min_max_scale.divided_by_max": "Divided by the maximum: divide by the range, max - min.",
    "min_max_scale.min_not_subtracted": "The minimum is not subtracted first.",
    "standardize.divided_by_variance": "Divided by the variance: divide by the standard deviation.",
    "standardize.mean_not_subtracted": "The mean is not subtracted first.",
    "standardize.sample_deviation": "That is the sample standard deviation (ddof=1): use np.std as it is.",
}


def diagnosed(outputs):
    """{diagnosis: output} for {mistake id: output}."""
    return diagnoses(MISTAKES, outputs)


@learner_facing
def min_max_scale(min_max_scale):
    got = call(min_max_scale, [2.0, 4.0, 6.0])
    expect_array(got, [0.0, 0.5, 1.0], "min_max_scale([2.0, 4.0, 6.0])",
                 mistakes=diagnosed({"min_max_scale.divided_by_max": [0.0, 1 / 3, 2 / 3]}))
    passed("min_max_scale")


@learner_facing
def standardize(standardize):
    got = call(standardize, [0.0, 2.0, 4.0])
    expect_array(got, np.sqrt(1.5) * np.array([-1.0, 0.0, 1.0]), "standardize([0.0, 2.0, 4.0])",
                 mistakes=diagnosed({"standardize.sample_deviation": [-1.0, 0.0, 1.0]}))
    passed("standardize")
'''

CATALOGUE = '''"""Mistakes and alternatives for 07-scaling."""
import numpy as np
from scipy import stats

from . import Case


def divided_by_max(x):
    x = np.asarray(x, dtype=float)
    return (x - x.min()) / x.max()


def not_shifted(x):
    x = np.asarray(x, dtype=float)
    return x / (x.max() - x.min())


def zero_spread_forgotten(x):
    x = np.asarray(x, dtype=float)
    return (x - x.min()) / (x.max() - x.min())


def divided_by_variance(x):
    x = np.asarray(x, dtype=float)
    return (x - x.mean()) / x.var()


def not_centred(x):
    x = np.asarray(x, dtype=float)
    return x / x.std()


def sample_deviation(x):
    x = np.asarray(x, dtype=float)
    return (x - x.mean()) / x.std(ddof=1)


def divide_where(x):
    x = np.asarray(x, dtype=float)
    return np.divide(x - x.min(), np.ptp(x), out=np.zeros_like(x), where=np.ptp(x) > 0)


def interpolated(x):
    x = np.asarray(x, dtype=float)
    return np.interp(x, [x.min(), x.max()], [0.0, 1.0]) if np.ptp(x) else np.zeros_like(x)


def by_hand(x):
    x = np.asarray(x, dtype=float)
    centred = x - x.mean()
    return centred / np.sqrt(np.mean(centred ** 2))


def zscore(x):
    return stats.zscore(np.asarray(x, dtype=float), axis=None)


MUTANTS = [
    Case("min_max_scale", "divided by the maximum", divided_by_max, message="Divided by the maximum",
         mistake="min_max_scale.divided_by_max"),
    Case("min_max_scale", "minimum not subtracted", not_shifted, message="minimum is not subtracted",
         mistake="min_max_scale.min_not_subtracted"),
    Case("min_max_scale", "0 / 0 for a constant input", zero_spread_forgotten, message="RuntimeWarning",
         public=False),
    Case("standardize", "divided by the variance", divided_by_variance, message="Divided by the variance",
         mistake="standardize.divided_by_variance"),
    Case("standardize", "mean not subtracted", not_centred, message="mean is not subtracted",
         mistake="standardize.mean_not_subtracted"),
    Case("standardize", "sample standard deviation", sample_deviation, message="ddof=1",
         mistake="standardize.sample_deviation"),
]

ALTERNATIVES = [
    Case("min_max_scale", "np.divide where the range is not 0", divide_where),
    Case("min_max_scale", "np.interp", interpolated),
    Case("standardize", "by hand", by_hand),
    Case("standardize", "scipy.stats.zscore", zscore),
]
'''


def _solution(name, docstring, hint, *lines):
    source = [f"def {name}(x):", f'    """{docstring}"""', f"    # {hint}", "    ### BEGIN SOLUTION",
              *(f"    {line}" for line in lines), "    ### END SOLUTION"]
    return new_code_cell("\n".join(source), id=name, metadata={"nbgrader": {
        "grade": False, "grade_id": name, "locked": False, "schema_version": 3, "solution": True}})


def _test(name):
    grade_id = f"test_{name}"
    source = ["### BEGIN HIDDEN TESTS", "from course.answering.answers import answer", f'answer("{grade_id}", {name})',
              "### END HIDDEN TESTS", f"check.{name}({name})"]
    return new_code_cell("\n".join(source), id=grade_id, metadata={"nbgrader": {
        "grade": True, "grade_id": grade_id, "locked": True, "points": POINTS[grade_id], "schema_version": 3,
        "solution": False}})


def scaling_notebook() -> nbformat.NotebookNode:
    """07-scaling's source notebook, laid out like source/01-neurons/neurons.ipynb."""
    notebook = new_notebook(metadata={
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}})
    notebook.cells = [
        new_markdown_cell("# 07 · Scaling\n\n*Image Recognition with OpenCV and TensorFlow — exercise 7 of 7*\n\n"
                          "*About 10 minutes (core) + 0 minutes (stretch)*\n\n"
                          "A network learns best from inputs on one scale.", id="ma-00"),
        new_code_cell("import numpy as np\n\nfrom course.checks import scaling as check", id="setup", metadata={
            "nbgrader": {"grade": False, "grade_id": "setup", "locked": True, "schema_version": 3, "solution": False},
            "tags": ["given"]}),
        new_markdown_cell("## 1. Min-max scaling\n\n**Task.** Implement `min_max_scale(x)` = "
                          "(x - min) / (max - min): 0 at the minimum, 1 at the maximum, 0 everywhere when "
                          "all of x is one value.", id="ma-01"),
        _solution("min_max_scale", "x scaled into [0, 1] (all 0 when x has no spread).",
                  "≈ 2 lines; np.ptp is max - min (np.info(np.ptp))",
                  "x = np.asarray(x, dtype=float)",
                  "return (x - x.min()) / np.ptp(x) if np.ptp(x) else np.zeros_like(x)"),
        _test("min_max_scale"),
        new_markdown_cell("## 2. Standardizing\n\n**Task.** Implement `standardize(x)` = (x - mean) / std.",
                          id="ma-02"),
        _solution("standardize", "x with mean 0 and standard deviation 1.", "≈ 2 lines; np.std (np.info(np.std))",
                  "x = np.asarray(x, dtype=float)", "return (x - x.mean()) / x.std()"),
        _test("standardize"),
    ]
    return notebook


# Run in the copy: the three submissions, solved the way ``autograder.authoring.sample_class.solved`` solves
# them, the mistake and the alternative each the solution of their cell.
SUBMIT = '''
import inspect
import sys
from pathlib import Path

import nbformat

from autograder.authoring.sample_class import solved
from tests.catalogue import scaling


def with_case(case):
    notebook = solved("07-scaling")
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == case.check)
    cell.source = inspect.getsource(case.fn).replace(f"def {case.fn.__name__}(", f"def {case.check}(", 1)
    return notebook


for student, notebook in {"solved": solved("07-scaling"), "mutant": with_case(scaling.MUTANTS[0]),
                          "alternative": with_case(scaling.ALTERNATIVES[0])}.items():
    (Path(sys.argv[1]) / student).mkdir(parents=True)
    nbformat.write(notebook, Path(sys.argv[1]) / student / "scaling.ipynb")
'''


def _copy_of_the_repository(target: Path) -> Path:
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPOSITORY, capture_output=True, check=True,
                             text=True).stdout.split("\0")
    for name in filter(None, tracked):
        if (REPOSITORY / name).is_file():  # a file deleted in the work tree but not yet in the index is gone
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPOSITORY / name, target / name)
    return target


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The copy with 07-scaling added, released, and three submissions graded and exported."""
    root = _copy_of_the_repository(tmp_path_factory.mktemp("seventh"))
    (root / "source" / ASSIGNMENT).mkdir()
    nbformat.write(scaling_notebook(), root / "source" / ASSIGNMENT / "scaling.ipynb")
    (root / "autograder" / "hidden" / "scaling.py").write_text(HIDDEN, encoding="utf-8")
    (root / "course" / "checks" / "scaling.py").write_text(PUBLIC, encoding="utf-8")
    (root / "tests" / "catalogue" / "scaling.py").write_text(CATALOGUE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "WORKSHOP_DB"} | {
        "WORKSHOP_COURSE_ROOT": str(root), "PYTHONPATH": str(root)}

    def run(*args):
        done = subprocess.run([sys.executable, *args], cwd=root, env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    run("-m", "autograder.cli", "release", ASSIGNMENT)
    run("-c", SUBMIT, str(root / "submissions"))
    table = run("-m", "autograder.cli", "grade", str(root / "submissions"), "--jobs", "1")
    run("-m", "autograder.cli", "export", "--to", "grades.csv")
    return root, table


def _verdicts(root, student):
    data = json.loads((root / "verdicts" / student / f"{ASSIGNMENT}.json").read_text(encoding="utf-8"))
    return {cell["grade_id"]: cell for cell in data["cells"]}


def test_the_release_is_generated_without_solutions_or_hidden_tests(course):
    root, _ = course
    release = (root / "release" / ASSIGNMENT / "scaling.ipynb").read_text(encoding="utf-8")
    assert "raise NotImplementedError()" in release
    assert "BEGIN SOLUTION" not in release
    assert "answer(" not in release
    assert "check.min_max_scale(min_max_scale)" in release


def test_solved_and_alternative_get_full_marks_and_the_mistake_loses_its_cell(course):
    root, table = course
    assert "07-scaling" in table
    for student in ("solved", "alternative"):
        assert {g: (v["outcome"], v["points"]) for g, v in _verdicts(root, student).items()} == \
               {g: ("passed", p) for g, p in POINTS.items()}, student
    verdicts = _verdicts(root, "mutant")
    assert verdicts["test_standardize"]["outcome"] == "passed"
    lost = verdicts["test_min_max_scale"]
    assert (lost["outcome"], lost["points"], lost["max_points"]) == ("failed", 0, 2)
    assert lost["diagnosis"] == "Divided by the maximum: divide by the range, max - min."
    assert lost["diagnosis"] in lost["message"]


def test_the_export_has_each_participants_score(course):
    root, _ = course
    with open(root / "grades.csv", encoding="utf-8") as file:
        rows = {row["student_id"]: row for row in csv.DictReader(file) if row["assignment"] == ASSIGNMENT}
    assert {s: (float(r["score"]), float(r["max_score"]), r["core_done"]) for s, r in rows.items()} == {
        "solved": (3.0, 3.0, "1"), "alternative": (3.0, 3.0, "1"), "mutant": (1.0, 3.0, "0")}

