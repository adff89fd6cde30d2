"""Start JupyterLab for participants (`make lab`) or for the instructor (`make formgrader`).

The participants' lab is the workshop, not the instructor's desk: their copies of the
notebooks (``work/``, copied from ``release/`` without overwriting anything), nbgrader's
Validate button, and none of nbgrader's instructor tools (Formgrader, Course List, Create
Assignment; the Assignment List only when an nbgrader exchange exists). All of it is
Jupyter's own configuration, kept in ``lab/`` and passed here:

* ``lab/labconfig/page_config.json`` disables nbgrader's instructor labextensions;
* ``ServerApp.jpserver_extensions`` switches off their server extensions;
* ``lab/custom/custom.css`` wraps long lines in the Validate dialog.

tests/test_browser.py starts the participants' lab with this very script, so what it tests
is what ``make lab`` starts.

    python scripts/lab.py                        # participants: work/, opens a browser
    python scripts/lab.py --formgrader           # instructor: the full nbgrader UI, from the course root
    python scripts/lab.py --work DIR --port N --token T --no-browser
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "lab"
INSTRUCTOR_EXTENSIONS = ["nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list"]
EXCHANGE_EXTENSION = "nbgrader.server_extensions.assignment_list"
EXCHANGE_PLUGIN = "@jupyter/nbgrader:assignment-list"


def copy_release(work: Path) -> None:
    """Copy release/ into ``work`` file by file, never overwriting what is already there."""
    for source in sorted((ROOT / "release").rglob("*")):
        target = work / source.relative_to(ROOT / "release")
        if source.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif not target.exists():
            shutil.copy2(source, target)


def exchange_exists() -> bool:
    """Whether nbgrader's exchange directory (as the participant's nbgrader config sets it) exists."""
    from nbgrader.apps import NbGrader
    from nbgrader.exchange.default.exchange import Exchange

    app = NbGrader(log_level="ERROR")
    app.load_cwd_config = False  # Jupyter's config paths only: the course's nbgrader_config.py sets up grading
    app.load_config_file()
    return Path(Exchange(config=app.config).root).is_dir()


def participant_environment(environ: dict[str, str], exchange: bool) -> dict[str, str]:
    """The environment of the participants' server: lab/ first on Jupyter's config path.

    Their own settings and workspaces stay where JupyterLab always keeps them.
    """
    from jupyter_core.paths import jupyter_config_dir

    env = dict(environ)
    own = env.get("JUPYTER_CONFIG_DIR") or jupyter_config_dir()
    env.setdefault("JUPYTERLAB_SETTINGS_DIR", str(Path(own, "lab", "user-settings")))
    env.setdefault("JUPYTERLAB_WORKSPACES_DIR", str(Path(own, "lab", "workspaces")))
    config_path = [own, *filter(None, env.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep))]
    if exchange:  # this folder's page_config enables the Assignment List again
        config_path.insert(0, str(CONFIG / "exchange"))
    env["JUPYTER_CONFIG_DIR"] = str(CONFIG)  # custom.css is read from the config dir only
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(config_path)
    return env


def participant_arguments(work: Path, exchange: bool) -> list[str]:
    """JupyterLab's command line for participants (work/ as its root, no instructor extensions)."""
    off = INSTRUCTOR_EXTENSIONS + ([] if exchange else [EXCHANGE_EXTENSION])
    return [f"--ServerApp.root_dir={work}", "--LabApp.custom_css=True",
            *[f"--ServerApp.jpserver_extensions={name}=False" for name in off]]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--formgrader", action="store_true", help="the instructor's lab: full nbgrader UI")
    parser.add_argument("--work", type=Path, default=ROOT / "work", help="participants' folder (default work/)")
    parser.add_argument("--port", type=int, help="port (default: JupyterLab's, 8888 or the next free one)")
    parser.add_argument("--token", help="access token (default: JupyterLab makes one)")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    args = parser.parse_args(argv)
    environ = dict(os.environ)  # as the user started us: nothing loaded here may leak into the server

    # Offline: the extension manager would look extensions up on PyPI.
    command = [sys.executable, "-m", "jupyterlab", "--ServerApp.ip=127.0.0.1", "--LabApp.extension_manager=readonly"]
    command += ["--ServerApp.allow_root=True"] if os.geteuid() == 0 else []  # containers often run as root
    command += [f"--ServerApp.port={args.port}"] if args.port else []
    command += [f"--IdentityProvider.token={args.token}"] if args.token is not None else []
    command += ["--ServerApp.open_browser=False"] if args.no_browser else []
    if args.formgrader:
        env = environ
        command += [f"--ServerApp.root_dir={ROOT}"]
    else:
        args.work.mkdir(parents=True, exist_ok=True)
        copy_release(args.work)
        exchange = exchange_exists()
        env = participant_environment(environ, exchange)
        command += participant_arguments(args.work.resolve(), exchange)
    os.chdir(ROOT)  # nbgrader's Validate and formgrader read nbgrader_config.py from the server's cwd
    sys.stdout.flush()
    os.execve(sys.executable, command, env)


if __name__ == "__main__":
    main()
