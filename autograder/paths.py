"""Where the course lives: the nbgrader course directory is the repository root."""
import os
from pathlib import Path

COURSE_ROOT = Path(os.environ.get("WORKSHOP_COURSE_ROOT", Path(__file__).resolve().parents[1]))
SOURCE = COURSE_ROOT / "source"
RELEASE = COURSE_ROOT / "release"


def assignments(source: Path = SOURCE) -> list[str]:
    """The assignment names under ``source``, in course order (``01-neurons``, ...)."""
    return sorted(p.name for p in source.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def notebook_path(assignment: str, root: Path = SOURCE) -> Path:
    """The one notebook of an assignment under ``root`` (source/ or release/)."""
    notebooks = sorted((root / assignment).glob("*.ipynb"))
    if len(notebooks) != 1:
        raise FileNotFoundError(f"expected one notebook in {root / assignment}, found {len(notebooks)}")
    return notebooks[0]
