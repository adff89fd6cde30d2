"""The hostile corpus: broken and hostile submissions of 01-neurons graded as ONE class by the
real `workshop grade` (a zip, --jobs 2, --feedback) next to two honest participants, who must
keep full marks. Each case has its expected score and the line the instructor is shown.

A cheat's attempt is observable: the notebook deletes its own ``weighted_sum`` when the
attempt succeeded (``LEAKED``), so a sandbox that holds gives full marks and one that leaks
costs 6 points (weighted_sum, and neuron and xor that build on it). Effects outside are
checked directly: files that must not exist, processes that must not survive, a TCP
listener that must see no connection, the gradebook that must be intact.
"""
from __future__ import annotations

import csv
import json
import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

from autograder.authoring.sample_class import solved
from autograder.authoring.validate import graded_cells
from autograder.grading import steps
from autograder.grading.collect import student_id
from autograder.paths import RELEASE, notebook_path
from autograder.sandbox.kernel import unavailable_reason

pytestmark = [pytest.mark.xdist_group("hostile"),
              pytest.mark.skipif(unavailable_reason() is not None, reason=f"no sandbox: {unavailable_reason()}")]
MAX = sum(c.metadata.nbgrader["points"] for c in graded_cells(
    nbformat.read(notebook_path("01-neurons"), as_version=4)).values())  # 12
LOST = 4  # weighted_sum undefined: test_weighted_sum and test_xor fail (neuron is judged on the reference sums)
REPO = Path(steps.__file__).resolve().parents[2]
TOKEN = secrets.token_hex(6)
HONEST = ("aaa-honest", "zzz-honest")  # graded first and last
HOG = ("import numpy as np\nhog = []\ntry:\n    while True:\n        hog.append(np.empty(64 << 20, np.uint8))\n"
       "except MemoryError:\n    pass")


@dataclass
class Case:
    name: str                       # the participant, as a folder in the zip
    content: object                 # a notebook, or the file's text, or None (the case writes zip entries)
    score: float | None             # expected score; None: not graded
    note: str | None = None         # a substring of the instructor's line about this participant
    marks: list = field(default_factory=list)


def _cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _with(code: str, grade_id: str = "weighted_sum", before: bool = False, nb=None):
    """The solved notebook with ``code`` before or after the solution of ``grade_id``."""
    nb = nb or solved("01-neurons")
    cell = _cell(nb, grade_id)
    cell.source = f"{code}\n{cell.source}" if before else f"{cell.source}\n{code}"
    return nb


def _attempt(code: str) -> nbformat.NotebookNode:
    """``code`` sets LEAKED = True if the attack worked; then weighted_sum is deleted."""
    return _with(f"LEAKED = False\n{code}\nif LEAKED:\n    del weighted_sum\n")


def _reads(*paths) -> str:
    return (f"for _p in {[str(p) for p in paths]!r}:\n    try:\n        open(_p, 'rb').read(1)\n"
            "        LEAKED = True\n    except OSError:\n        pass")


def _writes(*paths) -> str:
    return (f"for _p in {[str(p) for p in paths]!r}:\n    try:\n        open(_p, 'w').write('x')\n"
            "        LEAKED = True\n    except OSError:\n        pass")


def _retyped():
    nb = solved("01-neurons")
    _cell(nb, "test_xor").cell_type = "markdown"
    for key in ("outputs", "execution_count"):
        _cell(nb, "test_xor").pop(key, None)
    return nb


def _duplicated(grade_id):
    import copy
    nb = solved("01-neurons")
    cell = _cell(nb, grade_id)
    nb.cells.insert(nb.cells.index(cell) + 1, copy.deepcopy(cell))
    return nb


def _edited_tests():
    nb = solved("01-neurons")
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.source = "pass  # no tests, please"
    return nb


def _deleted_test():
    nb = solved("01-neurons")
    nb.cells.remove(_cell(nb, "test_layer"))
    return nb


def _stripped():
    nb = solved("01-neurons")
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
    return nb


def _kernelspec(spec):
    nb = solved("01-neurons")
    text = json.loads(nbformat.writes(nb))
    text["metadata"]["kernelspec"] = spec
    return json.dumps(text)


def _released():
    return nbformat.read(notebook_path("01-neurons", RELEASE), as_version=4)


def _cases(course: Path, port: int) -> list[Case]:
    gradebook, honest = course / "gradebook.db", course / "submitted" / HONEST[0] / "01-neurons" / "neurons.ipynb"
    tamper = (f"import os, sqlite3, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
              f"        time.sleep(8)\n        try:\n            db = sqlite3.connect({str(gradebook)!r}, timeout=1)\n"
              "            db.execute('update grade set auto_score = 0, manual_score = 0'); db.commit()\n"
              "        except Exception:\n            pass\n"
              "        os.execv('/bin/sleep', ['sleep', '4242'])\n    os._exit(0)\n")
    return [
        # the kernel's resources
        Case("infinite-loop", _with("while True:\n    pass", before=True), MAX - LOST, "timed out"),
        Case("sleep-forever", _with("import time\ntime.sleep(10**6)", before=True), MAX - LOST, "timed out"),
        Case("ignores-interrupts", _with("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                         "while True:\n    pass", "xor", before=True), 8,
             "the kernel stopped answering in xor"),
        Case("sys-exit", _with("import sys\nsys.exit(3)", before=True), MAX - LOST),
        Case("os-exit", _with("import os\nos._exit(0)", "xor", before=True), 8,
             "the kernel died in xor: the notebook ended the kernel (exit code 0); the cells after it scored 0"),
        Case("segfault", _with("import ctypes\nctypes.string_at(0)", "xor", before=True), 8,
             "the kernel died in xor: segmentation fault"),
        # RLIMIT_DATA counts memory allocated, touched or not: np.empty hits it without using the machine's RAM
        Case("memory-limit-death", _with(f"{HOG}\nimport ctypes, time\ntime.sleep(1)\nctypes.string_at(0)", "xor",
                                         before=True), 8, "the kernel died in xor: memory limit"),
        Case("memory-growth", _with(f"{HOG}\nhog = None", before=True), MAX),
        Case("huge-allocation", _with("import numpy as np\nbig = np.ones(10**11)", before=True), MAX - LOST),
        Case("fork-bomb", _with("import subprocess\ntry:\n    while True:\n        subprocess.Popen(['sleep', "
                                "'3601'])\nexcept OSError:\n    pass", "layer"), MAX),
        Case("gil-hog-threads", _with("import threading\nfor _ in range(2):\n    threading.Thread(target=lambda: "
                                      "sum(range(10**12)), daemon=True).start()", "layer"), MAX - 2,
             "the kernel stopped answering in layer (time limit)"),
        Case("huge-output", _with("print('x' * 50_000_000)"), MAX),
        Case("many-prints", _with("for i in range(300_000):\n    print(i)"), MAX),
        Case("stderr-noise", _with(f"import os, sys, warnings\nos.write(2, b'noise-{TOKEN}\\n' * 1000)\n"
                                   "print('debug', file=sys.stderr)\nwarnings.warn('careful')"), MAX),
        # reaching out of the workspace
        # in the sandbox /tmp is private: writes there (the test's course lives in /tmp) stay inside it
        Case("writes-outside", _attempt(_writes(course / "source" / f"hacked-{TOKEN}", REPO / "autograder" /
                                                f"hacked-{TOKEN}", Path(sys.prefix) / f"hacked-{TOKEN}",
                                                f"/root/hacked-{TOKEN}", f"/hacked-{TOKEN}",
                                                REPO / "course" / f"hacked-{TOKEN}") +
                                        f"\nfor _p in {[str(course / f'hacked-{TOKEN}'), f'/tmp/hacked-{TOKEN}']!r}:\n"
                                        "    try:\n        open(_p, 'w').write('x')\n    except OSError:\n"
                                        "        pass"), MAX),
        Case("reads-source", _attempt(_reads(course / "source" / "01-neurons" / "neurons.ipynb",
                                             REPO / "source" / "01-neurons" / "neurons.ipynb")), MAX),
        Case("reads-hidden-tests", _attempt(_reads(REPO / "autograder" / "hidden" / "neurons.py")), MAX),
        Case("reads-neighbour", _attempt(_reads(honest, course / "autograded" / HONEST[0] / "01-neurons" /
                                                "neurons.ipynb")), MAX),
        Case("reads-gradebook", _attempt(_reads(gradebook)), MAX),
        Case("reads-home", _attempt("import os\nLEAKED = bool(set(os.listdir('/root')) - {'.pyenv'}) if "
                                    "os.path.isdir('/root') else False\n" + _reads("/etc/shadow")), MAX),
        Case("reads-environment", _attempt("import os\nLEAKED = 'WORKSHOP_TEST_SECRET' in os.environ"), MAX),
        Case("deletes-neighbours", _with(f"import shutil, os\nshutil.rmtree('../..', ignore_errors=True)\n"
                                         f"shutil.rmtree({str(course / 'autograded')!r}, ignore_errors=True)\n"
                                         f"shutil.rmtree({str(course / 'submitted')!r}, ignore_errors=True)\n"
                                         f"try:\n    os.remove({str(gradebook)!r})\nexcept OSError:\n    pass"),
             MAX),
        Case("tampers-from-child", _with(tamper), MAX),
        Case("network", _attempt(f"import socket\nfor _host in ('127.0.0.1', 'localhost'):\n    try:\n"
                                 f"        socket.create_connection((_host, {port}), timeout=1).close()\n"
                                 "        LEAKED = True\n    except OSError:\n        pass"), MAX),
        Case("patches-checks", _with("import autograder.hidden.neurons as h, course.checks.neurons as c\n"
                                     "for _m in (h, c):\n    for _n in dir(_m):\n        if callable(getattr(_m, _n)):"
                                     "\n            setattr(_m, _n, lambda *a, **k: None)", before=True,
                                     nb=_released()), 0),
        Case("silences-errors", _with("get_ipython().showtraceback = lambda *a, **k: None", before=True,
                                      nb=_released()), 0),
        # damaged notebooks
        Case("deleted-test-cell", _deleted_test(), MAX, "restored deleted cell(s) test_layer"),
        Case("edited-test-cells", _edited_tests(), MAX, "edited test cell(s) test_weighted_sum"),
        Case("duplicated-test-cell", _duplicated("test_weighted_sum"), MAX,
             "removed a second copy of test cell(s) test_weighted_sum"),
        Case("duplicated-solution-cell", _duplicated("xor"), MAX, "a second copy of cell(s) xor ran as plain code"),
        Case("markdown-test-cell", _retyped(), MAX, "test_xor had been turned into another cell type"),
        Case("stripped-metadata", _stripped(), MAX, "nbgrader metadata was lost"),
        Case("foreign-kernelspec", _kernelspec({"name": "ir", "display_name": "R", "language": "R"}), MAX,
             "saved with the kernel 'R'"),
        Case("invalid-kernelspec", _kernelspec({"name": "python3"}), MAX, "kernel metadata was missing or invalid"),
        Case("other-notebook", nbformat.read(notebook_path("02-activations", RELEASE), as_version=4), None,
             "not neurons.ipynb of 01-neurons; ask for neurons.ipynb"),
        Case("invalid-json", '{"cells": [ {"cell_type": "code"', None, "is not a valid notebook"),
        Case("empty-file", "", None, "is empty"),
        Case("json-no-notebook", '{"hello": "world"}', None, "is JSON but not a Jupyter notebook"),
        Case("untouched-release", _released(), 0),
        # names
        Case("Zoë Ångström (2)", solved("01-neurons"), MAX),
        Case("Zoé Ångström (2)", solved("01-neurons", every=2), 4),
        Case("Robert'); DROP TABLE students;--", solved("01-neurons"), MAX),
    ]


ZIP_ONLY = {  # entries no participant folder holds: path traversal, dot names, links
    "../../escaped_neurons.ipynb": "leads outside the zip",
    "/abs/escaped_neurons.ipynb": "leads outside the zip",
    ".._neurons.ipynb": "no participant name in it",
    "_neurons.ipynb": "no participant name in it",
}


class Listener:
    """A TCP server on 127.0.0.1 that counts who connects (nobody may)."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port, self.connections = self.socket.getsockname()[1], 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()


def _processes(needle: bytes) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and needle in (proc / "cmdline").read_bytes():
                found.append(int(proc.name))
        except OSError:
            pass
    return found


@dataclass
class Graded:
    course: Path
    stdout: str
    stderr: str
    scores: dict
    export: dict
    names: dict
    listener: Listener
    cases: dict
    kernels: Path  # the grader's TMPDIR: its kernels' runtime folders, no other test's

    def lines(self, name: str) -> list[str]:
        problems = self.stdout.partition("\nProblems:\n")[2].splitlines()
        return [line.strip() for line in problems if line.strip().startswith((f"{name} / ", f"{name}: "))]


@pytest.fixture(scope="module")
def graded(template_course, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    course = tmp / "course"
    shutil.copytree(template_course, course)
    listener = Listener()
    cases = {c.name: c for c in _cases(course, listener.port)}
    archive = tmp / "class.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name in HONEST:
            z.writestr(f"{name}/neurons.ipynb", nbformat.writes(solved("01-neurons")))
        for case in cases.values():
            text = case.content if isinstance(case.content, str) else nbformat.writes(case.content)
            z.writestr(f"{case.name}/neurons.ipynb", text)
        for entry in ZIP_ONLY:
            z.writestr(entry, nbformat.writes(solved("01-neurons")))
        link = zipfile.ZipInfo("linked/neurons.ipynb")
        link.external_attr = (0o120777) << 16
        z.writestr(link, str(course / "gradebook.db"))
    kernels = tmp / "kernels"
    kernels.mkdir()
    env = {**os.environ, "WORKSHOP_COURSE_ROOT": str(course), "WORKSHOP_TEST_SECRET": TOKEN, "TMPDIR": str(kernels)}
    done = subprocess.run([sys.executable, "-m", "autograder.cli", "grade", str(archive), "--jobs", "2",
                           "--timeout", "10", "--feedback"], cwd=course, env=env, capture_output=True, text=True,
                          timeout=1500)
    assert done.returncode == 0, done.stderr[-3000:]
    exported = subprocess.run([sys.executable, "-m", "autograder.cli", "export", "--to", str(tmp / "grades.csv")],
                              cwd=course, env=env, capture_output=True, text=True)
    assert exported.returncode == 0, exported.stderr
    exported = (tmp / "grades.csv").read_text(encoding="utf-8")
    export = {row["student_id"]: row for row in csv.DictReader(exported.splitlines())}
    with steps.api(course).gradebook as gb:
        scores = {s.student.id: s.score for a in gb.assignments for s in a.submissions if s.notebooks}
        names = {s.id: f"{s.first_name or ''} {s.last_name or ''}".strip() for s in gb.students}
    yield Graded(course, done.stdout, done.stderr, scores, export, names, listener, cases, kernels)
    listener.socket.close()
    for path in (REPO / "autograder", Path(sys.prefix), REPO / "course", Path("/tmp"), Path("/root")):
        for leftover in path.glob(f"hacked-{TOKEN}"):
            leftover.unlink()


def test_the_corpus_is_large_enough(graded):
    assert len(graded.cases) + len(ZIP_ONLY) + 1 >= 30


@pytest.mark.parametrize("case", [pytest.param(c.name, marks=c.marks, id=c.name)
                                  for c in _cases(Path("/course"), 0)])
def test_case(graded, case):
    expected = graded.cases[case]
    student = student_id(case)
    lines = graded.lines(case)
    assert graded.scores.get(student) == expected.score, f"{case}: {lines}"
    if expected.note:
        assert any(expected.note in line for line in lines), f"{case}: expected {expected.note!r} in {lines}"
    assert not any("KeyError" in line or "nbgrader failed" in line for line in lines), lines
    if "the kernel " in (expected.note or ""):  # a stopped kernel: one note, not one more for its silent cells
        assert not any("no answers from" in line for line in lines), lines
    if expected.score is not None:  # the table, the gradebook and the export agree
        row = next(line for line in graded.stdout.splitlines() if line.startswith(case + "  "))
        assert f"{expected.score:g}/{MAX:g}" in row
        assert float(graded.export[student]["raw_score"]) == expected.score
        assert graded.names[student] == case, "the gradebook keeps the name as submitted"


def test_honest_participants_keep_full_marks(graded):
    for name in HONEST:
        assert graded.scores[name] == MAX
        assert (graded.course / "autograded" / name / "01-neurons" / "neurons.ipynb").exists()
        assert (graded.course / "feedback" / name / "01-neurons" / "neurons.html").exists()
    db = sqlite3.connect(graded.course / "gradebook.db")
    assert db.execute("pragma integrity_check").fetchone() == ("ok",)
    assert (graded.course / "source" / "01-neurons" / "neurons.ipynb").exists()


def test_zip_entries_that_are_no_participant_are_refused(graded):
    problems = graded.stdout.partition("\nProblems:\n")[2]
    for entry, reason in ZIP_ONLY.items():
        assert any(entry.split("/")[-1] in line and reason in line for line in problems.splitlines()), entry
    assert "a link, not a file" in problems
    assert not list(graded.course.parent.parent.glob("**/escaped_neurons.ipynb"))


def test_nothing_escaped(graded):
    for path in (graded.course, graded.course / "source", REPO / "autograder", REPO / "course", Path(sys.prefix),
                 Path("/tmp"), Path("/root")):
        assert not (path / f"hacked-{TOKEN}").exists(), path
    assert graded.listener.connections == 0
    assert _processes(b"sleep\x004242") == [], "a child outlived its kernel"
    assert _processes(b"sleep\x003601") == [], "a child outlived its kernel"
    assert _processes(f"{graded.kernels}/workshop-kernel-".encode()) == [], "a kernel outlived its notebook"
    assert f"noise-{TOKEN}" not in graded.stderr + graded.stdout, "a kernel's stderr reached the terminal"


def test_output_is_capped_before_saving(graded):
    student = student_id("huge-output")
    notebook = graded.course / "autograded" / student / "01-neurons" / "neurons.ipynb"
    feedback = graded.course / "feedback" / student / "01-neurons" / "neurons.html"
    assert notebook.stat().st_size < 1_000_000
    assert feedback.stat().st_size < 2_000_000
    assert "more characters of output not kept by the grader" in notebook.read_text()
    assert graded.course.joinpath("autograded", student_id("many-prints"), "01-neurons",
                                  "neurons.ipynb").stat().st_size < 1_000_000


def test_names_are_shown_as_submitted(graded):
    assert "Zoë Ångström (2)  " in graded.stdout
    assert "Zoé Ångström (2)  " in graded.stdout
    assert student_id("Zoë Ångström (2)") != student_id("Zoé Ångström (2)")
    export = {row["student_id"]: row for row in graded.export.values()}
    row = export[student_id("Zoë Ångström (2)")]
    assert (row["first_name"], row["last_name"]) == ("Zoë", "Ångström (2)")
    assert "Not sandboxed" not in graded.stdout
