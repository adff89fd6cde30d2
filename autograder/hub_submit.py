"""The participants' side of the hub's exchange (light: only nbgrader, loaded by their servers).

nbgrader's own submit leaves each submission folder ``0777`` and its files readable by all, hidden
only by a random name in an unlistable inbound. ``PrivateSubmit`` closes it to its owner (folders
0700, files 0600); the instructor collects as root. The hub's participant config names it:
``c.ExchangeFactory.submit = "autograder.hub_submit.PrivateSubmit"``.
"""
from __future__ import annotations

import os

from nbgrader.exchange.default import ExchangeSubmit


class PrivateSubmit(ExchangeSubmit):
    """nbgrader's submit, then the submission readable and writable by its owner only."""

    def copy_files(self):
        super().copy_files()
        dest = os.path.join(self.inbound_path, self.assignment_filename)
        for folder, _, files in os.walk(dest):
            os.chmod(folder, 0o700)
            for name in files:
                os.chmod(os.path.join(folder, name), 0o600)
