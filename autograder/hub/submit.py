"""The participants' side of the hub's exchange (light: only nbgrader, loaded by their servers).

nbgrader wants the exchange root writable by everyone (``0777``: anyone could then rename the
course folder and put a fake one in its place) and leaves each submission folder ``0777`` with
files readable by all, hidden only by a random name in an unlistable inbound. Here the root is the
instructor's (``0755``, autograder/hub/exchange.py ``layout``); each participant-side class below asks
only to enter it, and ``PrivateSubmit`` closes a submission to its owner (folders 0700, files
0600; the instructor collects as root). The hub's participant config names them
(``autograder/hub/server.py``, ``participant_config``).
"""
from __future__ import annotations

import os

from nbgrader.exchange.default import ExchangeFetchAssignment, ExchangeFetchFeedback, ExchangeList, ExchangeSubmit
from nbgrader.utils import check_directory


class _EnterRoot:
    def ensure_root(self):
        if not check_directory(self.root, read=True, execute=True):
            self.fail(f"The exchange {self.root} cannot be opened: please contact your instructor")


class Fetch(_EnterRoot, ExchangeFetchAssignment):
    """nbgrader's fetch, from an exchange root that participants may enter but not write."""


class FetchFeedback(_EnterRoot, ExchangeFetchFeedback):
    """nbgrader's fetch of one's own feedback, from an exchange root participants may not write."""


class List(_EnterRoot, ExchangeList):
    """nbgrader's list, from an exchange root participants may not write."""


class PrivateSubmit(_EnterRoot, ExchangeSubmit):
    """nbgrader's submit, then the submission readable and writable by its owner only."""

    def copy_files(self):
        super().copy_files()
        dest = os.path.join(self.inbound_path, self.assignment_filename)
        for folder, _, files in os.walk(dest):
            os.chmod(folder, 0o700)
            for name in files:
                os.chmod(os.path.join(folder, name), 0o600)


CLASSES = {"fetch_assignment": Fetch, "fetch_feedback": FetchFeedback, "list": List, "submit": PrivateSubmit}
