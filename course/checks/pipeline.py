"""Public checks for 06-pipeline: sheets, boxes, MNIST inputs, the CNN, and faces.

Each check measures what a step must achieve (digits found, reading order, a
20 × 20 digit centred by its mass, a softmax CNN within budget, a repeatable
training run, faces found) and says which of the classic mistakes it sees.
"""
from __future__ import annotations

import contextlib
import io

import cv2
import numpy as np
from scipy import ndimage

from course.checking import CheckFailed, NotImplementedError, call, describe, learner_facing, passed
from course.digits import digit_sheet, iou, load_digits_28, match_boxes, reading_accuracy
from course.photos import astronaut, china

MIN_FOUND, MAX_EXTRA = 0.95, 1.5     # preprocess_sheet: digits found, extra blobs per sheet
MIN_HEIGHT = 12                      # a blob shorter than this is a speck
MAX_PARAMS, TARGET_ACCURACY, TARGET_READING = 200_000, 0.97, 0.95
FACES = {"astronaut": (177, 66, 95, 95), "grace_hopper": (155, 105, 222, 222)}  # where the faces are


@contextlib.contextmanager
def quiet():
    """Keep Keras' progress bars out of a check's output."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


# --- preprocess_sheet ------------------------------------------------------------------

def blobs(binary, min_height=MIN_HEIGHT):
    """Boxes (x, y, w, h) of the white blobs at least ``min_height`` tall, in no particular order."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(np.asarray(binary, np.uint8), connectivity=8)
    return [tuple(int(v) for v in stats[i, :4]) for i in range(1, count) if stats[i, 3] >= min_height]


def binary_problems(got, image, where):
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
    if white > 0.5:
        raise CheckFailed(f"{where} is {white:.0%} white: the paper came out as the foreground. Use "
                          "cv2.THRESH_BINARY_INV, so that dark ink becomes white (255) and paper black (0).")


def sheet_found(preprocess_sheet, sheets):
    """Run preprocess_sheet on {name: Sheet} and fail unless it finds their digits as separate blobs."""
    found = total = extra = 0
    notes = []
    for name, sheet in sheets.items():
        binary = call(preprocess_sheet, sheet.image, name="preprocess_sheet")
        binary_problems(binary, sheet.image, f"preprocess_sheet({name}.image)")
        boxes = blobs(binary)
        matched = match_boxes(boxes, sheet.boxes)
        found += sum(m is not None for m in matched)
        total += len(sheet.boxes)
        extra += len(boxes) - len({m for m in matched if m is not None})
        notes.append(_why_missing(binary, sheet, matched, name))
    if found < MIN_FOUND * total:
        note = next((n for n in notes if n), "")
        raise CheckFailed(f"preprocess_sheet found {found} of the {total} digits on {', '.join(sheets)} as "
                          f"separate white blobs; at least {MIN_FOUND:.0%} should be. {note}")
    if extra > MAX_EXTRA * len(sheets):
        raise CheckFailed(f"preprocess_sheet left {extra} white blobs of digit size that are not digits on "
                          f"{len(sheets)} sheets: noise or shadow edges survive. Blur before thresholding, open "
                          "(erode, then dilate) after it, or raise the threshold's offset C.")


def sheets(seeds, **layout):
    """{"digit_sheet(seed)": Sheet} for the seeds."""
    return {f"digit_sheet({seed})": digit_sheet(seed, **layout) for seed in seeds}


def _why_missing(binary, sheet, matched, name):
    """A diagnosis for the digits a binary image lost."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    largest = stats[1:, cv2.CC_STAT_AREA].max(initial=0) / binary.size
    if largest > 0.03:
        return (f"On {name} one white region covers {largest:.0%} of the photo: the shadow or a dim "
                "corner crossed the threshold. A single threshold cannot follow uneven light: use "
                "cv2.adaptiveThreshold (or even out the light first).")
    for box, m in zip(sheet.boxes, matched):
        if m is None:
            x, y, w, h = box
            pieces = len(set(np.unique(labels[y:y + h, x:x + w]).tolist()) - {0})
            state = f"in {pieces} pieces" if pieces > 1 else "missing"
            return (f"On {name} the digit at {box} is {state}: where the light is dim its strokes are "
                    "barely darker than the paper. Raise the contrast first (CLAHE) or lower the offset C.")
    return ""


@learner_facing
def preprocess_sheet(preprocess_sheet):
    sheet_found(preprocess_sheet, sheets((1, 2)))
    passed("preprocess_sheet")


# --- find_digit_boxes ------------------------------------------------------------------

def binary_sheet(seed, rows=3, cols=5, specks=15):
    """A clean binary sheet: test digits on tilted rows, specks, and the true boxes in reading order."""
    rng = np.random.default_rng(seed)
    images, _ = load_digits_28("test")
    height, width = 110 * max(rows, 1) + 40, 105 * max(cols, 1) + 40
    binary = np.zeros((height, width), np.uint8)
    slope = np.tan(np.deg2rad(rng.uniform(-3, 3)))
    boxes = []
    for r in range(rows):
        for c in range(cols):
            size = int(rng.integers(36, 64))
            digit = cv2.resize(images[rng.integers(len(images))], (size, size)) > 0.5
            _, labels, stats, _ = cv2.connectedComponentsWithStats(digit.astype(np.uint8))
            digit = labels == 1 + np.argmax(stats[1:, cv2.CC_STAT_AREA])  # the digit in one piece
            cx = 70 + c * 105 + int(rng.integers(-8, 9))
            cy = 75 + r * 110 + slope * (cx - width / 2) + int(rng.integers(-6, 7))
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


def as_boxes(got, where):
    """A learner's boxes as an int array (n, 4), or a message saying why they are not boxes."""
    if got is None:
        raise CheckFailed(f"{where} returned None; did you forget the `return` statement?")
    if not isinstance(got, (list, tuple, np.ndarray)):
        raise CheckFailed(f"{where} returned {type(got).__name__}; expected a list of (x, y, w, h) tuples.")
    array = np.asarray(got)
    if array.size == 0:
        return np.zeros((0, 4), int)
    if array.ndim == 1 and array.shape[0] == 4 and np.issubdtype(array.dtype, np.number):
        raise CheckFailed(f"{where} returned one box {describe(got)}; expected a list of boxes, even for one.")
    if array.ndim != 2 or array.shape[1] != 4 or not np.issubdtype(array.dtype, np.number):
        raise CheckFailed(f"{where} returned {describe(got)}; expected a list of (x, y, w, h) tuples of 4 ints.")
    return array.astype(int)


def boxes_problems(got, truth, binary, where):
    """Compare boxes with the truth: count, then each box, then the order, with a diagnosis."""
    truth = np.asarray(truth, int).reshape(-1, 4)
    corners = truth.copy()
    corners[:, 2:] += truth[:, :2]
    if len(got) == len(truth) and len(got) and np.abs(np.sort(got, 0) - np.sort(corners, 0)).max() <= 1:
        raise CheckFailed(f"{where} returned boxes like {tuple(got[0])}: corners (x1, y1, x2, y2). A box is "
                          "(x, y, w, h): width and height, as cv2.boundingRect gives them.")
    matched = match_boxes(got.tolist(), truth.tolist(), min_iou=0.7)
    missing = [tuple(b) for b, m in zip(truth.tolist(), matched) if m is None]
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
        raise CheckFailed(f"{where} returned the right boxes in the wrong order: " + _order_diagnosis(got, truth, binary))


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
    first = next(i for i, (a, b) in enumerate(zip(got_list, truth.tolist())) if iou(a, b) < 0.7)
    return (f"box {first} is {got_list[first]}, but digit {first} in reading order (rows top to bottom, each "
            f"row left to right) is at {tuple(truth[first])}.")


def boxes_match(find_digit_boxes, binary, truth, where):
    """Call find_digit_boxes on a binary image and compare with the true boxes."""
    got = as_boxes(call(find_digit_boxes, binary, name="find_digit_boxes"), where)
    boxes_problems(got, truth, binary, where)


@learner_facing
def find_digit_boxes(find_digit_boxes):
    for seed in (1, 2):
        binary, truth = binary_sheet(seed)
        boxes_match(find_digit_boxes, binary, truth, f"find_digit_boxes(binary sheet {seed})")
    passed("find_digit_boxes")


# --- to_mnist ------------------------------------------------------------------------------

def ink_box(image, level=0.25):
    """(rows, cols) of the bounding box of the pixels brighter than ``level``."""
    rows, cols = np.nonzero(np.asarray(image) > level)
    return (int(np.ptp(rows)) + 1, int(np.ptp(cols)) + 1) if rows.size else (0, 0)


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


def mnist_problems(got, crop, where):
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
        mnist_problems(got, crop, f"to_mnist(a {crop.shape[0]} × {crop.shape[1]} crop)")
    passed("to_mnist")


# --- build_model, train_model, the trained model ---------------------------------------

def _keras():
    import keras  # imported on first use: course.checks must stay light for the other checks
    return keras


def _all_layers(model):
    """Every layer, including those of nested models."""
    for layer in model.layers:
        yield layer
        if hasattr(layer, "layers"):
            yield from _all_layers(layer)


def model_problems(model, where, input_shape=(28, 28, 1), num_classes=10):
    """The architecture's contract: a Keras CNN, its shapes, its budget, a softmax output."""
    keras = _keras()
    if model is None:
        raise CheckFailed(f"{where} returned None; did you forget to `return model`?")
    if not isinstance(model, keras.Model):
        raise CheckFailed(f"{where} returned {type(model).__name__}; expected a Keras model.")
    if tuple(model.input_shape) != (None, *input_shape):
        raise CheckFailed(f"{where} takes inputs of shape {model.input_shape}; expected {(None, *input_shape)}: "
                          "start with keras.Input(input_shape).")
    if tuple(model.output_shape) != (None, num_classes):
        raise CheckFailed(f"{where} gives outputs of shape {model.output_shape}; expected {(None, num_classes)}: "
                          "the last layer needs num_classes neurons (after a Flatten).")
    kinds = [type(layer).__name__ for layer in _all_layers(model)]
    if not any(k.startswith("Conv2D") for k in kinds):
        raise CheckFailed(f"{where} has no Conv2D layer (layers: {', '.join(kinds)}); a CNN starts with convolutions.")
    if not any("Pooling2D" in k for k in kinds):
        raise CheckFailed(f"{where} has no pooling layer (layers: {', '.join(kinds)}); add MaxPooling2D after "
                          "the convolutions.")
    if input_shape == (28, 28, 1) and model.count_params() > MAX_PARAMS:  # the budget is for digits
        raise CheckFailed(f"{where} has {model.count_params():,} parameters; the budget is {MAX_PARAMS:,}. The "
                          "Flatten → Dense connection is usually the largest: pool more, or use fewer neurons.")
    batch = np.random.default_rng(0).random((4, *input_shape)).astype(np.float32)
    out = np.asarray(model(batch, training=False))
    if np.any(out < -1e-6) or not np.allclose(out.sum(axis=1), 1.0, atol=1e-4):
        raise CheckFailed(f"{where}'s outputs are not probabilities (first row sums to {out[0].sum():.3g}, "
                          f"smallest value {out.min():.3g}): end with Dense(num_classes, activation=\"softmax\"), "
                          "not ReLU or no activation.")


def _loss_name(loss):
    """A loss's name in a compile config: a string, a function's name, or a loss object's name."""
    if isinstance(loss, dict):
        config = loss.get("config")
        return config if isinstance(config, str) else (config or {}).get("name", loss.get("class_name", ""))
    return str(loss)


def compile_problems(model, where):
    """Compiled for integer labels: sparse categorical cross-entropy on probabilities, with accuracy."""
    config = model.get_compile_config() if getattr(model, "compiled", False) else {}
    if not config:
        raise CheckFailed(f"{where} returned a model that is not compiled: call model.compile(optimizer=..., "
                          "loss=\"sparse_categorical_crossentropy\", metrics=[\"accuracy\"]).")
    loss = config.get("loss")
    name = _loss_name(loss)
    if isinstance(loss, dict) and isinstance(loss.get("config"), dict) and loss["config"].get("from_logits"):
        raise CheckFailed(f"{where} is compiled with from_logits=True, but its output is already softmax "
                          "probabilities: leave from_logits at False.")
    if "sparse_categorical_crossentropy" not in name:
        hint = (" categorical_crossentropy expects one-hot labels; ours are integers 0-9."
                if "categorical_crossentropy" in name else "")
        raise CheckFailed(f"{where} is compiled with loss {describe(name)}; expected "
                          f"\"sparse_categorical_crossentropy\" (integer labels).{hint}")
    metrics = str(config.get("metrics"))
    if "acc" not in metrics:
        raise CheckFailed(f"{where} is compiled with metrics {describe(config.get('metrics'))}; add "
                          "metrics=[\"accuracy\"] so that fit reports it.")


@learner_facing
def build_model(build_model):
    model = call(build_model, name="build_model")
    model_problems(model, "build_model()")
    compile_problems(model, "build_model()")
    other = call(build_model, (32, 32, 1), 5, name="build_model")
    model_problems(other, "build_model((32, 32, 1), 5)", (32, 32, 1), 5)
    passed("build_model")


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


def mean_loss(model, x, y):
    """Cross-entropy of the model's probabilities on (x, y)."""
    p = np.asarray(model(x.reshape(-1, 28, 28, 1), training=False))
    return float(-np.mean(np.log(np.clip(p[np.arange(len(y)), y], 1e-7, 1.0))))


def training_problems(train_model, x, y, epochs, seed):
    """Train two copies of a small CNN, once on (m, 28, 28), once on (m, 28, 28, 1) inputs; compare."""
    keras = _keras()
    where = f"train_model(model, x, y, epochs={epochs}, seed={seed})"
    runs = []
    for run, shape in enumerate(((len(x), 28, 28), (len(x), 28, 28, 1))):
        model = small_cnn(seed=7)
        keras.utils.set_random_seed(100 + run)  # only a train_model that seeds itself repeats the run
        before = mean_loss(model, x, y)
        try:
            with quiet():
                history = call(lambda x, y, epochs, seed: train_model(model, x, y, epochs, seed),  # noqa: B023
                               x.reshape(shape), y, epochs, seed, name="train_model")  # call copies all but the model
        except CheckFailed as failure:
            raise CheckFailed(f"{failure} (x of shape {shape})") from None
        if isinstance(history, keras.Model):
            raise CheckFailed(f"{where} returned the model; return the History that model.fit returns.")
        if not isinstance(history, keras.callbacks.History):
            raise CheckFailed(f"{where} returned {type(history).__name__}; return the History that model.fit returns.")
        if len(history.history.get("loss", [])) != epochs:
            raise CheckFailed(f"{where} trained for {len(history.history.get('loss', []))} epochs; expected "
                              f"{epochs}: pass epochs=epochs to fit.")
        after = mean_loss(model, x, y)
        if not after < before:
            raise CheckFailed(f"{where} did not lower the loss on its training digits ({before:.3f} before, "
                              f"{after:.3f} after).")
        runs.append(model.get_weights())
    if not all(np.allclose(a, b, atol=1e-6) for a, b in zip(*runs)):
        raise CheckFailed(f"{where} trained two identical models with the same seed to different weights: call "
                          "keras.utils.set_random_seed(seed) before fit, so that a run can be repeated.")


@learner_facing
def train_model(train_model):
    x, y = load_digits_28("train")
    training_problems(train_model, x[::16][:192], y[::16][:192], epochs=2, seed=1)
    passed("train_model")


def require_trained(model, history=True):
    """The training cell of section 5 has run (it sets model and history)."""
    if model is None or history is None:
        raise NotImplementedError("the trained model is missing (model or history is still None): make "
                                  "build_model and train_model work, then run the training cell of section 5.")


def accuracy_problems(model, history):
    """The trained model: a CNN within budget that reads the held-out digits at the target accuracy."""
    require_trained(model, history)
    keras = _keras()
    model_problems(model, "your model")
    if not isinstance(history, keras.callbacks.History) or not history.history.get("loss"):
        raise CheckFailed(f"history is {type(history).__name__}; expected the History train_model returns.")
    x, y = load_digits_28("test")
    accuracy = float(np.mean(np.asarray(model(x[..., None], training=False)).argmax(axis=1) == y))
    if accuracy < TARGET_ACCURACY:
        raise CheckFailed(f"your model reads {accuracy:.1%} of the 1,000 held-out digits right; the target is "
                          f"{TARGET_ACCURACY:.0%}. Train on the augmented digits for more epochs, or give the CNN "
                          "a hidden Dense layer with dropout.")


@learner_facing
def trained_model(model, history):
    accuracy_problems(model, history)
    passed("trained model")


# --- read_sheet ----------------------------------------------------------------------------

def reading_problems(got, where):
    """A list of Python or NumPy ints between 0 and 9."""
    if got is None:
        raise CheckFailed(f"{where} returned None; did you forget the `return` statement?")
    if not isinstance(got, list):
        hint = " Convert with .tolist() or [int(d) for d in ...]." if isinstance(got, np.ndarray) else ""
        raise CheckFailed(f"{where} returned {type(got).__name__}; expected a list of ints.{hint}")
    bad = [d for d in got if not isinstance(d, (int, np.integer)) or isinstance(d, bool) or not 0 <= d <= 9]
    if bad:
        raise CheckFailed(f"{where} returned a list holding {describe(bad[0])}; expected digits 0-9 as ints: "
                          "the argmax of each row of the model's probabilities (axis=1).")


def read(read_sheet, image, model, where):
    """Call read_sheet and check the type of what it returns."""
    got = call(lambda image: read_sheet(image, model), image, name="read_sheet")  # call copies all but the model
    reading_problems(got, where)
    return got


def sheets_read(read_sheet, model, seeds):
    """Fail unless read_sheet reads at least TARGET_READING of the digits on the sheets right."""
    require_trained(model)
    right = total = 0
    rows = []
    for seed in seeds:
        sheet = digit_sheet(seed)
        got = read(read_sheet, sheet.image, model, f"read_sheet(digit_sheet({seed}).image, model)")
        score = reading_accuracy(sheet.labels, got)
        right += score * max(len(sheet.labels), len(got))
        total += max(len(sheet.labels), len(got))
        rows.append(f"sheet {seed}: {len(got)} digits read, {score:.0%} right")
    if right < TARGET_READING * total:
        raise CheckFailed(f"your pipeline read {right / total:.1%} of the digits on {len(seeds)} held-out sheets "
                          f"right; the target is {TARGET_READING:.0%} ({'; '.join(rows)}). A wrong count points at "
                          "preprocess_sheet or find_digit_boxes, right counts with wrong digits at to_mnist or "
                          "the model.")


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


def reading_order_problems(read_sheet, image, where):
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
        first = next(i for i, (a, b) in enumerate(zip(got, expected)) if a != b)
        hint = (" That is the order of the boxes backwards." if got == expected[::-1] else
                " Take the argmax of each row (axis=1) and keep the order of the boxes.")
        raise CheckFailed(f"{where}: a model that answers 0, 1, 2, ... for the images in the order it sees them "
                          f"makes digit {first} a {expected[first]}, but read_sheet returned {got[first]}.{hint}")


@contextlib.contextmanager
def replaced(fn, **steps):
    """Run ``fn`` with some of the names it looks up (its helper functions) replaced, restored afterwards."""
    namespace = getattr(fn, "__globals__", {})
    saved = {name: namespace[name] for name in steps if name in namespace}
    namespace.update(steps)
    try:
        yield
    finally:
        for name in steps:
            namespace.pop(name, None)
        namespace.update(saved)


def composition_problems(read_sheet, binary, boxes, where):
    """read_sheet with stand-ins for its three steps: a known binary image and boxes, a recording to_mnist."""
    crops = []

    def to_mnist(crop):
        crops.append(np.shape(crop))
        return np.zeros((28, 28), np.float32)

    with replaced(read_sheet, preprocess_sheet=lambda image: binary.copy(), to_mnist=to_mnist,
                  find_digit_boxes=lambda image: list(boxes)):
        try:
            reading_order_problems(read_sheet, cv2.cvtColor(binary, cv2.COLOR_GRAY2BGR), where)
        except CheckFailed as failure:
            hint = " With no boxes there is nothing to stack: return [] first." if not boxes else ""
            raise CheckFailed(f"{failure}{hint}") from None
    expected = [(h, w) for _, _, w, h in boxes]
    if crops and crops != expected:
        first = next((i for i, (a, b) in enumerate(zip(crops, expected)) if a != b), min(len(crops), len(expected)))
        raise CheckFailed(f"{where} cut crops of shape {crops[first] if first < len(crops) else 'none'} for the box "
                          f"{tuple(boxes[first])}; expected {expected[first]}: cut binary[y:y + h, x:x + w] "
                          "(rows are y, columns x) from the binary image, one crop per box.")


@learner_facing
def read_sheet(read_sheet, model):
    binary, boxes = binary_sheet(5)
    composition_problems(read_sheet, binary, boxes, "read_sheet(photo of a sheet, model)")
    composition_problems(read_sheet, np.zeros_like(binary), [], "read_sheet(a sheet without digits, model)")
    passed("read_sheet")


@learner_facing
def reads_sheets(read_sheet, model):
    sheets_read(read_sheet, model, range(40, 45))
    passed("reads_sheets")


# --- faces ---------------------------------------------------------------------------------

def faces_problems(detect_faces, image, where, face=None):
    """The boxes found in a photo: boxes, one of them the face (if there is one), none otherwise."""
    boxes = as_boxes(call(detect_faces, image, name="detect_faces"), where)
    if face is None:
        if len(boxes):
            raise CheckFailed(f"{where} found {len(boxes)} faces, e.g. {tuple(boxes[0])}, in a photo without "
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
        raise CheckFailed(f"{where} returned {len(boxes)} boxes, e.g. {tuple(boxes[0])}, but none of them is the "
                          f"face at about {face}. {hint}")
    return boxes


@learner_facing
def detect_faces(detect_faces):
    faces_problems(detect_faces, astronaut(), "detect_faces(astronaut())", FACES["astronaut"])
    faces_problems(detect_faces, china(), "detect_faces(china())")
    passed("detect_faces")


def face_input_problems(got, size, where):
    """The emotion network's input: (size, size, 1) floats in [0, 1], with an equalized histogram."""
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
    if got.std() < 0.24:
        raise CheckFailed(f"{where} has a spread of {got.std():.2f} around its mean; an equalized face spreads "
                          "over the whole range (about 0.29, a flat histogram): cv2.equalizeHist the gray crop.")


def face_to_input_mistakes(image, box, size=48):
    """What the classic mistakes return, keyed by their diagnosis."""
    x, y, w, h = (int(v) for v in box)
    crop = image[y:y + h, x:x + w]
    gray = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)

    def shrink(face, interpolation=cv2.INTER_AREA):
        return cv2.resize(face, (size, size), interpolation=interpolation)[..., None] / 255.0

    return {
        "The face was not equalized: cv2.equalizeHist the gray crop.": shrink(gray),
        "Resized with the default INTER_LINEAR: shrink with interpolation=cv2.INTER_AREA.":
            shrink(cv2.equalizeHist(gray), cv2.INTER_LINEAR),
        "Converted as if the image were RGB: OpenCV images are BGR (cv2.COLOR_BGR2GRAY).":
            shrink(cv2.equalizeHist(cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY))),
        "Equalized after resizing: equalize the crop first, then resize.":
            cv2.equalizeHist(cv2.resize(gray, (size, size), interpolation=cv2.INTER_AREA))[..., None] / 255.0,
    }


@learner_facing
def face_to_input(face_to_input):
    image, box = astronaut(), FACES["astronaut"]
    got = call(face_to_input, image, box, name="face_to_input")
    face_input_problems(got, 48, "face_to_input(astronaut(), (177, 66, 95, 95))")
    gray = cv2.cvtColor(image[66:161, 177:272], cv2.COLOR_BGR2GRAY)
    small = cv2.resize(gray, (48, 48), interpolation=cv2.INTER_AREA).astype(float)
    if np.corrcoef(small.ravel(), got.ravel())[0, 1] < 0.8:
        raise CheckFailed("face_to_input(astronaut(), (177, 66, 95, 95)) does not look like the face in that box: "
                          "crop image[y:y + h, x:x + w] (rows are y, columns x).")
    got = call(face_to_input, image, box, 32, name="face_to_input")
    face_input_problems(got, 32, "face_to_input(astronaut(), (177, 66, 95, 95), size=32)")
    passed("face_to_input")
