"""Public checks for 06-pipeline: sheets, boxes, MNIST inputs, the CNN, and faces.

Each check measures what a step must achieve (digits found, reading order, a
20 × 20 digit centred by its mass, a softmax CNN within budget, a repeatable
training run that watches the validation digits it was given, faces found)
and says which of the classic mistakes it sees.
The ``expect_*`` helpers judge plain data (a binary image, boxes, a model's
description from ``course.answering.probes``), so the grader judges its own cases with
the same messages. Made-up inputs (binary sheets, crops, a tiny CNN) live in
``course.fixtures``.
"""
from __future__ import annotations

import functools

import cv2
import numpy as np
from scipy import ndimage

from course.answering.answers import replaced
from course.answering.probes import describe_model, history_content, predict, training_run
from course.checking import (
    CheckFailed,
    NotImplementedError,
    call,
    describe,
    diagnoses,
    expect_answered,
    learner_facing,
    passed,
    respond,
)
from course.digits import digit_sheet, iou, load_digits_28, match_boxes, reading_accuracy
from course.fixtures import CountingModel, binary_sheet, digit_crops, quiet
from course.photos import astronaut, china

MIN_FOUND, MAX_EXTRA = 0.95, 2.5     # preprocess_sheet: digits found, extra blobs per sheet
MIN_HEIGHT = 12                      # a blob shorter than this is a speck
MAX_PARAMS, TARGET_ACCURACY, TARGET_READING = 200_000, 0.97, 0.95
FACES = {"astronaut": (177, 66, 95, 95), "grace_hopper": (155, 105, 222, 222)}  # where the faces are
# The diagnosis of each classic mistake, by id "<function>.<what>" (the hidden checks and the catalogue name them).
MISTAKES = {
    "face_to_input.not_equalized": "The face was not equalized: cv2.equalizeHist the gray crop.",
    "face_to_input.inter_linear": "Resized with the default INTER_LINEAR: shrink with interpolation=cv2.INTER_AREA.",
    "face_to_input.bgr_as_rgb": "Converted as if the image were RGB: OpenCV images are BGR (cv2.COLOR_BGR2GRAY).",
    "face_to_input.equalized_after_resize": "Equalized after resizing: equalize the crop first, then resize.",
    "face_to_input.crop_swapped": "Cropped image[x:x + w, y:y + h]: rows are y, columns x, so crop image[y:y + h, x:x "
        "+ w].",
}


def diagnosed(outputs):
    """{diagnosis: output} for {mistake id: output}: ``mistakes`` for ``expect_array``."""
    return diagnoses(MISTAKES, outputs)

__all__ = ["preprocess_sheet", "find_digit_boxes", "to_mnist", "build_model", "train_model", "trained_model",
           "read_sheet", "whole_pipeline", "detect_faces", "face_to_input", "quiet", "blobs", "MISTAKES", "diagnosed"]


def as_numbers(value) -> np.ndarray | None:
    """``value`` as a float array if it is a numeric array, else None."""
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return value.astype(float)
    return None


# --- preprocess_sheet ------------------------------------------------------------------

def blobs(binary, min_height=MIN_HEIGHT):
    """Boxes (x, y, w, h) of the white blobs at least ``min_height`` tall, in no particular order."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(np.asarray(binary, np.uint8), connectivity=8)
    return [tuple(int(v) for v in stats[i, :4]) for i in range(1, count) if stats[i, 3] >= min_height]


def expect_binary(got, image, where):
    """Type, shape, dtype and values of a binary image, in the order a learner fixes them."""
    if got is None:
        raise CheckFailed(f"{where} returned None; did you forget the `return` statement?")
    if not isinstance(got, np.ndarray):
        raise CheckFailed(f"{where} returned {type(got).__name__}; expected a NumPy array (an OpenCV image).")
    if got.shape != image.shape[:2]:
        hint = " Convert the photo to gray first: one channel." if got.ndim == 3 else ""
        raise CheckFailed(f"{where} returned shape {got.shape}; expected {image.shape[:2]}, the photo's "
                          f"height and width.{hint}")
    if got.dtype == bool:
        raise CheckFailed(f"{where} returned booleans; expected uint8 with 0 and 255 "
                          "(e.g. mask.astype(np.uint8) * 255).")
    if got.dtype != np.uint8:
        raise CheckFailed(f"{where} returned dtype {got.dtype}; expected uint8, OpenCV's image type.")
    levels = np.unique(got)
    if set(levels.tolist()) <= {0, 1} and 1 in levels:
        raise CheckFailed(f"{where} returned only 0 and 1; white is 255 in an 8-bit image (use maxval 255).")
    if not set(levels.tolist()) <= {0, 255}:
        raise CheckFailed(f"{where} has {len(levels)} gray levels (e.g. {levels[len(levels) // 2]}); a "
                          "binary image has only 0 and 255: threshold it.")
    white = float(np.mean(got == 255))
    if white > 0.75:  # a shadow under one global threshold whitens less: expect_digits_found says so
        raise CheckFailed(f"{where} is {white:.0%} white: the paper came out as the foreground. Use "
                          "cv2.THRESH_BINARY_INV, so that dark ink becomes white (255) and paper black (0).")


def expect_digits_found(results):
    """Fail unless the binary images find the sheets' digits as separate blobs.

    ``results`` holds ``(name, image, binary, true boxes)`` for each sheet, ``binary``
    being what preprocess_sheet returned for ``image``.
    """
    found = total = extra = 0
    notes = []
    for name, image, binary, truth in results:
        expect_binary(binary, image, f"preprocess_sheet({name})")
        boxes = blobs(binary)
        matched = match_boxes(boxes, truth)
        found += sum(m is not None for m in matched)
        total += len(truth)
        extra += len(boxes) - len({m for m in matched if m is not None})
        notes.append(_why_missing(binary, truth, matched, name))
    names = [name for name, *_ in results]
    if found < MIN_FOUND * total:
        note = next((n for n in notes if n), "")
        raise CheckFailed(f"preprocess_sheet found {found} of the {total} digits on {', '.join(names)} as "
                          f"separate white blobs; at least {MIN_FOUND:.0%} should be. {note}")
    if extra > MAX_EXTRA * len(results):
        raise CheckFailed(f"preprocess_sheet left {extra} white blobs of digit size that are not digits on "
                          f"{len(results)} sheets: noise or shadow edges survive. Blur before thresholding, open "
                          "(erode, then dilate) after it, or raise the threshold's offset C.")


def _why_missing(binary, truth, matched, name):
    """A diagnosis for the digits a binary image lost."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    largest = stats[1:, cv2.CC_STAT_AREA].max(initial=0) / binary.size
    if largest > 0.03:
        return (f"On {name} one white region covers {largest:.0%} of the photo: the shadow or a dim "
                "corner crossed the threshold. A single threshold cannot follow uneven light: use "
                "cv2.adaptiveThreshold (or even out the light first).")
    for box, m in zip(truth, matched, strict=False):
        if m is None:
            x, y, w, h = box
            pieces = len(set(np.unique(labels[y:y + h, x:x + w]).tolist()) - {0})
            state = f"in {pieces} pieces" if pieces > 1 else "missing"
            return (f"On {name} the digit at {tuple(box)} is {state}: where the light is dim its strokes are "
                    "barely darker than the paper. Raise the contrast first (CLAHE) or lower the offset C.")
    return ""


@learner_facing
def preprocess_sheet(preprocess_sheet):
    results = []
    for seed in (1, 2):
        sheet = digit_sheet(seed)
        binary = call(preprocess_sheet, sheet.image, name="preprocess_sheet")
        results.append((f"digit_sheet({seed}).image", sheet.image, binary, sheet.boxes))
    expect_digits_found(results)
    passed("preprocess_sheet")


# --- find_digit_boxes ------------------------------------------------------------------

def expect_box_list(got, where):
    """A learner's boxes as an int array (n, 4), or a message saying why they are not boxes."""
    if got is None:
        raise CheckFailed(f"{where} returned None; did you forget the `return` statement?")
    if not isinstance(got, (list, tuple, np.ndarray)):
        raise CheckFailed(f"{where} returned {type(got).__name__}; expected a list of (x, y, w, h) tuples.")
    try:
        array = np.asarray(got)
    except ValueError:  # ragged
        array = np.asarray(got, dtype=object)
    if array.size == 0:
        return np.zeros((0, 4), int)
    if array.ndim == 1 and array.shape[0] == 4 and np.issubdtype(array.dtype, np.number):
        raise CheckFailed(f"{where} returned one box {describe(got)}; expected a list of boxes, even for one.")
    if array.ndim != 2 or array.shape[1] != 4 or not np.issubdtype(array.dtype, np.number):
        raise CheckFailed(f"{where} returned {describe(got)}; expected a list of (x, y, w, h) tuples of 4 ints.")
    return array.astype(int)


def expect_boxes(got, truth, binary, where):
    """Compare boxes with the truth: count, then each box, then the order, with a diagnosis."""
    got = expect_box_list(got, where)
    truth = np.asarray(truth, int).reshape(-1, 4)
    corners = truth.copy()
    corners[:, 2:] += truth[:, :2]
    if len(got) == len(truth) and len(got) and np.abs(np.sort(got, 0) - np.sort(corners, 0)).max() <= 1:
        raise CheckFailed(f"{where} returned boxes like {tuple(got.tolist()[0])}: corners (x1, y1, x2, y2). A box is "
                          "(x, y, w, h): width and height, as cv2.boundingRect gives them.")
    matched = match_boxes(got.tolist(), truth.tolist(), min_iou=0.7)
    missing = [tuple(b) for b, m in zip(truth.tolist(), matched, strict=False) if m is None]
    extra = [tuple(b) for i, b in enumerate(got.tolist()) if i not in set(matched)]
    if extra:
        small = [b for b in extra if b[3] < MIN_HEIGHT]
        if small:
            raise CheckFailed(f"{where} returned {len(got)} boxes for {len(truth)} digits; {len(small)} are "
                              f"specks, e.g. {small[0]} ({small[0][3]} px tall). Leave out blobs less than "
                              f"{MIN_HEIGHT} pixels tall (or of a small area).")
        inside = [b for b in extra if any(_contains(t, b) for t in truth.tolist())]
        if inside:
            raise CheckFailed(f"{where} returned {len(got)} boxes for {len(truth)} digits, some inside others, "
                              f"e.g. {inside[0]}: the holes of 0, 6, 8 and 9 have outlines too. Use "
                              "cv2.RETR_EXTERNAL to get only the outer ones.")
        raise CheckFailed(f"{where} returned a box that is no digit: {extra[0]}.")
    if missing:
        raise CheckFailed(f"{where} missed {len(missing)} of {len(truth)} digits, e.g. the one at {missing[0]} "
                          f"({missing[0][3]} px tall, {missing[0][2]} wide). Is your speck filter too strict? "
                          "A thin 1 has a small area but is as tall as the other digits.")
    order = [matched.index(i) for i in range(len(got))]
    if order != sorted(order):
        raise CheckFailed(f"{where} returned the right boxes in the wrong order: "
                          + _order_diagnosis(got, truth, binary))


def _contains(outer, inner):
    return (outer[0] <= inner[0] and outer[1] <= inner[1] and inner[0] + inner[2] <= outer[0] + outer[2]
            and inner[1] + inner[3] <= outer[1] + outer[3] and tuple(outer) != tuple(inner))


def _order_diagnosis(got, truth, binary):
    """Which wrong order the boxes are in."""
    got_list = [tuple(b) for b in got.tolist()]
    contours, _ = cv2.findContours(binary, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    opencv = [b for b in map(cv2.boundingRect, contours) if b in set(got_list)]
    if got_list == opencv:
        return ("that is the order cv2.findContours returns them in. Sort them into reading order: rows "
                "top to bottom, each row left to right.")
    if got_list == sorted(got_list, key=lambda b: (b[1], b[0])):
        return ("sorted by y, then x. The rows are slightly tilted and the digits differ in size, so the "
                "digits of one row do not share a y: group the boxes into rows first (a new row where the "
                "vertical centres jump), then sort each row by x.")
    if got_list == sorted(got_list):
        return "sorted by x alone: that reads column by column. Group the boxes into rows first."
    first = next(i for i, (a, b) in enumerate(zip(got_list, truth.tolist(), strict=False)) if iou(a, b) < 0.7)
    return (f"box {first} is {got_list[first]}, but digit {first} in reading order (rows top to bottom, each "
            f"row left to right) is at {tuple(int(v) for v in truth[first])}.")


@learner_facing
def find_digit_boxes(find_digit_boxes):
    for seed in (1, 2):
        binary, truth = binary_sheet(seed)
        expect_boxes(call(find_digit_boxes, binary, name="find_digit_boxes"), truth, binary,
                     f"find_digit_boxes(binary sheet {seed})")
    passed("find_digit_boxes")


# --- to_mnist ------------------------------------------------------------------------------

def ink_box(image, level=0.25):
    """(rows, cols) of the bounding box of the pixels brighter than ``level``."""
    rows, cols = np.nonzero(np.asarray(image) > level)
    return (int(np.ptp(rows)) + 1, int(np.ptp(cols)) + 1) if rows.size else (0, 0)


def expect_mnist(got, crop, where):
    """What an MNIST-style image must be: type, shape, dtype, range, size, aspect ratio, centre of mass."""
    if got is None:
        raise CheckFailed(f"{where} returned None; did you forget the `return` statement?")
    if not isinstance(got, np.ndarray):
        raise CheckFailed(f"{where} returned {type(got).__name__}; expected a NumPy array.")
    if got.shape != (28, 28):
        hint = " Drop the channel axis: read_sheet adds it to the whole batch." if got.shape == (28, 28, 1) else ""
        raise CheckFailed(f"{where} returned shape {got.shape}; expected (28, 28).{hint}")
    if got.dtype != np.float32:
        raise CheckFailed(f"{where} returned dtype {got.dtype}; expected float32, what Keras computes in "
                          "(e.g. .astype(np.float32)).")
    if not np.all(np.isfinite(got)):
        raise CheckFailed(f"{where} returned NaN or infinite values; is the crop empty?")
    if got.max() > 1.0 + 1e-5:
        raise CheckFailed(f"{where} has values up to {got.max():.4g}; MNIST inputs are in [0, 1]: divide by 255.")
    if got.min() < -1e-5:
        raise CheckFailed(f"{where} has values down to {got.min():.4g}; interpolation can ring below 0: "
                          "clip to [0, 1].")
    if got.max() < 0.5:
        raise CheckFailed(f"{where} is at most {got.max():.3g}: the digit has all but vanished. Divide by "
                          "255 once, not twice.")
    border = np.concatenate([got[:2].ravel(), got[-2:].ravel(), got[:, :2].ravel(), got[:, -2:].ravel()])
    if border.mean() > 0.2:
        raise CheckFailed(f"{where} has a bright border (mean {border.mean():.2f}): MNIST digits are white "
                          "on a black background, with black margins.")
    h, w = crop.shape
    want = (round(h * 20 / max(h, w)), round(w * 20 / max(h, w)))
    rows, cols = ink_box(got)
    if max(rows, cols) > 24:
        raise CheckFailed(f"{where}: the digit is {rows} × {cols} pixels; it should fit in 20 × 20 inside "
                          "the 28 × 28 image (MNIST leaves a 4-pixel margin).")
    if abs(rows - want[0]) > 2 or abs(cols - want[1]) > 2:
        if abs(rows - want[1]) <= 2 and abs(cols - want[0]) <= 2:
            diagnosis = ("Height and width are swapped: cv2.resize takes the size as (width, height).")
        elif min(rows, cols) >= 18:
            diagnosis = "The digit was stretched to a square: keep the aspect ratio."
        else:
            diagnosis = "Scale the longer side to 20 pixels and the other by the same factor."
        raise CheckFailed(f"{where}: the digit is {rows} × {cols} pixels (rows × columns); a {h} × {w} crop "
                          f"should become about {want[0]} × {want[1]}. {diagnosis}")
    row, col = ndimage.center_of_mass(got)
    if abs(row - 14) > 1 or abs(col - 14) > 1:
        r, c = np.nonzero(got > 0.25)
        box_centre = ((r.min() + r.max() + 1) / 2, (c.min() + c.max() + 1) / 2)
        diagnosis = (" The box is centred, not the mass: MNIST moves the centre of mass to the middle."
                     if abs(box_centre[0] - 14) <= 1 and abs(box_centre[1] - 14) <= 1 else "")
        raise CheckFailed(f"{where}: the centre of mass is at (row {row:.1f}, column {col:.1f}); expected "
                          f"(14, 14).{diagnosis}")




@learner_facing
def to_mnist(to_mnist):
    for crop in digit_crops(1):
        got = call(to_mnist, crop, name="to_mnist")
        expect_mnist(got, crop, f"to_mnist(a {crop.shape[0]} × {crop.shape[1]} crop)")
    passed("to_mnist")


# --- build_model, train_model, the trained model ---------------------------------------
# A model is judged by its description (course.answering.probes.describe_model): plain data, so
# that the grader, which never sees the model, judges it with the same messages.

def _field(description, key, kinds):
    """``description[key]`` if it is one of ``kinds``, else None."""
    value = description.get(key) if isinstance(description, dict) else None
    return value if isinstance(value, kinds) else None


def expect_model(model, where, input_shape=(28, 28, 1), num_classes=10):
    """The architecture's contract: a Keras CNN, its shapes, its budget, a softmax output.

    ``model`` is a description from ``course.answering.probes.describe_model``, with the model's
    outputs on a batch of random images.
    """
    found = _field(model, "kind", str)
    if found == "None":
        raise CheckFailed(f"{where} returned None; did you forget to `return model`?")
    if found != "Model":
        raise CheckFailed(f"{where} returned {found or 'something that is not a model'}; expected a Keras model.")
    shape_in, shape_out = model.get("input_shape"), model.get("output_shape")
    if shape_in != (None, *input_shape):
        raise CheckFailed(f"{where} takes inputs of shape {shape_in}; expected {(None, *input_shape)}: "
                          "start with keras.Input(input_shape).")
    if shape_out != (None, num_classes):
        raise CheckFailed(f"{where} gives outputs of shape {shape_out}; expected {(None, num_classes)}: "
                          "the last layer needs num_classes neurons (after a Flatten).")
    kinds = [k for k in _field(model, "layers", list) or [] if isinstance(k, str)]
    if not any(k.startswith("Conv2D") for k in kinds):
        raise CheckFailed(f"{where} has no Conv2D layer (layers: {', '.join(kinds)}); a CNN starts with convolutions.")
    if not any("Pooling2D" in k for k in kinds):
        raise CheckFailed(f"{where} has no pooling layer (layers: {', '.join(kinds)}); add MaxPooling2D after "
                          "the convolutions.")
    params = _field(model, "params", int)
    if input_shape == (28, 28, 1) and (params is None or params > MAX_PARAMS):  # the budget is for digits
        counted = "an unknown number of" if params is None else f"{params:,}"
        raise CheckFailed(f"{where} has {counted} parameters; the budget is {MAX_PARAMS:,}. The "
                          "Flatten → Dense connection is usually the largest: pool more, or use fewer neurons.")
    if "outputs_error" in model:
        raise CheckFailed(f"{where} raised {describe(model['outputs_error'], 200)} on a batch of images of shape "
                          f"{(None, *input_shape)}.")
    out = as_numbers(model.get("outputs"))
    if out is None or out.ndim != 2 or out.shape[1] != num_classes or not len(out):
        raise CheckFailed(f"{where} gave outputs of shape {np.shape(model.get('outputs'))} for a batch of images; "
                          f"expected one row of {num_classes} probabilities per image.")
    if not np.all(np.isfinite(out)) or np.any(out < -1e-6) or not np.allclose(out.sum(axis=1), 1.0, atol=1e-4):
        raise CheckFailed(f"{where}'s outputs are not probabilities (first row sums to {out[0].sum():.3g}, "
                          f"smallest value {out.min():.3g}): end with Dense(num_classes, activation=\"softmax\"), "
                          "not ReLU or no activation.")


def expect_compiled(model, where):
    """Compiled for integer labels: sparse categorical cross-entropy on probabilities, with accuracy."""
    if not _field(model, "compiled", bool):
        raise CheckFailed(f"{where} returned a model that is not compiled: call model.compile(optimizer=..., "
                          "loss=\"sparse_categorical_crossentropy\", metrics=[\"accuracy\"]).")
    name = _field(model, "loss", str) or ""
    if _field(model, "from_logits", bool):
        raise CheckFailed(f"{where} is compiled with from_logits=True, but its output is already softmax "
                          "probabilities: leave from_logits at False.")
    if "sparse_categorical_crossentropy" not in name:
        hint = (" categorical_crossentropy expects one-hot labels; ours are integers 0-9."
                if "categorical_crossentropy" in name else "")
        raise CheckFailed(f"{where} is compiled with loss {describe(name)}; expected "
                          f"\"sparse_categorical_crossentropy\" (integer labels).{hint}")
    metrics = _field(model, "metrics", str) or ""
    if "acc" not in metrics:
        raise CheckFailed(f"{where} is compiled with metrics {metrics or None}; add "
                          "metrics=[\"accuracy\"] so that fit reports it.")


def random_images(seed, count, shape=(28, 28, 1)):
    """A batch of random images for a model's outputs."""
    return np.random.default_rng(seed).random((count, *shape)).astype(np.float32)


@learner_facing
def build_model(build_model):
    model = call(build_model, name="build_model")
    expect_model(describe_model(model, random_images(0, 4)), "build_model()")
    expect_compiled(describe_model(model), "build_model()")
    other = call(build_model, (32, 32, 1), 5, name="build_model")
    expect_model(describe_model(other, random_images(0, 4, (32, 32, 1))), "build_model((32, 32, 1), 5)",
                 (32, 32, 1), 5)
    passed("build_model")


def mean_loss(probabilities, y):
    """The loss Keras reports for a model's probabilities on labels ``y`` (its sparse categorical
    cross-entropy: Keras', not 03's exercise); NaN if they are not one row per label."""
    p = as_numbers(probabilities)
    y = np.asarray(y, int)
    if p is None or p.ndim != 2 or p.shape[0] != len(y) or p.shape[1] <= y.max(initial=0):
        return float("nan")
    import keras
    return float(keras.ops.mean(keras.losses.sparse_categorical_crossentropy(y, p.astype(np.float32))))


def _expect_run(run, y, epochs, where):
    """One run of train_model: it returned the History of ``epochs`` epochs and lowered the loss. Its weights."""
    returned = _field(run, "returned", dict) or {}
    found = returned.get("kind")
    if found == "Model":
        raise CheckFailed(f"{where} returned the model; return the History that model.fit returns.")
    if found != "History":
        raise CheckFailed(f"{where} returned {found or 'something else'}; return the History that model.fit "
                          "returns.")
    losses = (returned.get("history") or {}).get("loss") if isinstance(returned.get("history"), dict) else None
    trained = len(losses) if isinstance(losses, list) else 0
    if trained != epochs:
        raise CheckFailed(f"{where} trained for {trained} epochs; expected {epochs}: pass epochs=epochs to fit.")
    before, after = mean_loss(run.get("before"), y), mean_loss(run.get("after"), y)
    if not after < before:
        raise CheckFailed(f"{where} did not lower the loss on its training digits ({before:.3f} before, "
                          f"{after:.3f} after).")
    return [as_numbers(w) for w in _field(run, "weights", list) or []]


def expect_training(runs, y, epochs, where):
    """Two runs of train_model from the same tiny CNN (``course.answering.probes.training_run``'s reports):
    each returns the History of ``epochs`` epochs and lowers the loss; both end with the same weights."""
    first, second = (_expect_run(run, y, epochs, where) for run in runs)
    same = len(first) == len(second) and all(
        a is not None and b is not None and a.shape == b.shape and np.allclose(a, b, atol=1e-6)
        for a, b in zip(first, second, strict=False))
    if not same:
        raise CheckFailed(f"{where} trained two identical models with the same seed to different weights: call "
                          "keras.utils.set_random_seed(seed) before fit, so that a run can be repeated.")


def expect_validation(run, y, y_val, epochs, where):
    """A run of train_model with ``validation_data``: its History has ``val_loss`` and ``val_accuracy`` for
    every epoch, and the last ``val_loss`` is the trained model's loss on exactly those validation digits
    (``run["validation"]``: its probabilities on them, reported by ``course.answering.probes.training_run``)."""
    _expect_run(run, y, epochs, where)
    history = (_field(run, "returned", dict) or {}).get("history")
    history = history if isinstance(history, dict) else {}
    missing = [key for key in ("val_loss", "val_accuracy") if not isinstance(history.get(key), list)]
    if missing:
        raise CheckFailed(f"{where} returned a History without {' and '.join(missing)} (it has "
                          f"{', '.join(sorted(map(str, history))) or 'nothing'}): pass validation_data to fit, "
                          "so that Keras measures the validation digits after every epoch.")
    if len(history["val_loss"]) != epochs:
        raise CheckFailed(f"{where} measured the validation digits {len(history['val_loss'])} times in "
                          f"{epochs} epochs; expected once per epoch.")
    reported, measured = history["val_loss"][-1], mean_loss(_field(run, "validation", np.ndarray), y_val)
    if not (isinstance(reported, float) and abs(reported - measured) <= 1e-3 + 1e-3 * abs(measured)):
        shown = f"{reported:.4f}" if isinstance(reported, float) else describe(reported)
        raise CheckFailed(f"{where}: Keras' last validation loss is {shown}, but the loss of the trained "
                          f"model on the {len(y_val)} validation digits it was given is {measured:.4f}. Validate "
                          "on validation_data itself (fit(..., validation_data=...)), not on a validation_split of "
                          "the training digits.")


def training_runs(train_model, x, y, epochs, seed, global_seeds=(100, 101)):
    """Two runs of train_model as ``course.answering.probes.training_run`` reports them: x of shape (m, 28, 28), then
    (m, 28, 28, 1); a failed run fails with its message."""
    runs = []
    for global_seed, shape in zip(global_seeds, ((len(x), 28, 28), (len(x), 28, 28, 1)), strict=False):
        where = f"train_model(model, x of shape {shape}, y, epochs={epochs}, seed={seed})"
        record = respond(functools.partial(training_run, train_model), x.reshape(shape), y, epochs, seed,
                         global_seed, name="train_model")
        runs.append(expect_answered(record, where))
    return runs


def validated_where(epochs, seed, x_val):
    return (f"train_model(model, x, y, epochs={epochs}, seed={seed}, "
            f"validation_data=(x_val of shape {np.shape(x_val)}, y_val))")


def expect_validated(record, where):
    """The record of a validated run, or the learner's message (with a hint where Keras met 3-D digits)."""
    try:
        return expect_answered(record, where)
    except CheckFailed as failure:
        message = str(record.get("message", "")) if isinstance(record, dict) else ""
        hint = ""
        if "validation_data" in message and "argument" in message:
            hint = " Give train_model the parameter validation_data=None and pass it on to fit."
        elif "rank" in message or "shape" in message:
            hint = " Add the channel axis to the validation digits too: the network reads (m, 28, 28, 1)."
        raise CheckFailed(f"{str(failure).rstrip('.')}.{hint}" if hint else str(failure)) from None


@learner_facing
def train_model(train_model):
    x, y = load_digits_28("train")
    x, y = x[::16][:192], y[::16][:192]
    expect_training(training_runs(train_model, x, y, epochs=2, seed=1), y, 2,
                    "train_model(model, x, y, epochs=2, seed=1)")
    x_val, y_val = load_digits_28("test")
    x_val, y_val = x_val[::25], y_val[::25]
    where = validated_where(2, 1, x_val)
    record = respond(functools.partial(training_run, train_model), x, y, 2, 1, 102, (x_val, y_val),
                     name="train_model")
    expect_validation(expect_validated(record, where), y, y_val, 2, where)
    passed("train_model")


def require_trained(model, history=True):
    """The training cell of section 5 has run (it sets model and history)."""
    if model is None or history is None:
        raise NotImplementedError("the trained model is missing (model or history is still None): make "
                                  "build_model and train_model work, then run the training cell of section 5.")


def expect_accurate(model, history, probabilities, y, digits="the 1,000 held-out digits"):
    """The trained model: a CNN within budget that reads the held-out digits at the target accuracy.

    ``model`` and ``history`` are descriptions (``course.answering.probes``), ``probabilities`` the
    model's outputs on the digits labelled ``y``. Returns the accuracy.
    """
    require_trained(None if _field(model, "kind", str) == "None" else model,
                    None if _field(history, "kind", str) == "None" else history)
    expect_model(model, "your model")
    losses = _field(history, "history", dict) or {}
    if _field(history, "kind", str) != "History" or not losses.get("loss"):
        raise CheckFailed(f"history is {_field(history, 'kind', str) or 'something else'}; expected the History "
                          "train_model returns.")
    p = as_numbers(probabilities)
    if p is None or p.ndim != 2 or p.shape != (len(y), 10):
        raise CheckFailed(f"your model gave outputs of shape {np.shape(probabilities)} for {len(y)} digits; "
                          "expected (n, 10).")
    accuracy = float(np.mean(p.argmax(axis=1) == np.asarray(y)))
    if accuracy < TARGET_ACCURACY:
        raise CheckFailed(f"your model reads {accuracy:.1%} of {digits} right; the target is "
                          f"{TARGET_ACCURACY:.0%}. Train on the augmented digits for more epochs (while the "
                          "validation accuracy still climbs), and keep the dropout after Flatten.")
    return accuracy


@learner_facing
def trained_model(model, history):
    require_trained(model, history)
    x, y = load_digits_28("test")
    expect_accurate(describe_model(model, random_images(0, 4)), history_content(history), predict(model, x), y)
    passed("trained model")


# --- read_sheet ----------------------------------------------------------------------------

def expect_digits(got, where):
    """A list of Python or NumPy ints between 0 and 9."""
    if got is None:
        raise CheckFailed(f"{where} returned None; did you forget the `return` statement?")
    if not isinstance(got, list):
        hint = " Convert with .tolist() or [int(d) for d in ...]." if isinstance(got, np.ndarray) else ""
        raise CheckFailed(f"{where} returned {type(got).__name__}; expected a list of ints.{hint}")
    bad = [d for d in got if not isinstance(d, (int, np.integer)) or isinstance(d, (bool, np.bool_))
           or not 0 <= d <= 9]
    if bad:
        raise CheckFailed(f"{where} returned a list holding {describe(bad[0])}; expected digits 0-9 as ints: "
                          "the argmax of each row of the model's probabilities (axis=1).")
    return [int(d) for d in got]


def read(read_sheet, image, model, where):
    """Call read_sheet and check the type of what it returns."""
    got = call(lambda image: read_sheet(image, model), image, name="read_sheet")  # call copies all but the model
    return expect_digits(got, where)


def expect_sheets_read(readings):
    """Fail unless the pipeline read at least TARGET_READING of the digits on the sheets right.

    ``readings`` holds (true labels, digits read) per sheet. Returns the share read right.
    """
    right = total = 0
    rows = []
    for number, (labels, got) in enumerate(readings, 1):
        score = reading_accuracy(labels, got)
        right += score * max(len(labels), len(got))
        total += max(len(labels), len(got))
        rows.append(f"sheet {number}: {len(got)} digits read, {score:.0%} right")
    share = right / total if total else 0.0
    if share < TARGET_READING:
        raise CheckFailed(f"your pipeline read {share:.1%} of the digits on {len(readings)} held-out sheets "
                          f"right; the target is {TARGET_READING:.0%} ({'; '.join(rows)}). A wrong count points at "
                          "preprocess_sheet or find_digit_boxes, right counts with wrong digits at to_mnist or "
                          "the model.")
    return share


def expect_reading_order(read_sheet, image, where):
    """read_sheet's own mechanics: one batch of 28 × 28 images, one digit per image, argmax, order, ints."""
    counter = CountingModel()
    got = read(read_sheet, image, counter, where)
    shown = sum(shape[0] for shape in counter.shapes)
    odd = [shape for shape in counter.shapes if tuple(shape[1:3]) != (28, 28) or len(shape) not in (3, 4)]
    if odd:
        raise CheckFailed(f"{where} gave the model a batch of shape {odd[0]}; it reads batches of 28 × 28 images, "
                          "shape (n, 28, 28, 1): stack the to_mnist images of all boxes.")
    expected = [k % 10 for k in range(shown)]
    if len(got) != shown:
        raise CheckFailed(f"{where} returned {len(got)} digits after showing the model {shown} images: one "
                          "digit per box, the argmax of each row of the probabilities (axis=1).")
    if got != expected:
        first = next(i for i, (a, b) in enumerate(zip(got, expected, strict=False)) if a != b)
        hint = (" That is the order of the boxes backwards." if got == expected[::-1] else
                " Take the argmax of each row (axis=1) and keep the order of the boxes.")
        raise CheckFailed(f"{where}: a model that answers 0, 1, 2, ... for the images in the order it sees them "
                          f"makes digit {first} a {expected[first]}, but read_sheet returned {got[first]}.{hint}")


def expect_composition(read_sheet, binary, boxes, where):
    """read_sheet with stand-ins for its three steps: a known binary image and boxes, a recording to_mnist."""
    crops = []

    def to_mnist(crop):
        crops.append(np.shape(crop))
        return np.zeros((28, 28), np.float32)

    steps = {"preprocess_sheet": lambda image: binary.copy(), "to_mnist": to_mnist,
             "find_digit_boxes": lambda image: list(boxes)}
    with replaced(read_sheet, steps):
        try:
            expect_reading_order(read_sheet, cv2.cvtColor(binary, cv2.COLOR_GRAY2BGR), where)
        except CheckFailed as failure:
            hint = " With no boxes there is nothing to stack: return [] first." if not boxes else ""
            raise CheckFailed(f"{failure}{hint}") from None
    expected = [(h, w) for _, _, w, h in boxes]
    if crops and crops != expected:
        first = next((i for i, (a, b) in enumerate(zip(crops, expected, strict=False)) if a != b),
                     min(len(crops), len(expected)))
        raise CheckFailed(f"{where} cut crops of shape {crops[first] if first < len(crops) else 'none'} for the box "
                          f"{tuple(boxes[first])}; expected {expected[first]}: cut binary[y:y + h, x:x + w] "
                          "(rows are y, columns x) from the binary image, one crop per box.")


@learner_facing
def read_sheet(read_sheet, model):
    binary, boxes = binary_sheet(5)
    expect_composition(read_sheet, binary, boxes, "read_sheet(photo of a sheet, model)")
    expect_composition(read_sheet, np.zeros_like(binary), [], "read_sheet(a sheet without digits, model)")
    passed("read_sheet")


@learner_facing
def whole_pipeline(read_sheet, model):
    require_trained(model)
    readings = []
    for seed in range(40, 45):
        sheet = digit_sheet(seed)
        got = read(read_sheet, sheet.image, model, f"read_sheet(digit_sheet({seed}).image, model)")
        readings.append((sheet.labels, got))
    expect_sheets_read(readings)
    passed("whole_pipeline")


# --- faces ---------------------------------------------------------------------------------

def expect_faces(got, where, face=None):
    """The boxes found in a photo: boxes, one of them the face (if there is one), none otherwise."""
    boxes = expect_box_list(got, where)
    if face is None:
        if len(boxes):
            raise CheckFailed(f"{where} found {len(boxes)} faces, e.g. {tuple(boxes.tolist()[0])}, in a photo without "
                              "any: raise minNeighbors (5 is a good start).")
        return boxes
    if not len(boxes):
        raise CheckFailed(f"{where} found no face; expected one at about {face}. Is the cascade loaded? "
                          "cv2.CascadeClassifier(path).empty() is True when the path is wrong.")
    if max(iou(box, face) for box in boxes.tolist()) < 0.5:
        corners = [(x1, y1, x2 - x1, y2 - y1) for x1, y1, x2, y2 in boxes.tolist()]
        if max(iou(box, face) for box in corners) >= 0.5:
            hint = "These look like corners (x1, y1, x2, y2); return (x, y, w, h) as detectMultiScale gives them."
        elif all(box[2] * box[3] < 0.3 * face[2] * face[3] for box in boxes.tolist()):
            hint = ("They are much smaller than a face (eyes?): use "
                    "cv2.data.haarcascades + \"haarcascade_frontalface_default.xml\".")
        else:
            hint = "Check the cascade file and the detectMultiScale parameters."
        raise CheckFailed(f"{where} returned {len(boxes)} boxes, e.g. {tuple(boxes.tolist()[0])}, but none of them "
                          f"is the face at about {face}. {hint}")
    return boxes


@learner_facing
def detect_faces(detect_faces):
    expect_faces(call(detect_faces, astronaut(), name="detect_faces"), "detect_faces(astronaut())",
                 FACES["astronaut"])
    expect_faces(call(detect_faces, china(), name="detect_faces"), "detect_faces(china())")
    passed("detect_faces")


def expect_face_input(got, size, where, spread=True):
    """The emotion network's input: (size, size, 1) floats in [0, 1], with an equalized histogram
    (its spread is tested when ``spread``: a face the size of the box spreads, any patch need not)."""
    if got is None:
        raise CheckFailed(f"{where} returned None; did you forget the `return` statement?")
    if not isinstance(got, np.ndarray):
        raise CheckFailed(f"{where} returned {type(got).__name__}; expected a NumPy array.")
    if got.shape != (size, size, 1):
        hint = {(size, size): " Add the channel axis: [..., np.newaxis].",
                (size, size, 3): " Convert to gray: one channel."}.get(got.shape, "")
        raise CheckFailed(f"{where} returned shape {got.shape}; expected {(size, size, 1)}.{hint}")
    if not np.issubdtype(got.dtype, np.floating):
        raise CheckFailed(f"{where} returned dtype {got.dtype}; expected floats in [0, 1]: divide by 255.")
    if got.max() > 1.0 + 1e-6 or got.min() < -1e-6:
        raise CheckFailed(f"{where} has values in [{got.min():.3g}, {got.max():.3g}]; expected [0, 1]: divide by 255.")
    if spread and got.std() < 0.24:
        raise CheckFailed(f"{where} has a spread of {got.std():.2f} around its mean; an equalized face spreads "
                          "over the whole range (about 0.29, a flat histogram): cv2.equalizeHist the gray crop.")


@learner_facing
def face_to_input(face_to_input):
    image, box = astronaut(), FACES["astronaut"]
    got = call(face_to_input, image, box, name="face_to_input")
    expect_face_input(got, 48, "face_to_input(astronaut(), (177, 66, 95, 95))")
    gray = cv2.cvtColor(image[66:161, 177:272], cv2.COLOR_BGR2GRAY)
    small = cv2.resize(gray, (48, 48), interpolation=cv2.INTER_AREA).astype(float)
    if np.corrcoef(small.ravel(), got.ravel())[0, 1] < 0.8:
        raise CheckFailed("face_to_input(astronaut(), (177, 66, 95, 95)) does not look like the face in that box: "
                          "crop image[y:y + h, x:x + w] (rows are y, columns x).")
    got = call(face_to_input, image, box, 32, name="face_to_input")
    expect_face_input(got, 32, "face_to_input(astronaut(), (177, 66, 95, 95), size=32)")
    passed("face_to_input")
