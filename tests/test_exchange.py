"""nbgrader's exchange on a shared JupyterHub, with a local exchange folder: the instructor
releases, participants fetch and submit through nbgrader's own exchange classes (what
JupyterLab's Assignment List calls), and `workshop grade --from-exchange` grades them."""
import os
import pwd
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nbformat
import pytest
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange import ExchangeFactory
from traitlets.config import Config

from autograder.authoring.sample_class import _solutions
from autograder.cli import main
from autograder.config import COURSE_ID
from tests import unix_users

REPO = Path(__file__).resolve().parents[1]


def workshop(course: Path, *argv: str) -> str:
    """The `workshop` command, run on the course folder ``course`` as an instructor would."""
    env = {**os.environ, "WORKSHOP_COURSE_ROOT": str(course), "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-m", "autograder.cli", *argv], cwd=course, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def participant(student: str, exchange: Path, home: Path, action: str, assignment: str = "01-neurons"):
    """One participant's nbgrader exchange action ('List', 'FetchAssignment', 'Submit') in ``home``."""
    c = Config()
    c.Exchange.root = str(exchange)
    c.Exchange.assignment_dir = str(home)
    c.Exchange.cache = str(home / ".nbgrader_cache")
    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.assignment_id = assignment
    c.CourseDirectory.student_id = student  # nbgrader's --student; on a hub it is the user's name
    app = getattr(ExchangeFactory(config=c), action)(
        coursedir=CourseDirectory(config=c), authenticator=Authenticator(config=c), config=c)
    return app.start()


def test_release_fetch_submit_collect_grade(course, tmp_path):
    exchange = tmp_path / "exchange"
    out = workshop(course, "release", "01-neurons", "--exchange", "--exchange-dir", str(exchange))
    outbound = exchange / COURSE_ID / "outbound" / "01-neurons"
    assert f"released 01-neurons to the exchange: {outbound}" in out
    released = (outbound / "neurons.ipynb").read_text()
    assert "raise NotImplementedError()" in released
    assert "BEGIN SOLUTION" not in released

    listed = participant("ada-lovelace", exchange, tmp_path / "ada", "List")
    assert [(a["course_id"], a["assignment_id"], a["status"]) for a in listed] == [
        (COURSE_ID, "01-neurons", "released")]

    solutions = _solutions("01-neurons")
    for student, solve in (("ada-lovelace", True), ("grace-hopper", False)):
        home = tmp_path / student
        participant(student, exchange, home, "FetchAssignment")
        path = home / "01-neurons" / "neurons.ipynb"
        notebook = nbformat.read(path, as_version=4)
        if solve:
            for cell in notebook.cells:
                if cell.metadata.get("nbgrader", {}).get("solution"):
                    cell.source = solutions[cell.metadata.nbgrader["grade_id"]]
        nbformat.write(notebook, path)
        participant(student, exchange, home, "Submit")
    inbound = sorted(p.name.split("+")[0] for p in (exchange / COURSE_ID / "inbound").iterdir())
    assert inbound == ["ada-lovelace", "grace-hopper"]

    table = workshop(course, "grade", "--from-exchange", "--exchange-dir", str(exchange), "--timeout", "30")
    import re
    rows = {line.split()[0]: line for line in table.splitlines() if line.strip()}
    # the total last (then core and stretch apart where 01 has stretch tasks); ✔ where the core is done
    assert "✔" in rows["ada-lovelace"], table
    assert re.search(r"  12/12( \(core [^)]*\))?$", rows["ada-lovelace"]), table
    assert "✔" not in rows["grace-hopper"], table
    assert re.search(r"  0/12( \(core [^)]*\))?$", rows["grace-hopper"]), table
    # nbgrader's collect kept each submission's timestamp beside the notebook it graded
    for student in ("ada-lovelace", "grace-hopper"):
        assert (course / "submitted" / student / "01-neurons" / "timestamp.txt").exists()
        assert (course / "autograded" / student / "01-neurons" / "neurons.ipynb").exists()
    # the options of a folder's grading reach the exchange's too
    elsewhere = tmp_path / "elsewhere.db"
    again = workshop(course, "grade", "--from-exchange", "--exchange-dir", str(exchange), "--timeout", "30",
                     "--db", f"sqlite:///{elsewhere}", "--jobs", "1", "--force")
    assert elsewhere.exists()
    assert again == table

    # feedback back through the exchange: each participant fetches their own, hidden tests removed
    out = workshop(course, "feedback", "--exchange", "--exchange-dir", str(exchange))
    assert "released 2 feedback reports to the exchange" in out, out
    for student, score in (("ada-lovelace", "Score: 12.0 / 12.0"), ("grace-hopper", "Score: 0.0 / 12.0")):
        participant(student, exchange, tmp_path / student, "FetchFeedback")
        fetched = list((tmp_path / student / "01-neurons" / "feedback").glob("*/neurons.html"))
        assert len(fetched) == 1, fetched
        html = fetched[0].read_text()
        assert score in html
        assert "BEGIN HIDDEN TESTS" not in html
        assert "answer(" not in html
    # one participant's broken files cost only their own feedback
    (course / "autograded" / "grace-hopper" / "01-neurons" / "timestamp.txt").unlink()
    out = workshop(course, "feedback", "--exchange", "--exchange-dir", str(exchange))
    assert "released 1 feedback reports" in out, out
    assert "not released: grace-hopper / 01-neurons: " in out, out


def test_grade_from_an_empty_exchange_is_one_line(tmp_path, capsys):
    assert main(["grade", "--from-exchange", "--exchange-dir", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert f"no course {COURSE_ID} in the exchange" in err
    assert err.count("\n") == 1


def test_grade_needs_submissions_or_the_exchange(capsys):
    assert main(["grade"]) == 2
    assert "pass either a folder or zip of submissions, or --from-exchange" in capsys.readouterr().err


# ---- late work: the gradebook's due date, the server's time, nbgrader's late penalty ----------------------------

def test_late_work_loses_ten_percent_per_started_day_by_the_servers_clock(course, tmp_path):
    from nbgrader.api import Gradebook

    from autograder.config import gradebook_url
    exchange = tmp_path / "exchange"
    due = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    out = workshop(course, "release", "01-neurons", "--exchange", "--exchange-dir", str(exchange), "--due", due)
    assert f"due {due} UTC in the gradebook: 01-neurons" in out
    home = tmp_path / "ada-lovelace"
    participant("ada-lovelace", exchange, home, "FetchAssignment")
    solve(home / "01-neurons" / "neurons.ipynb")
    participant("ada-lovelace", exchange, home, "Submit")
    # the participant's own timestamp.txt claims the work was in a day early: the server's time counts
    submission = next((exchange / COURSE_ID / "inbound").iterdir())
    (submission / "timestamp.txt").chmod(0o644)
    (submission / "timestamp.txt").write_text("2020-01-01 00:00:00.000000 UTC")
    table = workshop(course, "grade", "--from-exchange", "--exchange-dir", str(exchange), "--timeout", "30")
    assert "refused: " in table, table
    assert "its timestamp.txt says 2020-01-01 00:00:00 UTC" in table, table
    assert "the server's time counts" in (course / "exchange-refused.log").read_text()
    with Gradebook(gradebook_url(course)) as gb:
        graded = gb.find_submission("01-neurons", "ada-lovelace")
        assert 3500 < graded.total_seconds_late < 3700, graded.total_seconds_late
        # nbgrader keeps the raw score and the penalty apart; its export subtracts one from the other
        assert graded.score == pytest.approx(12)
        assert graded.late_submission_penalty == pytest.approx(1.2)


def test_the_penalty_per_started_day():
    from autograder.reports.late import penalty
    assert [penalty(12, s) for s in (0, 1, 86400, 86401, 10 * 86400, 30 * 86400)] == [0, 1.2, 1.2, 2.4, 12, 12]


def solve(path: Path) -> None:
    """Type the reference solution into every solution cell of the fetched 01 notebook."""
    solutions = _solutions("01-neurons")
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = solutions[cell.metadata.nbgrader["grade_id"]]
    nbformat.write(notebook, path)


# ---- the exchange on a hub: real Unix users, each acting as themselves (root only; CI runs as root) ----------

@pytest.fixture
def hub_class(template_course):
    """A course folder and an exchange as `workshop hub` lays them out, in a folder every user may enter."""
    import shutil

    from autograder.hub import server as hub
    from autograder.hub.exchange import layout
    base = unix_users.open_folder()
    course = base / "course"
    shutil.copytree(template_course, course)
    state = base / "state"
    state.mkdir(mode=0o755)
    exchange = state / "exchange"
    layout(exchange)
    config = hub.participant_config(state, exchange)
    workshop(course, "release", "01-neurons", "--exchange", "--exchange-dir", str(exchange))
    hub.protect_course(course, "root")
    yield base, course, exchange, config
    shutil.rmtree(base, ignore_errors=True)


def _as(name, config, code):
    done = unix_users.as_user(name, code, config)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _fetch_and_submit(name, config, solved=False, student=None):
    """As ``name``: nbgrader fetch (once) and submit (as ``student`` if given: a forgery)."""
    home = Path(pwd.getpwnam(name).pw_dir)
    if not (home / "01-neurons").exists():
        done = unix_users.nbgrader(name, config, "fetch_assignment", "01-neurons")
        assert done.returncode == 0, done.stdout + done.stderr
    if solved:
        solve(home / "01-neurons" / "neurons.ipynb")  # as root, then given back to its owner
        os.chown(home / "01-neurons" / "neurons.ipynb", pwd.getpwnam(name).pw_uid, -1)
    done = unix_users.nbgrader(name, config, "submit", "01-neurons", *([f"--student={student}"] if student else []))
    assert done.returncode == 0, done.stdout + done.stderr


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


needs_users = pytest.mark.skipif(bool(unix_users.missing()) and not os.environ.get("CI"),
                                 reason=unix_users.missing() or "")


@needs_users
def test_a_participant_can_neither_read_nor_forge_the_exchange(hub_class):
    assert not unix_users.missing(), unix_users.missing()
    base, course, exchange, config = hub_class
    inbound = exchange / COURSE_ID / "inbound"
    with unix_users.users(2, "wsx") as (names, _):
        victim, attacker = names
        _fetch_and_submit(victim, config, solved=True)
        (theirs,) = [p for p in inbound.iterdir() if p.name.startswith(victim + "+")]
        before = _tree(theirs)
        _fetch_and_submit(attacker, config)
        attacks = {
            "list the inbound folder": f"os.listdir({str(inbound)!r})",
            "read another's submission": f"open({str(theirs / 'neurons.ipynb')!r}).read()",
            "overwrite another's submission": f"open({str(theirs / 'neurons.ipynb')!r}, 'w').write('{{}}')",
            "add a file to another's submission": f"open({str(theirs / 'extra.ipynb')!r}, 'w').write('{{}}')",
            "remove another's submission": f"os.rename({str(theirs)!r}, {str(inbound / 'gone')!r})",
            "read the source notebooks": f"open({str(course / 'source/01-neurons/neurons.ipynb')!r}).read()",
            "list the source folder": f"os.listdir({str(course / 'source')!r})",
            "read the gradebook": f"open({str(course / 'gradebook.db')!r}, 'rb').read()",
            "list the feedback folder": f"os.listdir({str(exchange / COURSE_ID / 'feedback')!r})",
        }
        code = ("import os, json\nout = {}\n" + "".join(
            f"try:\n    {action}\n    out[{what!r}] = 'done'\nexcept PermissionError:\n    out[{what!r}] = 'refused'\n"
            for what, action in attacks.items()) + "print(json.dumps(out))")
        import json
        outcome = json.loads(_as(attacker, config, code))
        assert outcome == dict.fromkeys(attacks, "refused"), outcome
        # what the file system lets through, the collector refuses: a submission under the victim's
        # name, and one back-dated by editing its own timestamp.txt
        _fetch_and_submit(attacker, config, student=victim)
        forged = [p.name for p in inbound.iterdir() if p.name.startswith(victim + "+") and p != theirs]
        assert len(forged) == 1
        assert (inbound / forged[0]).stat().st_uid == pwd.getpwnam(attacker).pw_uid
        own = next(p for p in inbound.iterdir() if p.name.startswith(attacker + "+"))
        _as(attacker, config, f"import os; p = {str(own / 'timestamp.txt')!r}; os.chmod(p, 0o600); "
                              "open(p, 'w').write('2020-01-01 00:00:00.000000 UTC')")
        assert _tree(theirs) == before

        table = workshop(course, "grade", "--from-exchange", "--exchange-dir", str(exchange), "--timeout", "30")
        rows = {line.split()[0]: line.split()[1:] for line in table.splitlines() if line.strip()}
        assert rows[victim] == ["12/12", "✔", "1/1", "12/12"], table
        assert rows[attacker] == ["0/12", "0/1", "0/12"], table
        log = (course / "exchange-refused.log").read_text()
        assert f"{forged[0]}: submitted under the name {victim!r} by the Unix user {attacker!r}; not collected" in log
        assert f"{own.name}: its timestamp.txt says 2020-01-01 00:00:00 UTC" in log, log
        stamp = (course / "submitted" / attacker / "01-neurons" / "timestamp.txt").read_text()
        assert stamp.startswith(datetime.now(UTC).strftime("%Y-%m-%d")), stamp

        # feedback: each fetches their own; the attacker asking for the victim's gets nothing of it
        out = workshop(course, "feedback", "--exchange", "--exchange-dir", str(exchange))
        assert "released 2 feedback reports" in out, out
        done = unix_users.nbgrader(attacker, config, "fetch_feedback", "01-neurons", f"--student={victim}")
        home = Path(pwd.getpwnam(attacker).pw_dir)
        for html in (home / "01-neurons" / "feedback").glob("*/neurons.html"):
            assert "Score: 12.0 / 12.0" not in html.read_text(), "the attacker got the victim's feedback"
        done = unix_users.nbgrader(victim, config, "fetch_feedback", "01-neurons")
        assert done.returncode == 0, done.stderr
        mine = list((Path(pwd.getpwnam(victim).pw_dir) / "01-neurons" / "feedback").glob("*/neurons.html"))
        assert len(mine) == 1
        assert "Score: 12.0 / 12.0" in mine[0].read_text()
        assert _tree(theirs) == before


@needs_users
def test_a_class_of_30_submits_within_a_minute_none_lost_each_graded_once(hub_class):
    import time

    from nbgrader.api import Gradebook

    from autograder.config import gradebook_url
    assert not unix_users.missing(), unix_users.missing()
    base, course, exchange, config = hub_class
    with unix_users.users(30, "wsc") as (names, _):
        unix_users.all_at_once(names, config, "FetchAssignment")
        for i, name in enumerate(names):
            if i % 3 == 0:
                path = Path(pwd.getpwnam(name).pw_dir) / "01-neurons" / "neurons.ipynb"
                solve(path)
                os.chown(path, pwd.getpwnam(name).pw_uid, -1)
        start = time.monotonic()
        unix_users.all_at_once(names, config, "Submit")
        seconds = time.monotonic() - start
        print(f"30 participants submitted, each as their own Unix user, within {seconds:.1f} s")
        assert seconds < 60
        owners = sorted(pwd.getpwuid(p.stat().st_uid).pw_name for p in (exchange / COURSE_ID / "inbound").iterdir())
        assert owners == sorted(names)
        table = workshop(course, "grade", "--from-exchange", "--exchange-dir", str(exchange), "--timeout", "30")
        rows = {line.split()[0]: line.split()[1] for line in table.splitlines() if line.strip()}
        assert {n: rows.get(n) for n in names} == {n: "12/12" if i % 3 == 0 else "0/12" for i, n in enumerate(names)}
        with Gradebook(gradebook_url(course)) as gb:
            graded = [s.student.id for s in gb.find_assignment("01-neurons").submissions]
        assert sorted(graded) == sorted(names)
        assert sorted(p.name for p in (course / "autograded").iterdir()) == sorted(names)
