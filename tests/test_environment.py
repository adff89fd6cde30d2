"""environment.yml (conda) carries the same dependencies as pyproject.toml."""
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = set(project["dependencies"]) | set(project["optional-dependencies"]["test"])
    conda = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in conda["dependencies"] if isinstance(d, dict))
    assert set(pip) - {"-e ."} == wanted
    python = next(d for d in conda["dependencies"] if isinstance(d, str) and d.startswith("python="))
    assert python == "python=3.11"
    assert project["requires-python"] == ">=3.11,<3.12"


def test_course_package_is_installed_not_a_namespace(tmp_path):
    """Kernels start outside the repository: `course` must be the installed package, whose
    import silences TensorFlow, not an empty namespace package."""
    import subprocess
    import sys
    code = "import course, os; print(course.__file__, os.environ['TF_CPP_MIN_LOG_LEVEL'])"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(ROOT / "course" / "__init__.py"), "3"], done.stderr
