"""The class challenge: a class of 12 graded on 06 (gradebook rows and verdict files written as nbgrader
and the judge write them; no kernel), ranked the same on the projector's page, in each participant's
feedback and in the class report; ties share a rank, who could not be graded is listed and never ranked."""
from __future__ import annotations

import re
import stat
from html.parser import HTMLParser

import nbformat
import pytest

from autograder import cli
from autograder.grading import steps
from autograder.grading.collect import Collection
from autograder.paths import RELEASE, notebook_path
from autograder.reports import class_report, leaderboard
from autograder.reports.leaderboard import competition_ranks, pseudonym
from autograder.reports.tables import save_notes
from tests.synthetic_class import add_submissions, cell, empty_course, verdict_file

ASSIGNMENT = "06-pipeline"
# challenge score per participant: two ties (0.9 × 2, 0.8 × 3); p11 has only sheet_reading (the fallback)
CHALLENGE = {"p00": 0.95, "p01": 0.9, "p02": 0.9, "p03": 0.85, "p04": 0.8, "p05": 0.8, "p06": 0.8,
             "p07": 0.7, "p08": 0.6, "p09": 0.55, "p10": 0.5, "p11": 0.875}
EXPECTED_RANK = {"p00": 1, "p01": 2, "p02": 2, "p11": 4, "p03": 5, "p04": 6, "p05": 6, "p06": 6, "p07": 9,
                 "p08": 10, "p09": 11, "p10": 12}
UNGRADABLE = "p12"
ABSENT = "p13"  # handed in no 06


class Rows(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.rows: list[dict] = []
        self.tags: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if tag == "tr" and "data-student-shown" in attrs:
            self.rows.append(attrs)


@pytest.fixture(scope="module")
def challenge_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("challenge")
    cells = empty_course(root, [ASSIGNMENT])[ASSIGNMENT]
    graded, people = {}, {}
    for i, (student, score) in enumerate(CHALLENGE.items()):
        metrics = {"accuracy": 0.9 + i / 200, "sheet_reading": round(score - 0.05, 3)}
        if student != "p11":
            metrics["challenge"] = score
        else:
            metrics["sheet_reading"] = score
        verdict_file(root, student, ASSIGNMENT, [cell(g, p) for g, p in cells], metrics=metrics)
        graded[(student, ASSIGNMENT)] = {g: p for g, p in cells}
        people[student] = (f"Name{i}", "Surname")
    people[UNGRADABLE] = ("Broken", "Notebook")
    add_submissions(root, graded, people)
    save_notes([steps.Graded(s, ASSIGNMENT, 1.0, 1.0) for s in CHALLENGE]
               + [steps.Graded(UNGRADABLE, ASSIGNMENT, ungradable="DeadKernelError: Kernel died"),
                  steps.Graded(ABSENT, ASSIGNMENT, notes=["missing pipeline.ipynb"])],
               Collection(), root)
    stale = verdict_file(root, "ghost", ASSIGNMENT, [], metrics={"challenge": 1.0})  # no longer in the gradebook
    assert stale.exists()
    # the graded notebook feedback is made from: the release's, its graded cells' grades in the gradebook
    # (its solution cells plain code here: this synthetic gradebook keeps no comments for them)
    notebook = nbformat.read(notebook_path(ASSIGNMENT, RELEASE), as_version=4)
    for c in notebook.cells:
        if not c.metadata.get("nbgrader", {}).get("grade"):
            c.metadata.pop("nbgrader", None)
    for student in CHALLENGE:
        target = root / "autograded" / student / ASSIGNMENT / notebook_path(ASSIGNMENT).name
        target.parent.mkdir(parents=True)
        nbformat.write(notebook, target)
    return root


def test_competition_ranks():
    assert competition_ranks([0.9, 0.8, 0.8, 0.7]) == [1, 2, 2, 4]
    assert competition_ranks([0.5, 0.5, 0.5]) == [1, 1, 1]
    assert competition_ranks([0.1 + 0.2, 0.3]) == [1, 1], "equal to 9 decimals is equal"
    assert competition_ranks([]) == []


def test_feedback_line():
    alone = leaderboard.Board(ASSIGNMENT, [leaderboard.Entry("me", "Teal Otter 3f", 0.9, 1)], "challenge")
    assert leaderboard.feedback_line(alone.of("me"), alone).endswith("sheets (graded alone: no class to rank in).")
    two = leaderboard.Board(ASSIGNMENT, [*alone.entries, leaderboard.Entry("x", "Quick Yak 01", None, None,
                                                                           reason="could not be graded",
                                                                           detail="DeadKernelError")], "challenge")
    assert leaderboard.feedback_line(two.of("me"), two).endswith(", rank 1 of 1 in the class (as Teal Otter 3f on "
                                                                 "the leaderboard).")
    assert leaderboard.feedback_line(two.of("x"), two) == \
        "Class challenge: not ranked (could not be graded: DeadKernelError)."
    assert leaderboard.feedback_line(None, two) == ""


def test_board_ranks_with_ties_and_lists_the_ungradable(challenge_class):
    made = leaderboard.board(challenge_class)
    assert {e.student: e.rank for e in made.ranked} == EXPECTED_RANK
    assert [e.rank for e in made.ranked] == sorted(EXPECTED_RANK.values()), "best first"
    assert made.of("p11").score == 0.875, "no challenge metric: sheet_reading counts"
    unranked = {e.student: (e.rank, e.score, e.reason) for e in made.unranked}
    assert unranked == {UNGRADABLE: (None, None, "could not be graded"), ABSENT: (None, None, "not handed in")}
    assert made.of("ghost") is None, "a stale verdict is no participant"


def test_pseudonyms_are_stable_secret_and_unique(challenge_class, tmp_path):
    first = {e.student: e.shown for e in leaderboard.board(challenge_class).entries}
    again = {e.student: e.shown for e in leaderboard.board(challenge_class).entries}
    assert first == again
    assert len(set(first.values())) == len(first) == 14
    assert all(student not in shown and "Name" not in shown for student, shown in first.items())
    assert all(re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+ [0-9a-f]{2}", shown) for shown in first.values())
    secret = challenge_class / leaderboard.SECRET
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    other = leaderboard.course_secret(tmp_path)  # another course, another secret: other pseudonyms
    assert [pseudonym(other, s) for s in sorted(first)] != [first[s] for s in sorted(first)]
    named = {e.student: e.shown for e in leaderboard.board(challenge_class, names=True).entries}
    assert named["p00"] == "Name0 Surname"
    assert named[UNGRADABLE] == "Broken Notebook"


def test_html_page_feedback_and_report_agree(challenge_class, monkeypatch, capsys):
    root = challenge_class
    monkeypatch.setattr(cli, "COURSE_ROOT", root)
    assert cli.main(["leaderboard", "--to", str(root / "board.html")]) == 0
    out = capsys.readouterr().out
    assert "12 ranked, 2 not ranked" in out
    assert f"wrote {root / 'board.html'}" in out
    html = (root / "board.html").read_text()
    page = Rows(html)
    made = leaderboard.board(root)
    shown = {e.shown: e.student for e in made.entries}
    ranks = {shown[r["data-student-shown"]]: int(r["data-rank"]) for r in page.rows if "data-rank" in r}
    assert ranks == EXPECTED_RANK
    unranked = [shown[r["data-student-shown"]] for r in page.rows if "data-rank" not in r]
    assert sorted(unranked) == [UNGRADABLE, ABSENT]
    assert "DeadKernelError" not in html, "the projector shows no one's error"
    assert "Name0" not in html, "pseudonyms unless --names"
    assert not re.search(r"https?://", html)
    assert not {"script", "link", "img", "iframe"} & set(page.tags)

    nbgrader = steps.api(root)
    for student, rank in EXPECTED_RANK.items():
        text = steps.feedback(student, ASSIGNMENT, nbgrader).read_text()
        assert f"rank {rank} of 12 in the class" in text, student
        assert f"(as {made.of(student).shown} on the leaderboard)" in text
    assert "read 95.0% of the digits" in (root / "feedback/p00" / ASSIGNMENT / "pipeline.html").read_text()

    report = class_report.build(root)
    assert {r.name: r.rank for r in report.leaderboards[ASSIGNMENT]} == \
        {f"Name{i} Surname": EXPECTED_RANK[s] for i, s in enumerate(CHALLENGE)} | {"Broken Notebook": None,
                                                                                  ABSENT: None}

    assert cli.main(["leaderboard", "--names"]) == 0
    assert "    1. Name0 Surname: 95.0%" in capsys.readouterr().out


def test_board_opens_in_chromium_without_the_network(challenge_class):
    from tests.test_report import ARTIFACTS, offline_page
    path, _ = leaderboard.write(challenge_class / "projector.html", challenge_class)
    with offline_page(path, 900) as (page, requests):
        ranks = page.eval_on_selector_all("tr.ranked td:first-child", "cells => cells.map(c => c.textContent)")
        page.screenshot(path=str(ARTIFACTS / "leaderboard.png"), full_page=True)
    assert [int(r) for r in ranks] == sorted(EXPECTED_RANK.values())
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == [], "the page reached for the network"


def test_no_gradebook_is_one_line_and_nothing_graded_is_an_empty_board(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "COURSE_ROOT", tmp_path)
    assert cli.main(["leaderboard", "--to", str(tmp_path / "board.html")]) == 2
    err = capsys.readouterr().err
    assert "no gradebook in" in err
    assert err.count("\n") == 1
    assert not (tmp_path / "board.html").exists()
    empty_course(tmp_path, [ASSIGNMENT])
    assert cli.main(["leaderboard", "--to", str(tmp_path / "board.html")]) == 0
    assert "0 ranked, 0 not ranked" in capsys.readouterr().out
    assert "Nobody ranked yet" in (tmp_path / "board.html").read_text()
