"""``AskQuestions``, the step before nbgrader's ``Execute``: the notebook's questions, where its kernel looks.

Every hidden check's questions for the notebook go into ``.grading/questions.npz`` of the folder the
kernel runs in, freshly seeded for this grading run; the questions themselves, the seed and a token
stay in ``resources["workshop"]`` for ``Judge`` (autograder/preprocessors/judge.py).
"""
from __future__ import annotations

import secrets
import shutil
import time
from pathlib import Path

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Int

from autograder.judging import questions
from course.answering import wire
from course.answering.answers import GRADING_DIR

QUESTIONS_LIMIT = 512 * 2**20


def grading_folder(resources: dict) -> Path:
    return Path(resources["metadata"]["path"]) / GRADING_DIR


class AskQuestions(NbGraderPreprocessor):
    """Write the notebook's questions where its kernel will look for them."""

    seed = Int(0, help="Seed of the questions; 0 draws a fresh one for every notebook graded.").tag(config=True)

    def preprocess(self, nb, resources):
        assignment = resources["nbgrader"]["assignment"]
        seed = self.seed or secrets.randbits(31)
        token = secrets.token_hex(16)
        asked = questions.ask(assignment, seed)
        folder = grading_folder(resources)
        shutil.rmtree(folder, ignore_errors=True)
        wire.save(folder / "questions.npz", {"token": token, "cells": asked}, limit=QUESTIONS_LIMIT)
        resources["workshop"] = {"seed": seed, "token": token, "questions": asked, "started": time.time()}
        return nb, resources
