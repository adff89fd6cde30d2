"""The judge without a kernel: the strict reader of answers, and the Judge preprocessor
on answers written by hand — missing, malformed, foreign, oversized, extra."""
import dataclasses
import io
import json
import pickle
import re
import zipfile
from datetime import UTC, datetime

import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from autograder.judging import questions
from autograder.judging.interruptions import Interruption, Stop, defined_names
from autograder.preprocessors.ask_questions import AskQuestions
from autograder.preprocessors.judge import Judge
from autograder.reports.verdicts import CellVerdict, Outcome, Verdict, read_verdict, read_verdicts, write_verdict
from course.answering import answers, wire
from course.checking import CheckFailed, with_hint
from course.checks.neurons import MISTAKES


@pytest.mark.parametrize("value", [
    None, True, 3, -2**70, 1.5, float("nan"), "text", np.float32(2.5), np.int64(7), np.array(0.75),
    np.arange(6).reshape(2, 3), np.zeros(3, bool), [1, (2.0, None)], {"W1": np.ones(2), 3: "x"},
])
def test_data_travels_unchanged(value):
    back = wire.loads(wire.dumps(value))
    assert type(back) is type(value)
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype
        assert np.array_equal(back, value)
    elif isinstance(value, float) and np.isnan(value):
        assert np.isnan(back)
    elif not isinstance(value, (list, dict)):
        assert back == value


def test_anything_else_travels_as_its_type_name_only():
    class Always(float):
        def __eq__(self, other):
            return True
    view = np.zeros(3).view(type("Sub", (np.ndarray,), {}))
    back = wire.loads(wire.dumps([Always(1.0), object(), np.array(["a"]), view]))
    assert isinstance(back[0], wire.Opaque)
    assert "Always" in back[0].type_name
    assert isinstance(back[1], wire.Opaque)
    assert isinstance(back[2], wire.Opaque)
    assert type(back[3]) is np.ndarray


def _npz(**arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "reason"), [
    (b"not a zip", "not a file of answers"),
    (_npz(x=np.zeros(2)), "no tree"),
    (_npz(tree=np.array(json.dumps({"$array": "a9"}))), "unexpected element"),
    (_npz(tree=np.array(json.dumps({"$eval": "1+1"}))), "unexpected element"),
    (_npz(tree=np.array(json.dumps({"$array": "a0"})), a0=np.array([object()], dtype=object)), "not a file"),
    (_npz(tree=np.array(json.dumps(json.loads("[" * 40 + "]" * 40)))), "unexpected element"),
])
def test_the_reader_refuses_what_is_not_plain_data(data, reason):
    with pytest.raises(wire.WireError, match=reason):
        wire.loads(data)


def test_the_reader_never_unpickles():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("tree.npy", pickle.dumps("boom"))
    with pytest.raises(wire.WireError):
        wire.loads(buffer.getvalue())


def test_the_reader_refuses_big_files_and_zip_bombs():
    with pytest.raises(wire.WireError, match="MB"):
        wire.loads(wire.dumps(np.zeros(1000)), limit=1000)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("tree.npy", b"\0" * (80 * 2**20))
    assert len(bomb.getvalue()) < 2**20
    with pytest.raises(wire.WireError, match="unpacks to more"):
        wire.loads(bomb.getvalue())


def test_a_round_trip_judges_in_this_process():
    questions.judged("01-neurons", "test_weighted_sum", lambda x, w, b: np.asarray(x, float) @ np.asarray(w, float) + b)
    with pytest.raises(CheckFailed, match=re.escape(MISTAKES["weighted_sum.bias_missing"])):
        questions.judged("01-neurons", "test_weighted_sum", lambda x, w, b: np.asarray(x, float) @ np.asarray(w, float))


def _graded_notebook(tmp_path, answered=None):
    """A notebook with 01's test cells, questions asked, and answers written by ``answered``."""
    cells = [new_code_cell("", metadata={"nbgrader": {"grade": True, "grade_id": grade_id, "points": 1,
                                                      "solution": False, "locked": True}})
             for grade_id in questions.checks("01-neurons")]
    nb = new_notebook(cells=cells)
    resources = {"metadata": {"path": str(tmp_path)},
                 "nbgrader": {"assignment": "01-neurons", "student": "s", "notebook": "neurons"}}
    nb, resources = AskQuestions(seed=5).preprocess(nb, resources)
    if answered:
        answered(tmp_path / ".grading", wire.load(tmp_path / ".grading" / "questions.npz"))
    nb, resources = Judge(verdicts_dir=str(tmp_path / "verdicts")).preprocess(nb, resources)
    verdicts = json.loads((tmp_path / "verdicts" / "s" / "01-neurons.json").read_text())
    return nb, {c["grade_id"]: c for c in verdicts["cells"]}


def test_no_answers_fail_every_cell_with_a_reason(tmp_path):
    nb, verdicts = _graded_notebook(tmp_path)
    assert {v["outcome"] for v in verdicts.values()} == {"unanswered"}
    assert all(c.outputs[0].output_type == "error" for c in nb.cells)
    assert "did not run" in verdicts["test_xor"]["message"]
    assert not (tmp_path / ".grading").exists(), "questions and answers are removed after judging"


def test_a_verdict_reads_back_as_written(tmp_path):
    verdict = Verdict("ada", "01-neurons", datetime(2026, 12, 1, 12, tzinfo=UTC), 2.5,
                      [CellVerdict("test_neuron", 2.0, 2.0, Outcome.PASSED),
                       CellVerdict("test_xor", 0.0, 1.0, Outcome.FAILED, "xor(0, 1) returned 0", "an AND gate")],
                      {"accuracy": 0.5}, "neurons", 7)
    path = write_verdict(tmp_path / "verdicts", verdict)
    assert path == tmp_path / "verdicts" / "ada" / "01-neurons.json"
    assert [c["outcome"] for c in json.loads(path.read_text())["cells"]] == ["passed", "failed"]
    assert read_verdict(tmp_path, "ada", "01-neurons") == verdict
    assert read_verdicts(tmp_path) == ({("ada", "01-neurons"): verdict}, [])
    assert read_verdict(tmp_path, "bob", "01-neurons") is None


def test_the_judges_verdict_reads_back(tmp_path):
    _graded_notebook(tmp_path)
    verdict = read_verdict(tmp_path, "s", "01-neurons")
    assert (verdict.notebook, verdict.seed) == ("neurons", 5)
    assert {c.outcome for c in verdict.cells} == {Outcome.UNANSWERED}


def _interrupted(tmp_path, interruption: Interruption, errors: dict[str, str]):
    """01's test cells after one solution cell (``while True`` before ``def neuron``), judged with ``interruption``
    as execution reported it; ``errors``: the kernel's NameError in a test cell, by grade id."""
    solution = new_code_cell("while True:\n    pass\ndef neuron(x, w, b, activation):\n    return 0",
                             execution_count=4, metadata={"nbgrader": {"solution": True, "grade_id": "neuron"}})
    cells = [solution] + [new_code_cell("", metadata={"nbgrader": {"grade": True, "grade_id": grade_id, "points": 1,
                                                                   "solution": False, "locked": True}})
                          for grade_id in questions.checks("01-neurons")]
    for cell in cells[1:]:
        if cell.metadata.nbgrader["grade_id"] in errors:
            cell.outputs = [new_output("error", ename="NameError", evalue=errors[cell.metadata.nbgrader["grade_id"]],
                                       traceback=[])]
    resources = {"metadata": {"path": str(tmp_path)},
                 "nbgrader": {"assignment": "01-neurons", "student": "s", "notebook": "neurons"}}
    nb, resources = AskQuestions(seed=5).preprocess(new_notebook(cells=cells), resources)
    resources["workshop"]["interruptions"] = [interruption]
    Judge(verdicts_dir=str(tmp_path / "verdicts")).preprocess(nb, resources)
    written = json.loads((tmp_path / "verdicts" / "s" / "01-neurons.json").read_text())
    return {c["grade_id"]: c for c in written["cells"]}


def test_a_check_after_a_timed_out_cell_names_it_not_the_name_error(tmp_path):
    verdicts = _interrupted(tmp_path, Interruption(Stop.TIMED_OUT, 0, "neuron", seconds=20),
                            {"test_neuron": "name 'neuron' is not defined", "test_xor": "name 'xor' is not defined"})
    assert verdicts["test_neuron"]["message"] == (
        "Not graded: the cell defining `neuron` (In [4] above) timed out after 20 s, so this check had nothing to "
        "run. Make that cell finish faster (an endless loop?) and grade again.")
    assert verdicts["test_neuron"]["outcome"] == "unanswered"
    assert verdicts["test_neuron"]["points"] == 0
    # a name the timed-out cell does not define: the kernel's own error is still the reason
    assert verdicts["test_xor"]["message"].endswith("NameError: name 'xor' is not defined")


def test_the_checks_after_a_dead_kernel_say_it_stopped(tmp_path):
    verdicts = _interrupted(tmp_path, Interruption(Stop.DIED, 0, "neuron", cause="memory limit"), {})
    assert {v["message"] for v in verdicts.values()} == {
        "Not graded: the kernel stopped while running the cell defining `neuron` (In [4] above): memory limit. "
        "This check never ran. A kernel stops when its code exits Python (os._exit), crashes or runs out of "
        "memory: fix that cell and grade again."}
    assert {(v["outcome"], v["points"]) for v in verdicts.values()} == {("unanswered", 0)}


def test_defined_names_are_what_a_cell_binds_at_its_top_level():
    names = defined_names("import numpy as np\n%time x = 1\nA, (b, c) = 1, (2, 3)\nfor i in []:\n    pass\n"
                          "def f(y):\n    z = y\nclass K: pass\n[q for q in 'ab']")
    assert names[:2] == ["f", "K"]
    assert set(names) == {"f", "K", "np", "A", "b", "c", "i"}
    assert defined_names("def broken(:") == []


def _solve_weighted_sum(folder, asked, **changes):
    subject = lambda x, w, b: np.asarray(x, float) @ np.asarray(w, float) + b  # noqa: E731
    records = [answers.ask(q, (subject,)) for q in asked["cells"]["test_weighted_sum"]]
    content = {"token": asked["token"], "grade_id": "test_weighted_sum", "answers": records} | changes
    wire.save(folder / "answers" / "test_weighted_sum.npz", content)


def test_honest_answers_pass(tmp_path):
    _, verdicts = _graded_notebook(tmp_path, _solve_weighted_sum)
    assert verdicts["test_weighted_sum"]["outcome"] == "passed"
    assert verdicts["test_weighted_sum"]["points"] == 1


def test_a_failure_keeps_what_the_check_measured(tmp_path, monkeypatch):
    assert (CheckFailed("no").metrics, CheckFailed("no", "a known mistake").diagnosis) == ({}, "a known mistake")
    hinted = with_hint(CheckFailed("no", metrics={"accuracy": 0.5}), "(an empty sheet)")
    assert (str(hinted), hinted.metrics) == ("no (an empty sheet)", {"accuracy": 0.5})

    def missed(asked, records):
        raise CheckFailed("your model read half the digits", metrics={"accuracy": 0.5})
    real = questions.checks("01-neurons")
    ours = real | {"test_weighted_sum": dataclasses.replace(real["test_weighted_sum"], judge=missed)}
    monkeypatch.setattr(questions, "checks", lambda assignment: ours)
    _, verdicts = _graded_notebook(tmp_path, _solve_weighted_sum)
    assert verdicts["test_weighted_sum"]["message"] == "your model read half the digits"
    assert read_verdict(tmp_path, "s", "01-neurons").metrics == {"accuracy": 0.5}


@pytest.mark.parametrize(("changes", "reason"), [
    ({"token": "0" * 32}, "not written for this grading run"),
    ({"grade_id": "test_xor"}, "not written for this grading run"),
    ({"answers": []}, "do not match the grader's questions"),
    ({"answers": "all good"}, "do not match the grader's questions"),
    ({"too_large": "70 MB"}, "too large"),
])
def test_foreign_or_malformed_answers_fail_with_a_reason(tmp_path, changes, reason):
    _, verdicts = _graded_notebook(tmp_path, lambda folder, asked: _solve_weighted_sum(folder, asked, **changes))
    assert verdicts["test_weighted_sum"]["outcome"] == "failed"
    assert reason in verdicts["test_weighted_sum"]["message"]


def test_an_unreadable_answer_file_fails_its_cell_only(tmp_path):
    def garbage(folder, asked):
        (folder / "answers").mkdir(parents=True)
        (folder / "answers" / "test_xor.npz").write_bytes(b"\x00" * 100)
        _solve_weighted_sum(folder, asked)
    _, verdicts = _graded_notebook(tmp_path, garbage)
    assert "could not be read" in verdicts["test_xor"]["message"]
    assert verdicts["test_weighted_sum"]["outcome"] == "passed"


def test_questions_differ_between_grading_runs(tmp_path):
    first = questions.ask("01-neurons", 1)["test_layer"][5]["args"][0]
    again = questions.ask("01-neurons", 1)["test_layer"][5]["args"][0]
    other = questions.ask("01-neurons", 2)["test_layer"][5]["args"][0]
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


def test_the_participant_package_imports_nothing_of_the_grader():
    import ast
    from pathlib import Path
    for path in Path(answers.__file__).parents[1].rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n.startswith("autograder") for n in names), path
