"""A throwaway folder a grading kernel runs in: what goes in, and the little that comes back.

In: the regular files of the notebook's execution folder (``autograded/<student>/<assignment>/``),
the judge's questions in ``.grading/`` among them, but no notebook (the autograded copy holds the
hidden tests). Back: only the answers the kernel wrote to ``.grading/answers/``, regular files
only (no symlinks, no folders), each and all together size-capped. Nothing else returns.
"""
from __future__ import annotations

import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ANSWERS = Path(".grading", "answers")
MAX_ANSWER_BYTES = 32 << 20      # one answers file
MAX_ANSWERS_BYTES = 128 << 20    # all of a notebook's answers
MAX_ANSWER_FILES = 500


@dataclass
class Workspace:
    """A private copy of an execution folder, under the system's temporary folder."""
    origin: Path
    path: Path
    refused: list[str] = field(default_factory=list)

    @classmethod
    def create(cls, origin: Path) -> Workspace:
        path = Path(tempfile.mkdtemp(prefix="workshop-workspace-"))
        for source in sorted(origin.rglob("*")):
            relative = source.relative_to(origin)
            info = source.lstat()
            if not stat.S_ISREG(info.st_mode) or source.suffix == ".ipynb":
                continue
            target = path / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        _copy_matplotlib_cache(path / ".matplotlib")
        return cls(origin, path)

    def bring_back_answers(self) -> list[Path]:
        """Copy the kernel's answers to ``origin/.grading/answers``; return what was copied."""
        source, target = self.path / ANSWERS, self.origin / ANSWERS
        if not _is_real_folder(self.path, ANSWERS):
            return []
        copied, total = [], 0
        for entry in sorted(os.scandir(source), key=lambda e: e.name)[:MAX_ANSWER_FILES]:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ANSWER_BYTES \
                    or total + info.st_size > MAX_ANSWERS_BYTES or entry.name.startswith("."):
                self.refused.append(entry.name)
                continue
            target.mkdir(parents=True, exist_ok=True)
            fd = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW)
            with os.fdopen(fd, "rb") as src, open(target / entry.name, "wb") as dst:
                shutil.copyfileobj(src, dst)
            total += info.st_size
            copied.append(target / entry.name)
        return copied

    def remove(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def _is_real_folder(root: Path, relative: Path) -> bool:
    """Every part of ``root/relative`` is a folder, none a symlink."""
    path = root
    for part in relative.parts:
        path = path / part
        try:
            if not stat.S_ISDIR(path.lstat().st_mode):
                return False
        except OSError:
            return False
    return True


def _copy_matplotlib_cache(target: Path) -> None:
    """The grader's matplotlib font cache, so that no kernel spends seconds rebuilding it."""
    cache = Path(os.environ.get("MPLCONFIGDIR") or Path(os.environ.get("XDG_CACHE_HOME") or
                                                        Path.home() / ".cache", "matplotlib"))
    target.mkdir(parents=True, exist_ok=True)
    for path in cache.glob("fontlist-*.json"):
        shutil.copyfile(path, target / path.name)
