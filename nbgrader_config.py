"""Lets plain `nbgrader` commands run from the repository root use the course's configuration."""
from pathlib import Path

from autograder.config import nbgrader_config, quiet_environment

quiet_environment()
c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file
c.merge(nbgrader_config(Path(__file__).parent))
