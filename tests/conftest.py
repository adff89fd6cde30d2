"""Shared fixtures: each notebook is executed once per test session."""
import functools
import os
import shutil
from pathlib import Path

import pytest

from autograder.authoring.sample_class import solved
from autograder.authoring.validate import execute
from autograder.grading import steps
from autograder.paths import RELEASE, SOURCE, notebook_path

os.environ.setdefault("MPLBACKEND", "Agg")


def pytest_configure(config):
    """``--dist loadgroup`` must send a group's tests to one worker, or its module fixtures (a whole
    class graded) run once per worker. pytest-xdist 3.8 groups by rewriting the node id, which
    pytest 9.2 no longer lets it do: the tests still pass, in twice the time."""
    from importlib.metadata import version

    def release(name: str) -> tuple[int, ...]:
        return tuple(int(part) for part in version(name).split(".")[:2] if part.isdigit())

    if config.getoption("dist", "no") == "loadgroup" and release("pytest") >= (9, 2) \
            and release("pytest-xdist") <= (3, 8):
        raise pytest.UsageError(f"pytest {version('pytest')} breaks pytest-xdist {version('pytest-xdist')}'s "
                                "--dist loadgroup; install the pins of pyproject.toml's test extra (pytest<9.2).")


@functools.cache
def executed(assignment: str, root: Path):
    """The notebook of ``assignment`` under ``root`` (source/ or release/), run once."""
    return execute(notebook_path(assignment, root))


@pytest.fixture(scope="session")
def run_source():
    return lambda assignment: executed(assignment, SOURCE)


@pytest.fixture(scope="session")
def run_release():
    return lambda assignment: executed(assignment, RELEASE)


@pytest.fixture(scope="session")
def template_course(tmp_path_factory):
    """A course folder with source/ and a gradebook already holding 01-neurons (made once)."""
    root = tmp_path_factory.mktemp("template")
    shutil.copytree(SOURCE / "01-neurons", root / "source" / "01-neurons")
    steps.release(["01-neurons"], root=root)
    return root


@pytest.fixture
def course(template_course, tmp_path):
    """A fresh copy of the template course, gradebook included."""
    root = tmp_path / "course"
    shutil.copytree(template_course, root)
    return root


@pytest.fixture(scope="session")
def graded_pipeline(tmp_path_factory):
    """06 graded once for test_judge_pipeline and test_judge_finale (one xdist group): the solved
    notebook (ada), correct alternatives (bea) and one mutant per cell of three (cal)."""
    from tests import judging

    return judging.grade(tmp_path_factory.mktemp("judge-pipeline"), judging.PIPELINE, {
        "ada": solved(judging.PIPELINE), "bea": judging.pipeline_alternatives(), "cal": judging.pipeline_mutants()})
