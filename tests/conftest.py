"""Shared fixtures: each notebook is executed once per test session."""
import functools
import os
import shutil
from pathlib import Path

import pytest

from autograder import steps
from autograder.paths import RELEASE, SOURCE, notebook_path
from autograder.validate import execute

os.environ.setdefault("MPLBACKEND", "Agg")


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
