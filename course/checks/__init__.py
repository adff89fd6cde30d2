"""Public checks, one module per assignment: what a participant runs in class.

Each check takes the participant's function, tries a few cases whose answers a
learner can verify by hand, and says what is wrong in a learner's terms.
"""
