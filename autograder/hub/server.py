"""`workshop hub`: a JupyterHub for the class on this machine, started by the instructor (as root).

* **Users.** One Unix user per participant, from a CSV with a ``name`` column (or one name a line);
  a new user gets a random password, printed once and stored nowhere. Homes are 0700. They join
  the group ``workshop``; the instructor's account (``--instructor``, default ``instructor``) too.
* **Login.** JupyterHub's PAM authenticator (the hub's own login page) against those Unix passwords;
  only the class and the instructor may log in.
* **Servers.** ``LocalProcessSpawner``: each participant's server runs as their Unix user, in their
  home, with the participants' JupyterLab of ``make lab`` (lab/: Validate, Assignment List, no
  instructor tools). The instructor's server runs from the course folder with nbgrader's
  formgrader in their own JupyterLab (same origin as the lab: no iframe across the hub).
* **Exchange.** nbgrader's, at ``<state>/exchange``, with the modes of ``exchange.layout``; the
  instructor collects with the guarded collect of ``workshop grade --from-exchange``.
* **The course folder** stays the instructor's: ``source/``, the gradebook and everything graded
  are made 0700 (``protect_course``), so no participant reads the solutions or the grades.
* The hub and its proxy listen on 127.0.0.1 only; put TLS and a real domain in front of it
  (docs/INSTRUCTORS.md, "What a real deployment adds").
"""
from __future__ import annotations

import csv
import grp
import os
import pwd
import re
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

from autograder.config import COURSE_ID
from autograder.hub.exchange import layout
from autograder.hub.submit import CLASSES
from autograder.paths import COURSE_ROOT

GROUP = "workshop"
UNIX_NAME = re.compile(r"[a-z][a-z0-9-]{0,30}")
PRIVATE = ["source", "gradebook.db", "submitted", "autograded", "feedback", "verdicts", "grading-notes.json",
           "exchange-refused.log", "autograder/hidden"]
DEFAULT_STATE = Path("/srv/workshop-hub")


def unix_name(raw: str) -> str:
    """A participant's Unix user name from their name in the CSV (``Ada Lovelace`` → ``ada-lovelace``)."""
    import unicodedata
    ascii_name = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode()
    name = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:31].strip("-")
    if not UNIX_NAME.fullmatch(name):
        raise ValueError(f"{raw!r} in the class list gives no Unix user name (a letter first, then letters, "
                         "digits, '-'); write it as one, e.g. ada-lovelace")
    return name


def read_class(path: Path) -> list[str]:
    """The Unix names of a class list: a CSV with a ``name`` (or ``username``) column, or one name a line."""
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    rows = [row for row in rows if row and any(cell.strip() for cell in row)]
    if not rows:
        raise ValueError(f"{path} lists no participants")
    header = [cell.strip().lower() for cell in rows[0]]
    column = next((header.index(key) for key in ("username", "name") if key in header), None)
    body = rows[1:] if column is not None else rows
    names = [unix_name(row[column or 0]) for row in body]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"{path}: two participants would both be {', '.join(twice)}; make their names differ")
    return names


def _exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def create_users(names: list[str], group: str = GROUP) -> dict[str, str | None]:
    """Create each Unix user that does not exist yet, in ``group``, home 0700, with a random password.

    The passwords of the users created (None for a user who already existed: their password
    stays as it was)."""
    try:
        grp.getgrnam(group)
    except KeyError:
        subprocess.run(["groupadd", group], check=True)
    passwords: dict[str, str | None] = {}
    created = []
    for name in names:
        if _exists(name):
            passwords[name] = None
            subprocess.run(["usermod", "-a", "-G", group, name], check=True)
            continue
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", "--groups", group, name], check=True)
        passwords[name] = secrets.token_urlsafe(12)
        created.append(name)
        os.chmod(pwd.getpwnam(name).pw_dir, 0o700)
    if created:
        lines = "".join(f"{name}:{passwords[name]}\n" for name in created)
        subprocess.run(["chpasswd"], input=lines, text=True, check=True)
    return passwords


def protect_course(root: Path, instructor: str) -> None:
    """The instructor's course folder: solutions, gradebook and grades readable by its owner only."""
    root.chmod(root.stat().st_mode & ~0o002)
    for name in PRIVATE:
        path = root / name
        if path.exists():
            path.chmod(0o700 if path.is_dir() else 0o600)
    if _exists(instructor) and os.geteuid() == 0:
        uid = pwd.getpwnam(instructor).pw_uid
        os.chown(root, uid, -1)  # the formgrader, in the instructor's server, writes the gradebook's journal here
        for name in PRIVATE:
            if (root / name).exists():
                os.chown(root / name, uid, -1)


def participant_config(state: Path, exchange: Path) -> Path:
    """A Jupyter config folder with the participants' nbgrader settings: the exchange and the course."""
    return _config_folder(state / "jupyter", (
        "# written by `workshop hub`: where participants fetch and submit\n"
        "c = get_config()  # noqa: F821\n"
        f"c.Exchange.root = {str(exchange)!r}\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
        + "".join(f"c.ExchangeFactory.{action} = 'autograder.hub.submit.{cls.__name__}'\n"
                  for action, cls in CLASSES.items())))


def instructor_config(state: Path, root: Path, exchange: Path) -> Path:
    """A Jupyter config folder for the instructor's server: the course's nbgrader configuration (as
    ``make formgrader`` has it from the course folder) and the hub's exchange."""
    return _config_folder(state / "jupyter-instructor", (
        "# written by `workshop hub`: the formgrader in the instructor's server works on the course\n"
        "import sys\nfrom pathlib import Path\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parents[2])!r})\n"
        "from autograder.config import nbgrader_config  # noqa: E402\n"
        "c = get_config()  # noqa: F821\n"
        f"c.merge(nbgrader_config(Path({str(root)!r})))\n"
        f"c.Exchange.root = {str(exchange)!r}\n"))


def _config_folder(folder: Path, config: str) -> Path:
    """``folder`` holding ``nbgrader_config.py`` with ``config``: readable by all, written only by root."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "nbgrader_config.py").write_text(config)
    folder.chmod(0o755)
    (folder / "nbgrader_config.py").chmod(0o644)
    return folder


def write_config(state: Path, participants: list[str], instructor: str, root: Path = COURSE_ROOT,
                 port: int = 8000) -> Path:
    """``<state>/jupyterhub_config.py`` for this class; the file."""
    exchange = state / "exchange"
    config = participant_config(state, exchange)
    teacher = instructor_config(state, root, exchange)
    venv_bin = Path(sys.executable).parent
    text = HUB_CONFIG.format(
        port=port, api_port=port + 1, hub_port=port + 2, state=str(state), participants=sorted(participants),
        instructor=instructor, singleuser=str(venv_bin / "jupyterhub-singleuser"), root=str(root),
        participant_config=str(config), instructor_config=str(teacher),
        repo=str(Path(__file__).resolve().parents[2]), path=str(venv_bin))
    path = state / "jupyterhub_config.py"
    path.write_text(text)
    path.chmod(0o600)
    return path


HUB_CONFIG = '''# written by `workshop hub`; start with: jupyterhub -f {state}/jupyterhub_config.py
import os
import pwd
import sys

sys.path.insert(0, {repo!r} + "/scripts")
import lab  # the participants' lab of `make lab`: scripts/lab.py

c = get_config()  # noqa: F821
c.JupyterHub.ip = "127.0.0.1"                 # behind TLS on a real deployment (docs/INSTRUCTORS.md)
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.JupyterHub.db_url = "sqlite:///{state}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{state}/jupyterhub_cookie_secret"
c.ConfigurableHTTPProxy.pid_file = "{state}/proxy.pid"
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False
c.Authenticator.allowed_users = set({participants!r})
c.Authenticator.admin_users = {{{instructor!r}}}
c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.default_url = "/lab"
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 180

INSTRUCTOR = {instructor!r}


def pre_spawn(spawner):
    """A participant's server: the participants' lab in their home; the instructor's: the formgrader."""
    home = pwd.getpwnam(spawner.user.name).pw_dir
    env = {{"PATH": {path!r} + ":/usr/bin:/bin", "HOME": home, "JUPYTER_CONFIG_DIR": home + "/.jupyter",
           "JUPYTER_CONFIG_PATH": {participant_config!r}}}
    if spawner.user.name == INSTRUCTOR:
        spawner.notebook_dir = {root!r}
        spawner.args = ["--ServerApp.root_dir=" + {root!r}]
        spawner.environment = {{**env, "WORKSHOP_COURSE_ROOT": {root!r}, "JUPYTER_CONFIG_PATH": {instructor_config!r}}}
        return
    spawner.notebook_dir = home
    env = lab.participant_environment(env, exchange=True)
    spawner.environment = env
    spawner.args = [*lab.participant_arguments(home, exchange=True), "--LabApp.extension_manager=readonly"]


c.Spawner.pre_spawn_hook = pre_spawn
'''


def unreachable(path: Path) -> Path | None:
    """The first folder on the way to ``path`` that other users cannot enter (None if they can)."""
    for folder in [*reversed(Path(path).resolve().parents)]:
        if not folder.stat().st_mode & 0o001:
            return folder
    return None


def setup(class_list: Path, state: Path = DEFAULT_STATE, instructor: str = "instructor", root: Path = COURSE_ROOT,
          port: int = 8000) -> tuple[Path, dict[str, str | None]]:
    """Users, exchange, protected course folder and the hub's config; (config file, new passwords)."""
    if os.geteuid() != 0:
        raise RuntimeError("`workshop hub` creates Unix users and runs their servers: run it as root")
    if not shutil.which("configurable-http-proxy"):
        raise RuntimeError("configurable-http-proxy is not installed: npm install -g configurable-http-proxy")
    blocked = unreachable(Path(sys.executable).resolve()) or unreachable(Path(sys.prefix) / "bin")
    if blocked:
        raise RuntimeError(f"participants' servers run {Path(sys.executable).resolve()}, but other users cannot "
                           f"enter {blocked}: build the venv with a system Python "
                           "(make .venv/.installed PYTHON=/usr/bin/python3.11)")
    participants = read_class(class_list)
    if instructor in participants:
        raise ValueError(f"{instructor} is the instructor's account and in the class list too")
    passwords = create_users([instructor, *participants])
    state.mkdir(parents=True, exist_ok=True)
    state.chmod(0o755)
    layout(state / "exchange")
    protect_course(root, instructor)
    config = write_config(state, participants, instructor, root, port)
    return config, passwords


def command(config: Path) -> list[str]:
    """The command line that runs the hub."""
    return [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(config)]
