"""``ScoreLine``, a feedback step: the score as the participant should read it, at the top."""
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from autograder.reports.scores import duration


class ScoreLine(NbGraderPreprocessor):
    """At the top of the feedback, a cell with the score as the participant should read it: core and
    stretch apart ("core 40/45 · stretch 6/20"), whether that notebook is done, how late it came, and for
    the class challenge's notebook the share of digits read and the rank in the class
    (autograder.reports.leaderboard)."""

    root = Unicode("", help="the course folder (source notebooks' stretch tags, verdicts)").tag(config=True)

    def preprocess(self, nb, resources):
        from nbformat.v4 import new_markdown_cell

        from autograder.reports.leaderboard import CHALLENGE, board, feedback_line
        from autograder.reports.scores import of_submission
        info, root = resources["nbgrader"], Path(self.root)
        with Gradebook(info["db_url"]) as gb:
            part = of_submission(gb.find_submission_notebook(info["notebook"], info["assignment"], info["student"]),
                                 root)
        missing = part.core_max - part.core
        lines = [f"**Your score: {part.points()}**"
                 + (" — the core is finished: you are done with this notebook" if part.done else
                    f" — the core needs {missing:g} more point{'s' * (missing != 1)}")
                 + ("; the ⭐ stretch tasks are extra." if part.stretch_max else ".")]
        if part.late:
            lines.append(f"Handed in {duration(part.seconds_late)} after the deadline"
                         + (f"; the late penalty took {part.penalty:g} points." if part.penalty else "."))
        if info["assignment"] == CHALLENGE:
            try:
                made = board(root, names=False, db_url=info["db_url"])
                lines.append(feedback_line(made.of(info["student"]), made))
            except Exception as error:  # the ranking is a bonus: it never costs a participant their feedback
                self.log.warning("no class challenge line for %s: %s: %s", info["student"], type(error).__name__, error)
        cell = new_markdown_cell("\n\n".join(line for line in lines if line))
        cell.metadata["tags"] = ["workshop-score"]
        nb.cells.insert(0, cell)
        return nb, resources
