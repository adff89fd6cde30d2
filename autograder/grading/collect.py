"""Find participants' notebooks in a folder or an LMS zip and place them in
nbgrader's ``submitted/<student>/<assignment>/`` layout.

Accepted layouts: one subfolder per participant (``ada/neurons.ipynb``), or flat
files ``<participant>_<notebook>.ipynb`` as LMS downloads name them (Canvas adds
ids and ``-1`` for resubmissions, Moodle adds ``_assignsubmission_file_``).
A file that cannot be used is reported, never silently dropped.

Each participant gets an id that is stable (the same name gives the same id in every
run), unique (two different names never share one: ``Zoë Ångström (2)`` and
``Zoé Ångström (2)`` are two people) and safe as a folder name; the name as submitted
is kept beside the notebooks (``submitted/<id>/.participant``) for the table, the
gradebook and the export. A zip is read entry by entry: an entry outside the zip
(``../``), a link or an oversized file is refused, never extracted.
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import stat
import tempfile
import unicodedata
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from autograder.paths import assignments, notebook_path

IGNORED = {"__MACOSX", ".ipynb_checkpoints", ".DS_Store"}
NAME_FILE = ".participant"          # submitted/<id>/.participant: the name as submitted
MAX_FILE_BYTES = 64 << 20           # a notebook larger than this is not a workshop notebook
MAX_ZIP_BYTES = 2 << 30             # all of a zip, uncompressed
SAFE_ID = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")


@dataclass
class Collection:
    """What was found: notebooks by (student, assignment), problems by student ('' if none),
    and each participant's name as submitted."""
    notebooks: dict[tuple[str, str], Path] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    assignment_of: dict[tuple[str, str], str] = field(default_factory=dict)  # a notebook's problem → its assignment

    @property
    def students(self) -> list[str]:
        return sorted({s for s, _ in self.notebooks} | {s for s, _ in self.problems if s})

    def name(self, student: str) -> str:
        """The participant's name as submitted (their id if unknown)."""
        return self.names.get(student, student)


def notebook_names() -> dict[str, str]:
    """Notebook stem → assignment, e.g. ``neurons`` → ``01-neurons``."""
    return {notebook_path(a).stem: a for a in assignments()}


def display_name(raw: str) -> str:
    """The participant's name in a file or folder name, without the LMS's ids ('' if none)."""
    raw = unicodedata.normalize("NFC", raw)
    raw = re.sub(r"_assignsubmission_\w*$", "", raw)            # Moodle
    raw = re.sub(r"(_LATE)?(_\d+){1,2}_?$", "", raw)            # Canvas ids
    raw = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in raw)
    name = " ".join(raw.split())
    return "" if not name.strip(".") else name


def student_id(raw: str) -> str:
    """A participant's id: stable, unique per name, safe as a folder and as nbgrader's student id.

    A name that already is a safe id stays itself (``ada-lovelace``); any other gets a readable
    ASCII slug and a short hash of the exact name (``zoe-angstrom-2-1c9e0f2a``). Raises
    ValueError for a name that is empty, ``.`` or ``..``.
    """
    name = display_name(raw)
    if not name:
        raise ValueError(f"no participant name in {raw!r}")
    if SAFE_ID.fullmatch(name) and not name.endswith("."):
        return name
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40].strip("-") or "participant"
    return f"{slug}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"


def participant_name(folder: Path) -> str | None:
    """The name as submitted, as collect kept it in ``submitted/<id>/``."""
    try:
        return (folder / NAME_FILE).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def _id_or_empty(raw: str) -> str:
    try:
        return student_id(raw)
    except ValueError:
        return ""


def _identify(relative: Path, names: dict[str, str]) -> tuple[str, str] | None:
    """(participant's raw name, notebook stem) for a path inside the submissions folder."""
    stem = re.sub(r"[-_ ]\(?\d+\)?$", "", relative.stem)         # neurons-1, neurons (1)
    if len(relative.parts) > 1 and stem in names:
        return relative.parts[0], stem
    for name in sorted(names, key=len, reverse=True):
        match = re.fullmatch(rf"(.*?)[_-]+{re.escape(name)}", stem)
        if match:
            return match.group(1), name
    return None


@contextmanager
def opened(source: Path, problems: list[tuple[str, str]] | None = None):
    """The submissions as a folder: ``source`` itself, or a zip extracted safely to a temporary one."""
    problems = [] if problems is None else problems
    if source.is_dir():
        yield source
    elif zipfile.is_zipfile(source):
        with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(source) as archive:
            _extract(archive, Path(tmp), problems)
            yield Path(tmp)
    elif source.exists():
        raise ValueError(f"{source} is neither a folder nor a zip file: pass the folder or zip of submissions")
    else:
        raise FileNotFoundError(f"{source} does not exist: pass the folder or zip of submissions")


def _extract(archive: zipfile.ZipFile, target: Path, problems: list[tuple[str, str]]) -> None:
    """Extract the regular files of ``archive`` that stay inside ``target``; report the others."""
    total = 0
    for info in archive.infolist():
        name = info.filename.replace("\\", "/")
        parts = PurePosixPath(name).parts
        if info.is_dir() or not parts or IGNORED & set(parts):
            continue
        if name.startswith("/") or ".." in parts or ":" in parts[0]:
            problems.append(("", f"ignored {name!r} in the zip: its path leads outside the zip"))
        elif stat.S_ISLNK(info.external_attr >> 16):
            problems.append(("", f"ignored {name!r} in the zip: a link, not a file"))
        elif info.file_size > MAX_FILE_BYTES or total + info.file_size > MAX_ZIP_BYTES:
            problems.append(("", f"ignored {name!r} in the zip: {info.file_size:,} bytes is too large for a notebook"))
        else:
            total += info.file_size
            path = target.joinpath(*parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as src, open(path, "wb") as dst:
                shutil.copyfileobj(src, dst)


def _unreadable(path: Path) -> str | None:
    """Why ``path`` is no notebook at all (empty, not JSON), or None."""
    if path.stat().st_size > MAX_FILE_BYTES:
        return f"is {path.stat().st_size:,} bytes, too large for a workshop notebook; ask for it with outputs cleared"
    text = path.read_bytes()
    if not text.strip():
        return "is empty (0 bytes of notebook); ask for a fresh copy of the saved notebook"
    try:
        json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return f"is not a valid notebook ({error.__class__.__name__}: {error}); ask for a fresh copy"
    return None


def collect(source: Path, submitted: Path, only: list[str] | None = None) -> Collection:
    """Copy every usable notebook under ``source`` into ``submitted`` and report the rest."""
    names = notebook_names()
    found = Collection()
    with opened(source, found.problems) as folder:
        files = sorted(p for p in folder.rglob("*") if not IGNORED & set(p.relative_to(folder).parts)
                       and stat.S_ISREG(p.lstat().st_mode))
        for path in files:
            relative = path.relative_to(folder)
            who = _identify(relative, names) if path.suffix == ".ipynb" else None
            if who is None:
                top = relative.parts[0] if len(relative.parts) > 1 else relative.name.partition("_")[0]
                owner = _id_or_empty(top) if top != relative.name else ""
                if owner:
                    found.names.setdefault(owner, display_name(top))
                found.problems.append((owner, f"ignored {relative}: not one of the workshop's notebooks "
                                              f"({', '.join(n + '.ipynb' for n in names)})"))
                continue
            raw, stem = who
            student = _id_or_empty(raw)
            if not student:
                found.problems.append(("", f"ignored {relative}: no participant name in it; name the file "
                                           f"<participant>_{stem}.ipynb or put it in a folder named after them"))
                continue
            found.names.setdefault(student, display_name(raw))
            assignment = names[stem]
            if only and assignment not in only:
                continue
            problem = _unreadable(path)
            if problem:
                unusable = (student, f"{relative} {problem}")
                found.problems.append(unusable)
                found.assignment_of[unusable] = assignment
                continue
            if (student, assignment) in found.notebooks:
                found.problems.append((student, f"two files for {stem}.ipynb; graded {relative.name}"))
            found.notebooks[(student, assignment)] = path
            target = submitted / student / assignment / f"{stem}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            (submitted / student / NAME_FILE).write_text(found.names[student] + "\n", encoding="utf-8")
    return found
