"""Hidden checks, one module per notebook, named after its stem (``neurons`` for ``01-neurons/neurons.ipynb``):
``autograder.judging.questions.checks`` imports it by that name, so adding the file is enough.

A module's ``CHECKS`` maps each test cell's grade id to a ``Check(ask, judge)``, and the cell's
hidden region only hands its subjects over: ``answer("test_sigmoid", sigmoid)``.

* ``ask(rng)`` returns the cell's questions, plain-data dicts seeded per grading run (``calls``).
* ``judge(questions, records)`` gets the questions as asked and the records as an untrusted kernel
  sent them (any wire value), turns them into values with ``answered`` or ``matching``
  (``autograder.judging.answered``), and raises ``course.checking.CheckFailed`` with the learner's
  message for a wrong answer (``NotImplementedError`` for an unfinished one). It may return a dict of
  measurements for the verdict file; any other exception fails the cell with a generic message.

A long notebook's checks may live in several modules: ``PARTS`` names, for a notebook's module,
the modules whose ``CHECKS`` join it (after its own, so that the seeds of its own stay the same).
"""

PARTS = {"pipeline": ("finale",)}  # 06's finale: faces → emotions, a model that leaves the notebook
