"""`kill -9` of `workshop grade` in the middle of a class: the gradebook stays consistent,
no kernel outlives the grader, and grading again completes the class."""
import os
import signal
import sqlite3
import subprocess
import sys
import time

import nbformat
import pytest

from autograder import steps
from autograder.sample_class import solved
from autograder.sandbox import _descendants, unavailable_reason

pytestmark = pytest.mark.xdist_group("grading")


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
    assert grader.poll() is None and kernels, "grading ended before it could be interrupted"
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
        return open(f"/proc/{pid}/status").read().split("State:")[1].splitlines()[0].lower()
    except (OSError, IndexError):
        return "zombie"
