"""Cells that did not run to their end, as data: what execution saw, and what a test cell after one says.

``SandboxedExecute`` (autograder/execute.py) records an :class:`Interruption` for each cell that ran
past the per-cell time limit (``Execute.timeout``) and for the one where the kernel died or the
notebook's time ran out; it passes them on as ``resources["workshop"]["interruptions"]``. The
``Judge`` can then tell a learner why a check had nothing to judge.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Stop(Enum):
    """How a cell's run ended early."""
    TIMED_OUT = "timed out"          # past the cell's time limit: interrupted, and the notebook went on
    UNRESPONSIVE = "unresponsive"    # past the limit and deaf to the interrupt: the kernel was shut down
    DIED = "died"                    # the kernel process ended while the cell ran
    DIED_BEFORE = "died before"      # the kernel never started, or ended between cells, before this one
    OUT_OF_TIME = "out of time"      # the notebook's own time limit ran out before this cell


@dataclass(frozen=True)
class Interruption:
    """One cell that did not run to its end (``index`` in the notebook; ``len(cells)`` if none was left)."""
    stop: Stop
    index: int
    name: str                   # the cell's grade id, or "cell N"
    seconds: int | None = None  # the limit that ran out: Execute.timeout (or what the notebook had left)
    cause: str | None = None    # why the kernel ended, from the sandbox: "memory limit", "segmentation fault", ...

    @property
    def final(self) -> bool:
        """Nothing after this cell ran."""
        return self.stop is not Stop.TIMED_OUT

    def note(self) -> str:
        """The instructor's line (``metadata.workshop.stopped``)."""
        return {Stop.TIMED_OUT: f"{self.name} timed out after {self.seconds} s",
                Stop.UNRESPONSIVE: f"the kernel stopped answering in {self.name} (time limit)",
                Stop.DIED: f"the kernel died in {self.name}: {self.cause}",
                Stop.DIED_BEFORE: f"the kernel died before {self.name}: {self.cause}",
                Stop.OUT_OF_TIME: f"the notebook's time limit ({self.seconds} s) ran out before {self.name}",
                }[self.stop]
