"""Hidden tests, one module per assignment.

Each module lists its checks in ``CHECKS``: the grade id of a test cell → a ``Check``
(``autograder.judging.questions``) whose ``ask`` draws the cell's questions and whose ``judge``
compares the kernel's answers with the reference solution (``autograder.judging.reference``), in the
grader's process. The test cell's hidden region only hands the learner's function over::

    from course.answering.answers import answer
    answer("test_sigmoid", sigmoid)

A long notebook's checks may live in several modules: ``PARTS`` names, for a notebook's module,
the modules whose ``CHECKS`` join it (after its own, so that the seeds of its own stay the same).
"""

PARTS = {"pipeline": ("finale",)}  # 06's finale: faces → emotions, a model that leaves the notebook
