"""The instructor's side of the workshop: nbgrader's release, autograde, feedback
and export, with the checks that hidden tests run (``autograder.hidden``)."""
