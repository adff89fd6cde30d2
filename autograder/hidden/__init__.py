"""Hidden tests, one module per assignment.

Each graded function has a check of the same name that compares the learner's
function with the reference solution (``autograder.reference``) on seeded random
inputs and the contract's edge cases. A hidden test cell is one short call::

    from autograder.hidden import activations as hidden
    hidden.sigmoid(sigmoid)
"""
