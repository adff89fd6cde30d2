"""course.digits: the shipped digits, photos of digit sheets, and datasets read from local files."""
import gzip
import socket
import time

import cv2
import numpy as np
import pytest

from course import digits
from course.digits import (
    augment_shifts,
    challenge_sheet,
    digit_sheet,
    iou,
    load_digits_28,
    load_fer2013,
    load_local_digits,
    match_boxes,
    reading_accuracy,
    validation_split,
)


@pytest.fixture
def offline(monkeypatch):
    """Any attempt to open a network connection fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("course.digits tried to use the network")
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_digits_load_offline_as_float32_in_unit_range(offline):
    digits._mnist_5k.cache_clear()
    x, y = load_digits_28("train")
    assert x.shape == (4000, 28, 28)
    assert x.dtype == np.float32
    assert y.shape == (4000,)
    assert x.min() == 0.0
    assert x.max() == 1.0
    assert np.array_equal(np.bincount(y), [400] * 10)


def test_split_is_stratified_disjoint_and_deterministic():
    x_train, _ = load_digits_28("train")
    x_test, y_test = load_digits_28("test")
    assert np.array_equal(np.bincount(y_test), [100] * 10)
    assert not {a.tobytes() for a in x_train} & {a.tobytes() for a in x_test}
    again, _ = load_digits_28("test")
    assert np.array_equal(x_test, again)
    x_all, _ = load_digits_28("all")
    assert len(x_all) == 5000


def test_loaded_arrays_are_copies():
    x, _ = load_digits_28("test")
    x[:] = 0
    assert load_digits_28("test")[0].max() == 1.0


def test_unknown_split_is_refused():
    with pytest.raises(ValueError, match="split"):
        load_digits_28("validation")


def test_augment_shifts_moves_each_digit_by_at_most_max_shift():
    x, y = load_digits_28("test")
    x, y = x[:50], y[:50]
    more, labels = augment_shifts(x, y, copies=2, max_shift=2, seed=1)
    assert more.shape == (150, 28, 28)
    assert np.array_equal(labels, np.tile(y, 3))
    assert np.array_equal(more[:50], x)
    for original, copy in zip(np.tile(x, (2, 1, 1)), more[50:], strict=False):
        padded = np.pad(original, 2)
        assert any(np.array_equal(copy, padded[a:a + 28, b:b + 28]) for a in range(5) for b in range(5))


def test_digit_sheet_is_seeded_and_consistent():
    sheet = digit_sheet(7)
    assert sheet.image.shape == (480, 640, 3)
    assert sheet.image.dtype == np.uint8
    assert len(sheet.labels) == len(sheet.boxes) == 24
    assert all(isinstance(d, int) and 0 <= d <= 9 for d in sheet.labels)
    assert np.array_equal(sheet.image, digit_sheet(7).image)
    assert sheet.labels == digit_sheet(7).labels
    assert not np.array_equal(sheet.image, digit_sheet(8).image)
    for x, y, w, h in sheet.boxes:
        assert x >= 0
        assert y >= 0
        assert x + w <= 640
        assert y + h <= 480
        assert 15 <= h <= 80


def test_digit_sheet_boxes_are_in_reading_order():
    for seed in range(5):
        boxes = digit_sheet(seed, rows=3, cols=5).boxes
        rows = [boxes[i:i + 5] for i in range(0, 15, 5)]
        for row in rows:
            assert [b[0] for b in row] == sorted(b[0] for b in row)
        for upper, lower in zip(rows, rows[1:], strict=False):
            assert max(b[1] + b[3] / 2 for b in upper) < min(b[1] + b[3] / 2 for b in lower)


def test_digit_sheet_draws_held_out_digits():
    images, _ = digits._sheet_digits()
    test = {a.tobytes() for a in (load_digits_28("test")[0] * 255).round().astype(np.uint8)}
    assert all(a.tobytes() in test for a in images)


def test_blank_sheet_and_other_sizes():
    blank = digit_sheet(3, rows=0)
    assert blank.labels == []
    assert blank.boxes == []
    small = digit_sheet(3, rows=2, cols=3, size=(240, 320))
    assert small.image.shape == (240, 320, 3)
    assert len(small.boxes) == 6


def test_digit_sheet_speed():
    start = time.perf_counter()
    for seed in range(20):
        digit_sheet(seed)
    print(f"digit_sheet: {(time.perf_counter() - start) / 20 * 1000:.1f} ms a sheet")


def test_scoring_helpers():
    assert iou((0, 0, 10, 10), (0, 0, 10, 10)) == 1.0
    assert iou((0, 0, 10, 10), (20, 20, 5, 5)) == 0.0
    assert match_boxes([(21, 20, 10, 10), (0, 0, 10, 10)], [(0, 0, 10, 10), (50, 50, 5, 5)]) == [1, None]
    assert reading_accuracy([1, 2, 3, 4], [1, 2, 3, 4]) == 1.0
    assert reading_accuracy([1, 2, 3, 4], [1, 2, 4]) == 0.75
    assert reading_accuracy([1, 2, 3], [1, 2, 3, 3, 3, 3]) == 0.5
    assert reading_accuracy([], []) == 0.0


def _idx(path, array):
    header = bytes([0, 0, 8, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    with gzip.open(path, "wb") as file:
        file.write(header + array.astype(np.uint8).tobytes())


def test_local_mnist_from_npz_and_idx(tmp_path):
    rng = np.random.default_rng(0)
    images, labels = rng.integers(0, 256, (3, 28, 28), dtype=np.uint8), np.array([5, 0, 4], np.uint8)
    np.savez(tmp_path / "mnist.npz", x_train=images, y_train=labels, x_test=images[:1], y_test=labels[:1])
    x, y = load_local_digits(tmp_path / "mnist.npz")
    assert x.dtype == np.float32
    assert np.allclose(x * 255, images)
    assert y.tolist() == [5, 0, 4]
    assert load_local_digits(tmp_path / "mnist.npz", "test")[0].shape == (1, 28, 28)
    folder = tmp_path / "fashion"
    folder.mkdir()
    _idx(folder / "t10k-images-idx3-ubyte.gz", images)
    _idx(folder / "t10k-labels-idx1-ubyte.gz", labels)
    x, y = load_local_digits(folder, "test")
    assert np.allclose(x * 255, images)
    assert y.tolist() == [5, 0, 4]


def test_fer2013_from_csv(tmp_path):
    pixels = " ".join(["7"] * 48 * 48)
    rows = [f"3,{pixels},Training", f"6,{pixels},PublicTest", f"0,{pixels},Training"]
    (tmp_path / "fer2013.csv").write_text("emotion,pixels,Usage\n" + "\n".join(rows) + "\n")
    x, y = load_fer2013(tmp_path / "fer2013.csv")
    assert x.shape == (2, 48, 48)
    assert x.dtype == np.float32
    assert y.tolist() == [3, 0]
    assert np.allclose(x, 7 / 255)
    assert load_fer2013(tmp_path / "fer2013.csv", "val")[1].tolist() == [6]


@pytest.mark.parametrize(("load", "url"), [(load_local_digits, digits.MNIST_URL), (load_fer2013, "kaggle.com")])
def test_missing_file_says_how_to_get_it(tmp_path, load, url):
    with pytest.raises(FileNotFoundError) as missing:
        load(tmp_path / "nowhere.file")
    message = str(missing.value)
    assert "\n" not in message
    assert "download it from" in message
    assert url in message


def test_validation_split_is_stratified_disjoint_and_seeded():
    x, y = load_digits_28("train")
    x_fit, y_fit, x_val, y_val = validation_split(x, y, fraction=0.1, seed=0)
    assert len(y_fit) == 3600
    assert len(y_val) == 400
    assert np.array_equal(np.bincount(y_val), [40] * 10)
    assert not {a.tobytes() for a in x_fit} & {a.tobytes() for a in x_val}
    again = validation_split(x, y, fraction=0.1, seed=0)
    assert np.array_equal(again[2], x_val)
    assert np.array_equal(again[3], y_val)
    assert not np.array_equal(validation_split(x, y, fraction=0.1, seed=1)[2], x_val)
    # the reason for the split: Keras' validation_split would take the last tenth, one class only
    assert len(set(y[-400:].tolist())) == 1


def test_challenge_sheets_are_harder_sheets_of_held_out_digits():
    sheet = challenge_sheet(5)
    rows, cols = digits.CHALLENGE["rows"], digits.CHALLENGE["cols"]
    assert sheet.image.shape == (*digits.CHALLENGE["size"], 3)
    assert sheet.image.dtype == np.uint8
    assert len(sheet.labels) == len(sheet.boxes) == rows * cols > 24
    assert np.array_equal(sheet.image, challenge_sheet(5).image)
    assert sheet.labels == challenge_sheet(5).labels
    plain = digit_sheet(5, rows, cols, digits.CHALLENGE["size"])
    assert plain.labels == sheet.labels  # the same held-out digits, drawn harder
    assert not np.array_equal(plain.image, sheet.image)
    for x, y, w, h in sheet.boxes:
        assert x >= 0
        assert y >= 0
        assert x + w <= sheet.image.shape[1]
        assert y + h <= sheet.image.shape[0]
        assert h >= 12
    # the second shadow and dimmer light: the paper is darker and less even than on a plain sheet
    paper = [cv2.cvtColor(s.image, cv2.COLOR_BGR2GRAY)[::8, ::8] for s in (plain, sheet)]
    assert np.percentile(paper[1], 50) < np.percentile(paper[0], 50)


def test_harder_is_off_by_default():
    assert np.array_equal(digit_sheet(11).image, digit_sheet(11, harder=False).image)


# --- 06's figures that read the learner's own work ----------------------------------------

def test_training_curves_draw_training_and_validation_for_each_metric():
    import matplotlib
    matplotlib.use("Agg")
    from types import SimpleNamespace

    from course.plots import pipeline as plots
    history = SimpleNamespace(history={"loss": [1.0, 0.5, 0.3], "accuracy": [0.6, 0.8, 0.9],
                                       "val_loss": [0.8, 0.5, 0.4], "val_accuracy": [0.7, 0.85, 0.88]})
    figure = plots.training_curves(history)
    for ax, metric in zip(figure.axes, ("loss", "accuracy"), strict=False):
        lines = {line.get_label(): line for line in ax.get_lines()}
        assert {"training", "validation"} <= set(lines)
        assert list(lines["validation"].get_ydata()) == history.history[f"val_{metric}"]
        assert [t.get_text() for t in ax.get_legend().get_texts()][:2] == ["training", "validation"]


def test_stages_come_from_the_learners_own_function():
    """The figure below preprocess_sheet shows what the learner's function computed, never a recipe."""
    from course.plots import pipeline as plots

    def otsu_only(image_bgr):
        gray = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY)
        return cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]

    sheet = digit_sheet(3)
    stages = plots.own_stages(otsu_only, sheet.image)
    assert list(stages) == ["photo", "1. cvtColor", "2. threshold", "your preprocess_sheet"]
    assert np.array_equal(stages["your preprocess_sheet"], otsu_only(sheet.image))
    assert otsu_only.__globals__["cv2"] is cv2  # the learner's namespace is given back
