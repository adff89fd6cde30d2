"""Hidden tests, one module per assignment.

Each graded function has a check of the same name that compares the learner's
function with the reference solution (``autograder.reference``) on seeded random
inputs and the contract's edge cases. A hidden test cell is one short call::

    from autograder.hidden import activations as hidden
    hidden.sigmoid(sigmoid)

A long notebook's checks may live in several modules: ``PARTS`` names, for a notebook's module,
the modules whose ``CHECKS`` join it (after its own, so that the seeds of its own stay the same).
"""

PARTS = {"pipeline": ("finale",)}  # 06's finale: faces → emotions, a model that leaves the notebook
