"""Speed and memory figures for docs/BENCHMARK.md (a report, never a pass/fail test).

    python scripts/benchmark.py [--notebooks [ASSIGNMENT...]] [--sizes 12 48] [--grading 01-neurons ...]

1. (--notebooks) Each solution notebook executed headless: wall time including kernel start (every
   cell, and as graded: without the optional cells tagged ``skip-execution``), the kernel's peak memory.
2. Grading at scale: one class (a third of the participants solved everything, a third every other
   exercise, a third handed in the release untouched) at each size, graded in one run by plain serial
   `nbgrader autograde`, `workshop grade` on every core, the floor (bare nbclient execution of the
   same notebooks, as many at a time as there are cores) and `workshop grade --dask local:2`; the
   grades must be identical in every mode; seconds per notebook per assignment.
3. Projection: 100 participants x six notebooks on 2, 8 and 32 cores, from what each kind of
   notebook of each assignment costs alone and the overhead measured in 2.

Separately, each alone:

    python scripts/benchmark.py --judge [ASSIGNMENT...]      the judge's cost: the same solved notebooks
        autograded with questions and judging (the course's configuration) and without (nbgrader's own
        preprocessors), alternately
    python scripts/benchmark.py --sandbox [ASSIGNMENT...]    the sandbox's cost: each solution notebook
        executed by the grader's Execute step under bubblewrap and without it, alternately
    python scripts/benchmark.py --report-only [--report-class-size N]   `workshop report` on a
        synthetic class (default 300 participants, all six notebooks)

Every mode runs with one thread per numerical library (autograder.grading.workers.single_threaded), as
`workshop grade` does.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.synthetic_class

from autograder import class_report, steps  # noqa: E402
from autograder.authoring.sample_class import solved  # noqa: E402
from autograder.authoring.validate import execute, graded_cells  # noqa: E402
from autograder.config import gradebook_url  # noqa: E402
from autograder.grading.collect import collect  # noqa: E402
from autograder.grading.grade_class import prepare  # noqa: E402
from autograder.grading.ledger import Ledger  # noqa: E402
from autograder.grading.workers import single_threaded  # noqa: E402
from autograder.paths import RELEASE, SOURCE, assignments, notebook_path  # noqa: E402

RUN_ONE = """
import resource, sys, time
from pathlib import Path
from autograder.authoring.validate import execute, source_problems
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


KINDS = ("solved", "half", "untouched")
TIMEOUT = 20  # seconds per cell, in every mode


def _kind(assignment: str, kind: str) -> nbformat.NotebookNode:
    """A submission of one kind: every exercise solved, every other one, or the release untouched."""
    if kind == "untouched":
        return nbformat.read(notebook_path(assignment, RELEASE), as_version=4)
    return solved(assignment, every=1 if kind == "solved" else 2)


def _as_graded(assignment: str, notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook with its test cells as nbgrader runs them: the source's, hidden tests included."""
    tests = graded_cells(nbformat.read(notebook_path(assignment), as_version=4))
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in tests:
            cell.source = tests[grade_id].source
    return notebook


def make_class(folder: Path, size: int, names: list[str]) -> dict[tuple[str, str], str]:
    """``size`` participants, one subfolder each; (participant, assignment) → kind."""
    kinds = {}
    for index in range(size):
        kind = KINDS[index % 3]
        student = f"p{index:03d}-{kind}"
        (folder / student).mkdir(parents=True)
        for name in names:
            nbformat.write(_kind(name, kind), folder / student / notebook_path(name).name)
            kinds[student, name] = kind
    return kinds


def _template(tmp: Path, names: list[str]) -> Path:
    """A course folder with the assignments released and recorded in its gradebook."""
    root = tmp / "template"
    for name in names:
        shutil.copytree(SOURCE / name, root / "source" / name)
    prepare(root, names, [], gradebook_url(root)).close()
    return root


def _copy(template: Path, target: Path) -> Path:
    shutil.copytree(template, target)
    return target


def _environment(root: Path) -> dict[str, str]:
    return {**os.environ, "WORKSHOP_COURSE_ROOT": str(root), "PYTHONWARNINGS": "ignore"}


def _gradebook_scores(root: Path, pairs) -> dict[tuple[str, str], float | None]:
    scores = {}
    with steps.api(root).gradebook as gb:
        for student, name in pairs:
            try:
                scores[student, name] = gb.find_submission_notebook(notebook_path(name).stem, name, student).score
            except Exception:
                scores[student, name] = None
    return scores


def plain_nbgrader(template: Path, tmp: Path, folder: Path, names: list[str]) -> dict:
    """Serial `nbgrader autograde ASSIGNMENT` per assignment, on submissions collected beforehand."""
    root = _copy(template, tmp / "nbgrader")
    collect(folder, root / "submitted")
    (root / "nbgrader_config.py").write_text(
        "from pathlib import Path\nfrom autograder.config import nbgrader_config, quiet_environment\n"
        f"quiet_environment()\nget_config().merge(nbgrader_config(Path(__file__).parent, {TIMEOUT}))\n")
    per_assignment = {}
    cpu, start = _machine_cpu(), time.perf_counter()
    for name in names:
        began = time.perf_counter()
        subprocess.run([sys.executable, "-m", "nbgrader", "autograde", name, "--force"], cwd=root,
                       env=_environment(root), capture_output=True, check=False)
        per_assignment[name] = time.perf_counter() - began
    return {"seconds": time.perf_counter() - start, "cpu": _machine_cpu() - cpu, "per_assignment": per_assignment,
            "root": root}


def workshop(template: Path, tmp: Path, folder: Path, label: str, *options: str) -> dict:
    """`workshop grade FOLDER [OPTIONS]` as the instructor types it."""
    root = _copy(template, tmp / label)
    cpu, start = _machine_cpu(), time.perf_counter()
    done = subprocess.run([str(Path(sys.executable).parent / "workshop"), "grade", str(folder), "--timeout",
                           str(TIMEOUT), *options], env=_environment(root), capture_output=True, text=True)
    seconds, cpu = time.perf_counter() - start, _machine_cpu() - cpu
    if done.returncode:
        print(done.stdout[-2000:], done.stderr[-2000:], file=sys.stderr)
    ledger = Ledger(gradebook_url(root))
    per_notebook = {job: entry["seconds"] for job, entry in ledger.graded().items()}
    ledger.close()
    return {"seconds": seconds, "cpu": cpu, "per_notebook": per_notebook, "root": root}


def _ask(notebook: nbformat.NotebookNode, assignment: str, folder: Path) -> bool:
    """The hidden checks' questions where the kernel looks for them, as in grading; False for an
    assignment whose hidden checks still run in the kernel."""
    try:
        from autograder.preprocessors.ask_questions import AskQuestions
        AskQuestions().preprocess(notebook, {"nbgrader": {"assignment": assignment}, "metadata": {"path": str(folder)}})
        return True
    except (ImportError, AttributeError):
        return False


def _bare(path: str, assignment: str) -> tuple[float, float | None]:
    """Execute one graded notebook with nbclient alone (its questions asked first, as in grading):
    seconds, and for hidden checks run in the kernel its score (points of test cells that raised
    nothing, nbgrader's score when stderr is ignored); None where the judge decides."""
    single_threaded()
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(notebook, path)
    start = time.perf_counter()
    asked = _ask(notebook, assignment, Path(path).parent)
    notebook = execute(Path(path), timeout=TIMEOUT, as_graded=True)
    seconds = time.perf_counter() - start
    if asked:
        return seconds, None
    score = sum(c.metadata.nbgrader.get("points", 0) for c in graded_cells(notebook).values()
                if not any(o.output_type == "error" for o in c.outputs))
    return seconds, float(score)


def floor(graded: Path, tmp: Path, pairs, cores: int) -> dict:
    """The bare nbclient execution of the notebooks nbgrader executed, ``cores`` at a time."""
    target = tmp / "floor"
    shutil.copytree(graded / "autograded", target)
    paths = {job: str(target / job[0] / job[1] / notebook_path(job[1]).name) for job in pairs}
    cpu, start = _machine_cpu(), time.perf_counter()
    with ProcessPoolExecutor(cores, mp_context=multiprocessing.get_context("spawn")) as pool:
        done = dict(zip(paths, pool.map(_bare, paths.values(), [job[1] for job in paths]), strict=False))
    return {"seconds": time.perf_counter() - start, "cpu": _machine_cpu() - cpu,
            "per_notebook": {j: s for j, (s, _) in done.items()},
            "scores": {j: score for j, (_, score) in done.items()}}


def _machine_cpu() -> float:
    """CPU seconds the whole machine has spent busy (``/proc/stat``): graders, workers and kernels,
    however they were started. A sandboxed kernel's own usage never reaches this process's
    ``RUSAGE_CHILDREN`` (bubblewrap is killed, not waited for), so run it on an otherwise idle machine."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _mean(values) -> float:
    values = list(values)
    return sum(values) / len(values) if values else float("nan")


def grading_figures(names: list[str], size: int, cores: int, results: dict) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        kinds = make_class(tmp / "class", size, names)
        template = _template(tmp, names)
        pairs = sorted(kinds)
        runs = {"nbgrader": plain_nbgrader(template, tmp, tmp / "class", names)}
        runs["workshop"] = workshop(template, tmp, tmp / "class", "workshop")
        runs["floor"] = floor(runs["workshop"]["root"], tmp, pairs, cores)
        runs["dask"] = workshop(template, tmp, tmp / "class", "dask", "--dask", "local:2")
        scores = {mode: _gradebook_scores(runs[mode]["root"], pairs) for mode in ("nbgrader", "workshop", "dask")}
        judged = {job for job, score in runs["floor"]["scores"].items() if score is None}  # no score without nbgrader
        scores["floor"] = {job: scores["nbgrader"][job] if job in judged else score
                           for job, score in runs["floor"]["scores"].items()}
    identical = all(scores[mode] == scores["nbgrader"] for mode in scores)
    base = runs["nbgrader"]["seconds"]
    rows = [("plain `nbgrader autograde`, serial", "nbgrader"), (f"`workshop grade` (every core: {cores})", "workshop"),
            (f"floor: bare nbclient, {cores} at a time", "floor"), ("`workshop grade --dask local:2`", "dask")]
    print(f"\n{size} participants x {', '.join(names)} = {len(pairs)} notebooks "
          f"(a third solved, a third half, a third untouched); grades identical in every mode: "
          f"{'yes' if identical else 'NO'}")
    print("\n| how | seconds | vs serial nbgrader | vs floor | CPU seconds, whole machine | CPU vs floor |"
          "\n|---|---|---|---|---|---|")
    for label, mode in rows:
        seconds, cpu = runs[mode]["seconds"], runs[mode]["cpu"]
        print(f"| {label} | {seconds:.1f} | {base / seconds:.2f}x | {seconds / runs['floor']['seconds']:.2f} | "
              f"{cpu:.1f} | {cpu / runs['floor']['cpu']:.2f} |")
    print("\nSeconds per notebook, by assignment (nbgrader: its wall time / notebooks, one at a time; "
          f"workshop and floor: each notebook's own wall time, {cores} at a time)")
    print("\n| assignment | nbgrader serial | workshop grade | floor |\n|---|---|---|---|")
    count = {name: sum(1 for _, a in pairs if a == name) for name in names}
    for name in names:
        print(f"| {name} | {runs['nbgrader']['per_assignment'][name] / count[name]:.2f} | "
              f"{_mean(s for (_, a), s in runs['workshop']['per_notebook'].items() if a == name):.2f} | "
              f"{_mean(s for (_, a), s in runs['floor']['per_notebook'].items() if a == name):.2f} |")
    if not identical:
        for mode in scores:
            different = {job: (scores["nbgrader"][job], scores[mode][job]) for job in pairs
                         if scores[mode][job] != scores["nbgrader"][job]}
            if different:
                print(f"  {mode} differs from nbgrader on {len(different)}: {dict(list(different.items())[:5])}")
    summary = {"size": size, "notebooks": len(pairs), "identical": identical,
               "seconds": {mode: runs[mode]["seconds"] for mode in runs},
               "cpu": {mode: runs[mode]["cpu"] for mode in runs},
               "class_core_seconds": None, "kinds": {f"{s}|{a}": k for (s, a), k in kinds.items()}}
    results.setdefault("grading", []).append(summary)
    return summary


def kind_costs(names: list[str]) -> dict[tuple[str, str], tuple[float, float]]:
    """Wall and CPU seconds (kernel and client) to execute one notebook of each kind of each
    assignment, as graded, alone."""
    costs = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            for kind in KINDS:
                path = Path(tmp) / name / kind / notebook_path(name).name
                path.parent.mkdir(parents=True)
                nbformat.write(_as_graded(name, _kind(name, kind)), path)
                cpu = _machine_cpu()
                seconds = _bare(str(path), name)[0]
                costs[name, kind] = seconds, _machine_cpu() - cpu
    return costs


def projection(costs: dict[tuple[str, str], tuple[float, float]], measured: dict, names: list[str]) -> None:
    """100 participants x every assignment on C cores: the notebooks' own CPU seconds plus what
    `workshop grade` spent per notebook beyond the floor as measured (CPU seconds: nbgrader's passes,
    the questions and the judge, about the same for a short notebook as for a long one), shared by
    C idle cores."""
    notebooks = 100 * len(names)
    extra = (measured["cpu"]["workshop"] - measured["cpu"]["floor"]) / measured["notebooks"]
    own = 100 / 3 * sum(costs[name, kind][1] for name in names for kind in KINDS)
    total = own + extra * notebooks
    print("\nOne notebook alone, as graded (bare nbclient, kernel start included): wall seconds / CPU seconds")
    print("\n| assignment | solved | half | untouched |\n|---|---|---|---|")
    for name in names:
        print(f"| {name} | " + " | ".join("{:.1f} / {:.1f}".format(*costs[name, kind]) for kind in KINDS) + " |")
    print(f"\nProjection for 100 participants x {len(names)} notebooks (a third of each kind): {own:.0f} CPU "
          f"seconds of notebooks, plus {extra:.2f} s per notebook for `workshop grade` beyond the floor (CPU, "
          f"measured on {measured['notebooks']} notebooks): {total:.0f} s, {total / own:.3f} x the floor, shared "
          "by C otherwise idle cores (one worker per core, memory permitting):")
    print("\n| cores | projected minutes |\n|---|---|")
    for c in (2, 8, 32):
        print(f"| {c} | {total / c / 60:.1f} |")


def describe_machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    memory = next((int(line.split()[1]) / 1024 ** 2 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    load = os.getloadavg()
    return (f"{os.cpu_count()} cores ({model}), {memory:.0f} GB, Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}; load average at start {load[0]:.1f}")


def _course(tmp: Path, names: list[str]) -> Path:
    root = tmp / "course"
    for name in names:
        shutil.copytree(SOURCE / name, root / "source" / name)
    steps.release(names, root=root)
    return root


def alternately(name: str, configure: dict, rounds: int, tmp: Path) -> dict[str, list[float]]:
    """Seconds of ``rounds`` autogrades of a solved ``name`` under each configuration, taking turns.

    ``configure`` maps a label to a function that changes the course's nbgrader Config."""
    from nbgrader.apps import NbGraderAPI

    from autograder.authoring.sample_class import solved
    from autograder.config import nbgrader_config
    root = _course(tmp / name, [name])
    stem = next((SOURCE / name).glob("*.ipynb")).name
    apis = {}
    for label, change in configure.items():
        (root / "submitted" / label / name).mkdir(parents=True)
        nbformat.write(solved(name), root / "submitted" / label / name / stem)
        config = nbgrader_config(root, 300)
        change(config)
        apis[label] = NbGraderAPI(config=config)
    times: dict[str, list[float]] = {label: [] for label in configure}
    for _ in range(rounds):
        for label, api in apis.items():
            start = time.perf_counter()
            assert api.autograde(name, label, force=True, create=True)["success"]
            times[label].append(time.perf_counter() - start)
    return times


def judge_figures(names: list[str], rounds: int = 3) -> None:
    from autograder.preprocessors.ask_questions import AskQuestions
    from autograder.preprocessors.judge import Judge

    def without_judge(config):  # nbgrader's own steps: execute, then grade the outputs
        config.Autograde.autograde_preprocessors = [
            p for p in config.Autograde.autograde_preprocessors if p not in (AskQuestions, Judge)]
    print(f"\nThe judge's cost: a solved notebook autograded {rounds} times each way, alternately (fastest seconds)")
    print(f"  {'assignment':<18} {'judged':>8} {'not judged':>11} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            times = alternately(name, {"judged": lambda config: None, "plain": without_judge}, rounds, Path(tmp))
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

    from autograder.sandbox.kernel import unavailable_reason
    reason = unavailable_reason()
    if reason:
        print(f"\nSandbox overhead: not measured ({reason})")
        return
    print(f"\nSandbox overhead: a solved notebook autograded {rounds} times each way, alternately, kernel start")
    print("included (median seconds); 'plain' is the same grading with the sandbox off")
    print(f"  {'assignment':<18} {'sandboxed':>10} {'plain':>8} {'overhead':>9}")

    def sandboxed(on):
        def change(config):
            config.SandboxedKernelManager.sandbox = on
        return change
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            times = alternately(name, {"boxed": sandboxed(True), "plain": sandboxed(False)}, rounds, Path(tmp))
            boxed, plain = median(times["boxed"]), median(times["plain"])
            print(f"  {name:<18} {boxed:>10.2f} {plain:>8.2f} {100 * (boxed - plain) / plain:>8.1f}%")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notebooks", nargs="*", default=None, help="section 1 for these assignments (none: all)")
    parser.add_argument("--sizes", nargs="*", type=int, default=[12, 48], help="participants per class")
    parser.add_argument("--grading", nargs="*", default=["01-neurons", "02-activations", "05-equalization"],
                        help="assignments of the class graded in section 2")
    parser.add_argument("--project", nargs="*", default=None,
                        help="assignments of the projection in section 3 (default: all six)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--judge", nargs="*", default=None, help="only the judge's cost, for these assignments")
    parser.add_argument("--sandbox", nargs="*", default=None, help="only the sandbox overhead, for these assignments")
    parser.add_argument("--rounds", type=int, default=3, help="runs each way for the judge and sandbox figures")
    parser.add_argument("--report-class-size", type=int, default=300, help="participants for the report timing")
    parser.add_argument("--report-only", action="store_true", help="only time `workshop report`")
    args = parser.parse_args()
    if args.report_only:
        return report_figures(args.report_class_size)
    if args.judge is not None or args.sandbox is not None:
        if args.judge is not None:
            judge_figures(args.judge or assignments(), args.rounds)
        if args.sandbox is not None:
            sandbox_figures(args.sandbox or assignments(), args.rounds)
        return None
    single_threaded()
    cores = os.cpu_count() or 1
    print(f"Machine: {describe_machine()}")
    if args.notebooks is not None:
        notebook_figures(args.notebooks or assignments())
    results = {"machine": describe_machine()}
    measured = [grading_figures(args.grading, size, cores, results) for size in args.sizes]
    project = args.project or assignments()
    costs = kind_costs(sorted(set(project) | set(args.grading)))
    projection(costs, measured[-1], project)
    if args.json:
        results["costs"] = {f"{a}|{k}": list(s) for (a, k), s in costs.items()}
        args.json.write_text(json.dumps(results, indent=1))
    print(f"\n(benchmark process peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)")
    return None


if __name__ == "__main__":
    main()
