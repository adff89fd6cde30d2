"""Grading at scale, for real: worker processes on every core, a Dask cluster of two workers,
a PostgreSQL gradebook, reruns that grade only what changed, and a grader killed mid-class."""
import contextlib
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from autograder.authoring.sample_class import solved
from autograder.authoring.validate import graded_cells
from autograder.cli import main
from autograder.config import gradebook_url
from autograder.grading import steps
from autograder.grading.cluster import local_workers
from autograder.grading.grade_class import grade_class
from autograder.grading.ledger import Ledger
from autograder.paths import RELEASE, notebook_path
from autograder.reports.scores import standings

pytestmark = pytest.mark.xdist_group("scale")
MAX = sum(c.metadata.nbgrader["points"] for c in graded_cells(
    nbformat.read(notebook_path("01-neurons"), as_version=4)).values())
BIN = Path(sys.executable).parent


def _class(folder: Path, kinds: dict[str, str]) -> Path:
    """One subfolder per participant: 'solved', 'half' (every other exercise) or 'empty' (the release)."""
    for student, kind in kinds.items():
        notebook = {"solved": lambda: solved("01-neurons"), "half": lambda: solved("01-neurons", every=2),
                    "empty": lambda: nbformat.read(notebook_path("01-neurons", RELEASE), as_version=4)}[kind]()
        (folder / student).mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, folder / student / "neurons.ipynb")
    return folder


CLASS = {"ada": "solved", "grace": "half", "alan": "empty"}


def _scores(results) -> dict[str, float | None]:
    return {r.student: r.score for r in results}


def _graded_files(course: Path) -> dict[str, int]:
    """When each participant's autograded notebook was written (changes whenever it is graded again)."""
    return {p.parts[-3]: p.stat().st_mtime_ns for p in (course / "autograded").glob("*/01-neurons/neurons.ipynb")}


@pytest.fixture(scope="module")
def local(template_course, tmp_path_factory):
    """The class graded on this machine's worker processes: the grades every other way must match."""
    tmp = tmp_path_factory.mktemp("local")
    course = tmp / "course"
    shutil.copytree(template_course, course)
    folder = _class(tmp / "class", CLASS)
    results, _ = grade_class(folder, root=course, cell_timeout=30, progress=False, jobs=2)
    scores = _scores(results)
    assert scores["ada"] == MAX, scores
    assert 0 < scores["grace"] < MAX, scores
    assert scores["alan"] == 0, scores
    return course, folder, scores


def test_a_rerun_grades_only_new_or_changed_submissions_and_force_regrades_all(local, tmp_path):
    graded, handed_in, scores = local
    course, folder = tmp_path / "course", tmp_path / "class"  # copies: the other tests compare with local
    shutil.copytree(graded, course)
    shutil.copytree(handed_in, folder)
    before = _graded_files(course)
    results, _ = grade_class(folder, root=course, cell_timeout=30, progress=False, jobs=2)
    assert _scores(results) == scores, "nothing changed, nothing regraded"
    assert _graded_files(course) == before, "nothing changed, nothing regraded"

    nbformat.write(solved("01-neurons"), folder / "grace" / "neurons.ipynb")  # grace hands in again
    results, _ = grade_class(folder, root=course, cell_timeout=30, progress=False, jobs=2)
    after = _graded_files(course)
    assert _scores(results) == {**scores, "grace": MAX}
    assert [s for s in after if after[s] != before[s]] == ["grace"]
    with steps.api(course).gradebook as gb:
        assert gb.find_submission_notebook("neurons", "01-neurons", "grace").score == MAX

    results, _ = grade_class(folder, root=course, cell_timeout=30, progress=False, jobs=2, force=True)
    assert _scores(results) == {**scores, "grace": MAX}
    assert all(_graded_files(course)[s] != after[s] for s in after), "--force regrades everything"
    assert {r.student: r.seconds > 0 for r in results} == {s: True for s in CLASS}


def _children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (worker processes, their kernels)."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            with contextlib.suppress(OSError):
                kids = [int(k) for k in (task / "children").read_text().split()]
                found += kids
                todo += kids
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _ledger_rows(course: Path) -> dict[str, str]:
    try:
        with contextlib.closing(sqlite3.connect(course / "gradebook.db", timeout=30)) as db:
            return dict(db.execute("select student, checksum from workshop_graded").fetchall())
    except sqlite3.OperationalError:  # not created yet
        return {}


def test_kill_9_mid_class_then_a_rerun_completes_it_grading_nothing_twice(template_course, tmp_path):
    course = tmp_path / "course"
    shutil.copytree(template_course, course)
    kinds = {f"{kind}-{i}": kind for i in range(2) for kind in ("solved", "half", "empty")}
    folder = _class(tmp_path / "class", kinds)
    env = {**os.environ, "WORKSHOP_COURSE_ROOT": str(course)}
    command = [str(BIN / "workshop"), "grade", str(folder), "--jobs", "2", "--timeout", "30"]
    grader = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not _ledger_rows(course) and grader.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    descendants = _children(grader.pid)
    grader.send_signal(signal.SIGKILL)
    grader.wait()
    done = _ledger_rows(course)
    assert 0 < len(done) < len(kinds), f"the kill came too late or too early: {len(done)} graded"
    for pid in descendants:  # the workers and their kernels end with the grader
        for _ in range(300):
            if not _alive(pid):
                break
            time.sleep(0.1)
        assert not _alive(pid), f"process {pid} outlived the killed grader"
    graded_before = _graded_files(course)

    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    rows = _ledger_rows(course)
    assert set(rows) == set(kinds)
    assert all(rows[s] == done[s] for s in done)
    graded_after = _graded_files(course)
    assert all(graded_after[s] == graded_before[s] for s in done), "a notebook graded before the kill was regraded"
    with steps.api(course).gradebook as gb:
        scores = {s: gb.find_submission_notebook("neurons", "01-neurons", s).score for s in kinds}
    assert all(scores[s] == MAX for s in kinds if kinds[s] == "solved")
    assert all(0 < scores[s] < MAX for s in kinds if kinds[s] == "half")
    assert all(scores[s] == 0 for s in kinds if kinds[s] == "empty")
    for student in kinds:
        assert student in rerun.stdout, rerun.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{what} exited with {process.returncode}"
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not listen on 127.0.0.1:{port} within {seconds} s")


@contextlib.contextmanager
def _processes(*commands: list[str]):
    started = [subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for c in commands]
    try:
        yield started
    finally:
        for process in started:
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def test_a_dask_cluster_of_two_workers_gives_the_same_grades(local, template_course, tmp_path):
    _, folder, scores = local
    course = tmp_path / "course"
    shutil.copytree(template_course, course)
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    with _processes([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                     "--no-dashboard"]) as (scheduler,):
        _wait_for_port(port, scheduler, "dask scheduler")
        worker = [str(BIN / "dask"), "worker", address, "--host", "127.0.0.1", "--nthreads", "1",
                  "--no-dashboard", "--local-directory", str(tmp_path / "dask")]
        with _processes(worker, worker):
            results, _ = grade_class(folder, root=course, cell_timeout=30, progress=False, dask=address)
            from distributed import Client
            with Client(address, timeout="30s") as client:
                workers = client.scheduler_info()["workers"]
    assert len(workers) == 2
    assert all(w.startswith("tcp://127.0.0.1:") for w in workers)
    assert _scores(results) == scores
    assert all(r.standing is not None for r in results if r.score is not None), "core and stretch come back too"
    assert set(Ledger(gradebook_url(course)).graded()) == {(s, "01-neurons") for s in CLASS}


def test_dask_addresses():
    assert local_workers("local:3") == 3
    assert local_workers("local") == os.cpu_count()
    assert local_workers("tcp://10.0.0.5:8786") is None
    for wrong in ("local:0", "10.0.0.5:8786", "local:x"):
        with pytest.raises(ValueError, match="--dask"):
            local_workers(wrong)


@pytest.fixture
def postgres():
    """A PostgreSQL server of its own (Debian's binaries), in a temporary folder, on 127.0.0.1 only."""
    binaries = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not binaries:
        missing = pytest.fail if os.environ.get("CI") else pytest.skip  # CI installs it
        missing("PostgreSQL is not installed: apt-get install -y postgresql")
    bin_dir = binaries[-1].parent
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    tmp = Path(tempfile.mkdtemp(prefix="workshop-pg-"))
    (tmp / "socket").mkdir()
    if as_user:
        shutil.chown(tmp, "postgres")
        shutil.chown(tmp / "socket", "postgres")
    try:
        subprocess.run([*as_user, str(bin_dir / "initdb"), "-D", str(tmp / "data"), "-U", "grader", "-A", "trust",
                        "-E", "UTF8", "--no-sync"], check=True, capture_output=True)
        port = _free_port()
        server = [*as_user, str(bin_dir / "postgres"), "-D", str(tmp / "data"), "-p", str(port), "-h", "127.0.0.1",
                  "-c", f"unix_socket_directories={tmp / 'socket'}", "-c", "fsync=off"]
        with _processes(server) as (process,):
            _wait_for_port(port, process, "postgres")
            import psycopg2
            for _ in range(100):
                try:
                    db = psycopg2.connect(host="127.0.0.1", port=port, user="grader", dbname="postgres")
                    break
                except psycopg2.OperationalError:  # up, but not yet accepting connections
                    time.sleep(0.1)
            db.autocommit = True
            db.cursor().execute("CREATE DATABASE gradebook")
            db.close()
            yield f"postgresql://grader@127.0.0.1:{port}/gradebook"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_a_postgresql_gradebook_gives_the_same_grades(local, template_course, tmp_path, postgres):
    _, folder, scores = local
    course = tmp_path / "course"
    shutil.copytree(template_course, course)
    (course / "gradebook.db").unlink()  # nothing may land in SQLite
    results, _ = grade_class(folder, root=course, cell_timeout=30, progress=False, jobs=2, db_url=postgres)
    assert _scores(results) == scores
    assert not (course / "gradebook.db").exists()
    url = gradebook_url(course, postgres)
    assert url.startswith("postgresql+psycopg2://")
    with steps.api(course, db_url=url).gradebook as gb:
        assert gb.find_submission_notebook("neurons", "01-neurons", "ada").score == MAX
        (version,) = gb.db.execute(__import__("sqlalchemy").text("select version_num from alembic_version")).one()
        assert version, "nbgrader set the gradebook's alembic version"
        standing = standings(gb.db, course)  # core and stretch apart, lateness: the same queries on PostgreSQL
    assert standing[("ada", "01-neurons")].done
    assert standing[("ada", "01-neurons")].seconds_late == 0
    assert all(r.standing == standing[(r.student, r.assignment)] for r in results if r.score is not None)
    assert set(Ledger(url).graded()) == {(s, "01-neurons") for s in CLASS}
    again, _ = grade_class(folder, root=course, cell_timeout=30, progress=False, jobs=2, db_url=postgres)
    assert _scores(again) == scores


def test_a_database_url_without_its_driver_is_one_line(capsys, tmp_path):
    assert gradebook_url(tmp_path, "postgres://u@h/db") == "postgresql+psycopg2://u@h/db"
    assert gradebook_url(tmp_path) == f"sqlite:///{tmp_path / 'gradebook.db'}?timeout=60"
    for wrong in ("postgresql+psycopg://u@h/db", "gradebook.db"):
        with pytest.raises(ValueError, match="--db"):
            gradebook_url(tmp_path, wrong)
    assert main(["grade", str(tmp_path), "--db", "postgresql+psycopg://u@h/db"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "postgresql+psycopg2://u@h/db" in error


def test_nbgraders_metadata_check_compiled_once_still_rejects_bad_metadata():
    from nbgrader.nbgraderformat import ValidationError
    from nbgrader.nbgraderformat.v3 import MetadataValidatorV3

    from autograder.grading.workers import faster_nbgrader
    faster_nbgrader()
    cell = nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": {
        "schema_version": 3, "grade": True, "solution": False, "locked": True, "grade_id": "t", "points": 1}})
    MetadataValidatorV3().validate_cell(cell)
    cell.metadata.nbgrader["points"] = "one"
    with pytest.raises(ValidationError):
        MetadataValidatorV3().validate_cell(cell)


def test_the_ledgers_checksum_covers_the_grading_code():
    """A rerun regrades when the code that decides a grade changed: every path it hashes exists."""
    from autograder.grading.ledger import grading_code

    paths = grading_code()
    assert all(path.exists() for path in paths)
    assert {"hidden", "judging", "preprocessors", "sandbox", "course"} <= {path.name for path in paths}
