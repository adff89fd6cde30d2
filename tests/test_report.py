"""`workshop report`: what the class found hard, as one self-contained HTML file.

Its counts are checked against nbgrader's own answers from the gradebook, its failure groups
against a class built with known mistakes, and the file is opened in Debian's Chromium."""
from __future__ import annotations

import json
import os
import re
import shutil
import time
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import pytest

from autograder import cli
from autograder.authoring.sample_class import make_sample_class
from autograder.grading import steps
from autograder.grading.collect import Collection
from autograder.grading.grade_class import grade_class
from autograder.paths import assignments, notebook_path
from autograder.reports import class_report, leaderboard
from autograder.reports.class_report import group_failures, strip_values
from autograder.reports.tables import load_notes, save_notes
from tests.synthetic_class import add_submissions, cell, empty_course, synthetic_class, verdict_file

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


class Elements(HTMLParser):
    """Every start tag of a page with its attributes, and the page's text."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def having(self, cls: str) -> list[dict]:
        return [attrs for _, attrs in self.tags if cls in (attrs.get("class") or "").split()]


def gradebook_truth(root: Path) -> dict:
    """Participants, and per notebook and graded cell the counts, as nbgrader's own API gives them."""
    truth = {"cells": {}, "graded": {}, "mean": {}}
    with steps.api(root).gradebook as gb:
        truth["participants"] = len(gb.students)
        for assignment in gb.assignments:
            for notebook in assignment.notebooks:
                if not notebook.num_submissions:
                    continue
                truth["graded"][assignment.name] = notebook.num_submissions
                truth["mean"][assignment.name] = gb.average_notebook_score(notebook.name, assignment.name)
                full = {c.name: c.max_score for c in notebook.grade_cells}
                for name in full:
                    truth["cells"][(assignment.name, name)] = [0, 0]
                for submission in notebook.submissions:
                    for grade in submission.grades:
                        counts = truth["cells"][(assignment.name, grade.cell.name)]
                        counts[0] += grade.score >= full[grade.cell.name]
                        counts[1] += 1
    return truth


def assert_counts_match(page: Elements, truth: dict, nothing_graded: int = 0) -> None:
    meta = page.having("meta")[0]
    assert int(meta["data-in-gradebook"]) == truth["participants"]
    assert int(meta["data-participants"]) == truth["participants"] + nothing_graded
    sections = {s["data-assignment"]: s for s in page.having("notebook")}
    assert {a: int(s["data-graded"]) for a, s in sections.items()} == truth["graded"]
    for assignment, mean in truth["mean"].items():
        assert float(sections[assignment]["data-mean"]) == pytest.approx(mean)
    cells = {(c["data-notebook"], c["data-cell"]): [int(c["data-earned"]), int(c["data-graded"])]
             for c in page.having("cell")}
    assert cells == truth["cells"]


@pytest.fixture(scope="module")
def class_of_300(tmp_path_factory):
    root = tmp_path_factory.mktemp("class300")
    start = time.perf_counter()
    made = synthetic_class(root, 300)
    print(f"\nsynthetic class of 300 (gradebook + {len(list(root.glob('verdicts/*/*.json')))} verdict files) "
          f"built in {time.perf_counter() - start:.1f} s")
    start, cpu = time.perf_counter(), time.process_time()
    path, report = class_report.write(root / "report.html", root)
    print(f"report of 300 written in {time.perf_counter() - start:.1f} s, {time.process_time() - cpu:.1f} s CPU "
          f"({path.stat().st_size // 1024} KiB)")
    return made, path, report


def test_class_of_300_counts_equal_the_gradebook(class_of_300):
    made, path, report = class_of_300
    page = Elements(path.read_text())
    assert_counts_match(page, gradebook_truth(made.root))
    assert len(page.having("notebook")) == len(assignments())
    ungradable = [line for line in report.ungradable]
    assert len(ungradable) == len(made.ungradable) == 6
    assert "First49 Last49" not in "".join(ungradable)
    assert ungradable[0].startswith("p0049 / 01-neurons: ")
    assert "not a valid notebook" in ungradable[0]
    assert len(page.having("ungradable")) == 6
    ranked = page.having("ranked")
    assert len(ranked) == 300
    challenge = [float(r["data-score"]) for r in ranked]
    assert challenge == sorted(challenge, reverse=True), "the class challenge, best first"
    ranks = [int(r["data-rank"]) for r in ranked]
    assert ranks == leaderboard.competition_ranks(challenge)
    assert ranks[0] == 1


def test_names_are_the_submitted_ones(class_of_300):
    _, _, report = class_of_300
    assert report.participants["p0001"] == "First1 Last1"
    assert report.participants["p0007"] == "p0007", "no submitted name: the id"


def test_report_is_self_contained(class_of_300):
    _, path, _ = class_of_300
    html = path.read_text()
    assert not re.search(r"https?://", html), "a link to the network"
    page = Elements(html)
    images = [attrs for tag, attrs in page.tags if tag == "img"]
    assert len(images) == 12
    assert all(i["src"].startswith("data:image/png;base64,") for i in images)
    assert not [t for t, attrs in page.tags if t in ("link", "script", "iframe") or "srcset" in attrs]


def test_terminal_summary_and_cli(class_of_300, monkeypatch, capsys, tmp_path):
    made, _, _ = class_of_300
    monkeypatch.setattr(cli, "COURSE_ROOT", made.root)
    assert cli.main(["report"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Class report: 300 participants, graded 2026-12-01 12:00 UTC")
    assert "Most frequent mistakes:" in out
    assert "Could not be graded:" in out
    assert "Leaderboard 06-pipeline" in out
    assert len(out.splitlines()) < 60, "the top of the report, not all of it"
    assert cli.main(["report", "--to", str(tmp_path / "r.html")]) == 0
    assert f"wrote {tmp_path / 'r.html'}" in capsys.readouterr().out
    assert (tmp_path / "r.html").stat().st_size


def test_class_of_one(tmp_path):
    made = synthetic_class(tmp_path, 1, seed=3)
    path, report = class_report.write(tmp_path / "report.html", tmp_path)
    page = Elements(path.read_text())
    assert_counts_match(page, gradebook_truth(tmp_path))
    assert report.participants == {made.students[0]: made.students[0]}
    assert [len(nb.scores) for nb in report.notebooks] == [1] * 6
    assert len(report.leaderboards["06-pipeline"]) == 1
    assert "Class report: 1 participant, " in class_report.summary(report)


def test_no_gradebook_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "COURSE_ROOT", tmp_path)
    assert cli.main(["report"]) == 2
    err = capsys.readouterr().err
    assert "no gradebook in" in err
    assert "workshop grade" in err
    assert err.count("\n") == 1
    assert not (tmp_path / "gradebook.db").exists()


def test_nothing_graded_yet(tmp_path):
    empty_course(tmp_path, ["01-neurons"])
    report = class_report.build(tmp_path)
    assert report.notebooks == []
    assert report.graded_at is None
    assert "nothing graded yet" in class_report.summary(report)
    assert "Nothing graded yet" in class_report.render(report)


# --- failure groups on a class with known mistakes ---------------------------------------------------

def test_values_are_stripped():
    assert strip_values("weighted_sum([1.0, -2.0], [0.5, 0.5], 0.1) returned 0.35; expected -1.2e-3.") == \
        "weighted_sum(<list>, <list>, <n>) returned <n>; expected <n>."
    assert strip_values("relu(np.array([[1, 2], [3, 4]], dtype=int64)) returned array([[0., nan]]) "
                        "of shape (1, 2)") == "relu(<array>) returned <array> of shape (<n>, <n>)"
    assert strip_values("neuron(x, 'sigmod') raised ValueError: unknown activation \"sigmod\"; don't") == \
        "neuron(x, <value>) raised ValueError: unknown activation <value>; don't"
    assert strip_values("conv2d returned float32 (in your code: `return x * 2`)") == \
        "conv2d returned float32 (in your code: <code>)"


KNOWN = {  # grade id → [(how many, outcome, message with {values}, diagnosis)]
    "test_weighted_sum": [
        (4, "failed", "weighted_sum([{a}, {b}], [0.5, {c}], {d}) returned {e}; expected {f}.", None),
        (3, "failed", "weighted_sum([{a}, {b}], [{c}], {d}) returned {e}; expected {f}.", "The bias b is missing."),
        (2, "failed", "weighted_sum(np.array([{a}, {b}])) returned a list; expected a NumPy array.", None),
        (1, "failed", "weighted_sum(np.array([{a}, {b}])) returned a tuple; expected a NumPy array.", None),
    ],
    "test_neuron": [
        (5, "failed", "neuron({a}, 'step{b}') raised ValueError: unknown activation 'step{b}'", None),
        (2, "unanswered", None, None),
        (2, "unfinished", "neuron is not implemented yet: replace `raise NotImplementedError()` with your code.",
         None),
    ],
}
EXPECTED = {
    "test_weighted_sum": [("weighted_sum(<list>, <list>, <n>) returned <n>; expected <n>.", 4),
                          ("The bias b is missing.", 3),
                          ("weighted_sum(<array>) returned a list; expected a NumPy array.", 2),
                          ("weighted_sum(<array>) returned a tuple; expected a NumPy array.", 1)],
    "test_neuron": [("neuron(<n>, <value>) raised ValueError: unknown activation <value>", 5),
                    ("neuron is not implemented yet: replace <code> with your code.", 2),  # ties: by label
                    ("never answered (the cell did not run, or the kernel stopped before it)", 2)],
}


def known_mistakes(root: Path) -> None:
    """01-neurons graded for 15 participants: KNOWN mistakes with each participant's own values, the rest
    passed; one participant's notebook missing, one nbgrader failed on (the gradebook holds zeros)."""
    cells = empty_course(root, ["01-neurons"])["01-neurons"]
    students = [f"s{i:02d}" for i in range(17)]
    mistakes = {grade_id: [m for count, *m in mistakes for _ in range(count)] for grade_id, mistakes in KNOWN.items()}
    graded = {}
    for i, student in enumerate(students[:15]):
        verdict = []
        for grade_id, points in cells:
            if i < len(mistakes.get(grade_id, [])):
                outcome, template, diagnosis = mistakes[grade_id][i]
                values = {k: f"{(i + 1) * (j + 2) * 0.37:.{i % 3 + 1}f}" for j, k in enumerate("abcdef")}
                verdict.append(cell(grade_id, points, outcome, template and template.format(**values), diagnosis))
            else:
                verdict.append(cell(grade_id, points))
        verdict_file(root, student, "01-neurons", verdict, seconds=2.0 + i)
        graded[(student, "01-neurons")] = {c["grade_id"]: c["points"] for c in verdict}
    graded[("s16", "01-neurons")] = {grade_id: 0.0 for grade_id, _ in cells}
    add_submissions(root, graded, {s: ("Ada", f"Nr{i}") for i, s in enumerate(students)})
    save_notes([steps.Graded(s, "01-neurons", 1.0, 12.0) for s in students[:15]]
               + [steps.Graded("s15", "01-neurons", notes=["missing neurons.ipynb"]),
                  steps.Graded("s16", "01-neurons", ungradable="DeadKernelError: Kernel died")],
               Collection(), root)


def test_failure_groups_on_known_mistakes(tmp_path):
    known_mistakes(tmp_path)
    path, report = class_report.write(tmp_path / "report.html", tmp_path)
    [nb] = report.notebooks
    by_cell = {c.grade_id: c for c in nb.cells}
    for grade_id, expected in EXPECTED.items():
        assert [(g.label, g.count) for g in by_cell[grade_id].failures] == expected, grade_id
    assert all(not c.failures for grade_id, c in by_cell.items() if grade_id not in KNOWN)
    assert by_cell["test_weighted_sum"].earned == 15 - 10
    shown = {(li["data-cell"], li["data-label"]): int(li["data-count"]) for li in Elements(path.read_text())
             .having("failure")}
    assert shown == {(grade_id, label): count for grade_id, groups in EXPECTED.items() for label, count in groups}
    assert report.ungradable == ["Ada Nr15 / 01-neurons: missing neurons.ipynb",
                                 "Ada Nr16 / 01-neurons: DeadKernelError: Kernel died"]
    assert len(nb.scores) == by_cell["test_neuron"].graded == 15, "a failed grading is no score of zero"
    assert nb.seconds == [2.0 + i for i in range(15)]
    assert "grading 9.0 s mean, 16.0 s max" in \
        class_report.summary(report)


def test_groups_most_frequent_first():
    groups = group_failures([("a", "failed", "f(1) returned 2", None), ("b", "failed", "f(3) returned 4", None),
                             ("c", "failed", "f(1) returned 2", "The bias b is missing.")])
    assert [(g.label, g.count, g.who) for g in groups] == [("f(<n>) returned <n>", 2, ["a", "b"]),
                                                          ("The bias b is missing.", 1, ["c"])]


def test_course_order_from_the_source_notebook(tmp_path):
    known_mistakes(tmp_path)
    [nb] = class_report.build(tmp_path).notebooks
    import nbformat
    source = nbformat.read(notebook_path("01-neurons"), as_version=4)
    order = [c.metadata.nbgrader["grade_id"] for c in source.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert [c.grade_id for c in nb.cells] == order


def test_notes_are_kept_per_assignment(tmp_path):
    for name in ("01-neurons", "02-activations"):
        (tmp_path / "source" / name).mkdir(parents=True)
        shutil.copyfile(notebook_path(name), tmp_path / "source" / name / notebook_path(name).name)
    unusable = ("bob", "bob_neurons.ipynb is not a valid notebook (JSONDecodeError: x)")
    first = Collection(problems=[unusable,
                                 ("bob", "ignored bob_notes.txt: not one of the workshop's notebooks (neurons.ipynb)")],
                       assignment_of={unusable: "01-neurons"})
    save_notes([steps.Graded("bob", "01-neurons"), steps.Graded("ann", "01-neurons", notes=["missing neurons.ipynb"])],
               first, tmp_path)
    save_notes([steps.Graded("bob", "02-activations", notes=["cell(s) test_relu timed out after 90 s"])],
               Collection(), tmp_path)
    kept = load_notes(tmp_path)
    assert kept.notes == {("bob", "01-neurons"): ["bob_neurons.ipynb is not a valid notebook (JSONDecodeError: x)"],
                     ("ann", "01-neurons"): ["missing neurons.ipynb"],
                     ("bob", "02-activations"): ["cell(s) test_relu timed out after 90 s"]}
    assert kept.problems == [("bob", "ignored bob_notes.txt: not one of the workshop's notebooks (neurons.ipynb)")]
    assert set(kept.graded_at) == {"01-neurons", "02-activations"}
    save_notes([steps.Graded("ann", "01-neurons", 3.0, 12.0)], Collection(), tmp_path)
    kept = load_notes(tmp_path)
    assert (kept.notes, kept.problems) == ({("bob", "02-activations"): ["cell(s) test_relu timed out after 90 s"]}, [])


def test_why_a_notebook_could_not_be_graded_is_kept_apart(tmp_path):
    save_notes([steps.Graded("ann", "01-neurons", notes=["restored deleted cell(s) xor and graded them"],
                             ungradable="DeadKernelError: Kernel died")], Collection(), tmp_path)
    path = tmp_path / "grading-notes.json"
    saved = json.loads(path.read_text())
    assert saved["assignments"]["01-neurons"]["ungradable"] == {"ann": "DeadKernelError: Kernel died"}
    kept = load_notes(tmp_path)
    assert kept.ungradable == {("ann", "01-neurons"): "DeadKernelError: Kernel died"}
    assert kept.notes == {("ann", "01-neurons"): ["restored deleted cell(s) xor and graded them"]}
    run = saved["assignments"]["01-neurons"]  # as kept before the reason was apart: the note that said it
    del run["ungradable"]
    run["notes"]["ann"].append("could not be graded: DeadKernelError: Kernel died")
    path.write_text(json.dumps(saved))
    assert load_notes(tmp_path) == kept


def test_unreadable_verdict_is_one_line(tmp_path):
    known_mistakes(tmp_path)
    (tmp_path / "verdicts" / "s00" / "01-neurons.json").write_text("{")
    report = class_report.build(tmp_path)
    assert [n for n in report.notes if "verdicts/s00/01-neurons.json is not a readable verdict file" in n]
    assert report.notebooks[0].verdicts == 14


# --- the real thing: the sample class graded by nbgrader and the judge ---------------------------------

@pytest.mark.xdist_group("grading")
def test_report_on_the_graded_sample_class(template_course, tmp_path):
    course = tmp_path / "course"
    shutil.copytree(template_course, course)
    archive = make_sample_class(tmp_path / "class.zip", ["01-neurons"])
    grade_class(archive, root=course, cell_timeout=30, progress=False, jobs=2)
    path, report = class_report.write(course / "report.html", course)
    page = Elements(path.read_text())
    assert_counts_match(page, gradebook_truth(course))  # bobby-tables (a corrupt notebook) is in the gradebook too
    assert class_report.summary(report).startswith("Class report: 5 participants (1 with nothing graded), graded ")
    [nb] = report.notebooks
    assert nb.verdicts == len(nb.scores) == len(nb.seconds) == 4
    # every failure the judge recorded is in exactly one group of its cell
    recorded = {}
    for verdict in (course / "verdicts").glob("*/01-neurons.json"):
        for c in json.loads(verdict.read_text())["cells"]:
            recorded[c["grade_id"]] = recorded.get(c["grade_id"], 0) + (c["outcome"] != "passed")
    assert {c.grade_id: sum(g.count for g in c.failures) for c in nb.cells} == recorded
    assert all(c.more_failures == 0 for c in nb.cells)
    alan = [g for c in nb.cells for g in c.failures if "alan-turing" in g.who]
    assert len(alan) == len(nb.cells), "the untouched release fails every graded cell"
    assert [line.split(":")[0] for line in report.ungradable] == ["bobby-tables / 01-neurons"]
    assert "not a valid notebook" in report.ungradable[0]
    assert "linus-noisy / 01-neurons: restored deleted cell(s) test_weighted_sum and graded them" in report.notes
    assert report.graded_at is not None
    assert not report.leaderboards


# --- in the browser -----------------------------------------------------------------------------------

@contextmanager
def offline_page(path: Path, height: int):
    """(a Chromium page showing the local file ``path``, the URLs it requested); fails in CI without Chromium."""
    reason = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = "playwright is not installed (pip install playwright; never `playwright install`)"
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is missing (apt-get install -y chromium)"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": height})
            requests = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(path.as_uri(), wait_until="load")
            yield page, requests
        finally:
            browser.close()


def test_report_opens_in_chromium_with_every_figure(class_of_300):
    _, path, _ = class_of_300
    with offline_page(path, 1600) as (page, requests):
        images = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.alt])")
        page.screenshot(path=str(ARTIFACTS / "report.png"))
        page.locator("#\\30 1-neurons").screenshot(path=str(ARTIFACTS / "report-01-neurons.png"))
    assert len(images) == 12
    assert all(complete and width > 0 for complete, width, _ in images), [alt for c, w, alt in images if not w]
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == [], "the report reached for the network"
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000
