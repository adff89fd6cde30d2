"""Made-up inputs for the checks of 06-pipeline: clean binary sheets, digit crops,
a tiny CNN and a stand-in model whose answers are known in advance.

They are data and props, not checks: the public checks (``course.checks.pipeline``)
and the grader's questions (``autograder.hidden.pipeline``) both draw on them.
"""
from __future__ import annotations

import contextlib
import io

import cv2
import numpy as np

from course.digits import load_digits_28

__all__ = ["quiet", "binary_sheet", "digit_crops", "small_cnn", "CountingModel"]


@contextlib.contextmanager
def quiet():
    """Keep Keras' progress bars out of a check's output."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


def _keras():
    import keras  # imported on first use: the other notebooks' checks must stay light
    return keras


def _digit(images, size, rng):
    """A test digit drawn ``size`` pixels high as one blob at least 70 % as tall (broken ones are redrawn)."""
    for _ in range(20):
        digit = cv2.resize(images[rng.integers(len(images))], (size, size)) > 0.5
        _, labels, stats, _ = cv2.connectedComponentsWithStats(digit.astype(np.uint8))
        largest = 1 + np.argmax(stats[1:, cv2.CC_STAT_AREA])
        if stats[largest, cv2.CC_STAT_HEIGHT] >= 0.7 * size:
            break
    return labels == largest  # the digit in one piece


def binary_sheet(seed, rows=3, cols=5, specks=15, tilt=1.5):
    """A clean binary sheet: test digits on rows tilted by up to ``tilt`` degrees, specks, and the
    true boxes in reading order."""
    rng = np.random.default_rng(seed)
    images, _ = load_digits_28("test")
    height, width = 110 * max(rows, 1) + 40, 105 * max(cols, 1) + 40
    binary = np.zeros((height, width), np.uint8)
    slope = np.tan(np.deg2rad(rng.uniform(-tilt, tilt)))
    boxes = []
    for r in range(rows):
        for c in range(cols):
            size = int(rng.integers(36, 64))
            digit = _digit(images, size, rng)
            cx = 70 + c * 105 + int(rng.integers(-8, 9))
            cy = 75 + r * 110 + slope * (cx - width / 2) + int(rng.integers(-4, 5))
            top, left = int(cy - size / 2), int(cx - size / 2)
            binary[top:top + size, left:left + size][digit] = 255
            ys, xs = np.nonzero(digit)
            boxes.append((left + int(xs.min()), top + int(ys.min()), int(np.ptp(xs)) + 1, int(np.ptp(ys)) + 1))
    room = np.ones_like(binary, bool)                # specks fall on blank paper, not into a digit's box
    for x, y, w, h in boxes:
        room[max(y - 4, 0):y + h + 4, max(x - 4, 0):x + w + 4] = False
    for _ in range(specks):
        x, y, s = int(rng.integers(5, width - 9)), int(rng.integers(5, height - 9)), int(rng.integers(1, 5))
        if room[y:y + s, x:x + s].all():
            binary[y:y + s, x:x + s] = 255
    return binary, boxes


def digit_crops(seed, count=6):
    """Crops of digits as find_digit_boxes cuts them, plus shapes whose mass sits off the box centre."""
    binary, boxes = binary_sheet(seed, rows=1, cols=count, specks=0)
    crops = [binary[y:y + h, x:x + w] for x, y, w, h in boxes]
    seven = np.zeros((40, 30), np.uint8)            # a heavy top bar on a stem: the mass sits high up
    seven[:6, :] = 255
    seven[6:, 11:19] = 255
    ell = np.zeros((24, 44), np.uint8)              # wide, with its mass on the left
    ell[:, :14] = 255
    ell[18:, :] = 255
    one = np.zeros((46, 6), np.uint8)               # tall and thin
    one[:, 1:5] = 255
    return crops + [seven, ell, one]


def small_cnn(seed):
    """A tiny compiled CNN without dropout, the same every time for the same seed."""
    keras = _keras()
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(4, 3, activation="relu"),
                              keras.layers.MaxPooling2D(4), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


class CountingModel:
    """A stand-in network: the k-th image it is ever shown is read as digit k % 10, whatever it shows.

    With it, what read_sheet returns is known in advance (0, 1, 2, ... in the order of the images),
    whatever the model and the three steps before it do.
    """

    def __init__(self):
        self.shapes = []

    def _answer(self, batch):
        batch = np.asarray(batch)
        start = sum(shape[0] for shape in self.shapes)
        self.shapes.append(batch.shape)
        return np.eye(10, dtype=np.float32)[(start + np.arange(len(batch))) % 10]

    def predict(self, batch, batch_size=None, verbose="auto", **options):
        return self._answer(batch)

    def predict_on_batch(self, batch):
        return self._answer(batch)

    def __call__(self, batch, training=False):
        return _keras().ops.convert_to_tensor(self._answer(batch))
