"""Both directions: solved notebooks pass every test; released ones fail every
graded test with NotImplementedError. Plus the notebooks' hygiene."""
import json
import re

import nbformat
import pytest

from autograder.authoring.validate import graded_cells, release_problems, source_problems
from autograder.grading.steps import release_differences
from autograder.judging.reference import reference
from autograder.paths import RELEASE, SOURCE, assignments, notebook_path

ASSIGNMENTS = assignments()
CONTRACT = {  # the names other code relies on (../shared/CURRICULUM.md)
    "01-neurons": "weighted_sum neuron step AND_W AND_B OR_W OR_B NAND_W NAND_B NOT_W NOT_B xor layer",
    "02-activations": "identity identity_derivative binary_step binary_step_derivative sigmoid sigmoid_derivative "
                      "tanh tanh_derivative softsign softsign_derivative sqnl sqnl_derivative relu relu_derivative "
                      "brelu brelu_derivative leaky_relu leaky_relu_derivative prelu prelu_derivative softmax "
                      "numerical_derivative",
    "03-learning": "mse mse_gradient cross_entropy gradient_descent_step fit_linear init_two_layer "
                   "two_layer_forward two_layer_gradients train_xor",
    "04-layers": "dense conv2d conv2d_layer KERNELS max_pool2d avg_pool2d conv_output_size dense_params conv_params",
    "05-equalization": "histogram pdf cdf equalization_map equalize equalize_like_opencv equalize_color",
    "06-pipeline": "preprocess_sheet find_digit_boxes to_mnist build_model train_model read_sheet detect_faces "
                   "face_to_input "
                   "EMOTIONS emotion_input read_emotions save_and_reload",
}
per_notebook = pytest.mark.parametrize("assignment", [
    pytest.param(a, marks=pytest.mark.xdist_group(a)) for a in ASSIGNMENTS])


@per_notebook
def test_source_passes_every_test(assignment, run_source):
    assert source_problems(run_source(assignment)) == []


@per_notebook
def test_release_fails_every_graded_test_with_not_implemented(assignment, run_release):
    notebook = run_release(assignment)
    assert graded_cells(notebook), "no graded cells"
    assert release_problems(notebook) == []


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_title_numbers_the_exercise_among_all(assignment):
    title = "".join(json.loads(notebook_path(assignment).read_text())["cells"][0]["source"])
    position = ASSIGNMENTS.index(assignment) + 1
    assert f"exercise {position} of {len(ASSIGNMENTS)}" in title


def test_contract_lists_every_assignment():
    assert set(CONTRACT) == set(ASSIGNMENTS), "add the new notebook's names to CONTRACT"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_defines_the_contract(assignment):
    names = set(vars(reference(assignment)))
    assert set(CONTRACT[assignment].split()) <= names


@pytest.mark.parametrize("root", [SOURCE, RELEASE], ids=["source", "release"])
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_committed_without_outputs(assignment, root):
    notebook = json.loads(notebook_path(assignment, root).read_text())
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == []
            assert cell["execution_count"] is None


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_nbgrader_metadata(assignment):
    notebook = nbformat.read(notebook_path(assignment), as_version=4)
    ids = [c.metadata.nbgrader["grade_id"] for c in notebook.cells if "nbgrader" in c.metadata]
    assert len(ids) == len(set(ids)), "duplicate grade ids"
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader")
        if not meta:
            continue
        where = f"{assignment}:{meta['grade_id']}"
        if meta.get("solution"):
            assert "### BEGIN SOLUTION" in cell.source, where
            assert "### END SOLUTION" in cell.source, where
            assert not meta.get("grade"), f"{where}: solution cells are not graded themselves"
        if meta.get("grade"):
            assert meta["locked"], where
            assert meta["points"] > 0, where
            hidden = re.match(r"### BEGIN HIDDEN TESTS\nfrom course\.answering\.answers import answer\n"
                              rf"answer\(\"{meta['grade_id']}\"(, [^\n]+)?\)\n### END HIDDEN TESTS\n", cell.source)
            assert hidden, f"{where}: a test cell opens with a hidden region answering for its own grade id"
            assert "autograder" not in cell.source, f"{where}: the kernel needs nothing from autograder"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_has_no_solutions_or_hidden_tests(assignment):
    text = notebook_path(assignment, RELEASE).read_text()
    for secret in ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "autograder", "course.answering.answers"):
        assert secret not in text
    source = nbformat.read(notebook_path(assignment), as_version=4)
    released = nbformat.read(notebook_path(assignment, RELEASE), as_version=4)
    for cell, before in zip(released.cells, source.cells, strict=False):
        if cell.metadata.get("nbgrader", {}).get("solution"):
            inside = before.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
            solution_lines = {line.strip() for line in inside.splitlines() if line.strip()}
            assert not solution_lines & {line.strip() for line in cell.source.splitlines()}


def test_release_in_sync_with_source():
    assert release_differences() == []
