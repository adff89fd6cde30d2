"""Finding participants' notebooks in the layouts instructors get (no kernel needed)."""
import zipfile

import nbformat
import pytest

from autograder.collect import collect, student_id
from autograder.paths import RELEASE, notebook_path

NOTEBOOK = nbformat.writes(nbformat.read(notebook_path("01-neurons", RELEASE), as_version=4))


def _write(folder, files):
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


@pytest.mark.parametrize("raw, expected", [
    ("ada", "ada"), ("Ada Lovelace", "ada-lovelace"), ("lovelaceada_12345_67890", "lovelaceada"),
    ("lovelaceada_LATE_12345_67890", "lovelaceada"), ("Ada Lovelace_4242_assignsubmission_file_", "ada-lovelace"),
])
def test_student_ids_from_lms_names(raw, expected):
    assert student_id(raw) == expected


def test_one_folder_per_participant(tmp_path):
    source = _write(tmp_path / "in", {"ada/neurons.ipynb": NOTEBOOK, "Alan Turing/neurons.ipynb": NOTEBOOK,
                                      "ada/.ipynb_checkpoints/neurons-checkpoint.ipynb": NOTEBOOK})
    found = collect(source, tmp_path / "submitted")
    assert set(found.notebooks) == {("ada", "01-neurons"), ("alan-turing", "01-neurons")}
    assert (tmp_path / "submitted/alan-turing/01-neurons/neurons.ipynb").read_text() == NOTEBOOK
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
    from autograder.collect import Collection
    from autograder.grading import _missing
    found = Collection(problems=[("bob", "bob_neurons.ipynb is not a valid notebook (...)")])
    assert _missing(found, "bob", "01-neurons") == []
    assert _missing(found, "ada", "01-neurons") == ["missing neurons.ipynb"]
