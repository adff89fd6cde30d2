"""The grading kernel's sandbox and executor, on small notebooks (seconds each):
what the kernel sees, what comes back from its workspace, limits, and the fallback."""
from __future__ import annotations

import importlib.util
import json
import os
import resource
import signal
import socket
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from traitlets.config import Config

from autograder.grading import steps
from autograder.grading.collect import Collection
from autograder.grading.steps import Graded
from autograder.preprocessors.limit_text_output import LimitTextOutput
from autograder.preprocessors.sandboxed_execute import STOPPED, SandboxedExecute
from autograder.sandbox.kernel import GiB, exit_cause, python_paths, unavailable_reason

REPO = Path(steps.__file__).resolve().parents[2]
sandboxed = pytest.mark.skipif(unavailable_reason() is not None, reason=f"no sandbox: {unavailable_reason()}")


def _run(tmp_path, *sources, graded=(), **traits):
    """Execute cells in the executor with ``tmp_path/exec`` as the execution folder."""
    folder = tmp_path / "exec"
    folder.mkdir(exist_ok=True)
    cells = []
    for i, source in enumerate(sources):
        cell = new_code_cell(source)
        if i in graded:
            cell.metadata["nbgrader"] = {"grade": True, "grade_id": f"test_{i}", "points": 1, "solution": False,
                                         "locked": True, "schema_version": 3}
        cells.append(cell)
    nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                            "language": "python"}})
    config = Config()
    for key, value in traits.items():
        owner, _, name = key.partition("__")
        setattr(config[owner], name, value)
    executor = SandboxedExecute(config=config, timeout=20)
    executor.preprocess(nb, {"metadata": {"path": str(folder)}})
    return nb


def _text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def _errors(cell) -> list[str]:
    return [f"{o.ename}: {o.evalue}" for o in cell.outputs if o.output_type == "error"]


@sandboxed
def test_the_kernel_sees_only_its_workspace_and_the_python_it_needs(tmp_path):
    (tmp_path / "exec").mkdir()
    (tmp_path / "exec" / "data.csv").write_text("1,2\n")
    (tmp_path / "exec" / "neurons.ipynb").write_text("{}")  # the autograded copy: hidden tests
    (tmp_path / "secret.txt").write_text("x")
    listener = socket.create_server(("127.0.0.1", 0))
    nb = _run(tmp_path,
              "import os, sys, json\nprint(json.dumps([os.getuid(), sorted(os.listdir('.')), os.getcwd()]))",
              "import course, numpy\nprint(course.__file__)",
              f"print(json.dumps([os.path.exists(p) for p in {[str(tmp_path / 'secret.txt'), '/etc/shadow']!r}]))",
              "open(sys.prefix + '/x', 'w')",
              f"import socket\nsocket.create_connection(('127.0.0.1', {listener.getsockname()[1]}), timeout=2)",
              "print(json.dumps(sorted(os.environ)))",
              f"print(json.dumps(sorted(os.listdir({str(REPO)!r}))))")
    uid, files, cwd = json.loads(_text(nb.cells[0]))
    assert uid == 65534
    assert files == [".matplotlib", "data.csv"]
    assert cwd == "/home/participant/work"
    assert _text(nb.cells[1]).strip() == os.path.realpath(importlib.util.find_spec("course").origin)
    assert any(_text(nb.cells[1]).startswith(path) for path in python_paths())
    assert json.loads(_text(nb.cells[2])) == [False, False]
    assert "Read-only file system" in _errors(nb.cells[3])[0]
    assert _errors(nb.cells[4])[0].startswith(("ConnectionRefusedError", "OSError")), "the grader's network"
    listener.settimeout(0.1)
    with pytest.raises(TimeoutError):
        listener.accept()
    environment = set(json.loads(_text(nb.cells[5])))
    assert "JPY_PARENT_PID" not in environment
    assert not {"WORKSHOP_COURSE_ROOT", "WORKSHOP_GRADING_DIR"} & environment
    visible = set(json.loads(_text(nb.cells[6])))
    assert visible <= {"course", ".venv"}, "the kernel sees the repository beyond the venv and the course package"
    assert {"submitted", "autograded", "gradebook.db", "verdicts"}.isdisjoint(visible)
    assert nb.metadata.workshop == {"sandboxed": True}


@sandboxed
def test_only_regular_answer_files_come_back(tmp_path):
    (tmp_path / "exec" / ".grading").mkdir(parents=True)
    (tmp_path / "exec" / ".grading" / "questions.npz").write_bytes(b"questions")
    nb = _run(tmp_path,
              "import os, shutil\nprint(open('.grading/questions.npz').read())\n"
              "shutil.rmtree('.', ignore_errors=True)\nprint(open('.grading/questions.npz').read())\n"
              "os.makedirs('.grading/answers')\n"
              "open('.grading/answers/test_a.npz', 'w').write('a')\n"
              "os.symlink('/etc/passwd', '.grading/answers/test_b.npz')\nos.mkdir('.grading/answers/test_c.npz')\n"
              "open('.grading/answers/test_d.npz', 'wb').truncate(40 << 20)\nopen('stray.txt', 'w').write('x')")
    assert _text(nb.cells[0]) == "questions\nquestions\n", "the questions survive a participant's rmtree"
    back = tmp_path / "exec" / ".grading" / "answers"
    assert sorted(p.name for p in back.iterdir()) == ["test_a.npz"]
    assert (back / "test_a.npz").read_text() == "a"
    assert not (tmp_path / "exec" / "stray.txt").exists()


@sandboxed
@pytest.mark.parametrize(("code", "cause"), [
    ("import os\nos._exit(3)", "the notebook ended the kernel (exit code 3)"),
    ("import ctypes\nctypes.string_at(0)", "segmentation fault"),
    ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", "killed (memory or time limit)"),
])
def test_a_dying_kernel_costs_the_cells_after_it(tmp_path, code, cause):
    nb = _run(tmp_path, "print('ran')", "x = 1", code, "print('never')", "assert True", graded=(1, 4))
    assert _text(nb.cells[0]) == "ran\n"
    assert not _errors(nb.cells[1])
    assert nb.metadata.workshop["stopped"] == f"the kernel died in In [3]: {cause}"
    assert _errors(nb.cells[2]) == [f"{STOPPED}: the kernel died in In [3]: {cause}"]
    assert nb.cells[3].outputs == [], "a plain cell after the death has no outputs"
    assert _errors(nb.cells[4]) == [f"{STOPPED}: not run: the kernel died in In [3]: {cause}"]


@sandboxed
def test_the_notebook_has_a_wall_clock_limit(tmp_path):
    nb = _run(tmp_path, "import time\ntime.sleep(1.5)", "time.sleep(1.5)", "time.sleep(1.5)", "pass", graded=(3,),
              SandboxedExecute__notebook_timeout=2)
    assert "ran out" in nb.metadata.workshop["stopped"]
    assert _errors(nb.cells[3])[0].startswith(f"{STOPPED}: not run: the notebook's time limit (2 s) ran out")


@sandboxed
def test_resource_limits_hold_inside(tmp_path):
    nb = _run(tmp_path, "import resource\nprint([resource.getrlimit(getattr(resource, 'RLIMIT_' + k))[0] "
                        "for k in ('DATA', 'AS', 'NPROC', 'FSIZE', 'CPU')])",
              "open('big', 'wb').write(b'x' * (2 << 20))", SandboxedKernelManager__file_size=1 << 20,
              SandboxedKernelManager__memory=GiB, SandboxedKernelManager__processes=300)
    data, _, nproc, fsize, _ = json.loads(_text(nb.cells[0]))
    assert (data, nproc, fsize) == (GiB, 300, 1 << 20)
    assert nb.metadata.workshop.get("stopped", "").endswith("file size limit") or _errors(nb.cells[1])


def test_without_bubblewrap_the_kernel_still_gets_limits_and_a_private_folder(tmp_path):
    nb = _run(tmp_path, "import os, resource\nprint(resource.getrlimit(resource.RLIMIT_DATA)[0], os.getcwd())",
              SandboxedKernelManager__sandbox=False, SandboxedKernelManager__memory=2 * GiB)
    limit, cwd = _text(nb.cells[0]).split()
    assert int(limit) == 2 * GiB
    assert cwd != str(tmp_path / "exec")
    assert "workshop-workspace-" in cwd
    assert nb.metadata.workshop == {"sandboxed": False}


def test_the_score_table_says_when_grading_was_not_sandboxed(monkeypatch):
    from autograder.reports import tables as report
    monkeypatch.setattr(report, "unavailable_reason", lambda: "bubblewrap is not installed")
    table = report.score_table([Graded("ada", "01-neurons", 12, 12)], Collection(names={"ada": "Ada L."}))
    assert "Not sandboxed: bubblewrap is not installed" in table
    assert table.startswith("participant")
    assert "Ada L." in table


def test_text_output_is_capped_and_images_kept():
    cell = new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * 150_000),
                    nbformat.v4.new_output("display_data", data={"image/png": "A" * 300_000, "text/plain": "y" * 10}),
                    nbformat.v4.new_output("error", ename="E", evalue="z" * 10**6, traceback=["t" * 10**6] * 3)]
    cell, _ = LimitTextOutput().preprocess_cell(cell, {}, 0)
    assert len(cell.outputs[0].text) < 100_100
    assert "50,000 more characters" in cell.outputs[0].text
    assert len(cell.outputs[1].data["image/png"]) == 300_000
    assert len(cell.outputs[2].evalue) < 200
    assert len("".join(cell.outputs[2].traceback)) < 200


def test_exit_causes_are_named_for_a_participant():
    assert exit_cause(128 + signal.SIGSEGV, "", sandboxed=True) == "segmentation fault"
    assert exit_cause(-signal.SIGXCPU, "", sandboxed=False) == "CPU time limit"
    assert exit_cause(128 + signal.SIGXFSZ, "", sandboxed=True) == "file size limit"
    assert exit_cause(1, "", sandboxed=True, memory_used=0.97) == "memory limit"
    assert exit_cause(134, "terminate called after throwing 'std::bad_alloc'", sandboxed=True) == "memory limit"
    assert exit_cause(0, "", sandboxed=True) == "the notebook ended the kernel (exit code 0)"


def test_rlimits_of_the_fallback_never_raise_a_hard_limit():
    from autograder.sandbox.kernel import Limits
    limits = Limits().rlimits(sandboxed=False)
    assert resource.RLIMIT_NPROC not in limits, "outside a user namespace NPROC counts all the user's processes"
    assert Limits().memory < Limits().address_space


def test_python_paths_never_expose_the_repository():
    for path in python_paths():
        assert Path(path) != REPO, path
        assert Path(path) not in (REPO / "autograder", REPO / "source"), path
    assert any(Path(p) == Path(sys.prefix) for p in python_paths())
