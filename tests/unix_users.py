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

from autograder.hub import server as hub

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


FORKED = r"""
import getpass, json, os, pwd, sys
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange import ExchangeFactory
names, config_dir, action, assignment = json.loads(sys.argv[1])
base = PyFileConfigLoader("nbgrader_config.py", path=config_dir).load_config()
children = {}
for name in names:
    pid = os.fork()
    if pid == 0:
        try:
            user = pwd.getpwnam(name)
            os.setgroups(os.getgrouplist(name, user.pw_gid))
            os.setgid(user.pw_gid)
            os.setuid(user.pw_uid)  # from here on the kernel knows this process as the participant
            os.environ.update(HOME=user.pw_dir, USER=name, LOGNAME=name)
            os.chdir(user.pw_dir)
            c = Config(base)
            c.Exchange.assignment_dir = user.pw_dir
            c.Exchange.cache = user.pw_dir + "/.local/share/jupyter/nbgrader_cache"
            c.CourseDirectory.assignment_id = assignment
            app = getattr(ExchangeFactory(config=c), action)(
                coursedir=CourseDirectory(config=c), authenticator=Authenticator(config=c), config=c)
            app.start()
            os._exit(0)
        except BaseException as error:
            print(f"{name}: {error!r}", file=sys.stderr, flush=True)
            os._exit(1)
    children[pid] = name
failed = []
for _ in names:
    pid, status = os.wait()
    if status:
        failed.append(children[pid])
print(json.dumps(sorted(failed)))
"""


def all_at_once(names: list[str], config: Path, action: str, assignment: str = "01-neurons") -> list[str]:
    """nbgrader's exchange ``action`` ('FetchAssignment', 'Submit') for every user at the same moment,
    each in a process of its own that runs as that user (forked after nbgrader is imported once,
    then setuid); the users whose action failed."""
    import json
    done = subprocess.run([sys.executable, "-c", FORKED, json.dumps([names, str(config), action, assignment])],
                          capture_output=True, text=True, timeout=300, cwd="/")
    assert done.returncode == 0, done.stderr
    failed = json.loads(done.stdout.strip().splitlines()[-1])
    assert not failed, done.stderr
    return failed
