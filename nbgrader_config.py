"""Lets plain `nbgrader` commands run from the repository root use the course's configuration.

A Jupyter server started here loads this file too (nbgrader's Validate and formgrader do), and
every kernel it starts inherits its environment: there, figures must stay on, so no Agg.
"""
import sys
from pathlib import Path

from autograder.config import nbgrader_config, quiet_environment


def _inside_jupyter_server() -> bool:
    server = sys.modules.get("jupyter_server.serverapp")
    return server is not None and server.ServerApp.initialized()


quiet_environment(headless=not _inside_jupyter_server())
c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file
c.merge(nbgrader_config(Path(__file__).parent))
