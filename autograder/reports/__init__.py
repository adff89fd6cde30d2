"""What grading tells people: the verdict files (``verdicts``), core, stretch and
lateness (``scores``, ``late``), the terminal's tables (``tables``), the class report
(``class_report``) and the challenge's leaderboard (``leaderboard``), with their ``templates``."""
