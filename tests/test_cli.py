"""The `workshop` command: self-grading, and bad input met with one clear line."""
import shutil
import subprocess
import sys

import nbformat
import pytest

from autograder.authoring.sample_class import solved
from autograder.cli import main
from autograder.grading.selfgrade import selfgrade
from autograder.paths import SOURCE


def test_selfgrade_reports_score_and_messages(tmp_path):
    notebook = solved("01-neurons", every=2)
    path = tmp_path / "neurons.ipynb"
    nbformat.write(notebook, path)
    graded, report = selfgrade(path, workdir=tmp_path / "work")
    assert 0 < graded.score < graded.max_score
    assert f"01-neurons: {graded.score:g} / 12 points (core {graded.standing.core:g}/" in report
    assert "— the core needs" in report
    assert "✔ test_weighted_sum (2/2)" in report
    assert "✘ test_neuron (0/2): NotImplementedError: neuron is not implemented yet" in report
    assert "hidden" not in report
    assert (tmp_path / "work/feedback/me/01-neurons/neurons.html").exists()


def test_selfgrade_shows_core_and_stretch_apart(tmp_path, monkeypatch):
    """The stretch tags of the source notebook (here: 01's last task, tagged in a copy) mark the cells and
    split the score; the core finished, the notebook is done."""
    from autograder.grading import selfgrade as module
    from tests.test_scores import STRETCH_TASK, tag_stretch
    source = tmp_path / "source"
    shutil.copytree(SOURCE / "01-neurons", source / "01-neurons")
    tag_stretch(tmp_path, "01-neurons", STRETCH_TASK)
    monkeypatch.setattr(module, "SOURCE", source)
    notebook = solved("01-neurons")
    for c in notebook.cells:
        if c.metadata.get("nbgrader", {}).get("grade_id") == STRETCH_TASK:
            c.source = "def layer(*args):\n    raise NotImplementedError()\n"
    path = tmp_path / "neurons.ipynb"
    nbformat.write(notebook, path)
    graded, report = selfgrade(path, workdir=tmp_path / "work")
    assert report.startswith("01-neurons: 10 / 12 points (core 10/10 · stretch 0/2) — the core is finished: done")
    assert "✘ test_layer ⭐ stretch (0/2)" in report
    assert "✔ test_xor (2/2)" in report


@pytest.mark.parametrize(("argv", "message"), [
    (["grade", "no-such-folder"], "does not exist: pass the folder or zip of submissions"),
    (["selfgrade", "essay.ipynb"], "is not a workshop notebook"),
    (["selfgrade", "neurons.ipynb"], "cannot read neurons.ipynb as a notebook"),
])
def test_bad_input_gets_one_line(argv, message, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1


def test_console_script_help():
    done = subprocess.run([sys.executable, "-m", "autograder.cli", "--help"], capture_output=True, text=True)
    assert done.returncode == 0
    assert "selfgrade" in done.stdout
