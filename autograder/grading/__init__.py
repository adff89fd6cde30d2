"""Grading a class: submissions collected (``collect``) and repaired (``repair``), nbgrader's
steps (``steps``), a whole class on every core or a Dask cluster (``grade_class``, ``workers``,
``cluster``), what was already graded (``ledger``), and one learner's own notebook (``selfgrade``)."""
