"""Real Unix users for the hub's tests (root only): created with a unique prefix, removed afterwards."""
from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from autograder import hub

REPO = Path(__file__).resolve().parents[1]


def missing() -> str | None:
    """Why the hub's tests cannot run here (None if they can)."""
    if os.geteuid() != 0 or not shutil.which("useradd") or not shutil.which("runuser"):
        return "needs root with useradd and runuser (CI runs as root)"
    blocked = hub.unreachable(Path(sys.executable).resolve()) or hub.unreachable(Path(sys.prefix) / "bin")
    if blocked:
        return f"other users cannot enter {blocked}: build the venv with /usr/bin/python3.11"
    return None


@contextmanager
def users(count: int, tag: str):
    """``count`` Unix users named ``<tag><random>-<i>`` in the workshop group; their names."""
    stem = f"{tag}{secrets.token_hex(2)}"
    names = [f"{stem}-{i}" for i in range(count)]
    try:
        yield names, hub.create_users(names)
    finally:
        for name in names:
            subprocess.run(["userdel", "--force", "--remove", name], capture_output=True)


def open_folder() -> Path:
    """A folder every user may enter (pytest's own tmp folder is root's alone)."""
    import tempfile
    folder = Path(tempfile.mkdtemp(prefix="workshop-hub-test-"))
    folder.chmod(0o755)
    return folder


def as_user(name: str, code: str, config: Path, timeout: int = 120, cwd: Path | None = None
            ) -> subprocess.CompletedProcess:
    """Python ``code`` run as the Unix user ``name`` with the participants' nbgrader config, in their home."""
    home = pwd.getpwnam(name).pw_dir
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": home, "JUPYTER_CONFIG_PATH": str(config),
           "JUPYTER_CONFIG_DIR": f"{home}/.jupyter", "PYTHONPATH": str(REPO)}
    runuser = shutil.which("runuser") or "/usr/sbin/runuser"
    return subprocess.run([runuser, "-u", name, "--", sys.executable, "-c", code], env=env, cwd=cwd or home,
                          capture_output=True, text=True, timeout=timeout)


def nbgrader(name: str, config: Path, *argv: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """nbgrader's own command line, run as ``name``, e.g. ``fetch_assignment 01-neurons``."""
    code = f"import sys; from nbgrader.apps.nbgraderapp import main; sys.argv = ['nbgrader', *{list(argv)!r}]; main()"
    return as_user(name, code, config, timeout)
