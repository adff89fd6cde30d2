"""Speed and memory figures for the closing notes (a report, never a pass/fail test).

    python scripts/benchmark.py [ASSIGNMENT...] [--class-size N]

1. Each solution notebook executed headless: wall time including kernel start (every cell,
   and as graded: without the optional cells tagged ``skip-execution``), the kernel's peak memory.
2. Grading the sample class with `workshop grade` (serial and --jobs 2) against plain
   `nbgrader autograde` on the same submissions, in the same process, and their ratio.
3. The judge's cost: the same solved notebooks autograded with questions and judging
   (the course's configuration) and without (nbgrader's own preprocessors), alternately.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import nbformat

from autograder import steps
from autograder.grading import grade_class
from autograder.paths import SOURCE, assignments
from autograder.sample_class import make_sample_class

RUN_ONE = """
import resource, sys, time
from pathlib import Path
from autograder.validate import execute, source_problems
start = time.perf_counter()
problems = source_problems(execute(Path(sys.argv[1]), as_graded=sys.argv[2] == "graded"))
seconds = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"{seconds:.1f} {peak_mb:.0f} {len(problems)}")
"""


def notebook_figures(names: list[str]) -> None:
    print("Solution notebooks, executed headless (kernel start included): every cell, as a participant")
    print("runs them, and as graded (cells tagged skip-execution skipped)")
    print(f"  {'notebook':<42} {'seconds':>8} {'graded':>7} {'peak MB':>8} {'errors':>7}")
    for name in names:
        path = next((SOURCE / name).glob("*.ipynb"))
        runs = [subprocess.run([sys.executable, "-c", RUN_ONE, str(path), mode], capture_output=True, text=True,
                               check=True).stdout.split() for mode in ("all", "graded")]
        (seconds, peak, errors), graded = runs[0], runs[1][0]
        print(f"  {str(path.relative_to(SOURCE.parent)):<42} {seconds:>8} {graded:>7} {peak:>8} {errors:>7}")


def _course(tmp: Path, names: list[str]) -> Path:
    root = tmp / "course"
    for name in names:
        shutil.copytree(SOURCE / name, root / "source" / name)
    steps.release(names, root=root)
    return root


def grading_figures(names: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        archive = make_sample_class(tmp / "class.zip", names)
        count = sum(1 for n in zipfile.ZipFile(archive).namelist() if n.endswith(".ipynb"))

        ours = _course(tmp / "ours", names)
        start = time.perf_counter()
        results, _ = grade_class(archive, root=ours, only=names, cell_timeout=20, progress=False)
        workshop = time.perf_counter() - start

        start = time.perf_counter()
        grade_class(archive, root=_course(tmp / "parallel", names), only=names, cell_timeout=20,
                    progress=False, jobs=2)
        parallel = time.perf_counter() - start

        plain = _course(tmp / "plain", names)
        shutil.copytree(ours / "submitted", plain / "submitted")  # the same, already collected
        (plain / "nbgrader_config.py").write_text(
            "from pathlib import Path\nfrom autograder.config import nbgrader_config\n"
            "get_config().merge(nbgrader_config(Path(__file__).parent, 20))\n")
        start = time.perf_counter()
        for name in names:
            subprocess.run([sys.executable, "-m", "nbgrader", "autograde", name, "--force"], cwd=plain,
                           capture_output=True, check=False)
        nbgrader = time.perf_counter() - start

    graded = sum(r.score is not None for r in results)
    print(f"\nGrading the sample class: {count} notebook files ({graded} gradable) of {', '.join(names)}")
    print(f"  workshop grade (collect zip + autograde + scores): {workshop:6.1f} s")
    print(f"  workshop grade --jobs 2                         : {parallel:6.1f} s")
    print(f"  plain nbgrader autograde (baseline)             : {nbgrader:6.1f} s")
    print(f"  ratio workshop / nbgrader                       : {workshop / nbgrader:6.2f}")
    print(f"  per notebook with workshop grade                : {workshop / max(graded, 1):6.1f} s")


def judge_figures(names: list[str], rounds: int = 3) -> None:
    from nbgrader.apps import NbGraderAPI

    from autograder.config import nbgrader_config
    from autograder.judge import AskQuestions, Judge
    from autograder.sample_class import solved
    print(f"\nThe judge's cost: a solved notebook autograded {rounds} times each way, alternately (seconds each)")
    print(f"  {'assignment':<18} {'judged':>8} {'not judged':>11} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            root = _course(Path(tmp) / name, [name])
            stem = next((SOURCE / name).glob("*.ipynb")).name
            for who in ("judged", "plain"):
                (root / "submitted" / who / name).mkdir(parents=True)
                nbformat.write(solved(name), root / "submitted" / who / name / stem)
            judged_api = steps.api(root, 120)
            config = nbgrader_config(root, 120)
            config.Autograde.autograde_preprocessors = [  # nbgrader's own steps: execute, then grade the outputs
                p for p in config.Autograde.autograde_preprocessors if p not in (AskQuestions, Judge)]
            plain_api = NbGraderAPI(config=config)
            times: dict[str, list[float]] = {"judged": [], "plain": []}
            for _ in range(rounds):
                for who, api in (("judged", judged_api), ("plain", plain_api)):
                    start = time.perf_counter()
                    assert api.autograde(name, who, force=True, create=True)["success"]
                    times[who].append(time.perf_counter() - start)
            judged, plain = min(times["judged"]), min(times["plain"])
            print(f"  {name:<18} {judged:>8.2f} {plain:>11.2f} {judged / plain:>6.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("assignments", nargs="*", help="default: all")
    parser.add_argument("--judge", action="store_true", help="only the judge's cost, per assignment")
    parser.add_argument("--grading", nargs="*", default=None,
                        help="assignments for the grading comparison (default: the first two)")
    args = parser.parse_args()
    names = args.assignments or assignments()
    if args.judge:
        return judge_figures(names)
    notebook_figures(names)
    grading_figures(args.grading or assignments()[:2])
    judge_figures(names)
    print(f"\n(benchmark process peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")


if __name__ == "__main__":
    main()
