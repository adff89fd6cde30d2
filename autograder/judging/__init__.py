"""How a hidden check is written and run: the ``Check`` contract and its round trip
(``questions``), answers turned into values (``answered``), the reference solutions
(``reference``), the failure that teaches most (``most_telling``), and what a test cell says
after a cell that did not run to its end (``interruptions``)."""
