"""Find participants' notebooks in a folder or an LMS zip and place them in
nbgrader's ``submitted/<student>/<assignment>/`` layout.

Accepted layouts: one subfolder per participant (``ada/neurons.ipynb``), or flat
files ``<participant>_<notebook>.ipynb`` as LMS downloads name them (Canvas adds
ids and ``-1`` for resubmissions, Moodle adds ``_assignsubmission_file_``).
A file that cannot be used is reported, never silently dropped.
"""
from __future__ import annotations

import json
import re
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .paths import assignments, notebook_path

IGNORED = {"__MACOSX", ".ipynb_checkpoints", ".DS_Store"}


@dataclass
class Collection:
    """What was found: notebooks by (student, assignment), and problems by student ('' if none)."""
    notebooks: dict[tuple[str, str], Path] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def students(self) -> list[str]:
        return sorted({s for s, _ in self.notebooks} | {s for s, _ in self.problems if s})


def notebook_names() -> dict[str, str]:
    """Notebook stem → assignment, e.g. ``neurons`` → ``01-neurons``."""
    return {notebook_path(a).stem: a for a in assignments()}


def student_id(raw: str) -> str:
    """A participant name from a file or folder name, safe as nbgrader's student id."""
    raw = re.sub(r"_assignsubmission_\w*$", "", raw)            # Moodle
    raw = re.sub(r"(_LATE)?(_\d+){1,2}_?$", "", raw)            # Canvas ids
    return re.sub(r"[^A-Za-z0-9.@-]+", "-", raw).strip("-.").lower() or "unknown"


def _identify(relative: Path, names: dict[str, str]) -> tuple[str, str] | None:
    """(student, notebook stem) for a path inside the submissions folder."""
    stem = re.sub(r"[-_ ]\(?\d+\)?$", "", relative.stem)         # neurons-1, neurons (1)
    if len(relative.parts) > 1 and stem in names:
        return student_id(relative.parts[0]), stem
    for name in sorted(names, key=len, reverse=True):
        match = re.fullmatch(rf"(.+?)[_-]+{re.escape(name)}", stem)
        if match:
            return student_id(match.group(1)), name
    return None


@contextmanager
def opened(source: Path):
    """The submissions as a folder: ``source`` itself, or a zip extracted to a temporary one."""
    if source.is_dir():
        yield source
    elif zipfile.is_zipfile(source):
        with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(source) as archive:
            archive.extractall(tmp)
            yield Path(tmp)
    elif source.exists():
        raise ValueError(f"{source} is neither a folder nor a zip file: pass the folder or zip of submissions")
    else:
        raise FileNotFoundError(f"{source} does not exist: pass the folder or zip of submissions")


def collect(source: Path, submitted: Path, only: list[str] | None = None) -> Collection:
    """Copy every usable notebook under ``source`` into ``submitted`` and report the rest."""
    names = notebook_names()
    found = Collection()
    with opened(source) as folder:
        files = sorted(p for p in folder.rglob("*") if p.is_file() and not IGNORED & set(p.parts))
        for path in files:
            relative = path.relative_to(folder)
            who = _identify(relative, names) if path.suffix == ".ipynb" else None
            if who is None:
                top = relative.parts[0] if len(relative.parts) > 1 else relative.name.partition("_")[0]
                owner = student_id(top) if top != relative.name else ""
                found.problems.append((owner, f"ignored {relative}: not one of the workshop's notebooks "
                                              f"({', '.join(n + '.ipynb' for n in names)})"))
                continue
            student, stem = who
            assignment = names[stem]
            if only and assignment not in only:
                continue
            try:
                json.loads(path.read_text(encoding="utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                found.problems.append((student, f"{relative} is not a valid notebook ({error.__class__.__name__}: "
                                                f"{error}); ask for a fresh copy"))
                continue
            if (student, assignment) in found.notebooks:
                found.problems.append((student, f"two files for {stem}.ipynb; graded {relative.name}"))
            found.notebooks[(student, assignment)] = path
            target = submitted / student / assignment / f"{stem}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    return found
