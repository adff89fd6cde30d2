"""The workshop's late penalty: nbgrader's ``AssignLatePenalties`` calls this plugin.

10 % of the notebook's score per started day late (a minute late costs 10 %, a day and a
minute 20 %), all of it after ten days. The lateness comes from the gradebook's due date
(``workshop release --due``) and the time the server received the submission (the guarded
collect of autograder/hub/exchange.py), never from a file the participant wrote.
"""
from __future__ import annotations

import math

from nbgrader.plugins import LateSubmissionPlugin

PER_DAY = 0.10


def penalty(score: float, seconds_late: float) -> float:
    """The points a notebook scored ``score`` loses when submitted ``seconds_late`` late."""
    if seconds_late <= 0:
        return 0.0
    days = math.ceil(seconds_late / 86400)
    return round(score * min(1.0, PER_DAY * days), 4)


class PerDayLate(LateSubmissionPlugin):
    """10 % of the score per started day late, at most the whole score."""

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float:
        lost = penalty(score, total_seconds_late)
        self.log.info("%s: %.0f s late, loses %.2f of %.2f points", student_id, total_seconds_late, lost, score)
        return lost
