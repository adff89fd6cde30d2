"""`workshop`: the instructor's and the self-study learner's command line.

    workshop release [ASSIGNMENT...] [--check]   nbgrader generate_assignment, source/ → release/
    workshop release --exchange [--exchange-dir DIR]   ... and nbgrader release_assignment to a JupyterHub exchange
    workshop release ... --due WHEN              a due date in the gradebook (late: -10 % per started day)
    workshop validate [ASSIGNMENT...]            source passes every test, release fails each with NotImplementedError
    workshop grade SUBMISSIONS [--feedback]      collect a folder or zip, nbgrader autograde, score table
        [--jobs N] [--dask ADDRESS] [--db URL] [--force] [--verbose]   on every core, a cluster, PostgreSQL
    workshop grade --from-exchange [--exchange-dir DIR]   nbgrader collect from the exchange, then the same
    workshop kit [--to dist/] [--with-wheels]    the participant kit: release notebooks + course wheel, folder and zip
    workshop feedback [--exchange [--exchange-dir DIR]]   nbgrader generate_feedback for everything graded,
                                                 and release_feedback to the exchange
    workshop export [--to grades.csv]            nbgrader export
    workshop overview                            which tasks the class found hard
    workshop report [--to report.html]           the class's scores, mistakes and best models, with pictures
    workshop leaderboard [--to board.html] [--names]   06's class challenge ranked, one HTML page for the projector
    workshop selfgrade NOTEBOOK                  grade your own notebook, see score and feedback
    workshop hub CLASS.csv [--state DIR]         a JupyterHub for the class (as root): users, exchange, hub
    workshop demo [--all]                        the whole cycle on a bundled sample class
    workshop budget [--tasks]                    minutes per notebook: the estimate beside the header's
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from autograder.grading import steps
from autograder.paths import COURSE_ROOT, assignments


def _release(args) -> int:
    if args.check:
        problems = steps.release_differences()
        for problem in problems:
            print(problem)
        print("release/ is in sync with source/" if not problems else "run `workshop release` and commit release/")
        return 1 if problems else 0
    due = None
    if args.due:
        from autograder.hub.exchange import parse_due
        due = parse_due(args.due)
    if args.exchange:
        from autograder.hub import exchange
        for path in exchange.release(args.assignments or None, args.exchange_dir):
            print(f"released {path.name} to the exchange: {path}")
    else:
        for path in steps.release(args.assignments or None):
            print(f"wrote {path.relative_to(COURSE_ROOT)}")
    if due:
        from autograder.hub.exchange import set_due
        names = args.assignments or assignments()
        set_due(names, due)
        print(f"due {due:%Y-%m-%d %H:%M} UTC in the gradebook: {', '.join(names)} "
              "(late work loses 10 % of its score per started day)")
    return 0


def _validate(args) -> int:
    from autograder.authoring.validate import validate
    report = validate(args.assignments or None)
    for notebook, problems in report.items():
        print(f"{'ok  ' if not problems else 'FAIL'} {notebook}")
        for problem in problems:
            print(f"     {problem}")
    return 1 if any(report.values()) else 0


def _grade(args) -> int:
    from autograder.grading.grade_class import feedback_for, grade_class, write_feedback
    from autograder.reports.tables import score_table
    if args.from_exchange == (args.submissions is not None):
        raise ValueError("pass either a folder or zip of submissions, or --from-exchange")
    options = {"cell_timeout": args.timeout, "jobs": args.jobs, "dask": args.dask, "db_url": args.db,
               "force": args.force}
    if args.from_exchange:
        from autograder.hub import exchange
        results, found = exchange.grade(args.assignment or None, args.exchange_dir, **options)
    else:
        results, found = grade_class(args.submissions, only=args.assignment or None, **options)
    print(score_table(results, found, seconds=args.verbose))
    if args.feedback:
        written = write_feedback(feedback_for(results), db_url=args.db)
        print(f"\nwrote {len(written)} feedback reports under feedback/")
    return 0


def _kit(args) -> int:
    from autograder.authoring import kit
    folder, archive = kit.build(args.to.resolve(), with_wheels=args.with_wheels)
    print(f"wrote {folder} ({kit.size(folder) / 1e6:.1f} MB) and {archive} ({kit.size(archive) / 1e6:.1f} MB)")
    wheel = kit.wheel_name()
    print("participants run, in the kit folder: " + " ; ".join(kit.commands(wheel, args.with_wheels)))
    return 0


def _feedback(args) -> int:
    from autograder.grading.grade_class import write_feedback
    with steps.api().gradebook as gb:
        graded = [(s.student.id, a.name) for a in gb.assignments for s in a.submissions]
    paths = write_feedback(graded)
    for path in paths:
        print(f"wrote {path.relative_to(COURSE_ROOT)}")
    if args.exchange:
        from autograder.hub import exchange
        written = [(path.parent.parent.name, path.parent.name) for path in paths]
        released, skipped = exchange.release_feedback(written, args.exchange_dir)
        for line in skipped:
            print(f"not released: {line}")
        print(f"released {len(released)} feedback reports to the exchange: participants press Fetch Feedback")
    return 0


def _export(args) -> int:
    print(f"wrote {steps.export(steps.api(), args.to)}")
    return 0


def _overview(args) -> int:
    from autograder.reports.tables import overview
    with steps.api().gradebook as gb:
        print(overview(gb, COURSE_ROOT))
    return 0


def _report(args) -> int:
    from autograder.reports.class_report import build, summary, write
    if args.to is None:
        print(summary(build(COURSE_ROOT)))
        print("\nThe whole report with pictures: workshop report --to report.html")
        return 0
    path, report = write(args.to, COURSE_ROOT)
    print(summary(report))
    print(f"\nwrote {path}")
    return 0


def _leaderboard(args) -> int:
    from autograder.reports.leaderboard import board, write
    made = write(args.to, COURSE_ROOT, names=args.names)[1] if args.to else board(COURSE_ROOT, names=args.names)
    print(f"Class challenge ({made.assignment}): {len(made.ranked)} ranked, {len(made.unranked)} not ranked")
    print("\n".join(f"  {e.rank:>3}. {e.shown}: {e.score:.1%}" for e in made.ranked))
    print("\n".join(f"    -  {e.shown}: {e.reason}" for e in made.unranked))
    if args.to:
        print(f"\nwrote {args.to}")
    return 0


def _selfgrade(args) -> int:
    from autograder.grading.selfgrade import selfgrade
    graded, report = selfgrade(args.notebook)
    print(report)
    return 0 if graded.score is not None else 1


def _demo(args) -> int:
    from autograder.authoring.sample_class import EXPECTED, make_sample_class
    from autograder.grading.grade_class import feedback_for, grade_class, write_feedback
    from autograder.reports.tables import overview, score_table
    names = assignments() if args.all else assignments()[:2]
    print(f"1. release: nbgrader generate_assignment for {', '.join(names)}")
    steps.release(names)
    archive = make_sample_class(COURSE_ROOT / "demo" / "class.zip", names)
    print(f"2. a sample class as an LMS zip: {archive.relative_to(COURSE_ROOT)}")
    for student, expected in EXPECTED.items():
        print(f"     {student:13} {expected}")
    print("3. grade: collect the zip, nbgrader autograde each notebook")
    results, found = grade_class(archive, only=names, cell_timeout=args.timeout)
    print("\n" + score_table(results, found) + "\n")
    reports = len(write_feedback(feedback_for(results)))
    print(f"4. feedback: {reports} HTML reports under feedback/ (hidden tests removed)")
    print(f"5. export: {steps.export(steps.api(), COURSE_ROOT / 'demo' / 'grades.csv').relative_to(COURSE_ROOT)}")
    with steps.api().gradebook as gb:
        print("\n6. overview: which tasks the class found hard\n\n" + overview(gb, COURSE_ROOT))
    from autograder.reports.class_report import write
    path, _ = write(COURSE_ROOT / "demo" / "report.html")
    print(f"\n7. report: what the class found hard, with pictures: {path.relative_to(COURSE_ROOT)}")
    return 0


def _budget(args) -> int:
    from autograder.authoring.budget import table
    print(table(detail=args.tasks))
    return 0


def _hub(args) -> int:
    from autograder.hub import server as hub
    config, passwords = hub.setup(args.class_list, args.state, args.instructor, port=args.port)
    print(f"the class's JupyterHub: {config}")
    for name, password in passwords.items():
        print(f"  {name:24} {password if password else '(existed already: password unchanged)'}")
    if any(passwords.values()):
        print("these passwords are shown only now and stored nowhere: hand them out, or reset one with passwd NAME")
    if args.setup_only:
        print("start it with: " + " ".join(hub.command(config)))
        return 0
    print(f"JupyterHub on http://127.0.0.1:{args.port}/ (Ctrl-C stops it)", flush=True)
    os.chdir(args.state)
    os.execv(hub.command(config)[0], hub.command(config))
    return None


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="workshop", description=__doc__.split("\n")[0],
                                  formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    commands = top.add_subparsers(dest="command", required=True)

    p = commands.add_parser("release", help="regenerate release/ from source/")
    p.add_argument("assignments", nargs="*")
    p.add_argument("--check", action="store_true", help="fail if release/ differs from a fresh generation")
    p.add_argument("--exchange", action="store_true", help="also release to nbgrader's exchange (JupyterHub)")
    p.add_argument("--exchange-dir", type=Path, help="the exchange's root (default: nbgrader's, "
                   "/usr/local/share/nbgrader/exchange)")
    p.add_argument("--due", metavar="WHEN", help="the due date of these assignments in the gradebook, e.g. "
                   "'2026-12-03 18:00' (UTC) or 2026-12-03T18:00+01:00; later work loses 10 %% per started day")
    p.set_defaults(run=_release)

    p = commands.add_parser("validate", help="source passes, release fails with NotImplementedError")
    p.add_argument("assignments", nargs="*")
    p.set_defaults(run=_validate)

    p = commands.add_parser("grade", help="autograde a folder or zip of submissions, or the exchange's")
    p.add_argument("submissions", type=Path, nargs="?")
    p.add_argument("--from-exchange", action="store_true", help="nbgrader collect from the exchange, then grade")
    p.add_argument("--exchange-dir", type=Path, help="the exchange's root (default: nbgrader's)")
    p.add_argument("--assignment", action="append", help="grade only this assignment (repeatable)")
    p.add_argument("--timeout", type=int, default=steps.CELL_TIMEOUT, help="seconds per cell")
    p.add_argument("--feedback", action="store_true", help="also write feedback HTML")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                   help="notebooks graded at once by worker processes (default: one per core)")
    p.add_argument("--dask", metavar="ADDRESS",
                   help="grade on a Dask cluster: tcp://HOST:8786, or local[:N] to start one here with N workers")
    p.add_argument("--db", metavar="URL", help="the gradebook (default: sqlite:///gradebook.db in the course "
                   "folder), e.g. postgresql+psycopg2://USER:PASSWORD@HOST/DB")
    p.add_argument("--force", action="store_true", help="regrade every submission, changed or not")
    p.add_argument("--verbose", action="store_true", help="show the seconds each notebook took to grade")
    p.set_defaults(run=_grade)

    p = commands.add_parser("kit", help="the participant kit: release notebooks and the course wheel, no solutions")
    p.add_argument("--to", type=Path, default=Path("dist"), help="where the folder and zip go (default: dist/)")
    p.add_argument("--with-wheels", action="store_true",
                   help="also pip download every dependency into the kit, for an offline install (about 550 MB)")
    p.set_defaults(run=_kit)

    p = commands.add_parser("feedback", help="write feedback HTML for everything graded")
    p.add_argument("--exchange", action="store_true", help="also release it to nbgrader's exchange (JupyterHub)")
    p.add_argument("--exchange-dir", type=Path, help="the exchange's root (default: nbgrader's)")
    p.set_defaults(run=_feedback)

    p = commands.add_parser("export", help="write the grades as CSV")
    p.add_argument("--to", type=Path, default=Path("grades.csv"))
    p.set_defaults(run=_export)

    p = commands.add_parser("overview", help="per graded cell, how many earned its points")
    p.set_defaults(run=_overview)

    p = commands.add_parser("report", help="the class's report with pictures, as one HTML file")
    p.add_argument("--to", type=Path, help="write the HTML report here (without: print its summary)")
    p.set_defaults(run=_report)

    p = commands.add_parser("leaderboard", help="06's class challenge ranked, as an HTML page for the projector")
    p.add_argument("--to", type=Path, help="write the page here (without: print the ranking)")
    p.add_argument("--names", action="store_true",
                   help="show the names participants submitted (default: pseudonyms, stable per course)")
    p.set_defaults(run=_leaderboard)

    p = commands.add_parser("selfgrade", help="grade your own notebook")
    p.add_argument("notebook", type=Path)
    p.set_defaults(run=_selfgrade)

    p = commands.add_parser("hub", help="a JupyterHub for the class: Unix users from a CSV, the exchange, the hub")
    p.add_argument("class_list", type=Path, help="CSV with a name column (or one name a line)")
    p.add_argument("--state", type=Path, default=Path("/srv/workshop-hub"),
                   help="the hub's folder: its config, database and the exchange (default /srv/workshop-hub)")
    p.add_argument("--instructor", default="instructor", help="the instructor's Unix user (default instructor)")
    p.add_argument("--port", type=int, default=8000, help="the hub's port on 127.0.0.1 (default 8000)")
    p.add_argument("--setup-only", action="store_true", help="create users and config, do not start the hub")
    p.set_defaults(run=_hub)

    p = commands.add_parser("demo", help="release, grade a sample class, feedback, export")
    p.add_argument("--all", action="store_true", help="every assignment (slower), not just the first two")
    p.add_argument("--timeout", type=int, default=20, help="seconds per cell")
    p.set_defaults(run=_demo)

    p = commands.add_parser("budget", help="estimated minutes per notebook beside the header's (docs/ESTIMATING.md)")
    p.add_argument("--tasks", action="store_true", help="also every task's words, lines, concepts and minutes")
    p.set_defaults(run=_budget)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (ValueError, FileNotFoundError, RuntimeError) as error:
        print(f"workshop {args.command}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
