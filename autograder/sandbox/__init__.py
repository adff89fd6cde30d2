"""Where a grading kernel runs: under bubblewrap and prlimit (``kernel``), in a throwaway folder
from which only its answers come back (``workspace``)."""
