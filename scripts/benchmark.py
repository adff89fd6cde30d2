"""Speed and memory figures for the closing notes (a report, never a pass/fail test).

    python scripts/benchmark.py [ASSIGNMENT...] [--class-size N]

1. Each solution notebook executed headless: wall time including kernel start (every cell,
   and as graded: without the optional cells tagged ``skip-execution``), the kernel's peak memory.
2. Grading the sample class with `workshop grade` (serial and --jobs 2) against plain
   `nbgrader autograde` on the same submissions, in the same process, and their ratio.
3. The judge's cost: the same solved notebooks autograded with questions and judging
   (the course's configuration) and without (nbgrader's own preprocessors), alternately.
4. `workshop report` on a synthetic class (default 300 participants, all six notebooks).

    python scripts/benchmark.py --report-only [--report-class-size N]   just 4.
5. Sandbox overhead: each solution notebook executed by the grader's Execute step under
   bubblewrap and without it (the same notebook, alternating, median of --repeats runs).
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.synthetic_class

from autograder import class_report, steps  # noqa: E402
from autograder.grading import grade_class  # noqa: E402
from autograder.paths import SOURCE, assignments  # noqa: E402
from autograder.sample_class import make_sample_class  # noqa: E402

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


def report_figures(size: int) -> None:
    from tests.synthetic_class import synthetic_class
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        synthetic_class(root, size)
        built = time.perf_counter() - start
        start, cpu = time.perf_counter(), time.process_time()
        path, report = class_report.write(root / "report.html", root)
        written, cpu = time.perf_counter() - start, time.process_time() - cpu
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "autograder.cli", "report", "--to", str(root / "cli.html")], check=True,
                       capture_output=True, env={**os.environ, "WORKSHOP_COURSE_ROOT": str(root)})
        command = time.perf_counter() - start
        kib = path.stat().st_size // 1024
    cells = sum(len(nb.cells) for nb in report.notebooks)
    print(f"\n`workshop report` on a synthetic class of {size} ({len(report.notebooks)} notebooks, "
          f"{cells} graded cells)")
    print(f"  building the class (gradebook + verdict files): {built:6.1f} s")
    print(f"  the report, in process (read + figures + HTML): {written:6.1f} s  ({cpu:.1f} s CPU; {kib} KiB)")
    print(f"  `workshop report --to` as a command          : {command:6.1f} s  (Python start and imports included)")
    print(f"  (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: wall times grow with it)")


def sandbox_figures(names: list[str], rounds: int = 3) -> None:
    """The same solved notebook autograded (questions, execution, judging) with the kernel under
    bubblewrap and rlimits in a throwaway workspace, and with the sandbox off, alternately."""
    from statistics import median

    from nbgrader.apps import NbGraderAPI

    from autograder.config import nbgrader_config
    from autograder.sample_class import solved
    from autograder.sandbox import unavailable_reason
    reason = unavailable_reason()
    if reason:
        print(f"\nSandbox overhead: not measured ({reason})")
        return
    print(f"\nSandbox overhead: a solved notebook autograded {rounds} times each way, alternately, kernel start")
    print("included (median seconds); 'plain' is the same grading with the sandbox off")
    print(f"  {'assignment':<18} {'sandboxed':>10} {'plain':>8} {'overhead':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            root = _course(Path(tmp) / name, [name])
            stem = next((SOURCE / name).glob("*.ipynb")).name
            for who in ("boxed", "plain"):
                (root / "submitted" / who / name).mkdir(parents=True)
                nbformat.write(solved(name), root / "submitted" / who / name / stem)
            apis = {}
            for who, sandbox in (("boxed", True), ("plain", False)):
                config = nbgrader_config(root, 300)
                config.SandboxedKernelManager.sandbox = sandbox
                apis[who] = NbGraderAPI(config=config)
            times: dict[str, list[float]] = {"boxed": [], "plain": []}
            for _ in range(rounds):
                for who, api in apis.items():
                    start = time.perf_counter()
                    assert api.autograde(name, who, force=True, create=True)["success"]
                    times[who].append(time.perf_counter() - start)
            boxed, plain = median(times["boxed"]), median(times["plain"])
            print(f"  {name:<18} {boxed:>10.2f} {plain:>8.2f} {100 * (boxed - plain) / plain:>8.1f}%")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("assignments", nargs="*", help="default: all")
    parser.add_argument("--judge", action="store_true", help="only the judge's cost, per assignment")
    parser.add_argument("--grading", nargs="*", default=None,
                        help="assignments for the grading comparison (default: the first two)")
    parser.add_argument("--report-class-size", type=int, default=300, help="participants for the report timing")
    parser.add_argument("--report-only", action="store_true", help="only time `workshop report`")
    parser.add_argument("--sandbox", action="store_true", help="only the sandbox overhead, per assignment")
    parser.add_argument("--rounds", type=int, default=3, help="runs each way for the judge and sandbox figures")
    args = parser.parse_args()
    names = args.assignments or assignments()
    if args.report_only:
        return report_figures(args.report_class_size)
    if args.judge or args.sandbox:
        if args.judge:
            judge_figures(names, args.rounds)
        if args.sandbox:
            sandbox_figures(names, args.rounds)
        return
    notebook_figures(names)
    grading_figures(args.grading or assignments()[:2])
    judge_figures(names, args.rounds)
    sandbox_figures(names, args.rounds)
    report_figures(args.report_class_size)
    print(f"\n(benchmark process peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")


if __name__ == "__main__":
    main()
