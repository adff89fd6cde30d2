"""One workshop day: every release notebook's header, hints, stretch markers and links, and the budget.

Rules (issue 16, docs/ESTIMATING.md):
- the first markdown cell says "About N minutes (core) + M minutes (stretch)"; the cores sum to at most 270;
- every solution cell keeps a "≈ N lines" hint in the release, N the reference's lines in source/;
- no cell links to the web unless it also names an offline help (help(...) or np.info);
- every cell tagged ``stretch`` in source/ keeps the tag in release/, each run of stretch cells opens
  with a markdown cell labelled "⭐ Stretch", and no core cell calls a function a stretch solution defines;
- every header agrees with autograder.authoring.budget's estimate within its tolerance, and the README's table of
  notebooks states the headers' figures.
"""
import ast
import json
import re

import numpy as np
import pytest

from autograder.authoring import budget
from autograder.cli import main
from autograder.paths import RELEASE, SOURCE, assignments, notebook_path

ASSIGNMENTS = assignments()
LABEL = "⭐ Stretch"


def _read(assignment, root=SOURCE):
    return json.loads(notebook_path(assignment, root).read_text())


def _src(cell):
    return "".join(cell["source"])


def _stretch(cell):
    return "stretch" in cell.get("metadata", {}).get("tags", [])


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_header_states_core_and_stretch_minutes(assignment):
    minutes = budget.header_minutes(_read(assignment, RELEASE))
    assert minutes is not None, \
        f"{assignment}: the first markdown cell needs 'About N minutes (core) + M minutes (stretch)'"
    assert minutes[0] > 0


def test_core_of_the_day_fits_270_minutes():
    total = 0
    for assignment in ASSIGNMENTS:
        minutes = budget.header_minutes(_read(assignment, RELEASE))
        total += minutes[0]
    assert total <= 270, f"the core of all notebooks takes {total} minutes"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_solution_cell_keeps_a_line_count_hint(assignment):
    for cell in _read(assignment, RELEASE)["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            assert budget.HINT.search(_src(cell)), f"{assignment}:{cell['id']} has no '≈ N lines' hint"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_hint_counts_the_reference_lines(assignment):
    for cell in _read(assignment)["cells"]:
        if not cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            continue
        lines = _src(cell).splitlines()
        for start, region in budget.solution_regions(_src(cell)):
            hint = budget.HINT.search(lines[start - 1]) if start else None
            assert hint, f"{assignment}:{cell['id']}: the line before ### BEGIN SOLUTION is the hint"
            lines_of_reference = budget.reference_lines(region)
            assert int(hint[1]) == lines_of_reference, \
                f"{assignment}:{cell['id']}: the hint says {hint[1]} lines, the reference has {lines_of_reference}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_web_link_is_the_only_help(assignment):
    for cell in _read(assignment, RELEASE)["cells"]:
        text = _src(cell)
        if re.search(r"https?://", text):
            assert "help(" in text or "np.info" in text, f"{assignment}:{cell['id']} sends the learner to the web"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_stretch_tags_survive_the_release(assignment):
    source = {c["id"]: c for c in _read(assignment)["cells"]}
    release = {c["id"]: c for c in _read(assignment, RELEASE)["cells"]}
    for cell_id, cell in source.items():
        if _stretch(cell):
            assert cell_id in release, f"{assignment}:{cell_id} lost its stretch tag"
            assert _stretch(release[cell_id]), f"{assignment}:{cell_id} lost its stretch tag"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_each_stretch_run_opens_with_a_visible_label(assignment):
    cells = _read(assignment, RELEASE)["cells"]
    for before, cell in zip([None, *cells], cells, strict=False):
        if _stretch(cell) and (before is None or not _stretch(before)):
            unlabelled = f"{assignment}:{cell['id']} starts a stretch task without a '{LABEL}' heading"
            assert cell["cell_type"] == "markdown", unlabelled
            assert LABEL in _src(cell).splitlines()[0], unlabelled


def _defined(cell):
    try:
        tree = ast.parse(_src(cell))
    except SyntaxError:
        return set()
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def _called(cell):
    try:
        tree = ast.parse(re.sub(r"^[%!].*$", "", _src(cell), flags=re.M))
    except SyntaxError:
        return set()
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_core_never_calls_a_stretch_function(assignment):
    cells = [c for c in _read(assignment)["cells"] if c["cell_type"] == "code"]
    stretch = set().union(*[_defined(c) for c in cells
                            if _stretch(c) and c["metadata"].get("nbgrader", {}).get("solution")])
    stretch -= set().union(*[_defined(c) for c in cells if not _stretch(c)])
    for cell in cells:
        if not _stretch(cell):
            assert not _called(cell) & stretch, f"{assignment}:{cell['id']} uses stretch {_called(cell) & stretch}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_header_agrees_with_the_estimate(assignment):
    notebook = _read(assignment)
    stated, estimated = budget.header_minutes(notebook), budget.estimate(notebook)
    for kind, said, computed in zip(("core", "stretch"), stated, estimated, strict=False):
        assert budget.agrees(said, computed), f"{assignment}: header {kind} {said} min, estimate {computed:.0f} min"


def test_readme_table_states_each_headers_minutes():
    rows = {}
    for line in (SOURCE.parent / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0].isdigit():
            rows[cells[0]] = (int(cells[3]), int(cells[4]))
    for assignment in ASSIGNMENTS:
        stated = budget.header_minutes(_read(assignment, RELEASE))
        assert rows.get(assignment[:2]) == stated, f"README's row for {assignment} should say {stated}"


def test_the_issue_examples_are_stretch_and_graded():
    def graded(assignment):
        return {c["metadata"]["nbgrader"]["grade_id"]: _stretch(c) for c in _read(assignment, RELEASE)["cells"]
                if c.get("metadata", {}).get("nbgrader", {}).get("grade")}
    activations, layers = graded("02-activations"), graded("04-layers")
    for grade_id in ("test_softsign", "test_sqnl", "test_prelu", "test_prelu_derivative"):
        assert activations[grade_id], grade_id
    assert not activations["test_sigmoid"]
    assert not activations["test_softmax"]
    assert layers["test_more_kernels"]
    assert layers["test_avg_pool2d"]
    assert not layers["test_kernels"]
    assert not layers["test_max_pool2d"]


def test_04_tells_the_story_06_continues():
    text = json.dumps(_read("04-layers"))
    assert "This is the network notebook 06 trains" not in text
    assert "Dense(128)" in text


def test_01_given_cells_take_gates_as_lists():
    """The gates' check accepts lists; the given cell that builds the XOR network from them must too."""
    import matplotlib
    matplotlib.use("Agg")
    cells = _read("01-neurons")["cells"]
    namespace = {}
    for cell in cells:
        meta = cell.get("metadata", {})
        if "given" in meta.get("tags", []) or meta.get("nbgrader", {}).get("solution"):
            exec(_src(cell), namespace)
    for gate in ("AND", "OR", "NAND", "NOT"):
        namespace[f"{gate}_W"] = namespace[f"{gate}_W"].tolist()
    exec(_src(next(c for c in cells if c["id"] == "co-32")), namespace)


def test_06_runs_a_learned_kernel_through_your_04_conv2d_layer():
    """06 reads the learner's own conv2d_layer from their 04 notebook; without one, OpenCV computes the map."""
    import cv2

    from course.earlier import functions_of
    from course.plots.pipeline import feature_map

    digit = np.zeros((28, 28), np.float32)
    digit[6:22, 12:16] = 1.0
    kernel = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], np.float32)
    expected = np.maximum(cv2.filter2D(digit, -1, kernel, borderType=cv2.BORDER_CONSTANT), 0)
    solved = functions_of(notebook_path("04-layers", SOURCE))
    feature, computed = feature_map(kernel, digit, solved["conv2d_layer"])
    assert computed == "your conv2d_layer of notebook 04"
    assert np.allclose(feature, expected, atol=1e-5)
    untouched = functions_of(notebook_path("04-layers", RELEASE))
    feature, computed = feature_map(kernel, digit, untouched["conv2d_layer"])
    assert "NotImplementedError" in computed
    assert np.allclose(feature, expected)
    assert functions_of(SOURCE / "no-such-notebook.ipynb") == {}
    cell = next(c for c in _read("06-pipeline")["cells"] if "learned_kernels" in _src(c))
    assert 'functions_of("../04-layers/layers.ipynb")' in _src(cell)
    assert "conv2d_layer" in _src(cell)


def test_01_opens_with_a_first_look_that_grading_skips():
    cells = _read("01-neurons", RELEASE)["cells"]
    first_code = next(c for c in cells if c["cell_type"] == "code")
    assert "first_look" in _src(first_code)
    assert "skip-execution" in first_code["metadata"]["tags"]


# ---------------------------------------------------------------- the estimator itself

def _notebook(*cells):
    return {"cells": list(cells)}


def _md(text, stretch=False):
    return {"cell_type": "markdown", "source": text, "metadata": {"tags": ["stretch"] if stretch else []}}


def _solution(code, name, stretch=False):
    return {"cell_type": "code", "source": code, "metadata": {"nbgrader": {"solution": True, "grade_id": name},
                                                             "tags": ["stretch"] if stretch else []}}


def _test(name, stretch=False):
    return {"cell_type": "code", "source": "check()", "metadata": {"nbgrader": {"grade": True, "grade_id": name},
                                                                "tags": ["stretch"] if stretch else []}}


def test_reference_lines_skip_blanks_and_comments():
    source = ("def f(x):\n    # ≈ 2 lines\n    ### BEGIN SOLUTION\n    # a comment\n\n"
              "    y = x\n    return y\n    ### END SOLUTION\n")
    [(start, region)] = budget.solution_regions(source)
    assert start == 2
    assert budget.reference_lines(region) == 2


def test_library_calls_are_found_in_order():
    assert budget.library_calls("y = np.where(x > 0, np.exp(x), cv2.blur(x, (3, 3)))") == \
        ["np.where", "np.exp", "cv2.blur"]
    assert budget.library_calls("keras.layers.Dense(3)(x)") == ["keras.layers.Dense"]


def test_estimate_follows_the_documented_formula():
    words = " ".join(["word"] * 200)
    notebook = _notebook(
        _md("# T\n\n*About 9 minutes (core) + 4 minutes (stretch)*"),
        _md(words),
        _solution("### BEGIN SOLUTION\nreturn np.where(x > 0, x, 0)\n### END SOLUTION", "f"),
        _test("test_f"),
        _md(words, stretch=True),
        _solution("### BEGIN SOLUTION\nx = np.where(x > 0, x, 0)\nreturn np.exp(x)\n### END SOLUTION", "g", True),
        _test("test_g", True),
        _md("the end"))
    core, stretch = budget.estimate(notebook)
    # core: reading (3 + 200 + 2 words), 1 line, the task and np.where, one check
    assert core == pytest.approx(budget.READ * 2.07 + budget.WRITE + 2 * budget.CONCEPT + budget.CHECK, rel=0.02)
    # stretch: 200 words, 2 lines, the task and np.exp (np.where was met in the core), one check
    assert stretch == pytest.approx(budget.READ * 2 + 2 * budget.WRITE + 2 * budget.CONCEPT + budget.CHECK)
    assert budget.header_minutes(notebook) == (9, 4)


def test_tolerance_is_relative_with_a_floor():
    assert budget.agrees(45, 60)
    assert not budget.agrees(40, 60)
    assert budget.agrees(0, 4)
    assert not budget.agrees(0, 6)


def test_workshop_budget_prints_estimate_beside_header(capsys):
    assert main(["budget", "--tasks"]) == 0
    out = capsys.readouterr().out
    for assignment in ASSIGNMENTS:
        assert f"| {assignment} |" in out
    assert "softsign" in out
    assert "stretch" in out
