"""Catalogues of plausible mistakes (mutants) and correct alternatives, one
module per assignment, named like the notebook (``neurons``, ``activations``...).

Each ``Case`` names a check (the same name in ``course.checks.<module>`` and
``autograder.hidden.<module>``, called with the same arguments as in the test
cell). A mutant must make the hidden check fail with ``CheckFailed`` whose message
contains ``message``, and the public one too unless ``public`` is False: a mistake the
public check lets through on purpose (it runs in class, on few inputs and in seconds),
which it must then pass; an alternative must pass both checks. ``mistake`` is the id of the
classic mistake a mutant makes (``MISTAKES`` of ``course.checks.<module>``): the hidden check's
diagnosis, if it gives one, must be its message.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Case:
    check: str
    label: str
    fn: Callable | None = None
    args: tuple = field(default_factory=tuple)
    message: str = ""
    public: bool = True  # the public check catches it too
    mistake: str | None = None  # the id of the classic mistake it makes

    def arguments(self) -> tuple[Any, ...]:
        """What the test cell passes to the check: ``args``, or just the function."""
        return self.args or (self.fn,)
