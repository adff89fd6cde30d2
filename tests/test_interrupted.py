"""`kill -9` of `workshop grade` in the middle of a class: the gradebook stays consistent,
no kernel outlives the grader, and grading again completes the class. And a notebook interrupted
inside: the checks after a cell that timed out or killed the kernel say so to the learner."""
import html
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from autograder.authoring.sample_class import solved
from autograder.grading import steps
from autograder.grading.grade_class import grade_class, write_feedback
from autograder.sandbox.kernel import _descendants, unavailable_reason
from tests.judging import error_text, verdicts

pytestmark = pytest.mark.xdist_group("grading")
LIMIT = 8  # seconds per cell: the endless loop's cost, and room for the imports of a loaded machine


def _slow_solved():
    notebook = solved("01-neurons")
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "weighted_sum")
    cell.source = "import time\ntime.sleep(3)\n" + cell.source
    return notebook


@pytest.mark.skipif(unavailable_reason() is not None, reason="the kernels' fate needs the sandbox")
def test_kill_9_mid_class_leaves_a_consistent_gradebook(course, tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("ada", "bob", "cy"):
        nbformat.write(_slow_solved(), folder / f"{name}_neurons.ipynb")
    env = {**os.environ, "WORKSHOP_COURSE_ROOT": str(course)}
    command = [sys.executable, "-m", "autograder.cli", "grade", str(folder), "--timeout", "30", "--jobs", "1"]
    grader = subprocess.Popen(command, cwd=course, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    second = course / "autograded" / "bob" / "01-neurons"  # nbgrader starts bob once ada is saved
    deadline = time.monotonic() + 180
    kernels = []
    while time.monotonic() < deadline and grader.poll() is None:
        kernels = [p for p in _descendants(grader.pid) if p != grader.pid]
        if second.exists() and kernels:
            break
        time.sleep(0.1)
    assert grader.poll() is None, "grading ended before it could be interrupted"
    assert kernels, "grading ended before it could be interrupted"
    time.sleep(1)  # bob's kernel is running his notebook
    grader.send_signal(signal.SIGKILL)
    grader.wait()

    for _ in range(100):  # bubblewrap's --die-with-parent: the sandbox goes with the grader
        alive = [p for p in kernels if os.path.exists(f"/proc/{p}") and "zombie" not in _state(p)]
        if not alive:
            break
        time.sleep(0.1)
    assert not alive, "a kernel outlived the grader"
    db = sqlite3.connect(course / "gradebook.db")
    assert db.execute("pragma integrity_check").fetchone() == ("ok",)
    with steps.api(course).gradebook as gb:
        assert gb.find_submission_notebook("neurons", "01-neurons", "ada").score == 12

    again = subprocess.run(command, cwd=course, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    with steps.api(course).gradebook as gb:
        assert [gb.find_submission_notebook("neurons", "01-neurons", s).score for s in ("ada", "bob", "cy")] == [12] * 3


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].splitlines()[0].lower()
    except (OSError, IndexError):
        return "zombie"


def _with(grade_id: str, code: str):
    """The solved notebook with ``code`` run before the solution of ``grade_id``."""
    notebook = solved("01-neurons")
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    cell.source = f"{code}\n{cell.source}"
    return notebook


def test_checks_after_a_timed_out_or_dead_cell_say_so(course, tmp_path):
    folder = tmp_path / "class"
    for name, notebook in {"ada": _with("neuron", "while True:\n    pass"),
                           "bob": _with("neuron", "import os\nos._exit(1)"),
                           "cy": _with("xor", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")}.items():
        (folder / name).mkdir(parents=True)
        nbformat.write(notebook, folder / name / "neurons.ipynb")
    # the per-cell limit comes from the configuration (Execute.timeout): the learner reads that figure
    results = {r.student: r for r in grade_class(folder, root=course, cell_timeout=LIMIT, progress=False, jobs=1)[0]}
    ada, bob, cy = (verdicts(course, s, "01-neurons") for s in ("ada", "bob", "cy"))

    # ada: `neuron` never got defined; its check says why instead of quoting the kernel's NameError
    assert results["ada"].score == 8
    assert f"cell(s) neuron timed out after {LIMIT} s" in results["ada"].notes
    said = ada["test_neuron"]["message"]
    assert said.startswith("Not graded: the cell defining `neuron` (In ["), said
    assert f"timed out after {LIMIT} s" in said, said
    assert "NameError" not in said
    assert ada["test_neuron"]["points"] == 0
    assert error_text(course, "ada", "01-neurons", "test_neuron") == f"CheckFailed: {said}"
    assert "`neuron` is not defined because the cell defining `neuron`" in ada["test_xor"]["message"]
    assert ada["test_xor"]["message"].endswith(f"timed out after {LIMIT} s. Make that cell finish faster (an endless "
                                               "loop?) and grade again.")
    assert all(v["outcome"] == "passed" for g, v in ada.items() if g not in ("test_neuron", "test_xor"))

    # bob: the kernel died in `neuron`; every check after it says the kernel stopped there
    assert results["bob"].score == 2
    assert bob["test_weighted_sum"]["outcome"] == "passed"
    for grade_id, verdict in bob.items():
        if grade_id != "test_weighted_sum":
            assert verdict["outcome"] == "unanswered"
            assert verdict["points"] == 0
            assert verdict["message"].startswith("Not graded: the kernel stopped while running the cell defining "
                                                 "`neuron` (In [4] above): the notebook ended the kernel "
                                                 "(exit code 1). This check never ran."), verdict["message"]
    # cy: killed in `xor`; the checks before it keep their points
    assert results["cy"].score == 8
    assert [g for g, v in cy.items() if v["outcome"] != "passed"] == ["test_xor", "test_layer"]
    assert all("the kernel stopped while running the cell defining `xor`" in cy[g]["message"]
               and "killed" in cy[g]["message"] for g in ("test_xor", "test_layer"))

    pages = {path.parts[-3]: _text(path.read_text()) for path in write_feedback(
        [(s, "01-neurons") for s in ("ada", "bob")], root=course)}
    assert "CheckFailed: Not graded: the cell defining `neuron`" in pages["ada"]
    assert f"this cell ran longer than the {LIMIT} s the grader allows it, and was stopped" in pages["ada"]
    assert "CheckFailed: Not graded: the kernel stopped while running" in pages["bob"]
    assert "not defined" not in pages["bob"]
    assert "HIDDEN TESTS" not in pages["ada"] + pages["bob"]


def _text(page: str) -> str:
    """A feedback page as the learner reads it: no markup."""
    return html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"<(style|script)\b.*?</\1>", "", page, flags=re.S)))
