"""Finding participants' notebooks in the layouts instructors get (no kernel needed)."""
import hashlib
import re
import stat
import unicodedata
import zipfile

import nbformat
import pytest

from autograder.grading.collect import collect, display_name, participant_name, student_id
from autograder.paths import RELEASE, notebook_path


def _hash(name):
    return hashlib.sha256(name.encode()).hexdigest()[:8]


NOTEBOOK = nbformat.writes(nbformat.read(notebook_path("01-neurons", RELEASE), as_version=4))


def _write(folder, files):
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


@pytest.mark.parametrize(("raw", "expected"), [
    ("ada", "ada"), ("ada-lovelace", "ada-lovelace"), ("lovelaceada_12345_67890", "lovelaceada"),
    ("lovelaceada_LATE_12345_67890", "lovelaceada"), ("Ada Lovelace", f"ada-lovelace-{_hash('Ada Lovelace')}"),
    ("Ada Lovelace_4242_assignsubmission_file_", f"ada-lovelace-{_hash('Ada Lovelace')}"),
])
def test_student_ids_from_lms_names(raw, expected):
    assert student_id(raw) == expected


def test_ids_are_unique_per_name_stable_and_safe():
    names = ["Zoë Ångström (2)", "Zoé Ångström (2)", "zoe angstrom 2", "ZOE-ANGSTROM-2", "名前", "Robert'); DROP",
             "a" * 300, "x\ny"]
    ids = [student_id(n) for n in names]
    assert len(set(ids)) == len(names)
    assert ids == [student_id(n) for n in names]                       # stable
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9._@-]{0,63}", i) for i in ids)
    nfd = unicodedata.normalize("NFD", names[0])
    assert student_id(nfd) == ids[0], "a Mac's decomposed file name is the same person"
    assert display_name("Zoë Ångström (2)_1234_5678") == "Zoë Ångström (2)"


@pytest.mark.parametrize("raw", ["", ".", "..", "  ", "_1234_5678", "..."])
def test_empty_and_dot_names_are_rejected(raw):
    with pytest.raises(ValueError, match="no participant name"):
        student_id(raw)


def test_two_names_never_merge_and_the_name_is_kept(tmp_path):
    source = _write(tmp_path / "in", {"Zoë Ångström (2)/neurons.ipynb": NOTEBOOK,
                                      "Zoé Ångström (2)_neurons.ipynb": NOTEBOOK, "_neurons.ipynb": NOTEBOOK})
    found = collect(source, tmp_path / "submitted")
    assert len(found.notebooks) == 2
    assert sorted(found.names.values()) == ["Zoé Ångström (2)", "Zoë Ångström (2)"]
    for student in found.students:
        assert participant_name(tmp_path / "submitted" / student) == found.name(student)
    assert any(who == "" and "no participant name" in p for who, p in found.problems)


def test_zip_entries_outside_the_zip_or_links_are_refused(tmp_path):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("ada_neurons.ipynb", NOTEBOOK)
        z.writestr("../../evil_neurons.ipynb", NOTEBOOK)
        z.writestr("/etc/cron.d/evil_neurons.ipynb", NOTEBOOK)
        link = zipfile.ZipInfo("link_neurons.ipynb")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(link, "/etc/passwd")
    found = collect(archive, tmp_path / "out" / "submitted")
    assert set(found.notebooks) == {("ada", "01-neurons")}
    problems = [p for _, p in found.problems]
    assert sum("leads outside the zip" in p for p in problems) == 2
    assert any("a link, not a file" in p for p in problems)
    assert not (tmp_path / "evil_neurons.ipynb").exists()
    assert not list(tmp_path.glob("**/evil*"))


def test_empty_and_invalid_files_are_reported(tmp_path):
    source = _write(tmp_path / "in", {"ada_neurons.ipynb": "", "bob_neurons.ipynb": "\x00\x01 not json"})
    found = collect(source, tmp_path / "submitted")
    problems = dict(found.problems)
    assert "is empty" in problems["ada"]
    assert "not a valid notebook" in problems["bob"]


def test_one_folder_per_participant(tmp_path):
    source = _write(tmp_path / "in", {"ada/neurons.ipynb": NOTEBOOK, "Alan Turing/neurons.ipynb": NOTEBOOK,
                                      "ada/.ipynb_checkpoints/neurons-checkpoint.ipynb": NOTEBOOK})
    found = collect(source, tmp_path / "submitted")
    alan = student_id("Alan Turing")
    assert set(found.notebooks) == {("ada", "01-neurons"), (alan, "01-neurons")}
    assert found.name(alan) == "Alan Turing"
    assert (tmp_path / f"submitted/{alan}/01-neurons/neurons.ipynb").read_text() == NOTEBOOK
    assert found.problems == []


def test_flat_lms_zip_with_bad_files(tmp_path):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("ada_neurons.ipynb", NOTEBOOK)
        z.writestr("grace_1234_5678_neurons-1.ipynb", NOTEBOOK)
        z.writestr("bob_neurons.ipynb", "{ not json")
        z.writestr("bob_essay.docx", "...")
        z.writestr("__MACOSX/._ada_neurons.ipynb", "junk")
    found = collect(archive, tmp_path / "submitted")
    assert set(found.notebooks) == {("ada", "01-neurons"), ("grace", "01-neurons")}
    problems = dict(found.problems)
    assert "not a valid notebook" in problems["bob"]
    assert any(who == "bob" and p.startswith("ignored bob_essay.docx: not one of the workshop's notebooks")
               for who, p in found.problems)
    assert found.students == ["ada", "bob", "grace"]


def test_an_unusable_notebook_is_a_problem_of_its_assignment(tmp_path):
    source = _write(tmp_path / "in", {"Ada Lovelace/neurons.ipynb": "{ not json", "Ada Lovelace/notes.txt": "x"})
    found = collect(source, tmp_path / "submitted")
    [(who, problem)] = found.assignment_of
    assert problem.startswith("Ada Lovelace/neurons.ipynb is not a valid notebook")
    assert found.assignment_of[who, problem] == "01-neurons"
    assert len(found.problems) == 2, "the stray file is a problem of no one assignment"


def test_two_copies_of_a_notebook_are_reported(tmp_path):
    source = _write(tmp_path / "in", {"ada_neurons.ipynb": NOTEBOOK, "ada_neurons-1.ipynb": NOTEBOOK})
    found = collect(source, tmp_path / "submitted")
    assert any("two files for neurons.ipynb" in p for _, p in found.problems)


def test_missing_source_says_what_to_pass(tmp_path):
    with pytest.raises(FileNotFoundError, match="pass the folder or zip"):
        collect(tmp_path / "nowhere", tmp_path / "submitted")
    (tmp_path / "grades.txt").write_text("x")
    with pytest.raises(ValueError, match="neither a folder nor a zip"):
        collect(tmp_path / "grades.txt", tmp_path / "submitted")


def test_a_missing_notebook_is_named_unless_a_problem_explains_it():
    from autograder.grading.collect import Collection
    from autograder.grading.grade_class import _missing
    found = Collection(problems=[("bob", "bob_neurons.ipynb is not a valid notebook (...)")])
    assert _missing(found, "bob", "01-neurons") == []
    assert _missing(found, "ada", "01-neurons") == ["missing neurons.ipynb"]
